//! Safety marks: the write behind "I'm safe", and what contacts and responders read of it.

use super::convert::{
    Micros, Parsed, corrupt, current_mark, handle, mark_columns, maybe_location, missing_is,
    stored_time, time,
};
use super::crises;
use crate::{
    ContactStatus, CrisisStats, CurrentMark, MarkAction, MarkActionKind, MarkEvent, MarkWrite,
    NeedHelp, Result, StoreError,
};
use entraide_core::{AccountId, CrisisId, Handle, MarkOrigin, SafetyMark, SafetyStatus};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

fn standing(
    conn: &Connection,
    crisis: CrisisId,
    account: AccountId,
) -> Result<Option<CurrentMark>> {
    let sql = concat!(
        "SELECT ",
        mark_columns!("m", "b"),
        " FROM safety_marks m LEFT JOIN accounts b ON b.id = m.marked_by
         WHERE m.crisis_id = ?1 AND m.account_id = ?2"
    );
    let found = conn
        .prepare_cached(sql)?
        .query_row([crisis.0, account.0], |r| current_mark(r, 0))
        .optional()?;
    Ok(found.flatten())
}

/// Sets the mark that stands.
pub(super) const PUT: &str =
    "INSERT INTO safety_marks (crisis_id, account_id, status, message, origin, marked_by, at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (crisis_id, account_id) DO UPDATE
     SET status = excluded.status, message = excluded.message, origin = excluded.origin,
         marked_by = excluded.marked_by, at = excluded.at";

/// Records what was done, never updated.
pub(super) const APPEND_HISTORY: &str =
    "INSERT INTO safety_history (crisis_id, account_id, action, status, message, actor, at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

fn put(conn: &Connection, w: &MarkWrite, mark: &SafetyMark) -> Result<()> {
    let (origin, by) = match mark.origin {
        MarkOrigin::Own => ("own", None),
        MarkOrigin::OnBehalf { by } => ("on_behalf", Some(by.0)),
    };
    conn.prepare_cached(PUT)?.execute(params![
        w.crisis.0,
        w.account.0,
        mark.status.as_str(),
        mark.message,
        origin,
        by,
        Micros(mark.at)
    ])?;
    Ok(())
}

fn append_history(
    conn: &Connection,
    w: &MarkWrite,
    action: MarkActionKind,
    status: Option<SafetyStatus>,
    message: Option<&str>,
    actor: Option<AccountId>,
) -> Result<()> {
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
    Ok(())
}

fn rule_view(m: &CurrentMark) -> SafetyMark {
    SafetyMark {
        status: m.status,
        message: m.message.clone(),
        origin: m.origin,
        at: m.at,
    }
}

