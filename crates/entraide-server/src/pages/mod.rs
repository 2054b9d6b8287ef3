//! The web pages: server-rendered HTML that works without JavaScript, in French and English.
//!
//! Every action is a plain form: a POST answers with a 303 back to a page and a one-shot
//! flash message, or re-renders the form with the errors beside the fields. Forms of a
//! signed-in person carry the session's CSRF token, checked here. A little JS
//! (`assets/app.js`) only enhances: live updates over the event stream, local times, and
//! "use my position". The handlers call the same operations as the API (`ops`), so the
//! rules live in one place.

mod accounts;
mod assets;
mod contacts;
mod crisis;
pub(crate) mod i18n;
mod layout;
mod me;
pub(crate) mod missing;
mod responder;
mod shelter;
mod trends;

use crate::auth::{Caller, MaybeCaller, cookie};
use crate::error::{AppError, Denial};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use entraide_core::Invalid;
use i18n::Lang;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(crisis::home))
        .route(
            "/signup",
            get(accounts::sign_up_page).post(accounts::sign_up),
        )
        .route("/login", get(accounts::log_in_page).post(accounts::log_in))
        .route("/logout", post(accounts::log_out))
        .route("/lang/{code}", get(accounts::switch_language))
        .route("/contacts", get(contacts::page).post(contacts::request))
        .route("/contacts/{handle}/accept", post(contacts::accept))
        .route("/contacts/{handle}/remove", post(contacts::remove))
        .route("/me", get(me::page))
        .route("/me/location", post(me::report_location))
        .route("/me/home", post(me::set_home))
        .route("/me/home/clear", post(me::clear_home))
        .route("/me/email", post(me::set_email))
        .route("/inbox", get(me::inbox))
        .route("/crises", get(responder::list))
        .route(
            "/crises/new",
            get(responder::new_page).post(responder::create),
        )
        .route("/crises/{id}", get(crisis::page))
        .route("/crises/{id}/{verb}", post(responder::transition))
        .route("/crises/{id}/need-help", get(responder::need_help))
        .route("/crises/{id}/safety", post(crisis::answer))
        .route("/crises/{id}/safety/confirm", post(crisis::confirm))
        .route("/crises/{id}/safety/reject", post(crisis::reject))
        .route("/crises/{id}/safety/{handle}", post(crisis::mark_on_behalf))
        .route("/crises/{id}/ask/{handle}", post(crisis::ask))
        .route("/trends", get(trends::page))
        .route("/missing", get(missing::search))
        .route(
            "/missing/report",
            get(missing::report_page).post(missing::report),
        )
        .route("/missing/{id}", get(missing::record))
        .route("/missing/{id}/notes", post(missing::add_note))
        .route(
            "/missing/{id}/photo",
            post(missing::upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                missing::PHOTO_FORM_MAX_BYTES,
            )),
        )
        .fallback(not_found)
        .layer(middleware::from_fn(finish))
        // After the layer: assets are cached for a year and need none of the page headers.
        .route("/shelter", get(shelter::page))
        .route("/shelter/host", get(shelter::host_page))
        .route("/shelter/offers", post(shelter::create_offer))
        .route("/shelter/offers/{id}/ask", post(shelter::ask))
        .route("/shelter/offers/{id}/report", post(shelter::report))
        .route("/shelter/responder", get(shelter::responder_page))
        .route(
            "/shelter/offers/{id}/{verb}",
            post(shelter::transition_offer),
        )
        .route("/shelter/requests/{id}", get(shelter::request_page))
        .route("/shelter/requests/{id}/{verb}", post(shelter::act))
        .route("/assets/{file}", get(assets::serve))
        .route("/missing/photos/{id}/{size}", get(missing::photo))
}

const FLASH_COOKIE: &str = "entraide_flash";

/// What every page knows about its request: the language, who is asking, where we are,
/// and the message left by the action that led here.
pub(crate) struct Ctx {
    pub lang: Lang,
    pub caller: Option<Caller>,
    /// Path and query, for the language switch and the way back after logging in.
    pub here: String,
    query: HashMap<String, String>,
    flash: Option<String>,
    /// The browser says the request comes from another site (Sec-Fetch-Site).
    cross_site: bool,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let lang = Lang::of_request(parts);
        let MaybeCaller(caller) = MaybeCaller::from_request_parts(parts, state).await?;
        let here = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let query = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|q| q.0)
            .unwrap_or_default();
        let flash = cookie(parts, FLASH_COOKIE).and_then(|raw| flash_text(lang, &raw));
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .is_some_and(|v| v == "cross-site");
        Ok(Ctx {
            lang,
            caller,
            here,
            query,
            flash,
            cross_site,
        })
    }
}

