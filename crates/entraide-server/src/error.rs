//! Errors as the API answers them: `{"error": {"code", "message"}}` with the right status.
//! Pages turn the same errors into words on the page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use entraide_core::{Invalid, Invalids, Refusal};
use entraide_store::StoreError;
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
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(Refusal),
    #[error("too many requests: wait a moment and try again")]
    RateLimited,
    #[error("{0}")]
    BadRequest(String),
    #[error("the body is larger than the {0} bytes accepted")]
    TooLarge(usize),
    /// Our fault; the detail goes to the log, never to the client.
    #[error("something went wrong on our side; try again")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated | AppError::WrongCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
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
            AppError::BadRequest(_) => "bad_request",
            AppError::TooLarge(_) => "too_large",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
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
            AppError::Conflict(refusal) => {
                // Beside code and message: the refusal's name and values, as a rule's are.
                if let serde_json::Value::Object(named) = json!(refusal) {
                    body["error"]
                        .as_object_mut()
                        .expect("the error is an object")
                        .extend(named);
                }
            }
            _ => {}
        }
        (self.status(), Json(body)).into_response()
    }
}
