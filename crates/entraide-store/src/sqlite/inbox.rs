//! The inbox: notifications left for a person, and their contacts' status changes.
//!
//! Contacts' changes are not copied to each contact when a mark is written (fan-out on
//! read): a mark stays two rows however many contacts one has, which is what keeps marks
//! fast when 4 million people answer in a day. The inbox reads them from the history.

use super::convert::{Micros, Parsed, missing_is, time};
use crate::{InboxItem, Result};
use entraide_core::{AccountId, CrisisId, Event, Timestamp};
use rusqlite::{Connection, params};

pub(super) fn notify(
    conn: &Connection,
    recipients: &[AccountId],
    event: &Event,
    at: Timestamp,
) -> Result<()> {
    let json =
        serde_json::to_string(event).map_err(|e| crate::StoreError::Backend(e.to_string()))?;
    let mut insert = conn
        .prepare_cached("INSERT INTO notifications (account_id, event, at) VALUES (?1, ?2, ?3)")?;
    for recipient in recipients {
        insert
            .execute(params![recipient.0, json, Micros(at)])
            .map_err(missing_is("account"))?;
    }
    Ok(())
}

/// Newest first; among items of the same time, notifications before status changes, each
/// in reverse order of arrival.
pub(super) fn inbox(conn: &Connection, account: AccountId, limit: u32) -> Result<Vec<InboxItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, event, crisis_id, handle, display_name, status, message, marked_by FROM (
             SELECT * FROM (
                 SELECT n.at AS at, 0 AS src, n.id AS seq, n.event AS event, NULL AS crisis_id, NULL AS handle,
                        NULL AS display_name, NULL AS status, NULL AS message, NULL AS marked_by
                 FROM notifications n
                 WHERE n.account_id = ?1
                 ORDER BY n.at DESC, n.id DESC
                 LIMIT ?2
             )
             UNION ALL
             SELECT h.at, 1, h.id, NULL, h.crisis_id, a.handle, a.display_name, h.status, h.message, b.handle
             FROM contacts c
             JOIN safety_history h ON h.account_id = c.contact_id
             JOIN accounts a ON a.id = h.account_id
             LEFT JOIN accounts b ON b.id = h.actor
             WHERE c.account_id = ?1 AND c.state = 'mutual'
         )
         ORDER BY at DESC, src, seq DESC
         LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![account.0, limit], |r| {
        let at = time(r, 0)?;
        let event = match r.get::<_, Option<String>>(1)? {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    1,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?,
            None => Event::ContactStatus {
                crisis_id: CrisisId(r.get(2)?),
                handle: r.get(3)?,
                display_name: r.get(4)?,
                status: r.get::<_, Option<Parsed<_>>>(5)?.map(|p| p.0),
                message: r.get(6)?,
                marked_by: r.get(7)?,
                updated_at: at,
            },
        };
        Ok(InboxItem { at, event })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
