//! The missing-persons registry (issue 4).

use super::convert::{
    Micros, Parsed, Violation, account_id, corrupt, location, missing_is, time, violation,
};
use crate::{
    FeedWindow, ImportItem, ImportOutcome, MissingNote, MissingRecord, NoteVisibility, Result,
    StoreError,
};
use entraide_core::Refusal;
use entraide_core::{
    AccountId, LastSeen, MissingId, MissingNoteId, NoteAuthor, NoteStatus, PersonDetails, Timestamp,
};
use entraide_geo::Point;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::BTreeSet;
use uuid::Uuid;

const RECORD_COLUMNS: &str = "r.id, r.pfif_id, r.person, r.reporter, r.reporter_account,
    r.last_seen_place, r.last_seen_lat, r.last_seen_lon, r.last_seen_at, r.source_date,
    r.entry_date, r.expiry_date, r.expired, r.verified, r.linked_account, r.status";

const NOTE_COLUMNS: &str = "n.id, n.pfif_id, n.record_id, n.details, n.origin,
    n.author_account, n.anonymous, n.hidden,
    (SELECT count(*) FROM missing_note_flags f WHERE f.note_id = n.id),
    n.source_date, n.entry_date";

/// A JSON column, read back into its type.
fn json<T: serde::de::DeserializeOwned>(row: &Row, idx: usize) -> rusqlite::Result<T> {
    serde_json::from_str(row.get_ref(idx)?.as_str()?)
        .map_err(|e| corrupt(idx, format!("unreadable JSON: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("encoding JSON: {e}")))
}

fn record(row: &Row) -> rusqlite::Result<MissingRecord> {
    let point = match (row.get(6)?, row.get(7)?) {
        (Some(lat), Some(lon)) => Some(Point { lat, lon }),
        _ => None,
    };
    Ok(MissingRecord {
        id: MissingId(row.get(0)?),
        pfif_id: row.get(1)?,
        person: json(row, 2)?,
        reporter: json(row, 3)?,
        reporter_account: row.get::<_, Option<Uuid>>(4)?.map(AccountId),
        last_seen: LastSeen {
            place: row.get(5)?,
            point,
            at: row.get::<_, Option<Micros>>(8)?.map(|m| m.0),
        },
        source_date: time(row, 9)?,
        entry_date: time(row, 10)?,
        expiry_date: row.get::<_, Option<Micros>>(11)?.map(|m| m.0),
        expired: row.get(12)?,
        verified: row.get(13)?,
        linked_account: row.get::<_, Option<Uuid>>(14)?.map(AccountId),
        status: row.get::<_, Option<Parsed<NoteStatus>>>(15)?.map(|p| p.0),
        linked_records: Vec::new(),
    })
}

fn note(row: &Row) -> rusqlite::Result<MissingNote> {
    Ok(MissingNote {
        id: MissingNoteId(row.get(0)?),
        pfif_id: row.get(1)?,
        record: MissingId(row.get(2)?),
        details: json(row, 3)?,
        origin: row.get::<_, Parsed<_>>(4)?.0,
        author: NoteAuthor {
            account: row.get::<_, Option<Uuid>>(5)?.map(AccountId),
            anonymous: row.get(6)?,
        },
        hidden: row.get(7)?,
        flags: row.get(8)?,
        source_date: time(row, 9)?,
        entry_date: time(row, 10)?,
    })
}

fn with_links(conn: &Connection, mut record: MissingRecord) -> Result<MissingRecord> {
    let mut stmt = conn.prepare_cached(
        "SELECT other_id FROM missing_links WHERE record_id = ?1 ORDER BY other_id",
    )?;
    record.linked_records = stmt
        .query_map([record.id.0], |r| r.get(0).map(MissingId))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(record)
}

const INSERT_RECORD: &str = "INSERT INTO missing_records (id, pfif_id, person, reporter,
         reporter_account, last_seen_place, last_seen_lat, last_seen_lon, last_seen_at,
         source_date, entry_date, expiry_date, verified, linked_account)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/// Buffers the JSON columns are written into, reused from one item to the next so an
/// import of many records does not allocate strings for each.
#[derive(Default)]
struct JsonBuffers {
    person: Vec<u8>,
    reporter: Vec<u8>,
    note_details: Vec<u8>,
}

/// Writes `value` as JSON into `buffer` (emptied first) and returns the text.
fn json_into<'a, T: serde::Serialize>(buffer: &'a mut Vec<u8>, value: &T) -> Result<&'a str> {
    buffer.clear();
    serde_json::to_writer(&mut *buffer, value)
        .map_err(|e| StoreError::Backend(format!("encoding JSON: {e}")))?;
    std::str::from_utf8(buffer).map_err(|e| StoreError::Backend(format!("encoding JSON: {e}")))
}

