//! Idempotency keys, so a retried request gets its first response instead of running twice,
//! and the periodic purge of what has expired.

use super::convert::Micros;
use crate::{IdempotencyClaim, IdempotencyKey, Result, StoreError, StoredResponse};
use entraide_core::Timestamp;
use rusqlite::{Connection, params};

pub(super) fn claim(
    conn: &Connection,
    key: &IdempotencyKey,
    fingerprint: [u8; 32],
    now: Timestamp,
) -> Result<IdempotencyClaim> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO idempotency (scope, key, fingerprint, state, created_at)
             VALUES (?1, ?2, ?3, 'in_progress', ?4)
             ON CONFLICT (scope, key) DO NOTHING",
        )?
        .execute(params![key.scope, key.key, fingerprint, Micros(now)])?;
    if inserted == 1 {
        return Ok(IdempotencyClaim::Claimed);
    }
    let claim = conn
        .prepare_cached(
            "SELECT fingerprint, state, status, content_type, body FROM idempotency WHERE scope = ?1 AND key = ?2",
        )?
        .query_row(params![key.scope, key.key], |r| {
            let stored: Vec<u8> = r.get(0)?;
            if stored != fingerprint {
                return Ok(IdempotencyClaim::Mismatch);
            }
            let state: String = r.get(1)?;
            Ok(match state.as_str() {
                "completed" => IdempotencyClaim::Completed(StoredResponse {
                    status: r.get(2)?,
                    content_type: r.get(3)?,
                    body: r.get(4)?,
                }),
                _ => IdempotencyClaim::InProgress,
            })
        })?;
    Ok(claim)
}

pub(super) fn complete(
    conn: &Connection,
    key: &IdempotencyKey,
    response: &StoredResponse,
) -> Result<()> {
    let updated = conn
        .prepare_cached(
            "UPDATE idempotency SET state = 'completed', status = ?3, content_type = ?4, body = ?5
             WHERE scope = ?1 AND key = ?2",
        )?
        .execute(params![
            key.scope,
            key.key,
            response.status,
            response.content_type,
            response.body
        ])?;
    if updated == 0 {
        return Err(StoreError::NotFound("idempotency key"));
    }
    Ok(())
}

/// Only a claim still in progress is released: a stored response must keep being replayed.
pub(super) fn release(conn: &Connection, key: &IdempotencyKey) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM idempotency WHERE scope = ?1 AND key = ?2 AND state = 'in_progress'",
    )?
    .execute(params![key.scope, key.key])?;
    Ok(())
}

pub(super) fn purge(
    conn: &Connection,
    now: Timestamp,
    idempotency_before: Timestamp,
) -> Result<()> {
    conn.prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")?
        .execute([Micros(now)])?;
    conn.prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")?
        .execute([Micros(idempotency_before)])?;
    Ok(())
}
