//! Safety marks: the write behind "I'm safe", and what contacts and responders read of it.

use super::convert::{
    Micros, Parsed, corrupt, handle, maybe_location, missing_is, stored_time, time,
};
use super::standing::{Marks, Shared, Step, after, rule_view};
use super::{accounts, crises};
use crate::{
    Contact, ContactState, ContactStatus, CrisisStats, CurrentMark, MarkAction, MarkActionKind,
    MarkEvent, MarkWrite, NeedHelp, Result, StoreError,
};
use entraide_core::{AccountId, CrisisId, Handle, MarkOrigin, SafetyMark, SafetyStatus, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// Sets a mark in the snapshot of what stands (`standing::Marks::flush_due`).
pub(super) const PUT: &str = "INSERT INTO safety_marks
         (crisis_id, account_id, status, message, origin, marked_by, at, history_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (crisis_id, account_id) DO UPDATE
     SET status = excluded.status, message = excluded.message, origin = excluded.origin,
         marked_by = excluded.marked_by, at = excluded.at, history_id = excluded.history_id";

/// Records what was done, never updated: the log a mark is durable in once committed.
pub(super) const APPEND_HISTORY: &str =
    "INSERT INTO safety_history (crisis_id, account_id, action, status, message, actor, at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

fn append_history(
    conn: &Connection,
    w: &MarkWrite,
    action: MarkActionKind,
    status: Option<SafetyStatus>,
    message: Option<&str>,
    actor: Option<AccountId>,
) -> Result<i64> {
    conn.prepare_cached(APPEND_HISTORY)?
        .execute(params![
            w.crisis.0,
            w.account.0,
            action.as_str(),
            status.map(SafetyStatus::as_str),
            message,
            actor.map(|a| a.0),
            Micros(w.at)
        ])
        .map_err(missing_is("crisis or account"))?;
    Ok(conn.last_insert_rowid())
}

fn is_on_behalf(mark: Option<&CurrentMark>) -> bool {
    mark.is_some_and(|m| matches!(m.origin, MarkOrigin::OnBehalf { .. }))
}

/// Applies one safety action atomically with the read of the mark it depends on, and
/// returns the mark that now stands. Every check that can refuse the action (its rule, a
/// missing crisis or account, which the history's insert finds) comes before the first
/// change: the writer runs marks without a savepoint (`writer::WriteKind::Mark`). What
/// stands is staged in `marks`, which readers see once the batch commits.
pub(super) fn mark(
    conn: &Connection,
    marks: &mut Marks,
    w: MarkWrite,
) -> Result<Option<CurrentMark>> {
    // Compared and returned as stored, so the mark returned (and told to contacts) is the
    // one that later reads give back.
    let w = MarkWrite {
        at: stored_time(w.at),
        ..w
    };
    let key = (w.crisis, w.account);
    let current = marks.current(key);
    let (step, history_id) = match w.action.clone() {
        MarkAction::Own { status, message } => {
            let history_id = append_history(
                conn,
                &w,
                MarkActionKind::Own,
                Some(status),
                message.as_deref(),
                None,
            )?;
            // Someone who answers without having been asked (a link shared by a friend)
            // counts among those asked, so the counts add up.
            conn.prepare_cached(crises::ASK)?.execute(params![
                w.crisis.0,
                w.account.0,
                Micros(w.at)
            ])?;
            (Step::Own { status, message }, history_id)
        }
        MarkAction::OnBehalf { by, status } => {
            let current_rule = current.as_ref().map(rule_view);
            SafetyMark::on_behalf_allowed(status, current_rule.as_ref())
                .map_err(StoreError::Conflict)?;
            let by_handle: String = conn
                .prepare_cached("SELECT handle FROM accounts WHERE id = ?1")?
                .query_row([by.0], |r| r.get(0))
                .optional()?
                .ok_or(StoreError::NotFound("account"))?;
            let history_id = append_history(
                conn,
                &w,
                MarkActionKind::OnBehalf,
                Some(status),
                None,
                Some(by),
            )?;
            let step = Step::OnBehalf {
                by,
                by_handle: Handle::from_trusted(by_handle),
                status,
            };
            (step, history_id)
        }
        MarkAction::Confirm => {
            let Some(on_behalf) = current.as_ref().filter(|c| is_on_behalf(Some(c))) else {
                return Err(StoreError::NotFound("mark to confirm"));
            };
            let history_id = append_history(
                conn,
                &w,
                MarkActionKind::Confirm,
                Some(on_behalf.status),
                on_behalf.message.as_deref(),
                None,
            )?;
            (Step::Confirm, history_id)
        }
        MarkAction::Reject => {
            if !is_on_behalf(current.as_ref()) {
                return Err(StoreError::NotFound("mark to reject"));
            }
            let history_id = append_history(conn, &w, MarkActionKind::Reject, None, None, None)?;
            (Step::Reject, history_id)
        }
    };
    let standing = after(current.as_ref(), step, w.at);
    marks.stage(key, standing.clone(), history_id);
    Ok(standing)
}

/// Oldest first, by the time each action was taken (then by arrival).
pub(super) fn mark_history(
    conn: &Connection,
    crisis: CrisisId,
    account: AccountId,
) -> Result<Vec<MarkEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT action, status, message, actor, at FROM safety_history
         WHERE crisis_id = ?1 AND account_id = ?2
         ORDER BY at, id",
    )?;
    let rows = stmt.query_map([crisis.0, account.0], |r| {
        let action: String = r.get(0)?;
        Ok(MarkEvent {
            action: MarkActionKind::parse(&action)
                .ok_or_else(|| corrupt(0, format!("unknown mark action {action:?}")))?,
            status: r.get::<_, Option<Parsed<_>>>(1)?.map(|p| p.0),
            message: r.get(2)?,
            by: r.get::<_, Option<Uuid>>(3)?.map(AccountId),
            at: time(r, 4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// My mutual contacts, by display name then handle (code-point order), as
/// `accounts::contacts` lists them.
pub(super) fn mutual_contacts(conn: &Connection, me: AccountId) -> Result<Vec<Contact>> {
    let mut contacts = accounts::contacts(conn, me)?;
    contacts.retain(|c| c.state == ContactState::Mutual);
    Ok(contacts)
}

/// My mutual contacts only, sorted by display name then handle (code-point order).
pub(super) fn contact_statuses(
    conn: &Connection,
    standing: &Shared,
    crisis: CrisisId,
    me: AccountId,
) -> Result<Vec<ContactStatus>> {
    let contacts = mutual_contacts(conn, me)?;
    let standing = standing.read();
    Ok(contacts
        .into_iter()
        .map(|contact| {
            let mark = standing.get((crisis, contact.id));
            ContactStatus {
                handle: contact.handle,
                display_name: contact.display_name,
                status: mark.map(|m| m.status),
                message: mark.and_then(|m| m.message.clone()),
                updated_at: mark.map(|m| m.at),
                marked_by: mark.and_then(|m| m.marked_by.clone()),
            }
        })
        .collect())
}

pub(super) fn crisis_stats(
    conn: &Connection,
    standing: &Shared,
    crisis: CrisisId,
) -> Result<CrisisStats> {
    let asked: Option<u64> = conn
        .prepare_cached("SELECT asked FROM crisis_counts WHERE crisis_id = ?1")?
        .query_row([crisis.0], |r| r.get(0))
        .optional()?;
    let (safe, need_help, not_in_area) = standing.read().counts(crisis);
    Ok(CrisisStats {
        safe,
        need_help,
        not_in_area,
        asked: asked.unwrap_or(0),
    })
}

/// Longest waiting first (time of the mark, then handle).
pub(super) fn need_help(
    conn: &Connection,
    standing: &Shared,
    crisis: CrisisId,
) -> Result<Vec<NeedHelp>> {
    let waiting: Vec<(AccountId, Option<String>, Timestamp)> = standing
        .read()
        .needing_help(crisis)
        .map(|(account, mark)| (account, mark.message.clone(), mark.at))
        .collect();
    let mut person = conn.prepare_cached(
        "SELECT a.handle, a.display_name, l.lat, l.lon, l.accuracy_m, l.at
         FROM accounts a LEFT JOIN latest_locations l ON l.account_id = a.id
         WHERE a.id = ?1",
    )?;
    let mut list = Vec::with_capacity(waiting.len());
    for (account, message, updated_at) in waiting {
        let found = person
            .query_row([account.0], |r| {
                Ok(NeedHelp {
                    handle: handle(r, 0)?,
                    display_name: r.get(1)?,
                    message,
                    updated_at,
                    last_location: maybe_location(r, 2)?,
                })
            })
            .optional()?;
        list.extend(found);
    }
    list.sort_by(|a, b| (a.updated_at, &a.handle).cmp(&(b.updated_at, &b.handle)));
    Ok(list)
}
