//! Errors as the API answers them: `{"error": {"code", "message"}}` with the right status.
//! Pages turn the same errors into words on the page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use entraide_core::{Invalid, Invalids, Refusal};
use entraide_store::StoreError;
use serde::Serialize;
use serde_json::json;

#[derive(Clone, Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(Invalids),
    #[error("sign in first")]
    Unauthenticated,
    #[error("wrong handle or password")]
    WrongCredentials,
    #[error("{0}")]
    Forbidden(Denial),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(Refusal),
    #[error("too many requests: wait a moment and try again")]
    RateLimited,
    /// A page's form that is not the form the page sent (a stale page, a tampered post).
    #[error("the form could not be read; reload the page and try again")]
    FormUnreadable,
    #[error("{0}")]
    BadRequest(String),
    #[error("the body is larger than the {0} bytes accepted")]
    TooLarge(usize),
    /// Our fault; the detail goes to the log, never to the client.
    #[error("something went wrong on our side; try again")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// Why the caller may not do what they asked: who they are, not what is stored (that is a
/// [`Refusal`]). It names itself and its values the same way, so the pages word it from
/// `[denial]` in the translation tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "denial", rename_all = "snake_case")]
pub enum Denial {
    #[error("only responders may do this")]
    RespondersOnly,
    /// The same whether or not the account exists, so statuses and even existence don't
    /// leak to someone who is not a contact.
    #[error("@{handle} is not your mutual contact")]
    NotMutualContact { handle: String },
    #[error(
        "a new account can offer shelter once it has a mutual contact or a responder's \
         approval: add someone you know as a contact first"
    )]
    HostNeedsVouching,
    #[error("only the host answers a request")]
    HostOnly,
    #[error("only the guest or the host can do this")]
    GuestOrHostOnly,
    #[error("only the reporter, the person described or a responder may delete a record")]
    DeleteRecord,
    #[error("only the reporter or a responder may call for witnesses")]
    CallWitnesses,
    #[error("only the reporter (for a note, its author) or a responder may set this photo")]
    SetPhoto,
    /// A page's form without its session's token, or posted from another site.
    #[error("this form has expired or did not come from this site: reload the page and try again")]
    FormToken,
    /// An API write with a session cookie but without the session's token in its header.
    #[error("missing or wrong X-CSRF-Token header")]
    CsrfHeader,
}

impl Denial {
    /// The denial's name (as the API spells it) and each value it carries, as text.
    pub fn parts(&self) -> (String, Vec<(String, String)>) {
        entraide_core::error::tagged_parts(self, "denial")
    }

    pub fn not_mutual_contact(handle: &str) -> Self {
        Denial::NotMutualContact {
            handle: handle.trim().to_lowercase(),
        }
    }

    /// One denial of each kind, for the tests that check every denial has its words.
    #[cfg(test)]
    pub fn one_of_each() -> Vec<Denial> {
        let all = vec![
            Denial::RespondersOnly,
            Denial::not_mutual_contact("bob"),
            Denial::HostNeedsVouching,
            Denial::HostOnly,
            Denial::GuestOrHostOnly,
            Denial::DeleteRecord,
            Denial::CallWitnesses,
            Denial::SetPhoto,
            Denial::FormToken,
            Denial::CsrfHeader,
        ];
        // Adding a denial without a sample here fails to compile, not silently.
        for denial in &all {
            match denial {
                Denial::RespondersOnly
                | Denial::NotMutualContact { .. }
                | Denial::HostNeedsVouching
                | Denial::HostOnly
                | Denial::GuestOrHostOnly
                | Denial::DeleteRecord
                | Denial::CallWitnesses
                | Denial::SetPhoto
                | Denial::FormToken
                | Denial::CsrfHeader => {}
            }
        }
        all
    }
}

/// Puts a refusal's or denial's tagged name and values into the error object of `body`.
fn name_beside(body: &mut serde_json::Value, named: &impl Serialize) {
    if let serde_json::Value::Object(named) = json!(named) {
        body["error"]
            .as_object_mut()
            .expect("the error is an object")
            .extend(named);
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated | AppError::WrongCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::FormUnreadable | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code, part of the API contract.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::Unauthenticated => "unauthenticated",
            AppError::WrongCredentials => "wrong_credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited => "rate_limited",
            AppError::FormUnreadable | AppError::BadRequest(_) => "bad_request",
            AppError::TooLarge(_) => "too_large",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound(what.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(what.to_string()),
            StoreError::Conflict(message) => AppError::Conflict(message),
            StoreError::Backend(detail) => AppError::Internal(detail),
        }
    }
}

impl From<Invalids> for AppError {
    fn from(e: Invalids) -> Self {
        AppError::Invalid(e)
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let mut body = json!({"error": {"code": self.code(), "message": self.to_string()}});
        match &self {
            AppError::Invalid(fields) => body["error"]["fields"] = json!(fields.0),
            // Beside code and message: the refusal's or denial's name and values, as a
            // rule's are.
            AppError::Conflict(refusal) => name_beside(&mut body, refusal),
            AppError::Forbidden(denial) => name_beside(&mut body, denial),
            _ => {}
        }
        (self.status(), Json(body)).into_response()
    }
}
