//! Open Doors over the API. What leaves the server about an offer is its approximate place
//! (the centre of an H3 cell about 350 m across), except to its host and to the guests it
//! accepted: see `offer_json`.

use super::{Body, parse_id};
use crate::auth::Caller;
use crate::error::AppResult;
use crate::idempotency::IdempotencyScope;
use crate::ops::shelter::{RequestAction, RequestView};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, patch, post};
use axum::{Extension, Json, Router};
use entraide_core::shelter::{
    Features, NewOffer, Offer, OfferEdit, OfferForm, OfferId, OfferTransition, ReportTarget,
    RequestId, ShelterRequest, check_reason, new_request,
};
use entraide_core::{Invalid, Invalids, Timestamp};
use entraide_geo::Point;
use entraide_shelter::{AreaCapacity, Hit, SEARCH_RADIUS_M};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/shelter/offers", post(create_offer))
        .route("/shelter/offers/mine", get(my_offers))
        .route("/shelter/offers/{id}", patch(edit_offer))
        .route("/shelter/offers/{id}/pause", post(pause))
        .route("/shelter/offers/{id}/resume", post(resume))
        .route("/shelter/offers/{id}/close", post(close))
        .route("/shelter/offers/{id}/requests", post(request_place))
        .route("/shelter/offers/{id}/hide", post(hide_offer))
        .route("/shelter/offers/{id}/unhide", post(unhide_offer))
        .route("/shelter/search", get(search))
        .route("/shelter/requests/mine", get(my_requests))
        .route("/shelter/requests/{id}", get(get_request))
        .route("/shelter/requests/{id}/accept", post(accept))
        .route("/shelter/requests/{id}/decline", post(decline))
        .route("/shelter/requests/{id}/cancel", post(cancel))
        .route("/shelter/requests/{id}/arrived", post(arrived))
        .route("/shelter/requests/{id}/hide", post(hide_request))
        .route("/shelter/reports", get(reports).post(report))
        .route("/shelter/accounts/{handle}/resolve", post(resolve))
        .route("/shelter/hosts/{handle}/approve", post(approve_host))
        .route("/shelter/capacity", get(capacity_geojson))
        .route("/shelter/capacity.svg", get(capacity_svg))
}

/// An offer as its host sees it: everything.
fn own_offer_json(o: &Offer, requests: &[ShelterRequest]) -> Value {
    let mut v = public_offer_json(o);
    v["lat"] = json!(o.point.lat);
    v["lon"] = json!(o.point.lon);
    v["address"] = json!(o.address);
    v["contact"] = json!(o.contact);
    v["capacity"] = json!(o.capacity);
    v["taken"] = json!(o.taken);
    v["status"] = json!(o.status);
    v["hidden"] = json!(o.hidden);
    v["crisis_id"] = json!(o.crisis_id);
    v["created_at"] = json!(o.created_at);
    v["updated_at"] = json!(o.updated_at);
    v["requests"] = requests.iter().map(request_json).collect();
    v
}

/// What anyone who may know of an offer sees: no address, no exact place.
fn public_offer_json(o: &Offer) -> Value {
    let approx = o.public_point();
    json!({
        "id": o.id,
        "approx_lat": approx.lat,
        "approx_lon": approx.lon,
        "places_free": o.places_free(),
        "features": o.features,
        "note": o.note,
        "until": o.until,
    })
}

fn request_json(r: &ShelterRequest) -> Value {
    json!({
        "id": r.id,
        "offer_id": r.offer_id,
        "party": r.party,
        "message": r.message,
        "status": r.status,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    })
}

/// A request as its viewer may see it; the address only when `reveal_address`.
fn view_json(v: &RequestView) -> Value {
    let mut out = request_json(&v.request);
    let mut offer = public_offer_json(&v.offer);
    if v.reveal_address {
        offer["address"] = json!(v.offer.address);
        offer["lat"] = json!(v.offer.point.lat);
        offer["lon"] = json!(v.offer.point.lon);
        offer["contact"] = json!(v.offer.contact);
    }
    out["offer"] = offer;
    out
}