impl Ctx {
    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }

    pub fn tf(&self, key: &'static str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// The signed-in person, or a trip to the log-in page and back here.
    pub fn member(&self) -> Result<&Caller, PageError> {
        self.caller
            .as_ref()
            .ok_or_else(|| PageError::SignIn(self.here.clone()))
    }

    /// The signed-in person posting a form, whose CSRF token must be the session's.
    pub fn member_posting(&self, csrf: &str) -> Result<&Caller, PageError> {
        let caller = self.member()?;
        if same_token(csrf, &caller.csrf_token) {
            Ok(caller)
        } else {
            Err(AppError::Forbidden(Denial::FormToken).into())
        }
    }

    /// Sign-up and log-in have no session to hold a token yet; the browser's own word
    /// that the form was posted from another site is enough to refuse it.
    pub fn refuse_cross_site(&self) -> Result<(), PageError> {
        if self.cross_site {
            Err(AppError::Forbidden(Denial::FormToken).into())
        } else {
            Ok(())
        }
    }
}

/// Compares in time independent of where the strings differ, so response times can't be
/// used to guess a token byte by byte.
fn same_token(sent: &str, expected: &str) -> bool {
    let (a, b) = (sent.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Only known flash keys are shown, with an argument limited to handle characters: the
/// cookie comes back from the browser and must not become a way to write on our pages.
fn flash_text(lang: Lang, raw: &str) -> Option<String> {
    let (key, arg) = raw.split_once('~').unwrap_or((raw, ""));
    let arg_ok = arg
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    (key.starts_with("flash.") && lang.knows(key) && arg_ok)
        .then(|| lang.t(key).replace("{handle}", arg))
}

/// 303 to `to`, leaving a message for the page there.
pub(crate) fn done(to: &str, flash_key: &'static str) -> Response {
    done_for(to, flash_key, "")
}

/// Like [`done`], naming the handle the message is about.
pub(crate) fn done_for(to: &str, flash_key: &'static str, handle: &str) -> Response {
    let value = if handle.is_empty() {
        flash_key.to_string()
    } else {
        format!("{flash_key}~{handle}")
    };
    let mut response = see_other(to);
    set_cookie(
        &mut response,
        &format!("{FLASH_COOKIE}={value}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"),
    );
    response
}

pub(crate) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

pub(crate) fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// A path on this site to go back to; anything else (another host, `//evil`) is dropped so
/// our redirects can't send people elsewhere.
pub(crate) fn local_path(raw: Option<&str>) -> Option<&str> {
    raw.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
}

/// Percent-encodes a query parameter's value.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a page could not be shown.
#[derive(Debug)]
pub(crate) enum PageError {
    Failed(AppError),
    /// Signing in is needed first; holds where to come back to.
    SignIn(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::Failed(e)
    }
}

/// An error on its way to becoming a page. The words are chosen by [`finish`], which knows
/// the request's language even when the failure happened before a handler ran.
#[derive(Clone, Debug)]
struct Failure(AppError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn(next) => see_other(&format!("/login?next={}", encode(&next))),
            PageError::Failed(e) => {
                if let AppError::Internal(detail) = &e {
                    tracing::error!(%detail, "page failed");
                }
                let mut response = e.status().into_response();
                response.extensions_mut().insert(Failure(e));
                response
            }
        }
    }
}

async fn not_found(request: Request) -> Response {
    // The API's unknown routes answer in the API's format, not with a page.
    if request.uri().path().starts_with("/api/") {
        return AppError::not_found("route").into_response();
    }
    PageError::Failed(AppError::not_found("page")).into_response()
}

/// Turns failures into pages in the request's language, clears a flash once shown, and sets
/// the headers every page carries: nothing may load from elsewhere, and pages showing
/// people's statuses are not kept by shared caches.
async fn finish(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let lang = Lang::of_request(&parts);
    let had_flash = cookie(&parts, FLASH_COOKIE).is_some();
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(Failure(e)) = response.extensions_mut().remove::<Failure>() {
        let mut page = layout::error_page(lang, e.status(), &lang.error(&e));
        // Keep what the handler set besides the body (cookies, for one).
        for (name, value) in response.headers() {
            if name == header::SET_COOKIE {
                page.headers_mut().append(name, value.clone());
            }
        }
        response = page;
    }
    if had_flash && !response.status().is_redirection() {
        set_cookie(
            &mut response,
            &format!("{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        );
    }
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    response
}

/// A form body; a malformed one is a bad request shown as a page.
pub(crate) struct PageForm<T>(pub T);

impl<S, T> FromRequest<S> for PageForm<T>
where
    axum::Form<T>: FromRequest<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(PageForm(value)),
            Err(_) => Err(AppError::FormUnreadable.into()),
        }
    }
}

