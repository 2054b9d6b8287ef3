//! Who is calling: passwords (Argon2id), session tokens, and the extractors that turn a
//! request into a caller.
//!
//! Pages use an HttpOnly SameSite=Lax cookie, and every form carries the session's CSRF
//! token; API clients send `Authorization: Bearer <token>`. A cookie-authenticated write to
//! the API must carry the CSRF token in `X-CSRF-Token`, so a cross-site request can't ride on
//! a browser's cookie. Tokens are stored as SHA-256 hashes: the database alone opens nothing.

use crate::error::{AppError, AppResult, Denial};
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entraide_store::{Account, Session};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "entraide_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Hashes a password with Argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the handle is unknown, so that "no such account" takes
/// as long as "wrong password" and logins don't reveal who has an account.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password("decoy password, never valid").expect("argon2 with default parameters")
    })
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A new random token, URL-safe.
pub fn new_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// How a request proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    Bearer,
    Cookie,
}

/// The authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    pub account: Account,
    pub csrf_token: String,
    pub token_hash: [u8; 32],
    pub credential: Credential,
}

impl Caller {
    pub fn require_responder(&self) -> AppResult<()> {
        if self.account.role.is_responder() {
            Ok(())
        } else {
            Err(AppError::Forbidden(Denial::RespondersOnly))
        }
    }
}

/// The session token a request carries, and how.
pub fn presented_token(parts: &Parts) -> Option<(String, Credential)> {
    if let Some(token) = bearer(&parts.headers) {
        return Some((token.to_string(), Credential::Bearer));
    }
    cookie(parts, SESSION_COOKIE).map(|t| (t, Credential::Cookie))
}

/// The token of an `Authorization: Bearer` header: a session's, or a configured secret
/// (the trends' ingest token, a PFIF partner's key).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Whether a secret sent is the one configured. Compared as hashes, so the time taken says
/// nothing about the secret.
pub fn is_secret(sent: &str, configured: &str) -> bool {
    Sha256::digest(sent.as_bytes()) == Sha256::digest(configured.as_bytes())
}

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub(crate) async fn session_of(
    state: &AppState,
    token: &str,
) -> AppResult<Option<(Session, [u8; 32])>> {
    let hash = token_hash(token);
    let now = chrono::Utc::now();
    if let Some(session) = state.sessions.get(&hash) {
        return Ok((session.expires_at > now).then_some((session, hash)));
    }
    let session = state.store.session(&hash, now).await?;
    if let Some(session) = &session {
        state.sessions.insert(hash, session.clone());
    }
    Ok(session.map(|s| (s, hash)))
}

impl<S> FromRequestParts<S> for Caller
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let (token, credential) = presented_token(parts).ok_or(AppError::Unauthenticated)?;
        let (session, token_hash) = session_of(&state, &token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let is_write = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let is_api = parts.uri.path().starts_with("/api/");
        if credential == Credential::Cookie && is_write && is_api {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(session.csrf_token.as_str()) {
                return Err(AppError::Forbidden(Denial::CsrfHeader));
            }
        }
        Ok(Caller {
            account: session.account,
            csrf_token: session.csrf_token,
            token_hash,
            credential,
        })
    }
}

/// The caller if signed in, for pages that show more to members.
pub struct MaybeCaller(pub Option<Caller>);

impl<S> FromRequestParts<S> for MaybeCaller
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Caller::from_request_parts(parts, state).await {
            Ok(caller) => Ok(MaybeCaller(Some(caller))),
            Err(AppError::Unauthenticated) => Ok(MaybeCaller(None)),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("wrong horse battery", &phc));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
