//! Open Doors: offers, requests and the places between them, reports, host approvals.

use super::convert::{Micros, Parsed, Violation, account_id, corrupt, time, violation};
use crate::{ReportOutcome, ReportedTarget, Result, StoreError};
use entraide_core::Refusal;
use entraide_core::shelter::{
    Features, Offer, OfferEdit, OfferId, OfferStatus, Report, ReportTarget, RequestId,
    RequestStatus, ShelterRequest, refusal,
};
use entraide_core::{AccountId, CrisisId, Timestamp};
use entraide_geo::Point;
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

const OFFER_COLUMNS: &str = "id, host_id, crisis_id, lat, lon, address, contact, capacity, taken, \
     features, note, until, status, hidden, created_at, updated_at";

fn offer(r: &Row) -> rusqlite::Result<Offer> {
    let features: String = r.get(9)?;
    Ok(Offer {
        id: OfferId(r.get(0)?),
        host: account_id(r, 1)?,
        crisis_id: r.get::<_, Option<Uuid>>(2)?.map(CrisisId),
        point: Point {
            lat: r.get(3)?,
            lon: r.get(4)?,
        },
        address: r.get(5)?,
        contact: r.get(6)?,
        capacity: r.get(7)?,
        taken: r.get(8)?,
        features: serde_json::from_str::<Features>(&features)
            .map_err(|e| corrupt(9, format!("offer features: {e}")))?,
        note: r.get(10)?,
        until: r.get::<_, Option<Micros>>(11)?.map(|m| m.0),
        status: r.get::<_, Parsed<_>>(12)?.0,
        hidden: r.get(13)?,
        created_at: time(r, 14)?,
        updated_at: time(r, 15)?,
    })
}

const REQUEST_COLUMNS: &str =
    "id, offer_id, guest_id, party, message, status, created_at, updated_at";

fn request(r: &Row) -> rusqlite::Result<ShelterRequest> {
    Ok(ShelterRequest {
        id: RequestId(r.get(0)?),
        offer_id: OfferId(r.get(1)?),
        guest: account_id(r, 2)?,
        party: r.get(3)?,
        message: r.get(4)?,
        status: r.get::<_, Parsed<_>>(5)?.0,
        created_at: time(r, 6)?,
        updated_at: time(r, 7)?,
    })
}

fn features_json(f: &Features) -> Result<String> {
    serde_json::to_string(f).map_err(|e| StoreError::Backend(format!("offer features: {e}")))
}

pub(super) fn create_offer(conn: &Connection, o: Offer) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO shelter_offers ({OFFER_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    ))?
    .execute(params![
        o.id.0,
        o.host.0,
        o.crisis_id.map(|c| c.0),
        o.point.lat,
        o.point.lon,
        o.address,
        o.contact,
        o.capacity,
        o.taken,
        features_json(&o.features)?,
        o.note,
        o.until.map(Micros),
        o.status.as_str(),
        o.hidden,
        Micros(o.created_at),
        Micros(o.updated_at),
    ])
    .map_err(|e| match violation(&e) {
        Some(Violation::Duplicate) => StoreError::Conflict(Refusal::IdTaken),
        Some(Violation::Missing) => StoreError::NotFound("account or crisis"),
        None => e.into(),
    })?;
    Ok(())
}

pub(super) fn offer_by_id(conn: &Connection, id: OfferId) -> Result<Option<Offer>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {OFFER_COLUMNS} FROM shelter_offers WHERE id = ?1"
        ))?
        .query_row([id.0], offer)
        .optional()?)
}

fn existing_offer(conn: &Connection, id: OfferId) -> Result<Offer> {
    offer_by_id(conn, id)?.ok_or(StoreError::NotFound("offer"))
}

pub(super) fn offers_by_host(conn: &Connection, host: AccountId) -> Result<Vec<Offer>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OFFER_COLUMNS} FROM shelter_offers WHERE host_id = ?1
         ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([host.0], offer)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn searchable_offers(conn: &Connection) -> Result<Vec<Offer>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OFFER_COLUMNS} FROM shelter_offers WHERE status = 'open' AND hidden = 0"
    ))?;
    let rows = stmt.query_map([], offer)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn set_offer_status(
    conn: &Connection,
    id: OfferId,
    from: OfferStatus,
    to: OfferStatus,
    at: Timestamp,
) -> Result<Offer> {
    let moved = conn
        .prepare_cached(
            "UPDATE shelter_offers SET status = ?3, updated_at = ?4 WHERE id = ?1 AND status = ?2",
        )?
        .execute(params![id.0, from.as_str(), to.as_str(), Micros(at)])?;
    let now = existing_offer(conn, id)?;
    if moved == 0 {
        return Err(StoreError::Conflict(Refusal::OfferIs {
            offer_status: now.status,
        }));
    }
    Ok(now)
}

