//! The missing-persons registry (issue 4).
//!
//! A write that changes a record's status first locks the record's row (`live_locked`):
//! two notes arriving at once then take turns, and the second recomputes the status with
//! the first one committed.

use super::cached;
use super::rows;
use crate::{
    FeedWindow, ImportItem, ImportOutcome, MissingNote, MissingRecord, NoteVisibility, Result,
    StoreError,
};
use deadpool_postgres::GenericClient;
use entraide_core::Refusal;
use entraide_core::{
    AccountId, LastSeen, MissingId, MissingNoteId, NoteAuthor, NoteStatus, PersonDetails, Timestamp,
};
use entraide_geo::Point;
use std::collections::BTreeSet;
use tokio_postgres::Row;
use uuid::Uuid;

const RECORD_COLUMNS: &str = "r.id, r.pfif_id, r.person, r.reporter, r.reporter_account,
    r.last_seen_place, r.last_seen_lat, r.last_seen_lon, r.last_seen_at, r.source_date,
    r.entry_date, r.expiry_date, r.expired, r.verified, r.linked_account, r.status";

const NOTE_COLUMNS: &str = "n.id, n.pfif_id, n.record_id, n.details, n.origin,
    n.author_account, n.anonymous, n.hidden,
    (SELECT count(*) FROM missing_note_flags f WHERE f.note_id = n.id) AS flags,
    n.source_date, n.entry_date";

