//! Crises over the API.

use super::{Body, parse_id};
use crate::auth::{Caller, MaybeCaller};
use crate::error::AppResult;
use crate::idempotency::IdempotencyScope;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use entraide_core::{Crisis, CrisisId, CrisisStatus, CrisisTransition, NewCrisis, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};

/// A crisis as the API shows it: its zone as GeoJSON (or centre and radius).
pub fn crisis_json(c: &Crisis) -> Value {
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "kind": c.kind,
        "area": c.zone.to_json(),
        "status": c.status,
        "starts_at": c.starts_at,
        "expires_at": c.expires_at,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    })
}

#[derive(Deserialize)]
pub struct CreateCrisis {
    title: String,
    #[serde(default)]
    description: String,
    kind: String,
    area: Value,
    starts_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    scope: Option<Extension<IdempotencyScope>>,
    Body(body): Body<CreateCrisis>,
) -> AppResult<(StatusCode, Json<Value>)> {
    caller.require_responder()?;
    let new = NewCrisis::parse(
        &body.title,
        &body.description,
        &body.kind,
        &body.area,
        body.starts_at,
        body.expires_at,
        chrono::Utc::now(),
    )?;
    let id = scope.map_or_else(CrisisId::new, |Extension(scope)| {
        CrisisId(scope.derived_id())
    });
    let crisis = state.create_crisis(&caller.account, id, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": crisis.id, "status": crisis.status})),
    ))
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<Value>> {
    let status = q
        .status
        .as_deref()
        .map(str::parse::<CrisisStatus>)
        .transpose()?;
    let crises = state
        .visible_crises(caller.as_ref().map(|c| &c.account), status)
        .await?;
    Ok(Json(
        json!({"crises": crises.iter().map(crisis_json).collect::<Vec<_>>()}),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let crisis = state
        .visible_crisis(
            caller.as_ref().map(|c| &c.account),
            parse_id(&id, "crisis")?,
        )
        .await?;
    Ok(Json(crisis_json(&crisis)))
}

async fn transition(
    state: AppState,
    caller: Caller,
    id: String,
    transition: CrisisTransition,
) -> AppResult<Json<Value>> {
    let crisis = state
        .transition_crisis(&caller.account, parse_id(&id, "crisis")?, transition)
        .await?;
    Ok(Json(json!({"id": crisis.id, "status": crisis.status})))
}

pub async fn activate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    transition(state, caller, id, CrisisTransition::Activate).await
}

pub async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    transition(state, caller, id, CrisisTransition::Close).await
}

pub async fn retract(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    transition(state, caller, id, CrisisTransition::Retract).await
}