pub(super) fn edit_offer(
    conn: &Connection,
    id: OfferId,
    edit: OfferEdit,
    at: Timestamp,
) -> Result<Offer> {
    let current = existing_offer(conn, id)?;
    let edited = edit.apply(&current, at).map_err(StoreError::Conflict)?;
    conn.prepare_cached(
        "UPDATE shelter_offers SET capacity = ?2, until = ?3, features = ?4, note = ?5,
                contact = ?6, updated_at = ?7
         WHERE id = ?1",
    )?
    .execute(params![
        id.0,
        edited.capacity,
        edited.until.map(Micros),
        features_json(&edited.features)?,
        edited.note,
        edited.contact,
        Micros(at),
    ])?;
    existing_offer(conn, id)
}

pub(super) fn set_offer_hidden(
    conn: &Connection,
    id: OfferId,
    hidden: bool,
    at: Timestamp,
) -> Result<Offer> {
    conn.prepare_cached("UPDATE shelter_offers SET hidden = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id.0, hidden, Micros(at)])?;
    existing_offer(conn, id)
}

pub(super) fn create_request(conn: &Connection, req: ShelterRequest) -> Result<()> {
    let offer = existing_offer(conn, req.offer_id)?;
    if let Some(why) = refusal(&offer, req.party, req.created_at) {
        return Err(StoreError::Conflict(why));
    }
    conn.prepare_cached(&format!(
        "INSERT INTO shelter_requests ({REQUEST_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ))?
    .execute(params![
        req.id.0,
        req.offer_id.0,
        req.guest.0,
        req.party,
        req.message,
        req.status.as_str(),
        Micros(req.created_at),
        Micros(req.updated_at),
    ])
    .map_err(|e| match (violation(&e), &e) {
        (Some(Violation::Duplicate), rusqlite::Error::SqliteFailure(_, Some(m)))
            if m.contains("shelter_requests.offer_id") =>
        {
            StoreError::Conflict(Refusal::AlreadyRequested)
        }
        (Some(Violation::Duplicate), _) => StoreError::Conflict(Refusal::IdTaken),
        (Some(Violation::Missing), _) => StoreError::NotFound("account"),
        _ => e.into(),
    })?;
    Ok(())
}

pub(super) fn request_by_id(conn: &Connection, id: RequestId) -> Result<Option<ShelterRequest>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {REQUEST_COLUMNS} FROM shelter_requests WHERE id = ?1"
        ))?
        .query_row([id.0], request)
        .optional()?)
}