/// Applies one safety action atomically with the read of the mark it depends on, and
/// returns the mark that now stands. Every check that can refuse the action (its rule, a
/// missing crisis or account, which the history's first insert finds) comes before the
/// first change: the writer runs marks without a savepoint (`writer::WriteKind::Mark`).
pub(super) fn mark(conn: &Connection, w: MarkWrite) -> Result<Option<CurrentMark>> {
    // Compared and returned as stored, so the mark returned (and told to contacts) is the
    // one that later reads give back.
    let w = MarkWrite {
        at: stored_time(w.at),
        ..w
    };
    let current = standing(conn, w.crisis, w.account)?;
    let current_rule = current.as_ref().map(rule_view);
    match &w.action {
        MarkAction::Own { status, message } => {
            append_history(
                conn,
                &w,
                MarkActionKind::Own,
                Some(*status),
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
            let mark = SafetyMark {
                status: *status,
                message: message.clone(),
                origin: MarkOrigin::Own,
                at: w.at,
            };
            if !mark.supersedes(current_rule.as_ref()) {
                return Ok(current);
            }
            put(conn, &w, &mark)?;
            Ok(Some(CurrentMark {
                status: mark.status,
                message: mark.message,
                origin: mark.origin,
                marked_by: None,
                at: mark.at,
            }))
        }
        MarkAction::OnBehalf { by, status } => {
            SafetyMark::on_behalf_allowed(*status, current_rule.as_ref())
                .map_err(StoreError::Conflict)?;
            let by_handle: String = conn
                .prepare_cached("SELECT handle FROM accounts WHERE id = ?1")?
                .query_row([by.0], |r| r.get(0))
                .optional()?
                .ok_or(StoreError::NotFound("account"))?;
            append_history(
                conn,
                &w,
                MarkActionKind::OnBehalf,
                Some(*status),
                None,
                Some(*by),
            )?;
            let mark = SafetyMark {
                status: *status,
                message: None,
                origin: MarkOrigin::OnBehalf { by: *by },
                at: w.at,
            };
            if !mark.supersedes(current_rule.as_ref()) {
                return Ok(current);
            }
            put(conn, &w, &mark)?;
            Ok(Some(CurrentMark {
                status: mark.status,
                message: None,
                origin: mark.origin,
                marked_by: Some(Handle::from_trusted(by_handle)),
                at: mark.at,
            }))
        }
        MarkAction::Confirm => {
            let Some(on_behalf) =
                current.filter(|c| matches!(c.origin, MarkOrigin::OnBehalf { .. }))
            else {
                return Err(StoreError::NotFound("mark to confirm"));
            };
            let mark = SafetyMark {
                status: on_behalf.status,
                message: on_behalf.message,
                origin: MarkOrigin::Own,
                at: w.at,
            };
            append_history(
                conn,
                &w,
                MarkActionKind::Confirm,
                Some(mark.status),
                mark.message.as_deref(),
                None,
            )?;
            put(conn, &w, &mark)?;
            Ok(Some(CurrentMark {
                status: mark.status,
                message: mark.message,
                origin: mark.origin,
                marked_by: None,
                at: mark.at,
            }))
        }
        MarkAction::Reject => {
            if !current.is_some_and(|c| matches!(c.origin, MarkOrigin::OnBehalf { .. })) {
                return Err(StoreError::NotFound("mark to reject"));
            }
            append_history(conn, &w, MarkActionKind::Reject, None, None, None)?;
            conn.prepare_cached(
                "DELETE FROM safety_marks WHERE crisis_id = ?1 AND account_id = ?2",
            )?
            .execute([w.crisis.0, w.account.0])?;
            Ok(None)
        }
    }
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

/// My mutual contacts only, sorted by display name then handle (code-point order).
pub(super) fn contact_statuses(
    conn: &Connection,
    crisis: CrisisId,
    me: AccountId,
) -> Result<Vec<ContactStatus>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.handle, a.display_name, m.status, m.message, m.at, b.handle
         FROM contacts c
         JOIN accounts a ON a.id = c.contact_id
         LEFT JOIN safety_marks m ON m.crisis_id = ?1 AND m.account_id = c.contact_id
         LEFT JOIN accounts b ON b.id = m.marked_by
         WHERE c.account_id = ?2 AND c.state = 'mutual'
         ORDER BY a.display_name, a.handle",
    )?;
    let rows = stmt.query_map([crisis.0, me.0], |r| {
        Ok(ContactStatus {
            handle: handle(r, 0)?,
            display_name: r.get(1)?,
            status: r.get::<_, Option<Parsed<_>>>(2)?.map(|p| p.0),
            message: r.get(3)?,
            updated_at: r.get::<_, Option<Micros>>(4)?.map(|m| m.0),
            marked_by: r.get::<_, Option<String>>(5)?.map(Handle::from_trusted),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn crisis_stats(conn: &Connection, crisis: CrisisId) -> Result<CrisisStats> {
    let stats = conn
        .prepare_cached(
            "SELECT safe, need_help, not_in_area, asked FROM crisis_counts WHERE crisis_id = ?1",
        )?
        .query_row([crisis.0], |r| {
            Ok(CrisisStats {
                safe: r.get(0)?,
                need_help: r.get(1)?,
                not_in_area: r.get(2)?,
                asked: r.get(3)?,
            })
        })
        .optional()?;
    Ok(stats.unwrap_or_default())
}

/// Longest waiting first (time of the mark, then handle).
pub(super) fn need_help(conn: &Connection, crisis: CrisisId) -> Result<Vec<NeedHelp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.handle, a.display_name, m.message, m.at, l.lat, l.lon, l.accuracy_m, l.at
         FROM safety_marks m
         JOIN accounts a ON a.id = m.account_id
         LEFT JOIN latest_locations l ON l.account_id = m.account_id
         WHERE m.crisis_id = ?1 AND m.status = 'need_help'
         ORDER BY m.at, a.handle",
    )?;
    let rows = stmt.query_map([crisis.0], |r| {
        Ok(NeedHelp {
            handle: handle(r, 0)?,
            display_name: r.get(1)?,
            message: r.get(2)?,
            updated_at: time(r, 3)?,
            last_location: maybe_location(r, 4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