fn derived_or_new(scope: Option<Extension<IdempotencyScope>>) -> uuid::Uuid {
    scope.map_or_else(uuid::Uuid::now_v7, |Extension(scope)| scope.derived_id())
}

async fn create_offer(
    State(state): State<AppState>,
    caller: Caller,
    scope: Option<Extension<IdempotencyScope>>,
    Body(form): Body<OfferForm>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let new = NewOffer::parse(form, chrono::Utc::now())?;
    let id = OfferId(derived_or_new(scope));
    let offer = state.create_offer(&caller.account, id, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": offer.id, "status": offer.status})),
    ))
}

async fn my_offers(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Value>> {
    let offers = state.my_offers(&caller.account).await?;
    let offers: Vec<Value> = offers
        .iter()
        .map(|(o, requests)| own_offer_json(o, requests))
        .collect();
    Ok(Json(json!({"offers": offers})))
}

/// `null` means "remove" (for until, note, contact); an absent field means "unchanged".
fn nullable_text(
    body: &Map<String, Value>,
    field: &str,
    errors: &mut Invalids,
) -> Option<Option<String>> {
    match body.get(field)? {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => {
            errors.push(Invalid::new(field, "must be text or null"));
            None
        }
    }
}

fn parse_edit(body: &Map<String, Value>) -> Result<OfferEdit, Invalids> {
    let mut errors = Invalids::default();
    for key in body.keys() {
        if !["capacity", "until", "features", "note", "contact"].contains(&key.as_str()) {
            errors.push(Invalid::new(
                key,
                "unknown field: expected capacity, until, features, note or contact",
            ));
        }
    }
    let capacity = body.get("capacity").and_then(|v| {
        let n = v.as_i64();
        if n.is_none() {
            errors.push(Invalid::new("capacity", "must be a whole number"));
        }
        n
    });
    let until = match body.get("until") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match serde_json::from_value::<Timestamp>(v.clone()) {
            Ok(t) => Some(Some(t)),
            Err(_) => {
                errors.push(Invalid::new("until", "must be an RFC 3339 time or null"));
                None
            }
        },
    };
    let features = body.get("features").and_then(|v| {
        serde_json::from_value::<Features>(v.clone())
            .map_err(|e| errors.push(Invalid::new("features", e.to_string())))
            .ok()
    });
    let note = nullable_text(body, "note", &mut errors);
    let contact = nullable_text(body, "contact", &mut errors);
    errors.into_result()?;
    OfferEdit::parse(capacity, until, features, note, contact, chrono::Utc::now())
}

async fn edit_offer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<Map<String, Value>>,
) -> AppResult<Json<Value>> {
    let edit = parse_edit(&body)?;
    let offer = state
        .edit_offer(&caller.account, parse_id(&id, "offer")?, edit)
        .await?;
    Ok(Json(own_offer_json(&offer, &[])))
}

async fn transition(
    state: AppState,
    caller: Caller,
    id: String,
    transition: OfferTransition,
) -> AppResult<Json<Value>> {
    let offer = state
        .transition_offer(&caller.account, parse_id(&id, "offer")?, transition)
        .await?;
    Ok(Json(json!({"id": offer.id, "status": offer.status})))
}

async fn pause(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    transition(state, caller, id, OfferTransition::Pause).await
}

async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    transition(state, caller, id, OfferTransition::Resume).await
}

async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    transition(state, caller, id, OfferTransition::Close).await
}

/// The search's parameters, read by hand so that every mistake is named in our format.
pub struct SearchParams {
    pub from: Point,
    pub party: u32,
    pub needs: entraide_core::shelter::Needs,
    pub limit: usize,
}

pub const SEARCH_LIMIT_DEFAULT: usize = 10;
pub const SEARCH_LIMIT_MAX: usize = 50;

