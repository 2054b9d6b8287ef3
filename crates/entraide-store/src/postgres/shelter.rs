//! Open Doors on PostgreSQL: offers, requests and the places between them, reports, host
//! approvals. Reservations rely on the row lock an UPDATE takes: two accepts on one offer
//! queue on it, and the second re-checks `taken + party <= capacity` against the first's
//! committed row (READ COMMITTED re-evaluates the WHERE clause on the new row version).

use super::{cached, rows};
use crate::{ReportOutcome, ReportedTarget, Result, StoreError};
use deadpool_postgres::GenericClient;
use entraide_core::Refusal;
use entraide_core::shelter::{
    Features, Offer, OfferEdit, OfferId, OfferStatus, Report, ReportTarget, RequestId,
    RequestStatus, ShelterRequest, refusal,
};
use entraide_core::{AccountId, CrisisId, Timestamp};
use tokio_postgres::Row;
use uuid::Uuid;

const OFFER_COLUMNS: &str = "id, host_id, crisis_id, lat, lon, address, contact, capacity, taken, \
     features, note, until, status, hidden, created_at, updated_at";

fn count(column: &str, value: i32) -> Result<u32> {
    u32::try_from(value)
        .map_err(|_| StoreError::Backend(format!("unexpected {column} {value} in the database")))
}

