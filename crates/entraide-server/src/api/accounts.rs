//! Accounts, sessions, contacts and where I am.

use super::Body;
use crate::auth::Caller;
use crate::client_ip::ClientIp;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_core::{Location, Role, Rule};
use entraide_geo::Zone;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct SignUp {
    handle: String,
    password: String,
    display_name: String,
}

pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<SignUp>,
) -> AppResult<(StatusCode, Json<Value>)> {
    state.limits.check_signup(ip)?;
    let account = state
        .sign_up(
            &body.handle,
            &body.password,
            &body.display_name,
            Role::Person,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": account.id, "handle": account.handle})),
    ))
}

#[derive(Deserialize)]
pub struct LogIn {
    handle: String,
    password: String,
}

pub async fn log_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(body): Body<LogIn>,
) -> AppResult<(StatusCode, Json<Value>)> {
    state.limits.check_login(ip)?;
    let session = state.log_in(&body.handle, &body.password).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": session.token, "expires_at": session.expires_at})),
    ))
}

pub async fn log_out(State(state): State<AppState>, caller: Caller) -> AppResult<StatusCode> {
    state.log_out(&caller.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(caller: Caller) -> Json<Value> {
    let a = caller.account;
    Json(json!({"id": a.id, "handle": a.handle, "display_name": a.display_name, "role": a.role}))
}

pub async fn my_email(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Value>> {
    let email = state.my_email(&caller.account).await?;
    Ok(Json(json!({"email": email})))
}

#[derive(Deserialize)]
pub struct Email {
    /// The address, or null (or "") to forget it.
    email: Option<String>,
}

pub async fn set_my_email(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<Email>,
) -> AppResult<Json<Value>> {
    let email = state
        .set_my_email(&caller.account, body.email.as_deref())
        .await?;
    Ok(Json(json!({"email": email})))
}

#[derive(Deserialize)]
pub struct ReportedLocation {
    lat: f64,
    lon: f64,
    #[serde(default)]
    accuracy_m: f64,
}

pub async fn set_location(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<ReportedLocation>,
) -> AppResult<StatusCode> {
    let location = Location::parse(body.lat, body.lon, body.accuracy_m, chrono::Utc::now())?;
    state.report_location(&caller.account, location).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct Home {
    /// A zone (GeoJSON geometry or centre and radius), or null to forget it.
    area: Option<Value>,
}

pub async fn set_home(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<Home>,
) -> AppResult<StatusCode> {
    let home = body
        .area
        .map(|area| {
            Zone::from_json(&area)
                .map_err(|e| entraide_core::Invalid::broke("area", Rule::Area { detail: e.0 }))
        })
        .transpose()?;
    state.set_home(&caller.account, home).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct InboxQuery {
    limit: Option<u32>,
}

pub async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<InboxQuery>,
) -> AppResult<Json<Value>> {
    let items = state
        .store
        .inbox(caller.account.id, q.limit.unwrap_or(50).clamp(1, 200))
        .await?;
    Ok(Json(json!({"items": items})))
}

#[derive(Deserialize)]
pub struct ContactRequest {
    handle: String,
}

pub async fn request_contact(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<ContactRequest>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let contact_state = state.request_contact(&caller.account, &body.handle).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"handle": body.handle.trim().to_lowercase(), "state": contact_state})),
    ))
}

pub async fn accept_contact(
    State(state): State<AppState>,
    caller: Caller,
    Path(handle): Path<String>,
) -> AppResult<Json<Value>> {
    state.accept_contact(&caller.account, &handle).await?;
    Ok(Json(
        json!({"handle": handle.to_lowercase(), "state": "mutual"}),
    ))
}

pub async fn remove_contact(
    State(state): State<AppState>,
    caller: Caller,
    Path(handle): Path<String>,
) -> AppResult<StatusCode> {
    state.remove_contact(&caller.account, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn contacts(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({"contacts": state.contacts(&caller.account).await?}),
    ))
}
