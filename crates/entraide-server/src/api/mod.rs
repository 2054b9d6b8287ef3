//! The JSON API under /api/v1: the public contract that clients and tests rely on, described
//! by `openapi.json` (served at /api/v1/openapi.json).

mod accounts;
mod crises;
mod events;
pub mod missing;
mod safety;
pub(crate) mod shelter;
pub(crate) mod trends;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::FromRequest;
use axum::extract::rejection::JsonRejection;
use axum::routing::{delete, get, post, put};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", post(accounts::sign_up))
        .route("/sessions", post(accounts::log_in))
        .route("/sessions/current", delete(accounts::log_out))
        .route("/me", get(accounts::me))
        .route("/me/location", put(accounts::set_location))
        .route("/me/home", put(accounts::set_home))
        .route(
            "/me/email",
            get(accounts::my_email).put(accounts::set_my_email),
        )
        .route("/me/prompts", get(safety::prompts))
        .route("/me/inbox", get(accounts::inbox))
        .route(
            "/contacts",
            get(accounts::contacts).post(accounts::request_contact),
        )
        .route("/contacts/{handle}", delete(accounts::remove_contact))
        .route("/contacts/{handle}/accept", post(accounts::accept_contact))
        .route("/crises", get(crises::list).post(crises::create))
        .route("/crises/{id}", get(crises::get))
        .route("/crises/{id}/activate", post(crises::activate))
        .route("/crises/{id}/close", post(crises::close))
        .route("/crises/{id}/retract", post(crises::retract))
        .route("/crises/{id}/safety", post(safety::answer))
        .route("/crises/{id}/safety/confirm", post(safety::confirm))
        .route("/crises/{id}/safety/reject", post(safety::reject))
        .route("/crises/{id}/safety/{handle}", post(safety::on_behalf))
        .route("/crises/{id}/ask/{handle}", post(safety::ask))
        .route("/crises/{id}/contacts", get(safety::contact_statuses))
        .route("/crises/{id}/stats", get(safety::stats))
        .route("/crises/{id}/need-help", get(safety::need_help))
        .route("/events", get(events::stream))
        .route("/posts", post(trends::ingest))
        .route("/trends", get(trends::list))
        .route("/trends/{tag}/series", get(trends::series))
        .merge(missing_router())
        .route("/openapi.json", get(openapi))
        .merge(shelter::router())
}

/// The missing-persons registry (issue 4).
fn missing_router() -> Router<AppState> {
    Router::new()
        .route("/missing", post(missing::create))
        .route("/pfif", post(missing::import_pfif))
        .route("/missing/search", get(missing::search))
        .route("/missing/{id}", get(missing::get))
        .route("/missing/{id}/notes", post(missing::add_note))
        .route(
            "/missing/{id}/verification",
            post(missing::verify).delete(missing::unverify),
        )
        .route("/missing/{id}/links", post(missing::link))
        .route(
            "/missing/{id}/subscription",
            post(missing::subscribe).delete(missing::unsubscribe),
        )
        .route("/missing/{id}/deletion", post(missing::request_deletion))
        .route("/missing/{id}/claim", post(missing::claim))
        .route("/missing/{id}/witness-call", post(missing::call_witnesses))
        .route("/missing/{id}/person", post(missing::link_person))
        // The photo handler reads the body itself, to refuse one over 5 MB with a 422.
        .route(
            "/missing/{id}/photo",
            post(missing::set_photo).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/missing/notes/{note}/flag", post(missing::flag_note))
        .route("/missing/notes/{note}/hide", post(missing::hide_note))
        .route("/missing/notes/{note}/unhide", post(missing::unhide_note))
}

/// The OpenAPI 3 document, written by hand next to the code and checked against the router
/// by a test, so it can't drift silently.
pub const OPENAPI: &str = include_str!("../../openapi.json");

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

/// A JSON body whose errors are answered in the API's error format, saying what was wrong.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    AppState: axum::extract::FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(AppError::Invalid(
                entraide_core::Invalid::new(
                    "body",
                    std::error::Error::source(&e)
                        .map_or_else(|| e.body_text(), ToString::to_string),
                )
                .into(),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::BadRequest(
                "send the body as JSON, with Content-Type: application/json".into(),
            )),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge(
                    <AppState as axum::extract::FromRef<S>>::from_ref(state)
                        .config
                        .max_body_bytes,
                ))
            }
            Err(JsonRejection::BytesRejection(_)) => {
                Err(AppError::BadRequest("the body could not be read".into()))
            }
            Err(e) => Err(AppError::BadRequest(format!(
                "the body is not valid JSON: {}",
                e.body_text()
            ))),
        }
    }
}

/// Parses an id from the path; a malformed one names nothing, so it is "not found".
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, AppError> {
    raw.parse()
        .map_err(|_| AppError::not_found(what.to_string()))
}