fn json<T: serde::de::DeserializeOwned>(row: &Row, column: &str) -> Result<T> {
    let text: &str = row.try_get(column)?;
    serde_json::from_str(text)
        .map_err(|e| StoreError::Backend(format!("unreadable {column} in the database: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("encoding JSON: {e}")))
}

fn status(row: &Row) -> Result<Option<NoteStatus>> {
    row.try_get::<_, Option<&str>>("status")?
        .map(|s| rows::parse("note status", s))
        .transpose()
}

fn record(row: &Row) -> Result<MissingRecord> {
    let lat: Option<f64> = row.try_get("last_seen_lat")?;
    let lon: Option<f64> = row.try_get("last_seen_lon")?;
    let point = match (lat, lon) {
        (Some(lat), Some(lon)) => Some(Point { lat, lon }),
        _ => None,
    };
    Ok(MissingRecord {
        id: MissingId(row.try_get("id")?),
        pfif_id: row.try_get("pfif_id")?,
        person: json(row, "person")?,
        reporter: json(row, "reporter")?,
        reporter_account: row
            .try_get::<_, Option<Uuid>>("reporter_account")?
            .map(AccountId),
        last_seen: LastSeen {
            place: row.try_get("last_seen_place")?,
            point,
            at: row.try_get("last_seen_at")?,
        },
        source_date: row.try_get("source_date")?,
        entry_date: row.try_get("entry_date")?,
        expiry_date: row.try_get("expiry_date")?,
        expired: row.try_get("expired")?,
        verified: row.try_get("verified")?,
        linked_account: row
            .try_get::<_, Option<Uuid>>("linked_account")?
            .map(AccountId),
        status: status(row)?,
        linked_records: Vec::new(),
    })
}

fn note(row: &Row) -> Result<MissingNote> {
    let flags: i64 = row.try_get("flags")?;
    Ok(MissingNote {
        id: MissingNoteId(row.try_get("id")?),
        pfif_id: row.try_get("pfif_id")?,
        record: MissingId(row.try_get("record_id")?),
        details: json(row, "details")?,
        origin: rows::parse("note origin", row.try_get("origin")?)?,
        author: NoteAuthor {
            account: row
                .try_get::<_, Option<Uuid>>("author_account")?
                .map(AccountId),
            anonymous: row.try_get("anonymous")?,
        },
        hidden: row.try_get("hidden")?,
        flags: u32::try_from(flags).unwrap_or(u32::MAX),
        source_date: row.try_get("source_date")?,
        entry_date: row.try_get("entry_date")?,
    })
}

async fn with_links(c: &impl GenericClient, mut record: MissingRecord) -> Result<MissingRecord> {
    record.linked_records = cached::query(
        c,
        "SELECT other_id FROM missing_links WHERE record_id = $1 ORDER BY other_id",
        &[&record.id.0],
    )
    .await?
    .iter()
    .map(|row| row.try_get(0).map(MissingId))
    .collect::<Result<_, _>>()?;
    Ok(record)
}

/// `Conflict` when the id exists, `NotFound` for an unknown account.
/// Returns the number of rows inserted: 0 when `skip_existing_id` and the id is taken
/// (otherwise that is a `Conflict`).
async fn insert_record(
    c: &impl GenericClient,
    r: &MissingRecord,
    skip_existing_id: bool,
) -> Result<u64> {
    let (lat, lon) = r.last_seen.point.map(|p| (p.lat, p.lon)).unzip();
    let sql = format!(
        "INSERT INTO missing_records (id, pfif_id, person, reporter, reporter_account,
             last_seen_place, last_seen_lat, last_seen_lon, last_seen_at, source_date,
             entry_date, expiry_date, verified, linked_account)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) {}",
        if skip_existing_id {
            "ON CONFLICT (id) DO NOTHING"
        } else {
            ""
        }
    );
    cached::execute(
        c,
        &sql,
        &[
            &r.id.0,
            &r.pfif_id,
            &to_json(&r.person)?,
            &to_json(&r.reporter)?,
            &r.reporter_account.map(|a| a.0),
            &r.last_seen.place,
            &lat,
            &lon,
            &r.last_seen.at,
            &r.source_date,
            &r.entry_date,
            &r.expiry_date,
            &r.verified,
            &r.linked_account.map(|a| a.0),
        ],
    )
    .await
    .map_err(|e| {
        rows::missing_reference(&e).unwrap_or_else(|| match rows::violated(&e) {
            Some("missing_records_pkey" | "missing_records_pfif_id_key") => {
                StoreError::Conflict(Refusal::IdTaken)
            }
            _ => e.into(),
        })
    })
}

pub(super) async fn create(c: &impl GenericClient, r: &MissingRecord) -> Result<()> {
    insert_record(c, r, false).await?;
    Ok(())
}

/// Locks the record's row for the rest of the transaction; false when it is unknown or
/// expired.
async fn live_locked(c: &impl GenericClient, record: MissingId) -> Result<bool> {
    let row = cached::query_opt(
        c,
        "SELECT NOT expired FROM missing_records WHERE id = $1 FOR UPDATE",
        &[&record.0],
    )
    .await?;
    Ok(row
        .map(|r| r.try_get::<_, bool>(0))
        .transpose()?
        .unwrap_or(false))
}

async fn refresh_status(c: &impl GenericClient, record: MissingId) -> Result<Option<NoteStatus>> {
    let row = cached::query_opt(
        c,
        "UPDATE missing_records SET status = (
             SELECT n.status FROM missing_notes n
             WHERE n.record_id = $1 AND NOT n.hidden AND n.status IS NOT NULL
             ORDER BY n.source_date DESC, n.entry_date DESC, n.id DESC LIMIT 1)
         WHERE id = $1 RETURNING status",
        &[&record.0],
    )
    .await?;
    Ok(row.map(|r| status(&r)).transpose()?.flatten())
}

/// Returns the number of rows inserted (0 when `on_conflict_nothing` skipped a duplicate).
async fn insert_note(
    c: &impl GenericClient,
    n: &MissingNote,
    on_conflict_nothing: bool,
) -> Result<u64> {
    let sql = format!(
        "INSERT INTO missing_notes (id, pfif_id, record_id, details, status, origin,
             author_account, anonymous, hidden, source_date, entry_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) {}",
        if on_conflict_nothing {
            "ON CONFLICT DO NOTHING"
        } else {
            ""
        }
    );
    cached::execute(
        c,
        &sql,
        &[
            &n.id.0,
            &n.pfif_id,
            &n.record.0,
            &to_json(&n.details)?,
            &n.details.status.map(NoteStatus::as_str),
            &n.origin.as_str(),
            &n.author.account.map(|a| a.0),
            &n.author.anonymous,
            &n.hidden,
            &n.source_date,
            &n.entry_date,
        ],
    )
    .await
    .map_err(|e| {
        rows::missing_reference(&e).unwrap_or_else(|| match rows::violated(&e) {
            Some("missing_notes_pkey" | "missing_notes_pfif_id_key") => {
                StoreError::Conflict(Refusal::IdTaken)
            }
            _ => e.into(),
        })
    })
}

