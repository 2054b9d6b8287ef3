//! Live trends over the API: posts in (a batch of JSON lines), what is rising near a place,
//! in a crisis's zone or globally, and a tag's series per minute.
//!
//! Who may post: a responder (session), or a feed holding the ingest token
//! (`trends_ingest_token`, sent as `Authorization: Bearer <token>`), each limited to
//! `trends_batches_per_minute` batches. Reading trends is public: they are counts of public
//! posts, with no author or text.

use super::parse_id;
use crate::auth::{MaybeCaller, bearer, is_secret};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::trends::PostSource;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use chrono::{DateTime, TimeDelta, Utc};
use entraide_core::Invalid;
use entraide_trends::{Trend, parse_window};
use serde::Deserialize;
use serde_json::{Value, json};

/// Who is posting: the ingest token's holder or a responder, for the rate limit.
fn poster(state: &AppState, headers: &HeaderMap, caller: MaybeCaller) -> AppResult<String> {
    if let (Some(sent), Some(token)) = (bearer(headers), &state.config.trends_ingest_token)
        && is_secret(sent, token)
    {
        return Ok("ingest-token".to_owned());
    }
    match caller.0 {
        Some(caller) => {
            caller.require_responder()?;
            Ok(caller.account.id.to_string())
        }
        None => Err(AppError::Unauthenticated),
    }
}

