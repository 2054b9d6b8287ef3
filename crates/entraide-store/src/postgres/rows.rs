//! Turning rows into the store's types, and PostgreSQL errors into `StoreError`s.

use crate::{Account, CurrentMark, StoreError};
use entraide_core::{
    AccountId, Crisis, CrisisId, CrisisKind, Handle, Location, MarkOrigin, SafetyMark, Timestamp,
};
use entraide_geo::{Point, Zone};
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Backend(describe(&e))
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Backend(describe_pool(&e))
    }
}

pub(super) fn describe_pool(e: &deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => describe(e),
        other => format!("connection pool: {other}"),
    }
}

/// The whole story of an error: tokio-postgres' `Display` says only "db error", and the
/// server's message is what an operator needs in the logs.
pub(super) fn describe(e: &tokio_postgres::Error) -> String {
    match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(db), _) => db.to_string(),
        (None, Some(source)) => format!("{e}: {source}"),
        (None, None) => e.to_string(),
    }
}

/// The constraint an integrity error broke, if that is what `e` is.
pub(super) fn violated(e: &tokio_postgres::Error) -> Option<&str> {
    let db = e.as_db_error()?;
    db.code()
        .code()
        .starts_with("23")
        .then(|| db.constraint())
        .flatten()
}

/// A write naming a crisis or an account that does not exist breaks a foreign key: the
/// caller sees which of the two was missing.
pub(super) fn missing_reference(e: &tokio_postgres::Error) -> Option<StoreError> {
    if e.code() != Some(&SqlState::FOREIGN_KEY_VIOLATION) {
        return None;
    }
    Some(match violated(e) {
        Some(c) if c.ends_with("crisis_id_fkey") => StoreError::NotFound("crisis"),
        _ => StoreError::NotFound("account"),
    })
}

/// Values the store wrote itself and reads back: a failure to parse them is corruption.
pub(super) fn parse<T>(column: &str, value: &str) -> Result<T, StoreError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e| {
        StoreError::Backend(format!(
            "unexpected {column} {value:?} in the database: {e}"
        ))
    })
}

pub(super) fn zone(value: &serde_json::Value) -> Result<Zone, StoreError> {
    Zone::from_json(value).map_err(|e| StoreError::Backend(format!("stored zone is invalid: {e}")))
}

pub(super) fn point(lon: f64, lat: f64) -> Result<Point, StoreError> {
    Point::new(lon, lat)
        .map_err(|e| StoreError::Backend(format!("stored position is invalid: {e}")))
}

/// Columns `id, handle, display_name, role, created_at`.
pub(super) fn account(row: &Row) -> Result<Account, StoreError> {
    Ok(Account {
        id: AccountId(row.try_get("id")?),
        handle: Handle::from_trusted(row.try_get("handle")?),
        display_name: row.try_get("display_name")?,
        role: parse("role", row.try_get("role")?)?,
        created_at: row.try_get("created_at")?,
    })
}

/// Columns `lat, lon, accuracy_m, at`, or NULLs when there is no location.
pub(super) fn location(row: &Row) -> Result<Option<Location>, StoreError> {
    let (Some(lat), Some(lon), Some(accuracy_m), Some(at)) = (
        row.try_get::<_, Option<f64>>("lat")?,
        row.try_get::<_, Option<f64>>("lon")?,
        row.try_get::<_, Option<f64>>("accuracy_m")?,
        row.try_get::<_, Option<Timestamp>>("at")?,
    ) else {
        return Ok(None);
    };
    Ok(Some(Location {
        point: point(lon, lat)?,
        accuracy_m,
        at,
    }))
}

/// The columns of `crises`, unprefixed.
pub(super) fn crisis(row: &Row) -> Result<Crisis, StoreError> {
    Ok(Crisis {
        id: CrisisId(row.try_get("id")?),
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        kind: CrisisKind::from_trusted(row.try_get("kind")?),
        zone: zone(&row.try_get("zone")?)?,
        status: parse("crisis status", row.try_get("status")?)?,
        starts_at: row.try_get("starts_at")?,
        expires_at: row.try_get("expires_at")?,
        created_by: row
            .try_get::<_, Option<uuid::Uuid>>("created_by")?
            .map(AccountId),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Columns `mark_status, mark_message, mark_origin, mark_by, mark_by_handle, mark_at` (all
/// NULL when no mark stands), as the [`MARK_COLUMNS`] fragment selects them.
pub(super) fn current_mark(row: &Row) -> Result<Option<CurrentMark>, StoreError> {
    let Some(status) = row.try_get::<_, Option<&str>>("mark_status")? else {
        return Ok(None);
    };
    let origin = match row.try_get::<_, &str>("mark_origin")? {
        "own" => MarkOrigin::Own,
        "on_behalf" => MarkOrigin::OnBehalf {
            by: AccountId(
                row.try_get::<_, Option<uuid::Uuid>>("mark_by")?
                    .ok_or_else(|| {
                        StoreError::Backend(
                            "an on-behalf mark without its author in the database".into(),
                        )
                    })?,
            ),
        },
        other => {
            return Err(StoreError::Backend(format!(
                "unexpected mark origin {other:?} in the database"
            )));
        }
    };
    Ok(Some(CurrentMark {
        status: parse("safety status", status)?,
        message: row.try_get("mark_message")?,
        origin,
        marked_by: row
            .try_get::<_, Option<String>>("mark_by_handle")?
            .map(Handle::from_trusted),
        at: row.try_get("mark_at")?,
    }))
}

/// Selects a mark aliased `m` and its author aliased `b` in the shape [`current_mark`] reads.
pub(super) const MARK_COLUMNS: &str = "m.status AS mark_status, m.message AS mark_message, \
     m.origin AS mark_origin, m.marked_by AS mark_by, b.handle AS mark_by_handle, m.at AS mark_at";

/// The domain's view of a stored mark, for its rules.
pub(super) fn safety_mark(mark: &CurrentMark) -> SafetyMark {
    SafetyMark {
        status: mark.status,
        message: mark.message.clone(),
        origin: mark.origin,
        at: mark.at,
    }
}
