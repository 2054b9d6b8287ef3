//! Safe retries. Phones on congested networks resend requests; a POST carrying an
//! `Idempotency-Key` runs once, and every retry gets the first response again.
//!
//! The key is claimed in the store before the handler runs, so two copies arriving at once
//! (even on two instances) can't both run: the second is told to retry shortly (409). The
//! response is stored when the handler finishes; a failure on our side (5xx) releases the
//! key so the retry runs again. Handlers that create rows derive the new id from the key
//! ([`IdempotencyScope::derived_id`]), so even a crash between the write and the stored
//! response can't make a second row.

use crate::auth::{presented_token, session_of};
use crate::error::AppError;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use entraide_store::{IdempotencyClaim, IdempotencyKey, StoredResponse};
use serde_json::json;
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotency-replayed";

/// The scope of requests made without a valid session.
const ANONYMOUS: &str = "anonymous";

/// The key of the request being run, for handlers that derive ids from it.
#[derive(Clone, Debug)]
pub struct IdempotencyScope(IdempotencyKey);

impl IdempotencyScope {
    /// The same id for every retry of the same request by the same client.
    pub fn derived_id(&self) -> uuid::Uuid {
        let name = format!("{}\n{}", self.0.scope, self.0.key);
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
    }
}

pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(raw_key) = request.headers().get(HEADER) else {
        return next.run(request).await;
    };
    let key = match raw_key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 => k.to_string(),
        _ => {
            return AppError::BadRequest(
                "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
            )
            .into_response();
        }
    };
    let (mut parts, body) = request.into_parts();
    // A photo upload may be larger than other bodies; its handler applies its own limit.
    let limit = if parts.uri.path().ends_with("/photo") {
        state
            .config
            .max_body_bytes
            .max(crate::ops::missing_photos::PHOTO_MAX_BYTES + 1)
    } else {
        state.config.max_body_bytes
    };
    let body = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return AppError::TooLarge(limit).into_response(),
    };
    // Scoped to the account: two people choosing the same key never share responses. A
    // request without a valid session is anonymous, whatever token it shows.
    let account = match presented_token(&parts) {
        Some((token, _)) => match session_of(&state, &token).await {
            Ok(session) => session.map(|(s, _)| s.account.id),
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let scope = account.map_or_else(|| ANONYMOUS.to_string(), |id| id.to_string());
    let key = IdempotencyKey { scope, key };
    let fingerprint: [u8; 32] = {
        let mut h = Sha256::new();
        h.update(parts.method.as_str());
        h.update([0]);
        h.update(parts.uri.path());
        h.update([0]);
        h.update(&body);
        h.finalize().into()
    };
    match state
        .store
        .claim_idempotency_key(&key, &fingerprint, chrono::Utc::now())
        .await
    {
        Err(e) => AppError::from(e).into_response(),
        Ok(IdempotencyClaim::InProgress) => conflict(
            "in_progress",
            "a request with this Idempotency-Key is still running; retry shortly",
        ),
        Ok(IdempotencyClaim::Mismatch) => conflict(
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request; use a new key for a new request",
        ),
        Ok(IdempotencyClaim::Completed(stored)) => replay(stored),
        Ok(IdempotencyClaim::Claimed) => {
            parts.extensions.insert(IdempotencyScope(key.clone()));
            let response = next.run(Request::from_parts(parts, Body::from(body))).await;
            remember(&state, &key, response).await
        }
    }
}

async fn remember(state: &AppState, key: &IdempotencyKey, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            let _ = state.store.release_idempotency_key(key).await;
            return AppError::Internal(e.to_string()).into_response();
        }
    };
    // Anonymous requests keep only what they created (a sign-up, a log-in, both
    // rate-limited): storing every refusal would let anyone fill the table with new keys.
    let keep =
        !parts.status.is_server_error() && (key.scope != ANONYMOUS || parts.status.is_success());
    let outcome = if !keep {
        state.store.release_idempotency_key(key).await
    } else {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json");
        let stored = StoredResponse {
            status: parts.status.as_u16(),
            content_type: content_type.to_string(),
            body: body.to_vec(),
        };
        state.store.complete_idempotency_key(key, &stored).await
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "could not record an idempotent response; a retry will run again");
    }
    Response::from_parts(parts, Body::from(body))
}

fn replay(stored: StoredResponse) -> Response {
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    if let Ok(ct) = HeaderValue::from_str(&stored.content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    response
        .headers_mut()
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

fn conflict(code: &str, message: &str) -> Response {
    (
        StatusCode::CONFLICT,
        axum::Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}
