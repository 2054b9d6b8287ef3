//! How Rust values are written to SQLite columns and read back (see the conventions at the
//! top of the first migration), and how SQLite's errors become the store's.

use crate::{Account, ContactState, CurrentMark, StoreError};
use chrono::SubsecRound;
use entraide_core::{AccountId, Handle, Location, MarkOrigin, Timestamp};
use entraide_geo::{Point, Zone};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Row, ffi};
use std::str::FromStr;
use uuid::Uuid;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// Which constraint a failed write broke, when the caller can explain it to a client.
#[derive(Debug)]
pub(super) enum Violation {
    /// A primary key or UNIQUE column already holds the value.
    Duplicate,
    /// A referenced row (an account, a crisis) does not exist.
    Missing,
}

pub(super) fn violation(e: &rusqlite::Error) -> Option<Violation> {
    match e.sqlite_error()?.extended_code {
        ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_UNIQUE => {
            Some(Violation::Duplicate)
        }
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Violation::Missing),
        _ => None,
    }
}

/// Maps a write error: a missing referenced row becomes `NotFound(what)`.
pub(super) fn missing_is(what: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| match violation(&e) {
        Some(Violation::Missing) => StoreError::NotFound(what),
        _ => e.into(),
    }
}

/// A time as it comes back from the database: to the microsecond.
pub(super) fn stored_time(t: Timestamp) -> Timestamp {
    t.trunc_subsecs(6)
}

/// A time, stored as integer microseconds since the epoch.
pub(super) struct Micros(pub Timestamp);

impl ToSql for Micros {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.timestamp_micros()))
    }
}

impl FromSql for Micros {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let us = i64::column_result(value)?;
        Timestamp::from_timestamp_micros(us)
            .map(Micros)
            .ok_or(FromSqlError::OutOfRange(us))
    }
}

/// An enumeration stored as its lowercase name, read back with its `FromStr`.
pub(super) struct Parsed<T>(pub T);

impl<T> FromSql for Parsed<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map(Parsed)
            .map_err(FromSqlError::other)
    }
}

/// A zone stored as the JSON that `Zone::to_json` writes.
pub(super) struct StoredZone(pub Zone);

impl ToSql for StoredZone {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_json().to_string()))
    }
}

impl FromSql for StoredZone {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let json: serde_json::Value =
            serde_json::from_str(value.as_str()?).map_err(FromSqlError::other)?;
        Zone::from_json(&json)
            .map(StoredZone)
            .map_err(FromSqlError::other)
    }
}

pub(super) fn contact_state(row: &Row, idx: usize) -> rusqlite::Result<ContactState> {
    Ok(match row.get_ref(idx)?.as_str()? {
        "outgoing" => ContactState::Outgoing,
        "incoming" => ContactState::Incoming,
        "mutual" => ContactState::Mutual,
        other => return Err(corrupt(idx, format!("unknown contact state {other:?}"))),
    })
}

/// A value the schema's CHECK constraints should have kept out.
pub(super) fn corrupt(column: usize, what: String) -> rusqlite::Error {
    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct Corrupt(String);
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        Box::new(Corrupt(what)),
    )
}

pub(super) fn account_id(row: &Row, idx: usize) -> rusqlite::Result<AccountId> {
    row.get::<_, Uuid>(idx).map(AccountId)
}

pub(super) fn time(row: &Row, idx: usize) -> rusqlite::Result<Timestamp> {
    row.get::<_, Micros>(idx).map(|m| m.0)
}

pub(super) fn handle(row: &Row, idx: usize) -> rusqlite::Result<Handle> {
    row.get::<_, String>(idx).map(Handle::from_trusted)
}

/// The columns [`account`] reads, of the accounts table aliased `$t`: one list for every
/// query, so the indices can't drift apart.
macro_rules! account_columns {
    ($t:literal) => {
        concat!(
            $t,
            ".id, ",
            $t,
            ".handle, ",
            $t,
            ".display_name, ",
            $t,
            ".role, ",
            $t,
            ".created_at"
        )
    };
}
pub(super) use account_columns;

pub(super) fn account(row: &Row, at: usize) -> rusqlite::Result<Account> {
    Ok(Account {
        id: account_id(row, at)?,
        handle: handle(row, at + 1)?,
        display_name: row.get(at + 2)?,
        role: row.get::<_, Parsed<_>>(at + 3)?.0,
        created_at: time(row, at + 4)?,
    })
}

/// `lat, lon, accuracy_m, at`, from `at` on.
pub(super) fn location(row: &Row, at: usize) -> rusqlite::Result<Location> {
    Ok(Location {
        point: Point {
            lat: row.get(at)?,
            lon: row.get(at + 1)?,
        },
        accuracy_m: row.get(at + 2)?,
        at: time(row, at + 3)?,
    })
}

/// The same, when a LEFT JOIN may have found no location.
pub(super) fn maybe_location(row: &Row, at: usize) -> rusqlite::Result<Option<Location>> {
    match row.get_ref(at)? {
        ValueRef::Null => Ok(None),
        _ => location(row, at).map(Some),
    }
}

/// The columns [`current_mark`] reads: a safety_marks row aliased `$m`, and the handle of
/// the account aliased `$by` that marked it.
macro_rules! mark_columns {
    ($m:literal, $by:literal) => {
        concat!(
            $m,
            ".status, ",
            $m,
            ".message, ",
            $m,
            ".origin, ",
            $m,
            ".marked_by, ",
            $m,
            ".at, ",
            $by,
            ".handle"
        )
    };
}
pub(super) use mark_columns;

/// None when a LEFT JOIN found no mark.
pub(super) fn current_mark(row: &Row, at: usize) -> rusqlite::Result<Option<CurrentMark>> {
    let Some(status) = row.get::<_, Option<Parsed<_>>>(at)? else {
        return Ok(None);
    };
    let origin = match row.get_ref(at + 2)?.as_str()? {
        "own" => MarkOrigin::Own,
        "on_behalf" => MarkOrigin::OnBehalf {
            by: account_id(row, at + 3)?,
        },
        other => return Err(corrupt(at + 2, format!("unknown mark origin {other:?}"))),
    };
    Ok(Some(CurrentMark {
        status: status.0,
        message: row.get(at + 1)?,
        origin,
        marked_by: row
            .get::<_, Option<String>>(at + 5)?
            .map(Handle::from_trusted),
        at: time(row, at + 4)?,
    }))
}