pub fn parse_search(q: &HashMap<String, String>) -> Result<SearchParams, Invalids> {
    let mut errors = Invalids::default();
    let number = |name: &str, errors: &mut Invalids| -> Option<f64> {
        match q.get(name).map(|v| v.trim().parse::<f64>()) {
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => {
                errors.push(Invalid::new(name, "must be a number, e.g. 48.8631"));
                None
            }
            None => {
                errors.push(Invalid::new(name, "is required"));
                None
            }
        }
    };
    let lat = number("lat", &mut errors);
    let lon = number("lon", &mut errors);
    let from = match (lat, lon) {
        (Some(lat), Some(lon)) => {
            errors.check(Point::new(lon, lat).map_err(|e| Invalid::new("lat/lon", e.0)))
        }
        _ => None,
    };
    let party = match q.get("party") {
        None => Some(1),
        Some(raw) => errors.check(
            raw.trim()
                .parse::<i64>()
                .map_err(|_| Invalid::new("party", "must be a whole number"))
                .and_then(entraide_core::shelter::check_party),
        ),
    };
    let needs = errors.check(entraide_core::shelter::Needs::parse(
        q.get("needs").map_or("", String::as_str),
    ));
    let limit = match q.get("limit") {
        None => Some(SEARCH_LIMIT_DEFAULT),
        Some(raw) => errors.check(
            raw.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=SEARCH_LIMIT_MAX).contains(n))
                .ok_or_else(|| {
                    Invalid::new("limit", format!("must be from 1 to {SEARCH_LIMIT_MAX}"))
                }),
        ),
    };
    match (from, party, needs, limit) {
        (Some(from), Some(party), Some(needs), Some(limit)) => Ok(SearchParams {
            from,
            party,
            needs,
            limit,
        }),
        _ => Err(errors),
    }
}

/// The distance shown: from the searcher to the public point, to the nearest 50 m, so that
/// searching from several places can't triangulate the door.
pub fn public_distance_m(from: Point, hit: &Hit) -> u32 {
    let d = entraide_geo::distance_m(from, hit.public_point);
    ((d / 50.0).round() * 50.0) as u32
}

pub fn run_search(state: &AppState, params: &SearchParams) -> Vec<Hit> {
    state.search_offers(&entraide_shelter::Query {
        from: params.from,
        party: params.party,
        needs: params.needs,
        now: chrono::Utc::now(),
        limit: params.limit,
        radius_m: SEARCH_RADIUS_M,
    })
}

async fn search(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<Value>> {
    let params = parse_search(&q)?;
    let results: Vec<Value> = run_search(&state, &params)
        .iter()
        .map(|hit| {
            json!({
                "offer_id": hit.offer_id,
                "distance_m": public_distance_m(params.from, hit),
                "approx_lat": hit.public_point.lat,
                "approx_lon": hit.public_point.lon,
                "places_free": hit.places_free,
                "features": hit.features,
            })
        })
        .collect();
    Ok(Json(json!({"results": results})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    party: i64,
    message: Option<String>,
}

async fn request_place(
    State(state): State<AppState>,
    caller: Caller,
    scope: Option<Extension<IdempotencyScope>>,
    Path(id): Path<String>,
    Body(body): Body<RequestBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let offer_id: OfferId = parse_id(&id, "offer")?;
    let request = new_request(
        RequestId(derived_or_new(scope)),
        offer_id,
        caller.account.id,
        body.party,
        body.message.as_deref(),
        chrono::Utc::now(),
    )?;
    let request = state.request_place(&caller.account, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": request.id, "status": request.status})),
    ))
}

async fn my_requests(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Value>> {
    let views = state.my_requests(&caller.account).await?;
    Ok(Json(
        json!({"requests": views.iter().map(view_json).collect::<Vec<_>>()}),
    ))
}

async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let view = state
        .view_request(&caller.account, parse_id(&id, "request")?)
        .await?;
    Ok(Json(view_json(&view)))
}

async fn act(
    state: AppState,
    caller: Caller,
    id: String,
    action: RequestAction,
) -> AppResult<Json<Value>> {
    let view = state
        .act_on_request(&caller.account, parse_id(&id, "request")?, action)
        .await?;
    Ok(Json(view_json(&view)))
}

async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    act(state, caller, id, RequestAction::Accept).await
}

async fn decline(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    act(state, caller, id, RequestAction::Decline).await
}

async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    act(state, caller, id, RequestAction::Cancel).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ArrivedBody {
    /// The guest agrees to be marked safe in the crisis ("safe, sheltered").
    #[serde(default)]
    mark_safe: bool,
}

async fn arrived(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<ArrivedBody>,
) -> AppResult<Json<Value>> {
    let action = RequestAction::Arrived {
        consent: body.mark_safe,
    };
    act(state, caller, id, action).await
}

async fn hide_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    act(state, caller, id, RequestAction::Hide).await
}