pub(super) async fn add_note(
    c: &impl GenericClient,
    n: &MissingNote,
) -> Result<Option<NoteStatus>> {
    if !live_locked(c, n.record).await? {
        return Err(StoreError::NotFound("missing-person record"));
    }
    insert_note(c, n, false).await?;
    refresh_status(c, n.record).await
}

pub(super) async fn import(
    c: &impl GenericClient,
    batch: Vec<ImportItem>,
) -> Result<Vec<ImportOutcome>> {
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut touched = BTreeSet::new();
    let mut records = Vec::new();
    for item in batch {
        match item {
            ImportItem::Record(r) => records.push(r),
            ImportItem::Note(n) => {
                // The records before this note are written first: it may be about one.
                import_records(c, std::mem::take(&mut records), &mut outcomes).await?;
                let outcome = if !live_locked(c, n.record).await? {
                    ImportOutcome::UnknownRecord
                } else if insert_note(c, &n, true).await? == 0 {
                    ImportOutcome::Unchanged
                } else {
                    touched.insert(n.record);
                    ImportOutcome::Added
                };
                outcomes.push(outcome);
            }
        }
    }
    import_records(c, records, &mut outcomes).await?;
    for record in touched {
        refresh_status(c, record).await?;
    }
    Ok(outcomes)
}

/// Consecutive imported records, their outcomes appended in order. Most are new, so all
/// are sent at once as inserts that skip a taken id: the client pipelines them, one round
/// trip for the run rather than one per record, and the server runs them in order. Only the
/// records whose id was taken (before the batch, or earlier in it) are then decided one by
/// one against the stored version, which is what a record-by-record import would have met.
async fn import_records(
    c: &impl GenericClient,
    records: Vec<MissingRecord>,
    outcomes: &mut Vec<ImportOutcome>,
) -> Result<()> {
    let Some((first, rest)) = records.split_first() else {
        return Ok(());
    };
    // The first alone: it prepares the statement, which the others then find cached
    // (sent all at once uncached, each would prepare its own).
    let mut inserted = vec![insert_record(c, first, true).await?];
    inserted.extend(
        futures::future::try_join_all(rest.iter().map(|r| insert_record(c, r, true))).await?,
    );
    for (r, inserted) in records.iter().zip(inserted) {
        let outcome = if inserted == 1 {
            ImportOutcome::Added
        } else {
            replace_if_newer(c, r).await?
        };
        outcomes.push(outcome);
    }
    Ok(())
}

/// An imported record whose id is taken: the newest source_date wins.
async fn replace_if_newer(c: &impl GenericClient, r: &MissingRecord) -> Result<ImportOutcome> {
    let stored = cached::query_one(
        c,
        "SELECT source_date, expired FROM missing_records WHERE id = $1 FOR UPDATE",
        &[&r.id.0],
    )
    .await?;
    let source_date: Timestamp = stored.try_get(0)?;
    let expired: bool = stored.try_get(1)?;
    // A deleted record stays deleted: a late copy must not bring it back.
    if expired || source_date >= r.source_date {
        return Ok(ImportOutcome::Unchanged);
    }
    let (lat, lon) = r.last_seen.point.map(|p| (p.lat, p.lon)).unzip();
    cached::execute(
        c,
        "UPDATE missing_records SET pfif_id = $2, person = $3, reporter = $4,
             last_seen_place = $5, last_seen_lat = $6, last_seen_lon = $7,
             last_seen_at = $8, source_date = $9, entry_date = $10,
             expiry_date = $11
         WHERE id = $1",
        &[
            &r.id.0,
            &r.pfif_id,
            &to_json(&r.person)?,
            &to_json(&r.reporter)?,
            &r.last_seen.place,
            &lat,
            &lon,
            &r.last_seen.at,
            &r.source_date,
            &r.entry_date,
            &r.expiry_date,
        ],
    )
    .await?;
    Ok(ImportOutcome::Replaced)
}

