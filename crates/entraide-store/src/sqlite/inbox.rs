//! The inbox: notifications left for a person, and where their contacts stand.
//!
//! Contacts' marks are not copied to each contact when a mark is written (fan-out on
//! read): a mark stays one row however many contacts one has, which is what keeps marks
//! fast when 4 million people answer in a day. The inbox reads the marks that stand (see
//! `standing`): each contact's latest word in each crisis, not every step before it, which
//! the live stream told as it happened.

use super::convert::{Micros, missing_is, time};
use super::safety;
use super::standing::Shared;
use crate::{InboxItem, Result};
use entraide_core::{AccountId, Event, Timestamp};
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

/// Newest first; among items of the same time, notifications (newest arrival first) before
/// contacts' marks (by handle, then crisis).
pub(super) fn inbox(
    conn: &Connection,
    standing: &Shared,
    account: AccountId,
    limit: u32,
) -> Result<Vec<InboxItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, event FROM notifications WHERE account_id = ?1
         ORDER BY at DESC, id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![account.0, limit], |r| {
        let event = serde_json::from_str(&r.get::<_, String>(1)?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
        })?;
        Ok(InboxItem {
            at: time(r, 0)?,
            event,
        })
    })?;
    let notifications = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let contacts = safety::mutual_contacts(conn, account)?;
    let mut marks = Vec::new();
    {
        let standing = standing.read();
        for contact in &contacts {
            for (crisis_id, mark) in standing.of_account(contact.id) {
                marks.push(InboxItem {
                    at: mark.at,
                    event: Event::ContactStatus {
                        crisis_id,
                        handle: contact.handle.to_string(),
                        display_name: contact.display_name.clone(),
                        status: Some(mark.status),
                        message: mark.message.clone(),
                        marked_by: mark.marked_by.as_ref().map(ToString::to_string),
                        updated_at: mark.at,
                    },
                });
            }
        }
    }
    Ok(crate::model::inbox_order(notifications, marks, limit))
}
