//! Safety Check over the API.

use super::crises::crisis_json;
use super::{Body, parse_id};
use crate::auth::Caller;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use entraide_core::{Answer, MarkOrigin};
use entraide_store::CurrentMark;
use serde::Deserialize;
use serde_json::{Value, json};

/// A mark as the API shows it; `pending_confirmation` when a contact made it.
pub fn mark_json(mark: Option<&CurrentMark>) -> Value {
    match mark {
        None => json!({"status": null}),
        Some(m) => json!({
            "status": m.status,
            "message": m.message,
            "marked_by": m.marked_by,
            "pending_confirmation": matches!(m.origin, MarkOrigin::OnBehalf { .. }),
            "updated_at": m.at,
        }),
    }
}

pub async fn prompts(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Value>> {
    let prompts = state.prompts(&caller.account).await?;
    let prompts: Vec<_> = prompts
        .iter()
        .map(|p| json!({"crisis": crisis_json(&p.crisis), "asked_at": p.asked_at, "answer": p.mark.as_ref().map(|m| mark_json(Some(m)))}))
        .collect();
    Ok(Json(json!({"prompts": prompts})))
}

#[derive(Deserialize)]
pub struct AnswerBody {
    status: String,
    message: Option<String>,
}

pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<AnswerBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let answer = Answer::parse(&body.status, body.message.as_deref())?;
    let mark = state
        .answer(&caller.account, parse_id(&id, "crisis")?, answer)
        .await?;
    Ok((StatusCode::CREATED, Json(mark_json(mark.as_ref()))))
}

#[derive(Deserialize)]
pub struct OnBehalfBody {
    status: String,
}

pub async fn on_behalf(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, handle)): Path<(String, String)>,
    Body(body): Body<OnBehalfBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let status = Answer::parse(&body.status, None)?.status;
    let mark = state
        .mark_on_behalf(&caller.account, parse_id(&id, "crisis")?, &handle, status)
        .await?;
    Ok((StatusCode::CREATED, Json(mark_json(mark.as_ref()))))
}

pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let mark = state
        .confirm_mark(&caller.account, parse_id(&id, "crisis")?)
        .await?;
    Ok(Json(mark_json(mark.as_ref())))
}

pub async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let mark = state
        .reject_mark(&caller.account, parse_id(&id, "crisis")?)
        .await?;
    Ok(Json(mark_json(mark.as_ref())))
}

pub async fn ask(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, handle)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state
        .ask_contact(&caller.account, parse_id(&id, "crisis")?, &handle)
        .await?;
    Ok(StatusCode::ACCEPTED)
}

pub async fn contact_statuses(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let statuses = state
        .contact_statuses(&caller.account, parse_id(&id, "crisis")?)
        .await?;
    Ok(Json(json!(statuses)))
}

pub async fn stats(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!(
        state.crisis_stats(parse_id(&id, "crisis")?).await?
    )))
}

pub async fn need_help(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let people = state
        .need_help(&caller.account, parse_id(&id, "crisis")?)
        .await?;
    let people: Vec<_> = people
        .iter()
        .map(|p| {
            json!({
                "handle": p.handle,
                "display_name": p.display_name,
                "message": p.message,
                "updated_at": p.updated_at,
                "last_location": p.last_location.map(|l| json!({"lat": l.point.lat, "lon": l.point.lon, "accuracy_m": l.accuracy_m, "at": l.at})),
            })
        })
        .collect();
    Ok(Json(json!({"people": people})))
}