pub(super) async fn records(
    c: &impl GenericClient,
    ids: &[MissingId],
) -> Result<Vec<MissingRecord>> {
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    let found = cached::query(
        c,
        &format!("SELECT {RECORD_COLUMNS} FROM missing_records r WHERE r.id = ANY($1)"),
        &[&ids],
    )
    .await?;
    let mut records = Vec::with_capacity(found.len());
    for row in &found {
        records.push(with_links(c, record(row)?).await?);
    }
    Ok(records)
}

pub(super) async fn notes(c: &impl GenericClient, record: MissingId) -> Result<Vec<MissingNote>> {
    cached::query(
        c,
        &format!(
            "SELECT {NOTE_COLUMNS} FROM missing_notes n WHERE n.record_id = $1
             ORDER BY n.source_date, n.entry_date, n.id"
        ),
        &[&record.0],
    )
    .await?
    .iter()
    .map(note)
    .collect()
}

pub(super) async fn flag_note(
    c: &impl GenericClient,
    note: MissingNoteId,
    account: AccountId,
    at: Timestamp,
) -> Result<u32> {
    cached::execute(
        c,
        "INSERT INTO missing_note_flags (note_id, account_id, at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[&note.0, &account.0, &at],
    )
    .await
    .map_err(|e| match rows::violated(&e) {
        Some("missing_note_flags_note_id_fkey") => StoreError::NotFound("note"),
        Some(_) => StoreError::NotFound("account"),
        None => e.into(),
    })?;
    let count: i64 = cached::query_one(
        c,
        "SELECT count(*) FROM missing_note_flags WHERE note_id = $1",
        &[&note.0],
    )
    .await?
    .try_get(0)?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

pub(super) async fn set_note_visibility(
    c: &impl GenericClient,
    note: MissingNoteId,
    visibility: NoteVisibility,
) -> Result<MissingId> {
    let record = cached::query_opt(
        c,
        "SELECT record_id FROM missing_notes WHERE id = $1",
        &[&note.0],
    )
    .await?
    .map(|row| row.try_get(0).map(MissingId))
    .transpose()?
    .ok_or(StoreError::NotFound("note"))?;
    live_locked(c, record).await?;
    cached::execute(
        c,
        "UPDATE missing_notes SET hidden = $2 WHERE id = $1",
        &[&note.0, &(visibility == NoteVisibility::Hidden)],
    )
    .await?;
    refresh_status(c, record).await?;
    Ok(record)
}

/// Runs an UPDATE on one live record; `NotFound` when it touched none.
async fn update_live(c: &impl GenericClient, sql: &str, params: &cached::Params<'_>) -> Result<()> {
    match cached::execute(c, sql, params)
        .await
        .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?
    {
        0 => Err(StoreError::NotFound("missing-person record")),
        _ => Ok(()),
    }
}

pub(super) async fn set_verified(
    c: &impl GenericClient,
    record: MissingId,
    verified: bool,
) -> Result<()> {
    update_live(
        c,
        "UPDATE missing_records SET verified = $2 WHERE id = $1 AND NOT expired",
        &[&record.0, &verified],
    )
    .await
}

pub(super) async fn link(c: &impl GenericClient, a: MissingId, b: MissingId) -> Result<()> {
    if a == b {
        return Err(StoreError::Conflict(Refusal::LinkToItself));
    }
    // In id order, so two links made at once over the same records can't deadlock.
    for id in [a.min(b), a.max(b)] {
        if !live_locked(c, id).await? {
            return Err(StoreError::NotFound("missing-person record"));
        }
    }
    cached::execute(
        c,
        "INSERT INTO missing_links (record_id, other_id) VALUES ($1, $2), ($2, $1)
         ON CONFLICT DO NOTHING",
        &[&a.0, &b.0],
    )
    .await?;
    Ok(())
}

pub(super) async fn set_account(
    c: &impl GenericClient,
    record: MissingId,
    account: Option<AccountId>,
) -> Result<()> {
    update_live(
        c,
        "UPDATE missing_records SET linked_account = $2 WHERE id = $1 AND NOT expired",
        &[&record.0, &account.map(|a| a.0)],
    )
    .await
}

pub(super) async fn subscribe(
    c: &impl GenericClient,
    record: MissingId,
    account: AccountId,
    at: Timestamp,
) -> Result<()> {
    if !live_locked(c, record).await? {
        return Err(StoreError::NotFound("missing-person record"));
    }
    cached::execute(
        c,
        "INSERT INTO missing_subscriptions (record_id, account_id, since) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[&record.0, &account.0, &at],
    )
    .await
    .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
    Ok(())
}

pub(super) async fn unsubscribe(
    c: &impl GenericClient,
    record: MissingId,
    account: AccountId,
) -> Result<bool> {
    Ok(cached::execute(
        c,
        "DELETE FROM missing_subscriptions WHERE record_id = $1 AND account_id = $2",
        &[&record.0, &account.0],
    )
    .await?
        > 0)
}

pub(super) async fn subscribers(
    c: &impl GenericClient,
    record: MissingId,
) -> Result<Vec<AccountId>> {
    cached::query(
        c,
        "SELECT account_id FROM missing_subscriptions WHERE record_id = $1 ORDER BY account_id",
        &[&record.0],
    )
    .await?
    .iter()
    .map(|row| Ok(AccountId(row.try_get(0)?)))
    .collect()
}

/// Leaves the placeholder PFIF requires of an expired record: ids and dates.
async fn wipe(c: &impl GenericClient, record: MissingId) -> Result<()> {
    cached::execute(
        c,
        "UPDATE missing_records SET person = $2, reporter = '{}', reporter_account = NULL,
             last_seen_place = NULL, last_seen_lat = NULL, last_seen_lon = NULL,
             last_seen_at = NULL, expired = true, verified = false, linked_account = NULL,
             status = NULL
         WHERE id = $1",
        &[&record.0, &to_json(&PersonDetails::default())?],
    )
    .await?;
    for sql in [
        "DELETE FROM missing_photos WHERE record_id = $1",
        "DELETE FROM missing_notes WHERE record_id = $1",
        "DELETE FROM missing_links WHERE record_id = $1 OR other_id = $1",
        "DELETE FROM missing_subscriptions WHERE record_id = $1",
    ] {
        cached::execute(c, sql, &[&record.0]).await?;
    }
    Ok(())
}

pub(super) async fn delete(
    c: &impl GenericClient,
    record: MissingId,
    now: Timestamp,
) -> Result<()> {
    update_live(
        c,
        "UPDATE missing_records SET expiry_date = $2 WHERE id = $1 AND NOT expired",
        &[&record.0, &now],
    )
    .await?;
    wipe(c, record).await
}

pub(super) async fn expire(c: &impl GenericClient, now: Timestamp) -> Result<Vec<MissingId>> {
    let expired: Vec<MissingId> = cached::query(
        c,
        "SELECT id FROM missing_records WHERE NOT expired AND expiry_date <= $1 ORDER BY id
         FOR UPDATE",
        &[&now],
    )
    .await?
    .iter()
    .map(|row| row.try_get(0).map(MissingId))
    .collect::<Result<_, _>>()?;
    for id in &expired {
        wipe(c, *id).await?;
    }
    Ok(expired)
}

pub(super) async fn names(c: &impl GenericClient) -> Result<Vec<(MissingId, Vec<String>)>> {
    cached::query(
        c,
        "SELECT id, person FROM missing_records WHERE NOT expired",
        &[],
    )
    .await?
    .iter()
    .map(|row| {
        let person: PersonDetails = json(row, "person")?;
        Ok((
            MissingId(row.try_get("id")?),
            person.names().into_iter().map(str::to_owned).collect(),
        ))
    })
    .collect()
}

fn window_bounds(w: FeedWindow) -> (Option<Timestamp>, i64, i64) {
    (
        w.min_entry_date,
        i64::from(w.max_results),
        i64::from(w.skip),
    )
}

pub(super) async fn feed(c: &impl GenericClient, window: FeedWindow) -> Result<Vec<MissingRecord>> {
    let (since, limit, skip) = window_bounds(window);
    let found = cached::query(
        c,
        &format!(
            "SELECT {RECORD_COLUMNS} FROM missing_records r WHERE ($1::timestamptz IS NULL OR r.entry_date >= $1)
             ORDER BY r.entry_date, r.id LIMIT $2 OFFSET $3"
        ),
        &[&since, &limit, &skip],
    )
    .await?;
    let mut records = Vec::with_capacity(found.len());
    for row in &found {
        records.push(with_links(c, record(row)?).await?);
    }
    Ok(records)
}

pub(super) async fn note_feed(
    c: &impl GenericClient,
    window: FeedWindow,
) -> Result<Vec<MissingNote>> {
    let (since, limit, skip) = window_bounds(window);
    cached::query(
        c,
        &format!(
            "SELECT {NOTE_COLUMNS} FROM missing_notes n WHERE ($1::timestamptz IS NULL OR n.entry_date >= $1) AND NOT n.hidden
             ORDER BY n.entry_date, n.id LIMIT $2 OFFSET $3"
        ),
        &[&since, &limit, &skip],
    )
    .await?
    .iter()
    .map(note)
    .collect()
}

pub(super) async fn locations_between(
    c: &impl GenericClient,
    b: entraide_geo::BBox,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(AccountId, entraide_core::Location)>> {
    cached::query(
        c,
        "SELECT account_id, lat, lon, accuracy_m, at FROM locations
         WHERE at BETWEEN $5 AND $6 AND lat BETWEEN $1 AND $3 AND lon BETWEEN $2 AND $4
         ORDER BY at",
        &[&b.min_lat, &b.min_lon, &b.max_lat, &b.max_lon, &from, &to],
    )
    .await?
    .iter()
    .map(|row| {
        let location = rows::location(row)?
            .ok_or_else(|| StoreError::Backend("a location row without a location".into()))?;
        Ok((AccountId(row.try_get("account_id")?), location))
    })
    .collect()
}

pub(super) async fn put_photo(c: &impl GenericClient, photo: &crate::MissingPhoto) -> Result<()> {
    if !live_locked(c, photo.record).await? {
        return Err(StoreError::NotFound("missing-person record"));
    }
    if let Some(note) = photo.note {
        let on_record = c
            .query_opt(
                "SELECT 1 FROM missing_notes WHERE id = $1 AND record_id = $2",
                &[&note.0, &photo.record.0],
            )
            .await?;
        if on_record.is_none() {
            return Err(StoreError::NotFound("missing-person note"));
        }
    }
    let note = photo.note.map(|n| n.0);
    c.execute(
        "DELETE FROM missing_photos WHERE record_id = $1 AND note_id IS NOT DISTINCT FROM $2",
        &[&photo.record.0, &note],
    )
    .await?;
    c.execute(
        "INSERT INTO missing_photos (id, record_id, note_id, uploaded_by, content_type,
             display, thumbnail, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &photo.id,
            &photo.record.0,
            &note,
            &photo.uploaded_by.0,
            &photo.content_type,
            &photo.display,
            &photo.thumbnail,
            &photo.uploaded_at,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn photo(c: &impl GenericClient, id: Uuid) -> Result<Option<crate::MissingPhoto>> {
    let row = c
        .query_opt(
            "SELECT id, record_id, note_id, uploaded_by, content_type, display, thumbnail,
                 uploaded_at
             FROM missing_photos WHERE id = $1",
            &[&id],
        )
        .await?;
    row.map(|r| -> Result<crate::MissingPhoto> {
        Ok(crate::MissingPhoto {
            id: r.try_get(0)?,
            record: MissingId(r.try_get(1)?),
            note: r.try_get::<_, Option<Uuid>>(2)?.map(MissingNoteId),
            uploaded_by: AccountId(r.try_get(3)?),
            content_type: r.try_get(4)?,
            display: r.try_get(5)?,
            thumbnail: r.try_get(6)?,
            uploaded_at: r.try_get(7)?,
        })
    })
    .transpose()
}

pub(super) async fn photo_ids(
    c: &impl GenericClient,
    record: MissingId,
) -> Result<Vec<(Option<MissingNoteId>, Uuid)>> {
    let rows = c
        .query(
            "SELECT note_id, id FROM missing_photos WHERE record_id = $1 ORDER BY uploaded_at, id",
            &[&record.0],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<_, Option<Uuid>>(0)?.map(MissingNoteId),
                r.try_get(1)?,
            ))
        })
        .collect()
}