/// POST /posts: one post per line, our shape or Twitter v1.1 (as `entraide ingest` reads).
pub async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: MaybeCaller,
    request: axum::extract::Request,
) -> AppResult<Json<Value>> {
    let who = poster(&state, &headers, caller)?;
    state.trends.check_rate(&who)?;
    // Batches are bigger than other bodies: read under their own limit.
    let limit = state.config.trends_max_batch_bytes;
    let body: Bytes = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| AppError::TooLarge(limit))?;
    std::str::from_utf8(&body)
        .map_err(|e| AppError::BadRequest(format!("the body is not UTF-8: {e}")))?;
    let counted = state.count_posts(&body, PostSource::Http).await;
    if counted.accepted + counted.late + counted.repeated == 0 && counted.rejected > 0 {
        return Err(Invalid::new(
            "body",
            format!(
                "no line is a post ({} malformed; first: {})",
                counted.rejected, counted.rejected_lines[0].1
            ),
        )
        .into());
    }
    Ok(Json(json!({
        "accepted": counted.accepted,
        "late": counted.late,
        "repeated": counted.repeated,
        "rejected": counted.rejected,
        "rejected_lines": counted
            .rejected_lines
            .iter()
            .map(|(line, message)| json!({"line": line, "message": message}))
            .collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct TrendsQuery {
    lat: Option<String>,
    lon: Option<String>,
    radius_km: Option<String>,
    window: Option<String>,
    limit: Option<String>,
    crisis: Option<String>,
    at: Option<String>,
}

/// A query parameter as a number in a range, or a field error naming it.
pub(crate) fn number(
    raw: Option<&str>,
    field: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Option<f64>, Invalid> {
    let Some(raw) = raw else { return Ok(None) };
    match raw.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && range.contains(&n) => Ok(Some(n)),
        _ => Err(Invalid::new(
            field,
            format!(
                "must be a number from {} to {}, got {raw:?}",
                range.start(),
                range.end()
            ),
        )),
    }
}

/// The place of a query: both of lat and lon, or neither.
pub(crate) fn place(
    q_lat: Option<&str>,
    q_lon: Option<&str>,
) -> Result<Option<(f64, f64)>, AppError> {
    let mut errors = entraide_core::Invalids::default();
    let lat = errors.check(number(q_lat, "lat", -90.0..=90.0));
    let lon = errors.check(number(q_lon, "lon", -180.0..=180.0));
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    match (lat.flatten(), lon.flatten()) {
        (Some(lat), Some(lon)) => Ok(Some((lat, lon))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Invalid::new("lon", "give lon with lat").into()),
        (None, Some(_)) => Err(Invalid::new("lat", "give lat with lon").into()),
    }
}

pub(crate) fn radius(raw: Option<&str>) -> Result<f64, AppError> {
    Ok(number(raw, "radius_km", 0.0..=2000.0)?.unwrap_or(5.0))
}

/// The moment asked about: `at`, else the newest post counted (posts carry their own time,
/// so a replayed archive is asked about its own night), else now.
pub(crate) fn moment(state: &AppState, raw: Option<&str>) -> Result<DateTime<Utc>, AppError> {
    match raw {
        Some(raw) => DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                Invalid::new("at", format!("must be an RFC 3339 time, got {raw:?}")).into()
            }),
        None => Ok(state
            .trends
            .engine
            .read()
            .expect("trends lock")
            .newest()
            .unwrap_or_else(Utc::now)),
    }
}

fn list_json(list: &[Trend], at: DateTime<Utc>, window: TimeDelta, area: Value) -> Value {
    json!({
        "at": at,
        "window_minutes": window.num_minutes(),
        "area": area,
        "trends": list.iter().map(Trend::to_json).collect::<Vec<_>>(),
    })
}

/// GET /trends: near `lat`,`lon` within `radius_km`, in a crisis's zone (`crisis`), or
/// globally without either.
pub async fn list(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Query(q): Query<TrendsQuery>,
) -> AppResult<Json<Value>> {
    let window = match q.window.as_deref() {
        Some(w) => parse_window(w).map_err(|e| Invalid::new("window", e))?,
        None => TimeDelta::minutes(15),
    };
    let limit = number(q.limit.as_deref(), "limit", 1.0..=100.0)?.unwrap_or(10.0) as usize;
    let centre = place(q.lat.as_deref(), q.lon.as_deref())?;
    let radius_km = radius(q.radius_km.as_deref())?;
    let at = moment(&state, q.at.as_deref())?;
    if let Some(id) = q.crisis.as_deref() {
        if centre.is_some() {
            return Err(
                Invalid::new("crisis", "give either crisis or lat and lon, not both").into(),
            );
        }
        let crisis = state
            .visible_crisis(caller.as_ref().map(|c| &c.account), parse_id(id, "crisis")?)
            .await?;
        let list = state
            .trends
            .engine
            .read()
            .expect("trends lock")
            .trending_in_zone(&crisis.zone, at, window, limit);
        return Ok(Json(list_json(
            &list,
            at,
            window,
            json!({"crisis": crisis.id}),
        )));
    }
    let engine = state.trends.engine.read().expect("trends lock");
    let (list, area) = match centre {
        Some((lat, lon)) => {
            let centre =
                h3o::LatLng::new(lat, lon).map_err(|e| Invalid::new("lat", e.to_string()))?;
            (
                engine.trending_near(centre, radius_km, at, window, limit),
                json!({"lat": lat, "lon": lon, "radius_km": radius_km}),
            )
        }
        None => (engine.trending_global(at, window, limit), json!("global")),
    };
    Ok(Json(list_json(&list, at, window, area)))
}

#[derive(Deserialize)]
pub struct SeriesQuery {
    lat: Option<String>,
    lon: Option<String>,
    radius_km: Option<String>,
    minutes: Option<String>,
    at: Option<String>,
}

/// GET /trends/{tag}/series: posts per minute with the tag near a place, over the last
/// `minutes` (default 60) up to `at`.
pub async fn series(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<SeriesQuery>,
) -> AppResult<Json<Value>> {
    let Some((lat, lon)) = place(q.lat.as_deref(), q.lon.as_deref())? else {
        return Err(Invalid::new("lat", "give lat and lon: a series is near a place").into());
    };
    let tag = tag.trim_start_matches(['#', '＃']);
    if tag.is_empty() || tag.chars().count() > 140 {
        return Err(Invalid::new("tag", "a tag of 1 to 140 characters, without #").into());
    }
    let radius_km = radius(q.radius_km.as_deref())?;
    let minutes = number(q.minutes.as_deref(), "minutes", 1.0..=180.0)?.unwrap_or(60.0) as i64;
    let to = moment(&state, q.at.as_deref())?;
    let centre = h3o::LatLng::new(lat, lon).map_err(|e| Invalid::new("lat", e.to_string()))?;
    let points = state.trends.engine.read().expect("trends lock").series(
        tag,
        centre,
        radius_km,
        to - TimeDelta::minutes(minutes - 1),
        to,
    );
    Ok(Json(json!({
        "tag": tag,
        "intent": state.trends.engine.read().expect("trends lock").lexicon().intent_of(tag),
        "series": points
            .iter()
            .map(|(at, count)| json!({"at": at, "count": count}))
            .collect::<Vec<_>>(),
    })))
}