async fn moderate(
    state: AppState,
    caller: Caller,
    id: String,
    hidden: bool,
) -> AppResult<Json<Value>> {
    let offer = state
        .moderate_offer(&caller.account, parse_id(&id, "offer")?, hidden)
        .await?;
    Ok(Json(json!({"id": offer.id, "hidden": offer.hidden})))
}

async fn hide_offer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    moderate(state, caller, id, true).await
}

async fn unhide_offer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    moderate(state, caller, id, false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportBody {
    offer_id: Option<String>,
    handle: Option<String>,
    reason: String,
}

async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<ReportBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let reason = check_reason(&body.reason)?;
    let target = match (body.offer_id, body.handle) {
        (Some(id), None) => ReportTarget::Offer(parse_id(&id, "offer")?),
        (None, Some(handle)) => ReportTarget::Account(state.account_by_handle(&handle).await?.id),
        _ => {
            return Err(
                Invalid::new("offer_id/handle", "name either an offer_id or a handle").into(),
            );
        }
    };
    state.report(&caller.account, target, reason).await?;
    Ok((StatusCode::CREATED, Json(json!({"reported": true}))))
}

async fn reports(State(state): State<AppState>, caller: Caller) -> AppResult<Json<Value>> {
    let open = state.open_reports(&caller.account).await?;
    let mut out = Vec::new();
    for r in open {
        let target = match r.target {
            ReportTarget::Offer(id) => json!({"offer_id": id}),
            ReportTarget::Account(id) => json!({
                "handle": state.store.account(id).await?.map(|a| a.handle.to_string()),
            }),
        };
        out.push(json!({"target": target, "reports": r.reports, "reasons": r.reasons, "latest_at": r.latest_at}));
    }
    Ok(Json(json!({"reports": out})))
}

async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(handle): Path<String>,
) -> AppResult<Json<Value>> {
    let account = state.account_by_handle(&handle).await?;
    let resolved = state
        .resolve_account_reports(&caller.account, account.id)
        .await?;
    Ok(Json(json!({"resolved": resolved})))
}

async fn approve_host(
    State(state): State<AppState>,
    caller: Caller,
    Path(handle): Path<String>,
) -> AppResult<Json<Value>> {
    caller.require_responder()?;
    let host = state.account_by_handle(&handle).await?;
    state.approve_host(&caller.account, &host).await?;
    Ok(Json(json!({"approved": host.handle.to_string()})))
}

/// Capacity by area as a GeoJSON FeatureCollection (RFC 7946, `[lon, lat]`): one hexagon
/// per H3 cell with open places or waiting requests.
pub fn capacity_feature_collection(areas: &[AreaCapacity]) -> Value {
    let features: Vec<Value> = areas
        .iter()
        .filter_map(|a| {
            let cell = a.cell?;
            let mut ring: Vec<[f64; 2]> = cell
                .boundary()
                .iter()
                .map(|ll| [ll.lng(), ll.lat()])
                .collect();
            ring.push(*ring.first()?);
            Some(json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cell": cell.to_string(),
                    "offers": a.offers,
                    "places_free": a.places_free,
                    "requests_waiting": a.requests_waiting,
                },
            }))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

async fn capacity_geojson(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<impl IntoResponse> {
    let areas = state.capacity_by_area(&caller.account).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        capacity_feature_collection(&areas).to_string(),
    ))
}

async fn capacity_svg(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<impl IntoResponse> {
    let areas = state.capacity_by_area(&caller.account).await?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml")],
        entraide_shelter::capacity_svg(&areas, 640, 480),
    ))
}