/// What went wrong with a form, to show beside its fields.
#[derive(Default)]
pub(crate) struct FormErrors {
    pub fields: Vec<Invalid>,
    /// Errors that belong to no single field ("wrong handle or password").
    pub general: Vec<String>,
    pub status: Option<StatusCode>,
}

impl FormErrors {
    /// Errors the person can fix by changing the form are shown on it; failures of ours
    /// (or of permission) become an error page.
    pub fn from_app(lang: Lang, e: AppError) -> Result<Self, PageError> {
        let status = Some(e.status());
        match e {
            AppError::Invalid(invalids) => Ok(FormErrors {
                fields: invalids
                    .0
                    .into_iter()
                    .map(|e| Invalid {
                        message: lang.invalid(&e),
                        ..e
                    })
                    .collect(),
                general: Vec::new(),
                status,
            }),
            e @ (AppError::WrongCredentials
            | AppError::RateLimited
            | AppError::NotFound(_)
            | AppError::Conflict(_)
            | AppError::BadRequest(_)) => Ok(FormErrors {
                fields: Vec::new(),
                general: vec![lang.error(&e)],
                status,
            }),
            e => Err(e.into()),
        }
    }

    /// An error of the operation that one field explains best, in the words given.
    pub fn on_field(field: &str, message: &str, e: AppError) -> Self {
        FormErrors {
            fields: vec![Invalid::new(field, message)],
            general: Vec::new(),
            status: Some(e.status()),
        }
    }

    /// Moves the errors that belong to no field next to `field`, when it is the only one
    /// the person could change.
    pub fn about(mut self, field: &str) -> Self {
        let general = std::mem::take(&mut self.general);
        self.fields
            .extend(general.into_iter().map(|m| Invalid::new(field, m)));
        self
    }

    pub fn field(&mut self, field: &str, message: impl Into<String>) {
        self.fields.push(Invalid::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    pub fn on(&self, field: &str) -> Option<String> {
        let messages: Vec<_> = self
            .fields
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join("; "))
    }

    /// 200 for a fresh form, else the status of what went wrong (422 by default).
    pub fn status_or_ok(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            self.status.unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// Reads a number as people type it, French decimal comma included.
pub(crate) fn number(errors: &mut FormErrors, lang: Lang, field: &str, raw: &str) -> Option<f64> {
    match raw.trim().replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.field(field, lang.t("form.not_a_number"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abd", "abc"));
        assert!(!same_token("ab", "abc"));
        assert!(!same_token("", "abc"));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/crises/1?step=2")),
            Some("/crises/1?step=2")
        );
        assert_eq!(local_path(Some("//evil.example")), None);
        assert_eq!(local_path(Some("https://evil.example")), None);
        assert_eq!(local_path(Some("/\\evil.example")), None);
        assert_eq!(local_path(None), None);
    }

    #[test]
    fn flash_shows_only_known_keys_and_safe_arguments() {
        assert!(flash_text(Lang::En, "flash.logged_out").is_some());
        assert!(flash_text(Lang::En, &format!("flash.{}", "no_such_key")).is_none());
        assert!(
            flash_text(Lang::En, "error.wrong_credentials").is_none(),
            "not a flash key"
        );
        assert!(flash_text(Lang::En, "flash.contact_requested~<b>").is_none());
        assert!(
            flash_text(Lang::Fr, "flash.contact_requested~bob")
                .unwrap()
                .contains("@bob")
        );
    }

    #[test]
    fn numbers_accept_a_decimal_comma() {
        let mut errors = FormErrors::default();
        assert_eq!(
            number(&mut errors, Lang::Fr, "lat", " 48,8631 "),
            Some(48.8631)
        );
        assert_eq!(number(&mut errors, Lang::Fr, "lat", "nord"), None);
        assert!(errors.on("lat").is_some());
    }

    #[test]
    fn encoding_keeps_paths_readable() {
        assert_eq!(
            encode("/crises/1?step=2&x=é"),
            "/crises/1%3Fstep%3D2%26x%3D%C3%A9"
        );
    }
}
