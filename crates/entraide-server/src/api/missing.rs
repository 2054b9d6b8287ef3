//! The missing-persons registry over the API (issue 4).

use super::{Body, parse_id};
use crate::auth::{Caller, MaybeCaller};
use crate::error::{AppError, AppResult};
use crate::idempotency::IdempotencyScope;
use crate::ops::missing::{MissingView, NewNote, NewReport};
use crate::ops::pfif::PfifFormat;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use entraide_core::{
    LastSeen, MissingId, MissingNoteId, NoteDetails, PersonDetails, ReporterContact, Timestamp,
};
use entraide_geo::Point;
use entraide_store::{MissingNote, MissingRecord, NoteVisibility};
use serde::Deserialize;
use serde_json::{Value, json};

/// Search results when the query gives no limit.
const DEFAULT_SEARCH_RESULTS: usize = 20;

/// The PFIF id a record is exported under: its original one if imported, ours otherwise.
pub fn pfif_person_id(domain: &str, record: &MissingRecord) -> String {
    record
        .pfif_id
        .clone()
        .unwrap_or_else(|| format!("{domain}/person.{}", record.id))
}

fn last_seen_json(last_seen: &LastSeen) -> Value {
    json!({
        "place": last_seen.place,
        "lat": last_seen.point.map(|p| p.lat),
        "lon": last_seen.point.map(|p| p.lon),
        "at": last_seen.at,
    })
}

fn note_json(note: &MissingNote, privileged: bool) -> Value {
    let d = &note.details;
    let public_author = if note.author.anonymous {
        None
    } else {
        d.author_name.as_deref()
    };
    let mut value = json!({
        "id": note.id,
        "status": d.status,
        "text": d.text,
        "author_made_contact": d.author_made_contact,
        "last_known_location": d.last_known_location,
        "photo_url": d.photo_url,
        "author_name": public_author,
        "anonymous": note.author.anonymous,
        "origin": note.origin,
        "flags": note.flags,
        "source_date": note.source_date,
        "entry_date": note.entry_date,
    });
    if privileged {
        value["hidden"] = json!(note.hidden);
        value["author_account"] = json!(note.author.account);
        value["author_name"] = json!(d.author_name);
        value["author_email"] = json!(d.author_email);
        value["author_phone"] = json!(d.author_phone);
        value["email_of_found_person"] = json!(d.email_of_found_person);
        value["phone_of_found_person"] = json!(d.phone_of_found_person);
    }
    value
}

pub fn view_json(domain: &str, view: &MissingView) -> Value {
    let r = &view.record;
    let mut value = json!({
        "id": r.id,
        "pfif_id": pfif_person_id(domain, r),
        "person": r.person,
        "full_name": r.person.full_name,
        "last_seen": last_seen_json(&r.last_seen),
        "status": r.status,
        "verified": r.verified,
        "claimed": r.linked_account.is_some(),
        "marked_safe_at": view.marked_safe_at(),
        "linked_records": r.linked_records,
        "source_date": r.source_date,
        "entry_date": r.entry_date,
        "expiry_date": r.expiry_date,
        "notes": view.notes.iter().map(|n| note_json(n, view.privileged)).collect::<Vec<_>>(),
    });
    if view.privileged {
        value["reporter"] = json!({
            "email": r.reporter.email,
            "phone": r.reporter.phone,
            "account": r.reporter_account,
        });
    }
    value
}

#[derive(Deserialize)]
pub struct Report {
    #[serde(flatten)]
    person: PersonDetails,
    last_seen_place: Option<String>,
    last_seen_lat: Option<f64>,
    last_seen_lon: Option<f64>,
    last_seen_at: Option<Timestamp>,
    reporter_email: Option<String>,
    reporter_phone: Option<String>,
    expiry_date: Option<Timestamp>,
}

impl Report {
    pub fn into_new(self) -> AppResult<NewReport> {
        let point = match (self.last_seen_lat, self.last_seen_lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) => Some(
                Point::new(lon, lat)
                    .map_err(|e| entraide_core::Invalid::new("last_seen_lat", e.to_string()))?,
            ),
            _ => {
                return Err(entraide_core::Invalid::new(
                    "last_seen_lon",
                    "give both last_seen_lat and last_seen_lon, or neither",
                )
                .into());
            }
        };
        Ok(NewReport {
            person: self.person,
            reporter: ReporterContact {
                email: self.reporter_email,
                phone: self.reporter_phone,
            },
            last_seen: LastSeen {
                place: self.last_seen_place,
                point,
                at: self.last_seen_at,
            },
            expiry_date: self.expiry_date,
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    scope: Option<Extension<IdempotencyScope>>,
    Body(body): Body<Report>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = scope.map_or_else(MissingId::new, |Extension(s)| MissingId(s.derived_id()));
    let id = state
        .report_missing(&caller.account, id, body.into_new()?)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

pub async fn get(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let id: MissingId = parse_id(&id, "missing-person record")?;
    let view = state
        .view_missing(caller.as_ref().map(|c| &c.account), id)
        .await?;
    Ok(Json(view_json(&state.config.pfif_domain, &view)))
}

#[derive(Deserialize)]
pub struct NoteBody {
    #[serde(flatten)]
    details: NoteDetails,
    #[serde(default)]
    anonymous: bool,
}

pub async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    scope: Option<Extension<IdempotencyScope>>,
    Path(id): Path<String>,
    Body(body): Body<NoteBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let record: MissingId = parse_id(&id, "missing-person record")?;
    let note_id = scope.map_or_else(MissingNoteId::new, |Extension(s)| {
        MissingNoteId(s.derived_id())
    });
    let (note_id, status) = state
        .add_missing_note(
            &caller.account,
            record,
            note_id,
            NewNote {
                details: body.details,
                anonymous: body.anonymous,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": note_id, "record_status": status})),
    ))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> AppResult<Json<Value>> {
    let q = query.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(entraide_core::Invalid::new("q", "give a name to search for").into());
    }
    if q.chars().count() > 200 {
        return Err(entraide_core::Invalid::new("q", "must be at most 200 characters").into());
    }
    let limit = query.limit.unwrap_or(DEFAULT_SEARCH_RESULTS);
    let results: Vec<Value> = state
        .search_missing(&q, limit)
        .await?
        .into_iter()
        .map(|(r, score)| {
            json!({
                "id": r.id,
                "full_name": r.person.full_name,
                "status": r.status,
                "verified": r.verified,
                "last_seen": last_seen_json(&r.last_seen),
                "score": score,
            })
        })
        .collect();
    Ok(Json(json!({"results": results})))
}

fn note_id(raw: &str) -> AppResult<MissingNoteId> {
    parse_id(raw, "note")
}

pub async fn flag_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(note): Path<String>,
) -> AppResult<Json<Value>> {
    let flags = state
        .flag_missing_note(&caller.account, note_id(&note)?)
        .await?;
    Ok(Json(json!({"flags": flags})))
}

async fn set_visibility(
    state: AppState,
    caller: Caller,
    note: String,
    visibility: NoteVisibility,
) -> AppResult<Json<Value>> {
    let record = state
        .set_missing_note_visibility(&caller.account, note_id(&note)?, visibility)
        .await?;
    let status = state.live_missing(record).await?.status;
    Ok(Json(json!({"record_status": status})))
}

pub async fn hide_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(note): Path<String>,
) -> AppResult<Json<Value>> {
    set_visibility(state, caller, note, NoteVisibility::Hidden).await
}