fn offer(r: &Row) -> Result<Offer> {
    let features: String = r.try_get("features")?;
    Ok(Offer {
        id: OfferId(r.try_get("id")?),
        host: AccountId(r.try_get("host_id")?),
        crisis_id: r.try_get::<_, Option<Uuid>>("crisis_id")?.map(CrisisId),
        point: rows::point(r.try_get("lon")?, r.try_get("lat")?)?,
        address: r.try_get("address")?,
        contact: r.try_get("contact")?,
        capacity: count("capacity", r.try_get("capacity")?)?,
        taken: count("taken", r.try_get("taken")?)?,
        features: serde_json::from_str::<Features>(&features)
            .map_err(|e| StoreError::Backend(format!("stored offer features: {e}")))?,
        note: r.try_get("note")?,
        until: r.try_get("until")?,
        status: rows::parse("offer status", r.try_get("status")?)?,
        hidden: r.try_get("hidden")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const REQUEST_COLUMNS: &str =
    "id, offer_id, guest_id, party, message, status, created_at, updated_at";

fn request(r: &Row) -> Result<ShelterRequest> {
    Ok(ShelterRequest {
        id: RequestId(r.try_get("id")?),
        offer_id: OfferId(r.try_get("offer_id")?),
        guest: AccountId(r.try_get("guest_id")?),
        party: count("party", r.try_get("party")?)?,
        message: r.try_get("message")?,
        status: rows::parse("request status", r.try_get("status")?)?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn features_json(f: &Features) -> Result<String> {
    serde_json::to_string(f).map_err(|e| StoreError::Backend(format!("offer features: {e}")))
}

/// Capacities and parties are validated far below i32::MAX; saturate rather than wrap.
fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(super) async fn create_offer(c: &impl GenericClient, o: &Offer) -> Result<()> {
    cached::execute(
        c,
        &format!(
            "INSERT INTO shelter_offers ({OFFER_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        ),
        &[
            &o.id.0,
            &o.host.0,
            &o.crisis_id.map(|c| c.0),
            &o.point.lat,
            &o.point.lon,
            &o.address,
            &o.contact,
            &int(o.capacity),
            &int(o.taken),
            &features_json(&o.features)?,
            &o.note,
            &o.until,
            &o.status.as_str(),
            &o.hidden,
            &o.created_at,
            &o.updated_at,
        ],
    )
    .await
    .map_err(|e| {
        rows::missing_reference(&e).unwrap_or_else(|| match rows::violated(&e) {
            Some("shelter_offers_pkey") => StoreError::Conflict(Refusal::IdTaken),
            _ => e.into(),
        })
    })?;
    Ok(())
}

pub(super) async fn offer_by_id(c: &impl GenericClient, id: OfferId) -> Result<Option<Offer>> {
    cached::query_opt(
        c,
        &format!("SELECT {OFFER_COLUMNS} FROM shelter_offers WHERE id = $1"),
        &[&id.0],
    )
    .await?
    .as_ref()
    .map(offer)
    .transpose()
}

async fn existing_offer(c: &impl GenericClient, id: OfferId) -> Result<Offer> {
    offer_by_id(c, id)
        .await?
        .ok_or(StoreError::NotFound("offer"))
}

pub(super) async fn offers_by_host(c: &impl GenericClient, host: AccountId) -> Result<Vec<Offer>> {
    cached::query(
        c,
        &format!(
            "SELECT {OFFER_COLUMNS} FROM shelter_offers WHERE host_id = $1
             ORDER BY created_at DESC, id DESC"
        ),
        &[&host.0],
    )
    .await?
    .iter()
    .map(offer)
    .collect()
}

pub(super) async fn searchable_offers(c: &impl GenericClient) -> Result<Vec<Offer>> {
    cached::query(
        c,
        &format!("SELECT {OFFER_COLUMNS} FROM shelter_offers WHERE status = 'open' AND NOT hidden"),
        &[],
    )
    .await?
    .iter()
    .map(offer)
    .collect()
}

pub(super) async fn set_offer_status(
    c: &impl GenericClient,
    id: OfferId,
    from: OfferStatus,
    to: OfferStatus,
    at: Timestamp,
) -> Result<Offer> {
    let moved = cached::query_opt(
        c,
        &format!(
            "UPDATE shelter_offers SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2
             RETURNING {OFFER_COLUMNS}"
        ),
        &[&id.0, &from.as_str(), &to.as_str(), &at],
    )
    .await?;
    match moved {
        Some(row) => offer(&row),
        None => {
            let now = existing_offer(c, id).await?;
            Err(StoreError::Conflict(Refusal::OfferIs {
                offer_status: now.status,
            }))
        }
    }
}

pub(super) async fn edit_offer(
    c: &mut deadpool_postgres::Object,
    id: OfferId,
    edit: &OfferEdit,
    at: Timestamp,
) -> Result<Offer> {
    let tx = c.transaction().await?;
    // FOR UPDATE: an accept running now waits, so the capacity check below sees its places.
    let current = cached::query_opt(
        &tx,
        &format!("SELECT {OFFER_COLUMNS} FROM shelter_offers WHERE id = $1 FOR UPDATE"),
        &[&id.0],
    )
    .await?
    .as_ref()
    .map(offer)
    .transpose()?
    .ok_or(StoreError::NotFound("offer"))?;
    let edited = edit.apply(&current, at).map_err(StoreError::Conflict)?;
    let row = cached::query_one(
        &tx,
        &format!(
            "UPDATE shelter_offers SET capacity = $2, until = $3, features = $4, note = $5,
                    contact = $6, updated_at = $7
             WHERE id = $1 RETURNING {OFFER_COLUMNS}"
        ),
        &[
            &id.0,
            &int(edited.capacity),
            &edited.until,
            &features_json(&edited.features)?,
            &edited.note,
            &edited.contact,
            &at,
        ],
    )
    .await?;
    let edited = offer(&row)?;
    tx.commit().await?;
    Ok(edited)
}

pub(super) async fn set_offer_hidden(
    c: &impl GenericClient,
    id: OfferId,
    hidden: bool,
    at: Timestamp,
) -> Result<Offer> {
    cached::query_opt(
        c,
        &format!(
            "UPDATE shelter_offers SET hidden = $2, updated_at = $3 WHERE id = $1
             RETURNING {OFFER_COLUMNS}"
        ),
        &[&id.0, &hidden, &at],
    )
    .await?
    .as_ref()
    .map(offer)
    .transpose()?
    .ok_or(StoreError::NotFound("offer"))
}

pub(super) async fn create_request(
    c: &mut deadpool_postgres::Object,
    req: &ShelterRequest,
) -> Result<()> {
    let tx = c.transaction().await?;
    let offer = existing_offer(&tx, req.offer_id).await?;
    if let Some(why) = refusal(&offer, req.party, req.created_at) {
        return Err(StoreError::Conflict(why));
    }
    cached::execute(
        &tx,
        &format!(
            "INSERT INTO shelter_requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ),
        &[
            &req.id.0,
            &req.offer_id.0,
            &req.guest.0,
            &int(req.party),
            &req.message,
            &req.status.as_str(),
            &req.created_at,
            &req.updated_at,
        ],
    )
    .await
    .map_err(|e| {
        rows::missing_reference(&e).unwrap_or_else(|| match rows::violated(&e) {
            Some("shelter_requests_pkey") => {
                StoreError::Conflict(Refusal::IdTaken)
            }
            Some("shelter_requests_live") => {
                StoreError::Conflict(Refusal::AlreadyRequested)
            }
            _ => e.into(),
        })
    })?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn request_by_id(
    c: &impl GenericClient,
    id: RequestId,
) -> Result<Option<ShelterRequest>> {
    cached::query_opt(
        c,
        &format!("SELECT {REQUEST_COLUMNS} FROM shelter_requests WHERE id = $1"),
        &[&id.0],
    )
    .await?
    .as_ref()
    .map(request)
    .transpose()
}

pub(super) async fn requests_for_offer(
    c: &impl GenericClient,
    id: OfferId,
) -> Result<Vec<ShelterRequest>> {
    cached::query(
        c,
        &format!(
            "SELECT {REQUEST_COLUMNS} FROM shelter_requests WHERE offer_id = $1
             ORDER BY created_at, id"
        ),
        &[&id.0],
    )
    .await?
    .iter()
    .map(request)
    .collect()
}

pub(super) async fn requests_by_guest(
    c: &impl GenericClient,
    guest: AccountId,
) -> Result<Vec<ShelterRequest>> {
    cached::query(
        c,
        &format!(
            "SELECT {REQUEST_COLUMNS} FROM shelter_requests WHERE guest_id = $1
             ORDER BY created_at DESC, id DESC"
        ),
        &[&guest.0],
    )
    .await?
    .iter()
    .map(request)
    .collect()
}

pub(super) async fn move_request(
    c: &mut deadpool_postgres::Object,
    id: RequestId,
    to: RequestStatus,
    at: Timestamp,
) -> Result<(ShelterRequest, Offer)> {
    let tx = c.transaction().await?;
    // The request's row lock: the same request accepted twice at once moves once.
    let req = cached::query_opt(
        &tx,
        &format!("SELECT {REQUEST_COLUMNS} FROM shelter_requests WHERE id = $1 FOR UPDATE"),
        &[&id.0],
    )
    .await?
    .as_ref()
    .map(request)
    .transpose()?
    .ok_or(StoreError::NotFound("request"))?;
    if !req.status.can_become(to) {
        return Err(StoreError::Conflict(Refusal::RequestIs {
            request_status: req.status,
        }));
    }
    let party = int(req.party);
    match (req.status.holds_places(), to.holds_places()) {
        (false, true) => {
            let reserved = cached::execute(
                &tx,
                "UPDATE shelter_offers SET taken = taken + $2, updated_at = $3
                 WHERE id = $1 AND taken + $2 <= capacity AND status = 'open' AND NOT hidden
                   AND (until IS NULL OR until > $3)",
                &[&req.offer_id.0, &party, &at],
            )
            .await?;
            if reserved == 0 {
                let offer = existing_offer(&tx, req.offer_id).await?;
                return Err(StoreError::Conflict(
                    refusal(&offer, req.party, at).unwrap_or(Refusal::OfferUnavailable),
                ));
            }
        }
        (true, false) => {
            cached::execute(
                &tx,
                "UPDATE shelter_offers SET taken = greatest(taken - $2, 0), updated_at = $3
                 WHERE id = $1",
                &[&req.offer_id.0, &party, &at],
            )
            .await?;
        }
        _ => {}
    }
    let row = cached::query_one(
        &tx,
        &format!(
            "UPDATE shelter_requests SET status = $2, updated_at = $3 WHERE id = $1
             RETURNING {REQUEST_COLUMNS}"
        ),
        &[&id.0, &to.as_str(), &at],
    )
    .await?;
    let req = request(&row)?;
    let offer = existing_offer(&tx, req.offer_id).await?;
    tx.commit().await?;
    Ok((req, offer))
}

pub(super) async fn lapse_requests(
    c: &impl GenericClient,
    before: Timestamp,
    at: Timestamp,
) -> Result<Vec<ShelterRequest>> {
    cached::query(
        c,
        &format!(
            "UPDATE shelter_requests SET status = 'lapsed', updated_at = $2
             WHERE status = 'pending' AND created_at < $1
             RETURNING {REQUEST_COLUMNS}"
        ),
        &[&before, &at],
    )
    .await?
    .iter()
    .map(request)
    .collect()
}

pub(super) async fn waiting_requests(c: &impl GenericClient) -> Result<Vec<(OfferId, u32)>> {
    cached::query(
        c,
        "SELECT offer_id, count(*)::integer AS waiting FROM shelter_requests
         WHERE status = 'pending' GROUP BY offer_id",
        &[],
    )
    .await?
    .iter()
    .map(|r| {
        Ok((
            OfferId(r.try_get("offer_id")?),
            count("waiting", r.try_get("waiting")?)?,
        ))
    })
    .collect()
}

fn target_columns(target: ReportTarget) -> (&'static str, Uuid) {
    match target {
        ReportTarget::Offer(id) => ("offer", id.0),
        ReportTarget::Account(id) => ("account", id.0),
    }
}

pub(super) async fn report(
    c: &mut deadpool_postgres::Object,
    report: &Report,
    hide_after: u32,
) -> Result<ReportOutcome> {
    let (kind, target_id) = target_columns(report.target);
    let tx = c.transaction().await?;
    if let ReportTarget::Offer(id) = report.target {
        // Locks the offer: reports arriving together count one after the other, so the one
        // that reaches the threshold is the one that hides it.
        cached::query_opt(
            &tx,
            "SELECT 1 FROM shelter_offers WHERE id = $1 FOR UPDATE",
            &[&id.0],
        )
        .await?
        .ok_or(StoreError::NotFound("offer"))?;
    }
    cached::execute(
        &tx,
        "INSERT INTO shelter_reports (target_kind, target_id, reporter_id, reason, at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        &[
            &kind,
            &target_id,
            &report.reporter.0,
            &report.reason,
            &report.at,
        ],
    )
    .await
    .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
    let open: i64 = cached::query_one(
        &tx,
        "SELECT count(*) FROM shelter_reports
         WHERE target_kind = $1 AND target_id = $2 AND resolved_at IS NULL",
        &[&kind, &target_id],
    )
    .await?
    .try_get(0)?;
    let open_reports = u32::try_from(open).unwrap_or(u32::MAX);
    let mut hid_offer = false;
    if let ReportTarget::Offer(id) = report.target
        && open_reports >= hide_after
    {
        hid_offer = cached::execute(
            &tx,
            "UPDATE shelter_offers SET hidden = true, updated_at = $2 WHERE id = $1 AND NOT hidden",
            &[&id.0, &report.at],
        )
        .await?
            == 1;
    }
    tx.commit().await?;
    Ok(ReportOutcome {
        open_reports,
        hid_offer,
    })
}

pub(super) async fn open_reports(c: &impl GenericClient) -> Result<Vec<ReportedTarget>> {
    let rows = cached::query(
        c,
        "SELECT target_kind, target_id, count(*)::integer AS reports,
                array_agg(reason ORDER BY at) AS reasons, max(at) AS latest_at
         FROM shelter_reports WHERE resolved_at IS NULL
         GROUP BY target_kind, target_id
         ORDER BY reports DESC, latest_at DESC",
        &[],
    )
    .await?;
    rows.iter()
        .map(|r| {
            let id: Uuid = r.try_get("target_id")?;
            let target = match r.try_get::<_, &str>("target_kind")? {
                "offer" => ReportTarget::Offer(OfferId(id)),
                "account" => ReportTarget::Account(AccountId(id)),
                other => {
                    return Err(StoreError::Backend(format!(
                        "unexpected report target {other:?} in the database"
                    )));
                }
            };
            Ok(ReportedTarget {
                target,
                reports: count("reports", r.try_get("reports")?)?,
                reasons: r.try_get("reasons")?,
                latest_at: r.try_get("latest_at")?,
            })
        })
        .collect()
}

pub(super) async fn resolve_reports(
    c: &impl GenericClient,
    target: ReportTarget,
    at: Timestamp,
) -> Result<u32> {
    let (kind, target_id) = target_columns(target);
    let resolved = cached::execute(
        c,
        "UPDATE shelter_reports SET resolved_at = $3
         WHERE target_kind = $1 AND target_id = $2 AND resolved_at IS NULL",
        &[&kind, &target_id, &at],
    )
    .await?;
    Ok(u32::try_from(resolved).unwrap_or(u32::MAX))
}

pub(super) async fn approve_host(
    c: &impl GenericClient,
    account: AccountId,
    by: AccountId,
    at: Timestamp,
) -> Result<()> {
    cached::execute(
        c,
        "INSERT INTO shelter_host_approvals (account_id, approved_by, at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[&account.0, &by.0, &at],
    )
    .await
    .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
    Ok(())
}

pub(super) async fn host_approved(c: &impl GenericClient, account: AccountId) -> Result<bool> {
    Ok(cached::query_one(
        c,
        "SELECT EXISTS (SELECT 1 FROM shelter_host_approvals WHERE account_id = $1)",
        &[&account.0],
    )
    .await?
    .try_get(0)?)
}
