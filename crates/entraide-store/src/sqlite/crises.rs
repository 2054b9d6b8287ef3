//! Crises, and who was asked about them.

use super::convert::{
    Micros, Parsed, StoredZone, Violation, account_id, missing_is, time, violation,
};
use super::standing::Shared;
use crate::{Prompt, Result, StoreError};
use entraide_core::Refusal;
use entraide_core::{AccountId, Crisis, CrisisId, CrisisKind, CrisisStatus, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

/// The columns [`crisis`] reads, of the crises table aliased `c`.
macro_rules! crisis_columns {
    () => {
        "c.id, c.title, c.description, c.kind, c.zone, c.status, c.starts_at, c.expires_at, c.created_by, \
         c.created_at, c.updated_at"
    };
}
const CRISIS_COLUMNS: usize = 11;

fn crisis(r: &Row) -> rusqlite::Result<Crisis> {
    Ok(Crisis {
        id: CrisisId(r.get(0)?),
        title: r.get(1)?,
        description: r.get(2)?,
        kind: CrisisKind::from_trusted(r.get(3)?),
        zone: r.get::<_, StoredZone>(4)?.0,
        status: r.get::<_, Parsed<_>>(5)?.0,
        starts_at: time(r, 6)?,
        expires_at: r.get::<_, Option<Micros>>(7)?.map(|m| m.0),
        created_by: r.get::<_, Option<Uuid>>(8)?.map(AccountId),
        created_at: time(r, 9)?,
        updated_at: time(r, 10)?,
    })
}

pub(super) fn create_crisis(conn: &Connection, c: Crisis) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO crises (id, title, description, kind, zone, status, starts_at, expires_at, created_by,
                             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        c.id.0,
        c.title,
        c.description,
        c.kind.as_str(),
        StoredZone(c.zone),
        c.status.as_str(),
        Micros(c.starts_at),
        c.expires_at.map(Micros),
        c.created_by.map(|a| a.0),
        Micros(c.created_at),
        Micros(c.updated_at),
    ])
    .map_err(|e| match violation(&e) {
        Some(Violation::Duplicate) => StoreError::Conflict(Refusal::IdTaken),
        Some(Violation::Missing) => StoreError::NotFound("account"),
        None => e.into(),
    })?;
    Ok(())
}

pub(super) fn crisis_by_id(conn: &Connection, id: CrisisId) -> Result<Option<Crisis>> {
    let sql = concat!(
        "SELECT ",
        crisis_columns!(),
        " FROM crises c WHERE c.id = ?1"
    );
    Ok(conn
        .prepare_cached(sql)?
        .query_row([id.0], crisis)
        .optional()?)
}

/// Newest first (creation time, then id).
pub(super) fn crises(conn: &Connection, status: Option<CrisisStatus>) -> Result<Vec<Crisis>> {
    let rows = match status {
        Some(status) => {
            let sql = concat!(
                "SELECT ",
                crisis_columns!(),
                " FROM crises c WHERE c.status = ?1 ORDER BY c.created_at DESC, c.id DESC"
            );
            conn.prepare_cached(sql)?
                .query_map([status.as_str()], crisis)?
                .collect::<rusqlite::Result<_>>()
        }
        None => {
            let sql = concat!(
                "SELECT ",
                crisis_columns!(),
                " FROM crises c ORDER BY c.created_at DESC, c.id DESC"
            );
            conn.prepare_cached(sql)?
                .query_map([], crisis)?
                .collect::<rusqlite::Result<_>>()
        }
    };
    Ok(rows?)
}

pub(super) fn set_crisis_status(
    conn: &Connection,
    id: CrisisId,
    from: CrisisStatus,
    to: CrisisStatus,
    at: Timestamp,
) -> Result<()> {
    let moved = conn
        .prepare_cached(
            "UPDATE crises SET status = ?3, updated_at = ?4 WHERE id = ?1 AND status = ?2",
        )?
        .execute(params![id.0, from.as_str(), to.as_str(), Micros(at)])?;
    if moved == 1 {
        return Ok(());
    }
    let now: Option<Parsed<CrisisStatus>> = conn
        .prepare_cached("SELECT status FROM crises WHERE id = ?1")?
        .query_row([id.0], |r| r.get(0))
        .optional()?;
    match now {
        None => Err(StoreError::NotFound("crisis")),
        Some(Parsed(crisis_status)) => {
            Err(StoreError::Conflict(Refusal::CrisisIs { crisis_status }))
        }
    }
}

/// Asks a person of a crisis, unless they were asked already (no change, no error).
pub(super) const ASK: &str =
    "INSERT INTO prompts (crisis_id, account_id, asked_at) VALUES (?1, ?2, ?3)
     ON CONFLICT DO NOTHING";

/// In the order given, each account once.
pub(super) fn add_prompts(
    conn: &Connection,
    crisis: CrisisId,
    accounts: &[AccountId],
    at: Timestamp,
) -> Result<Vec<AccountId>> {
    let mut insert = conn.prepare_cached(ASK)?;
    let mut new = Vec::new();
    for &account in accounts {
        if insert
            .execute(params![crisis.0, account.0, Micros(at)])
            .map_err(missing_is("crisis or account"))?
            == 1
        {
            new.push(account);
        }
    }
    Ok(new)
}

pub(super) fn prompted(conn: &Connection, crisis: CrisisId) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached("SELECT account_id FROM prompts WHERE crisis_id = ?1")?;
    let rows = stmt.query_map([crisis.0], |r| account_id(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Newest question first (time asked, then crisis id), each with my answer as it stands.
pub(super) fn prompts_for(
    conn: &Connection,
    standing: &Shared,
    account: AccountId,
) -> Result<Vec<Prompt>> {
    let sql = concat!(
        "SELECT ",
        crisis_columns!(),
        ", p.asked_at FROM prompts p
         JOIN crises c ON c.id = p.crisis_id
         WHERE p.account_id = ?1
         ORDER BY p.asked_at DESC, c.id DESC"
    );
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([account.0], |r| Ok((crisis(r)?, time(r, CRISIS_COLUMNS)?)))?;
    let asked = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let standing = standing.read();
    Ok(asked
        .into_iter()
        .map(|(crisis, asked_at)| Prompt {
            mark: standing.get((crisis.id, account)).cloned(),
            crisis,
            asked_at,
        })
        .collect())
}