pub async fn unhide_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(note): Path<String>,
) -> AppResult<Json<Value>> {
    set_visibility(state, caller, note, NoteVisibility::Visible).await
}

pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id, "missing-person record")?;
    state.verify_missing(&caller.account, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unverify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id, "missing-person record")?;
    state.verify_missing(&caller.account, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct LinkBody {
    other: String,
}

pub async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<LinkBody>,
) -> AppResult<StatusCode> {
    let a = parse_id(&id, "missing-person record")?;
    let b = body
        .other
        .parse()
        .map_err(|_| AppError::not_found("missing-person record"))?;
    state.link_missing(&caller.account, a, b).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn subscribe(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id, "missing-person record")?;
    state.follow_missing(&caller.account, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unsubscribe(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id, "missing-person record")?;
    state.follow_missing(&caller.account, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn request_deletion(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id, "missing-person record")?;
    state.delete_missing(&caller.account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id, "missing-person record")?;
    state.claim_missing(&caller.account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct PersonBody {
    handle: String,
}

pub async fn link_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(body): Body<PersonBody>,
) -> AppResult<StatusCode> {
    let id = parse_id(&id, "missing-person record")?;
    state
        .link_missing_to_contact(&caller.account, id, &body.handle)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A PFIF document (XML, or Person Finder's CSV sent as text/csv) from a responder, who may
/// import any record, or from a partner holding a key of `pfif_api_keys`, who may import only
/// the records of its own domain (the others are reported). The good records are kept, the
/// bad ones reported. Retrying is harmless: records keep their PFIF ids, so a second import
/// changes nothing.
pub async fn import_pfif(
    State(state): State<AppState>,
    caller: MaybeCaller,
    headers: axum::http::HeaderMap,
    request: axum::extract::Request,
) -> AppResult<Json<Value>> {
    let partner = crate::auth::bearer(&headers)
        .and_then(|sent| state.config.pfif_partner_domain(sent))
        .map(str::to_owned);
    if partner.is_none() {
        caller
            .0
            .ok_or(AppError::Unauthenticated)?
            .require_responder()?;
    }
    // Documents are bigger than other bodies: read under their own limit.
    let limit = state.config.pfif_max_body_bytes;
    let body = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| AppError::TooLarge(limit))?;
    let is_csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let format = if is_csv {
        PfifFormat::Csv
    } else {
        PfifFormat::Xml
    };
    let summary = state
        .import_pfif_document(&body[..], format, partner, |_| {})
        .await?;
    Ok(Json(json!(summary)))
}

pub async fn call_witnesses(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&id, "missing-person record")?;
    let asked = state.call_witnesses(&caller.account, id).await?;
    Ok(Json(json!({"asked": asked})))
}

#[derive(Deserialize)]
pub struct PhotoTarget {
    /// A note of the record, for the note's photo rather than the record's.
    note: Option<String>,
}

/// POST /api/v1/missing/{id}/photo[?note=]: the raw image as the body (JPEG, PNG or WebP,
/// ≤ 5 MB).
pub async fn set_photo(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(target): Query<PhotoTarget>,
    request: axum::extract::Request,
) -> AppResult<(StatusCode, Json<Value>)> {
    use crate::ops::missing_photos::PHOTO_MAX_BYTES;
    let id: MissingId = parse_id(&id, "missing-person record")?;
    let note: Option<MissingNoteId> = target
        .note
        .map(|note| parse_id(&note, "missing-person note"))
        .transpose()?;
    let upload = axum::body::to_bytes(request.into_body(), PHOTO_MAX_BYTES)
        .await
        .map_err(|_| crate::ops::missing_photos::too_large())?;
    let photo = state
        .set_missing_photo(&caller.account, id, note, upload.to_vec())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": photo,
            "display": format!("/missing/photos/{photo}/display"),
            "thumbnail": format!("/missing/photos/{photo}/thumb"),
        })),
    ))
}