pub(super) fn requests_for_offer(conn: &Connection, id: OfferId) -> Result<Vec<ShelterRequest>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM shelter_requests WHERE offer_id = ?1
         ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([id.0], request)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn requests_by_guest(
    conn: &Connection,
    guest: AccountId,
) -> Result<Vec<ShelterRequest>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM shelter_requests WHERE guest_id = ?1
         ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([guest.0], request)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn move_request(
    conn: &Connection,
    id: RequestId,
    to: RequestStatus,
    at: Timestamp,
) -> Result<(ShelterRequest, Offer)> {
    let req = request_by_id(conn, id)?.ok_or(StoreError::NotFound("request"))?;
    if !req.status.can_become(to) {
        return Err(StoreError::Conflict(Refusal::RequestIs {
            request_status: req.status,
        }));
    }
    let party = i64::from(req.party);
    match (req.status.holds_places(), to.holds_places()) {
        (false, true) => {
            // The reservation: one conditional update, so no two accepts can both take the
            // last places (the writer runs one write at a time, and this is that write).
            let reserved = conn
                .prepare_cached(
                    "UPDATE shelter_offers SET taken = taken + ?2, updated_at = ?3
                     WHERE id = ?1 AND taken + ?2 <= capacity AND status = 'open' AND hidden = 0
                       AND (until IS NULL OR until > ?3)",
                )?
                .execute(params![req.offer_id.0, party, Micros(at)])?;
            if reserved == 0 {
                let offer = existing_offer(conn, req.offer_id)?;
                return Err(StoreError::Conflict(
                    refusal(&offer, req.party, at).unwrap_or(Refusal::OfferUnavailable),
                ));
            }
        }
        (true, false) => {
            conn.prepare_cached(
                "UPDATE shelter_offers SET taken = max(taken - ?2, 0), updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![req.offer_id.0, party, Micros(at)])?;
        }
        _ => {}
    }
    conn.prepare_cached("UPDATE shelter_requests SET status = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id.0, to.as_str(), Micros(at)])?;
    let req = request_by_id(conn, id)?.ok_or(StoreError::NotFound("request"))?;
    let offer = existing_offer(conn, req.offer_id)?;
    Ok((req, offer))
}

pub(super) fn lapse_requests(
    conn: &Connection,
    before: Timestamp,
    at: Timestamp,
) -> Result<Vec<ShelterRequest>> {
    let mut stmt = conn.prepare_cached(&format!(
        "UPDATE shelter_requests SET status = 'lapsed', updated_at = ?2
         WHERE status = 'pending' AND created_at < ?1
         RETURNING {REQUEST_COLUMNS}"
    ))?;
    let rows = stmt.query_map(params![Micros(before), Micros(at)], request)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn waiting_requests(conn: &Connection) -> Result<Vec<(OfferId, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT offer_id, count(*) FROM shelter_requests WHERE status = 'pending' GROUP BY offer_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((OfferId(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn target_columns(target: ReportTarget) -> (&'static str, Uuid) {
    match target {
        ReportTarget::Offer(id) => ("offer", id.0),
        ReportTarget::Account(id) => ("account", id.0),
    }
}

pub(super) fn report(conn: &Connection, report: Report, hide_after: u32) -> Result<ReportOutcome> {
    let (kind, target_id) = target_columns(report.target);
    if let ReportTarget::Offer(id) = report.target {
        existing_offer(conn, id)?;
    }
    conn.prepare_cached(
        "INSERT INTO shelter_reports (target_kind, target_id, reporter_id, reason, at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        kind,
        target_id,
        report.reporter.0,
        report.reason,
        Micros(report.at)
    ])
    .map_err(super::convert::missing_is("account"))?;
    let open_reports: u32 = conn
        .prepare_cached(
            "SELECT count(*) FROM shelter_reports
             WHERE target_kind = ?1 AND target_id = ?2 AND resolved_at IS NULL",
        )?
        .query_row(params![kind, target_id], |r| r.get(0))?;
    let mut hid_offer = false;
    if let ReportTarget::Offer(id) = report.target
        && open_reports >= hide_after
    {
        hid_offer = conn
            .prepare_cached(
                "UPDATE shelter_offers SET hidden = 1, updated_at = ?2 WHERE id = ?1 AND hidden = 0",
            )?
            .execute(params![id.0, Micros(report.at)])?
            == 1;
    }
    Ok(ReportOutcome {
        open_reports,
        hid_offer,
    })
}

pub(super) fn open_reports(conn: &Connection) -> Result<Vec<ReportedTarget>> {
    let mut stmt = conn.prepare_cached(
        "SELECT target_kind, target_id, reason, at FROM shelter_reports
         WHERE resolved_at IS NULL ORDER BY target_kind, target_id, at",
    )?;
    let rows = stmt.query_map([], |r| {
        let id: Uuid = r.get(1)?;
        let target = match r.get_ref(0)?.as_str()? {
            "offer" => ReportTarget::Offer(OfferId(id)),
            "account" => ReportTarget::Account(AccountId(id)),
            other => return Err(corrupt(0, format!("unknown report target {other:?}"))),
        };
        Ok((target, r.get::<_, String>(2)?, time(r, 3)?))
    })?;
    let mut grouped: Vec<ReportedTarget> = Vec::new();
    for row in rows {
        let (target, reason, at) = row?;
        match grouped.last_mut() {
            Some(last) if last.target == target => {
                last.reports += 1;
                last.reasons.push(reason);
                last.latest_at = last.latest_at.max(at);
            }
            _ => grouped.push(ReportedTarget {
                target,
                reports: 1,
                reasons: vec![reason],
                latest_at: at,
            }),
        }
    }
    grouped.sort_by(|a, b| {
        b.reports
            .cmp(&a.reports)
            .then(b.latest_at.cmp(&a.latest_at))
    });
    Ok(grouped)
}

pub(super) fn resolve_reports(
    conn: &Connection,
    target: ReportTarget,
    at: Timestamp,
) -> Result<u32> {
    let (kind, target_id) = target_columns(target);
    let resolved = conn
        .prepare_cached(
            "UPDATE shelter_reports SET resolved_at = ?3
             WHERE target_kind = ?1 AND target_id = ?2 AND resolved_at IS NULL",
        )?
        .execute(params![kind, target_id, Micros(at)])?;
    Ok(resolved as u32)
}

pub(super) fn approve_host(
    conn: &Connection,
    account: AccountId,
    by: AccountId,
    at: Timestamp,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO shelter_host_approvals (account_id, approved_by, at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![account.0, by.0, Micros(at)])
    .map_err(super::convert::missing_is("account"))?;
    Ok(())
}

pub(super) fn host_approved(conn: &Connection, account: AccountId) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM shelter_host_approvals WHERE account_id = ?1)",
        )?
        .query_row([account.0], |r| r.get(0))?)
}