fn record_write_error(e: rusqlite::Error) -> StoreError {
    match violation(&e) {
        Some(Violation::Duplicate) => StoreError::Conflict(Refusal::IdTaken),
        Some(Violation::Missing) => StoreError::NotFound("account"),
        None => e.into(),
    }
}

/// Runs `insert` (INSERT_RECORD, with or without a conflict clause) for one record;
/// returns the number of rows it inserted.
fn insert_record_with(
    insert: &mut rusqlite::Statement,
    r: &MissingRecord,
    buffers: &mut JsonBuffers,
) -> Result<usize> {
    let person = json_into(&mut buffers.person, &r.person)?;
    let reporter = json_into(&mut buffers.reporter, &r.reporter)?;
    let (lat, lon) = r.last_seen.point.map(|p| (p.lat, p.lon)).unzip();
    insert
        .execute(params![
            r.id.0,
            r.pfif_id,
            person,
            reporter,
            r.reporter_account.map(|a| a.0),
            r.last_seen.place,
            lat,
            lon,
            r.last_seen.at.map(Micros),
            Micros(r.source_date),
            Micros(r.entry_date),
            r.expiry_date.map(Micros),
            r.verified,
            r.linked_account.map(|a| a.0),
        ])
        .map_err(record_write_error)
}

/// `Conflict` when the id exists, `NotFound` for an unknown account.
pub(super) fn create(conn: &Connection, r: &MissingRecord) -> Result<()> {
    let mut insert = conn.prepare_cached(INSERT_RECORD)?;
    insert_record_with(&mut insert, r, &mut JsonBuffers::default())?;
    Ok(())
}

/// Sets the record's status to that of its latest visible note with one.
fn refresh_status(conn: &Connection, record: MissingId) -> Result<Option<NoteStatus>> {
    let status = conn
        .prepare_cached(
            "UPDATE missing_records SET status = (
                 SELECT n.status FROM missing_notes n
                 WHERE n.record_id = ?1 AND n.hidden = 0 AND n.status IS NOT NULL
                 ORDER BY n.source_date DESC, n.entry_date DESC, n.id DESC LIMIT 1)
             WHERE id = ?1 RETURNING status",
        )?
        .query_row([record.0], |r| r.get::<_, Option<Parsed<NoteStatus>>>(0))
        .optional()?
        .flatten()
        .map(|p| p.0);
    Ok(status)
}

const IS_LIVE: &str = "SELECT NOT expired FROM missing_records WHERE id = ?1";

