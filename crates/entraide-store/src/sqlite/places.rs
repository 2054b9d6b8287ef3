//! Where people are: reported locations and home areas.

use super::convert::{Micros, StoredZone, account_id, location, missing_is};
use crate::Result;
use entraide_core::{AccountId, Location, Timestamp};
use entraide_geo::{BBox, Zone};
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn record_location(conn: &Connection, account: AccountId, l: Location) -> Result<()> {
    let row = params![
        account.0,
        l.point.lat,
        l.point.lon,
        l.accuracy_m,
        Micros(l.at)
    ];
    conn.prepare_cached(
        "INSERT INTO locations (account_id, lat, lon, accuracy_m, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(row)
    .map_err(missing_is("account"))?;
    // A fix that reaches us late (a phone back online) joins the history but does not move
    // the person back to where they were.
    conn.prepare_cached(
        "INSERT INTO latest_locations (account_id, lat, lon, accuracy_m, at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account_id) DO UPDATE
         SET lat = excluded.lat, lon = excluded.lon, accuracy_m = excluded.accuracy_m, at = excluded.at
         WHERE excluded.at >= latest_locations.at",
    )?
    .execute(row)?;
    Ok(())
}

pub(super) fn latest_location(conn: &Connection, account: AccountId) -> Result<Option<Location>> {
    let found = conn
        .prepare_cached(
            "SELECT lat, lon, accuracy_m, at FROM latest_locations WHERE account_id = ?1",
        )?
        .query_row([account.0], |r| location(r, 0))
        .optional()?;
    Ok(found)
}

/// Inclusive on every edge and on `since`.
pub(super) fn latest_locations_in(
    conn: &Connection,
    b: BBox,
    since: Timestamp,
) -> Result<Vec<(AccountId, Location)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.account_id, l.lat, l.lon, l.accuracy_m, l.at
         FROM latest_locations_rtree r JOIN latest_locations l ON l.rowid = r.id
         WHERE r.max_lat >= ?1 AND r.min_lat <= ?3 AND r.max_lon >= ?2 AND r.min_lon <= ?4
           AND l.lat BETWEEN ?1 AND ?3 AND l.lon BETWEEN ?2 AND ?4 AND l.at >= ?5",
    )?;
    let rows = stmt.query_map(
        params![b.min_lat, b.min_lon, b.max_lat, b.max_lon, Micros(since)],
        |r| Ok((account_id(r, 0)?, location(r, 1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn set_home(conn: &Connection, account: AccountId, home: Option<Zone>) -> Result<()> {
    let Some(zone) = home else {
        conn.prepare_cached("DELETE FROM homes WHERE account_id = ?1")?
            .execute([account.0])?;
        return Ok(());
    };
    let b = zone.bbox();
    conn.prepare_cached(
        "INSERT INTO homes (account_id, zone, min_lon, min_lat, max_lon, max_lat) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account_id) DO UPDATE
         SET zone = excluded.zone, min_lon = excluded.min_lon, min_lat = excluded.min_lat,
             max_lon = excluded.max_lon, max_lat = excluded.max_lat",
    )?
    .execute(params![account.0, StoredZone(zone), b.min_lon, b.min_lat, b.max_lon, b.max_lat])
    .map_err(missing_is("account"))?;
    Ok(())
}

pub(super) fn home(conn: &Connection, account: AccountId) -> Result<Option<Zone>> {
    let found = conn
        .prepare_cached("SELECT zone FROM homes WHERE account_id = ?1")?
        .query_row([account.0], |r| r.get::<_, StoredZone>(0))
        .optional()?;
    Ok(found.map(|z| z.0))
}

/// Homes whose bounding box meets `b` (touching counts).
pub(super) fn homes_in(conn: &Connection, b: BBox) -> Result<Vec<(AccountId, Zone)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.account_id, h.zone
         FROM homes_rtree r JOIN homes h ON h.rowid = r.id
         WHERE r.max_lat >= ?1 AND r.min_lat <= ?3 AND r.max_lon >= ?2 AND r.min_lon <= ?4
           AND h.max_lat >= ?1 AND h.min_lat <= ?3 AND h.max_lon >= ?2 AND h.min_lon <= ?4",
    )?;
    let rows = stmt.query_map(params![b.min_lat, b.min_lon, b.max_lat, b.max_lon], |r| {
        Ok((account_id(r, 0)?, r.get::<_, StoredZone>(1)?.0))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