fn record_is_live(conn: &Connection, record: MissingId) -> Result<bool> {
    Ok(conn
        .prepare_cached(IS_LIVE)?
        .query_row([record.0], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

const INSERT_NOTE: &str = "INSERT INTO missing_notes (id, pfif_id, record_id, details,
         status, origin, author_account, anonymous, hidden, source_date, entry_date)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/// Runs `insert` (INSERT_NOTE, with or without a conflict clause) for one note; returns
/// the number of rows it inserted.
fn insert_note_with(
    insert: &mut rusqlite::Statement,
    n: &MissingNote,
    details: &mut Vec<u8>,
) -> Result<usize> {
    let details = json_into(details, &n.details)?;
    insert
        .execute(params![
            n.id.0,
            n.pfif_id,
            n.record.0,
            details,
            n.details.status.map(NoteStatus::as_str),
            n.origin.as_str(),
            n.author.account.map(|a| a.0),
            n.author.anonymous,
            n.hidden,
            Micros(n.source_date),
            Micros(n.entry_date),
        ])
        .map_err(|e| match violation(&e) {
            Some(Violation::Duplicate) => StoreError::Conflict(Refusal::IdTaken),
            Some(Violation::Missing) => StoreError::NotFound("account"),
            None => e.into(),
        })
}

pub(super) fn add_note(conn: &Connection, n: &MissingNote) -> Result<Option<NoteStatus>> {
    if !record_is_live(conn, n.record)? {
        return Err(StoreError::NotFound("missing-person record"));
    }
    let mut insert = conn.prepare_cached(INSERT_NOTE)?;
    insert_note_with(&mut insert, n, &mut Vec::new())?;
    refresh_status(conn, n.record)
}

pub(super) fn import(conn: &Connection, batch: Vec<ImportItem>) -> Result<Vec<ImportOutcome>> {
    // Prepared once for the batch: a statement cache lookup per record (hashing the SQL
    // text) costs as much as a small insert.
    let mut add_record =
        conn.prepare_cached(&format!("{INSERT_RECORD} ON CONFLICT (id) DO NOTHING"))?;
    let mut stored_version =
        conn.prepare_cached("SELECT source_date, expired FROM missing_records WHERE id = ?1")?;
    let mut replace_record = conn.prepare_cached(
        "UPDATE missing_records SET pfif_id = ?2, person = ?3, reporter = ?4,
             last_seen_place = ?5, last_seen_lat = ?6, last_seen_lon = ?7,
             last_seen_at = ?8, source_date = ?9, entry_date = ?10, expiry_date = ?11
         WHERE id = ?1",
    )?;
    let mut is_live = conn.prepare_cached(IS_LIVE)?;
    let mut add_note = conn.prepare_cached(&format!("{INSERT_NOTE} ON CONFLICT DO NOTHING"))?;
    let mut buffers = JsonBuffers::default();

    let mut outcomes = Vec::with_capacity(batch.len());
    let mut touched = BTreeSet::new();
    for item in batch {
        let outcome = match item {
            // Most imported records are new: insert first, and only when the id is taken
            // read the stored version to decide.
            ImportItem::Record(r) => {
                if insert_record_with(&mut add_record, &r, &mut buffers)? == 1 {
                    ImportOutcome::Added
                } else {
                    let (source_date, expired) = stored_version
                        .query_row([r.id.0], |row| Ok((time(row, 0)?, row.get::<_, bool>(1)?)))?;
                    // A deleted record stays deleted: a late copy must not bring it back.
                    if expired || source_date >= r.source_date {
                        ImportOutcome::Unchanged
                    } else {
                        let person = json_into(&mut buffers.person, &r.person)?;
                        let reporter = json_into(&mut buffers.reporter, &r.reporter)?;
                        let (lat, lon) = r.last_seen.point.map(|p| (p.lat, p.lon)).unzip();
                        replace_record.execute(params![
                            r.id.0,
                            r.pfif_id,
                            person,
                            reporter,
                            r.last_seen.place,
                            lat,
                            lon,
                            r.last_seen.at.map(Micros),
                            Micros(r.source_date),
                            Micros(r.entry_date),
                            r.expiry_date.map(Micros),
                        ])?;
                        ImportOutcome::Replaced
                    }
                }
            }
            ImportItem::Note(n) => {
                let live = is_live
                    .query_row([n.record.0], |r| r.get::<_, bool>(0))
                    .optional()?;
                if live != Some(true) {
                    ImportOutcome::UnknownRecord
                } else if insert_note_with(&mut add_note, &n, &mut buffers.note_details)? == 0 {
                    ImportOutcome::Unchanged
                } else {
                    touched.insert(n.record);
                    ImportOutcome::Added
                }
            }
        };
        outcomes.push(outcome);
    }
    for record in touched {
        refresh_status(conn, record)?;
    }
    Ok(outcomes)
}

pub(super) fn records(conn: &Connection, ids: &[MissingId]) -> Result<Vec<MissingRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM missing_records r WHERE r.id = ?1"
    ))?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = stmt.query_row([id.0], record).optional()? {
            found.push(with_links(conn, r)?);
        }
    }
    Ok(found)
}

pub(super) fn notes(conn: &Connection, record: MissingId) -> Result<Vec<MissingNote>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {NOTE_COLUMNS} FROM missing_notes n WHERE n.record_id = ?1
         ORDER BY n.source_date, n.entry_date, n.id"
    ))?;
    let rows = stmt.query_map([record.0], note)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn flag_note(
    conn: &Connection,
    note: MissingNoteId,
    account: AccountId,
    at: Timestamp,
) -> Result<u32> {
    conn.prepare_cached(
        "INSERT INTO missing_note_flags (note_id, account_id, at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![note.0, account.0, Micros(at)])
    .map_err(missing_is("note"))?;
    Ok(conn
        .prepare_cached("SELECT count(*) FROM missing_note_flags WHERE note_id = ?1")?
        .query_row([note.0], |r| r.get(0))?)
}

pub(super) fn set_note_visibility(
    conn: &Connection,
    note: MissingNoteId,
    visibility: NoteVisibility,
) -> Result<MissingId> {
    let record = conn
        .prepare_cached("UPDATE missing_notes SET hidden = ?2 WHERE id = ?1 RETURNING record_id")?
        .query_row(params![note.0, visibility == NoteVisibility::Hidden], |r| {
            r.get(0).map(MissingId)
        })
        .optional()?
        .ok_or(StoreError::NotFound("note"))?;
    refresh_status(conn, record)?;
    Ok(record)
}

/// Runs an UPDATE on one live record; `NotFound` when it touched none.
fn update_live(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<()> {
    match conn.prepare_cached(sql)?.execute(params)? {
        0 => Err(StoreError::NotFound("missing-person record")),
        _ => Ok(()),
    }
}

pub(super) fn set_verified(conn: &Connection, record: MissingId, verified: bool) -> Result<()> {
    update_live(
        conn,
        "UPDATE missing_records SET verified = ?2 WHERE id = ?1 AND expired = 0",
        params![record.0, verified],
    )
}

pub(super) fn link(conn: &Connection, a: MissingId, b: MissingId) -> Result<()> {
    if a == b {
        return Err(StoreError::Conflict(Refusal::LinkToItself));
    }
    for id in [a, b] {
        if !record_is_live(conn, id)? {
            return Err(StoreError::NotFound("missing-person record"));
        }
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO missing_links (record_id, other_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    stmt.execute([a.0, b.0])?;
    stmt.execute([b.0, a.0])?;
    Ok(())
}

pub(super) fn set_account(
    conn: &Connection,
    record: MissingId,
    account: Option<AccountId>,
) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE missing_records SET linked_account = ?2 WHERE id = ?1 AND expired = 0",
        )?
        .execute(params![record.0, account.map(|a| a.0)])
        .map_err(missing_is("account"))?;
    match changed {
        0 => Err(StoreError::NotFound("missing-person record")),
        _ => Ok(()),
    }
}

pub(super) fn linked_to(conn: &Connection, account: AccountId) -> Result<Vec<MissingId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM missing_records WHERE linked_account = ?1 AND expired = 0 ORDER BY id",
    )?;
    let rows = stmt.query_map([account.0], |r| r.get(0).map(MissingId))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn subscribe(
    conn: &Connection,
    record: MissingId,
    account: AccountId,
    at: Timestamp,
) -> Result<()> {
    if !record_is_live(conn, record)? {
        return Err(StoreError::NotFound("missing-person record"));
    }
    conn.prepare_cached(
        "INSERT INTO missing_subscriptions (record_id, account_id, since) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![record.0, account.0, Micros(at)])
    .map_err(missing_is("account"))?;
    Ok(())
}

pub(super) fn unsubscribe(
    conn: &Connection,
    record: MissingId,
    account: AccountId,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "DELETE FROM missing_subscriptions WHERE record_id = ?1 AND account_id = ?2",
        )?
        .execute([record.0, account.0])?
        > 0)
}

pub(super) fn subscribers(conn: &Connection, record: MissingId) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id FROM missing_subscriptions WHERE record_id = ?1 ORDER BY account_id",
    )?;
    let rows = stmt.query_map([record.0], |r| account_id(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Leaves the placeholder PFIF requires of an expired record: ids and dates.
fn wipe(conn: &Connection, record: MissingId) -> Result<()> {
    conn.prepare_cached(
        "UPDATE missing_records SET person = ?2, reporter = '{}', reporter_account = NULL,
             last_seen_place = NULL, last_seen_lat = NULL, last_seen_lon = NULL,
             last_seen_at = NULL, expired = 1, verified = 0, linked_account = NULL,
             status = NULL
         WHERE id = ?1",
    )?
    .execute(params![record.0, to_json(&PersonDetails::default())?])?;
    for sql in [
        "DELETE FROM missing_photos WHERE record_id = ?1",
        "DELETE FROM missing_notes WHERE record_id = ?1",
        "DELETE FROM missing_links WHERE record_id = ?1 OR other_id = ?1",
        "DELETE FROM missing_subscriptions WHERE record_id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([record.0])?;
    }
    Ok(())
}

pub(super) fn delete(conn: &Connection, record: MissingId, now: Timestamp) -> Result<()> {
    update_live(
        conn,
        "UPDATE missing_records SET expiry_date = ?2 WHERE id = ?1 AND expired = 0",
        params![record.0, Micros(now)],
    )?;
    wipe(conn, record)
}

pub(super) fn expire(conn: &Connection, now: Timestamp) -> Result<Vec<MissingId>> {
    let expired: Vec<MissingId> = conn
        .prepare_cached(
            "SELECT id FROM missing_records WHERE expired = 0 AND expiry_date <= ?1 ORDER BY id",
        )?
        .query_map([Micros(now)], |r| r.get(0).map(MissingId))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &expired {
        wipe(conn, *id)?;
    }
    Ok(expired)
}

pub(super) fn names(conn: &Connection) -> Result<Vec<(MissingId, Vec<String>)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, person FROM missing_records WHERE expired = 0")?;
    let rows = stmt.query_map([], |r| {
        let person: PersonDetails = json(r, 1)?;
        Ok((
            MissingId(r.get(0)?),
            person.names().into_iter().map(str::to_owned).collect(),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn window_params(w: FeedWindow) -> [i64; 3] {
    [
        w.min_entry_date.map_or(i64::MIN, |t| t.timestamp_micros()),
        i64::from(w.max_results),
        i64::from(w.skip),
    ]
}

pub(super) fn feed(conn: &Connection, window: FeedWindow) -> Result<Vec<MissingRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM missing_records r WHERE r.entry_date >= ?1
         ORDER BY r.entry_date, r.id LIMIT ?2 OFFSET ?3"
    ))?;
    let rows: Vec<MissingRecord> = stmt
        .query_map(window_params(window), record)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|r| with_links(conn, r)).collect()
}

pub(super) fn note_feed(conn: &Connection, window: FeedWindow) -> Result<Vec<MissingNote>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {NOTE_COLUMNS} FROM missing_notes n WHERE n.entry_date >= ?1 AND n.hidden = 0
         ORDER BY n.entry_date, n.id LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt.query_map(window_params(window), note)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn locations_between(
    conn: &Connection,
    b: entraide_geo::BBox,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<(AccountId, entraide_core::Location)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, lat, lon, accuracy_m, at FROM locations
         WHERE at BETWEEN ?5 AND ?6 AND lat BETWEEN ?1 AND ?3 AND lon BETWEEN ?2 AND ?4
         ORDER BY at",
    )?;
    let rows = stmt.query_map(
        params![
            b.min_lat,
            b.min_lon,
            b.max_lat,
            b.max_lon,
            Micros(from),
            Micros(to)
        ],
        |r| Ok((account_id(r, 0)?, location(r, 1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn put_photo(conn: &Connection, photo: &crate::MissingPhoto) -> Result<()> {
    if !record_is_live(conn, photo.record)? {
        return Err(StoreError::NotFound("missing-person record"));
    }
    if let Some(note) = photo.note {
        let on_record = conn
            .prepare_cached("SELECT 1 FROM missing_notes WHERE id = ?1 AND record_id = ?2")?
            .query_row([note.0, photo.record.0], |_| Ok(()))
            .optional()?;
        if on_record.is_none() {
            return Err(StoreError::NotFound("missing-person note"));
        }
    }
    conn.prepare_cached("DELETE FROM missing_photos WHERE record_id = ?1 AND note_id IS ?2")?
        .execute(params![photo.record.0, photo.note.map(|n| n.0)])?;
    conn.prepare_cached(
        "INSERT INTO missing_photos (id, record_id, note_id, uploaded_by, content_type,
             display, thumbnail, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        photo.id,
        photo.record.0,
        photo.note.map(|n| n.0),
        photo.uploaded_by.0,
        photo.content_type,
        photo.display,
        photo.thumbnail,
        Micros(photo.uploaded_at)
    ])?;
    Ok(())
}

pub(super) fn photo(conn: &Connection, id: Uuid) -> Result<Option<crate::MissingPhoto>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, record_id, note_id, uploaded_by, content_type, display, thumbnail,
                 uploaded_at
             FROM missing_photos WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(crate::MissingPhoto {
                id: r.get(0)?,
                record: MissingId(r.get(1)?),
                note: r.get::<_, Option<Uuid>>(2)?.map(MissingNoteId),
                uploaded_by: account_id(r, 3)?,
                content_type: r.get(4)?,
                display: r.get(5)?,
                thumbnail: r.get(6)?,
                uploaded_at: time(r, 7)?,
            })
        })
        .optional()?)
}

pub(super) fn photo_ids(
    conn: &Connection,
    record: MissingId,
) -> Result<Vec<(Option<MissingNoteId>, Uuid)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT note_id, id FROM missing_photos WHERE record_id = ?1 ORDER BY uploaded_at, id",
    )?;
    let rows = stmt.query_map([record.0], |r| {
        Ok((r.get::<_, Option<Uuid>>(0)?.map(MissingNoteId), r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
