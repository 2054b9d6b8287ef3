//! The safety writer: one task per store that applies queued marks in batches, one
//! transaction and one COMMIT per batch, and answers each mark only after that COMMIT.
//!
//! The common case, people answering for themselves, is applied to a whole run of marks in
//! a handful of statements over arrays, so a batch costs about as much as a single mark.
//! Each run and each other action sits in its own SAVEPOINT: a mark that is refused (an
//! on-behalf mark over an own answer, a confirmation of nothing, an unknown crisis) rolls
//! back alone, and the rest of the batch commits.
//!
//! Several instances may run this writer against one database. Row locks and the
//! `excluded.at >= safety_marks.at` guards keep the latest answer standing whatever order
//! their commits land in. Own answers are locked in key order, so two writers rarely
//! deadlock; when they do, PostgreSQL aborts one batch and it is replayed.

use super::cached::Params;
use super::rows::{self, MARK_COLUMNS};
use crate::group_commit::Batches;
use crate::{
    CurrentMark, MarkAction, MarkActionKind, MarkWrite, Marked, Result, StoreError, WriteStats,
};
use deadpool_postgres::{Object, Pool, Transaction};
use entraide_core::{AccountId, MarkOrigin, MissingId, SafetyMark, SafetyStatus, Timestamp};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio_postgres::error::SqlState;
use uuid::Uuid;

pub(super) type Reply = Result<Marked>;

/// A write's own outcome, before the contacts to tell are added to it.
type Outcome = Result<Option<CurrentMark>>;

/// Deadlocks and serialization failures are transient: the batch is replayed whole, which
/// is safe because nothing of it was committed and nobody was answered yet.
const ATTEMPTS: u32 = 3;

#[derive(Default)]
pub(super) struct Stats {
    marks: AtomicU64,
    commits: AtomicU64,
}

impl Stats {
    pub(super) fn snapshot(&self) -> WriteStats {
        WriteStats {
            marks: self.marks.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
        }
    }
}

/// Runs until the store, and with it every sender, is dropped.
pub(super) async fn run(pool: Pool, mut batches: Batches<MarkWrite, Reply>, stats: Arc<Stats>) {
    // A connection of its own across batches: the hot path never waits behind page
    // requests for a pooled connection.
    let mut conn: Option<Object> = None;
    while let Some(batch) = batches.next().await {
        let (writes, replies): (Vec<MarkWrite>, Vec<_>) =
            batch.into_iter().map(|p| (p.write, p.reply)).unzip();
        let outcomes = match commit(&pool, &mut conn, &writes).await {
            Ok(outcomes) => outcomes,
            Err(message) => {
                tracing::error!(error = %message, marks = writes.len(), "safety marks failed");
                conn = None;
                writes
                    .iter()
                    .map(|_| Err(StoreError::Backend(message.clone())))
                    .collect()
            }
        };
        let committed = outcomes.iter().filter(|o| o.is_ok()).count() as u64;
        if committed > 0 {
            stats.marks.fetch_add(committed, Ordering::Relaxed);
            stats.commits.fetch_add(1, Ordering::Relaxed);
        }
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // The caller may have given up waiting; the mark is committed all the same.
            let _ = reply.send(outcome);
        }
    }
}

/// Applies and commits a batch, retrying transient failures; the error is for the logs and
/// for every write of the batch.
async fn commit(
    pool: &Pool,
    conn: &mut Option<Object>,
    writes: &[MarkWrite],
) -> Result<Vec<Reply>, String> {
    let mut attempt = 1;
    loop {
        let client = match conn {
            Some(client) if !client.is_closed() => client,
            _ => conn.insert(pool.get().await.map_err(|e| rows::describe_pool(&e))?),
        };
        match apply(client, writes).await {
            Ok(outcomes) => return Ok(outcomes),
            Err(e) if attempt < ATTEMPTS && is_transient(&e) => {
                tracing::warn!(error = %rows::describe(&e), attempt, "retrying safety marks");
                attempt += 1;
            }
            Err(e) => return Err(rows::describe(&e)),
        }
    }
}

fn is_transient(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

/// A person's own answer, taken apart for the array statements.
struct Own<'a> {
    write: &'a MarkWrite,
    status: SafetyStatus,
    message: Option<&'a str>,
}

async fn apply(
    client: &mut Object,
    writes: &[MarkWrite],
) -> Result<Vec<Reply>, tokio_postgres::Error> {
    let mut tx = client.transaction().await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    // Consecutive own answers go together; any other action is applied alone, in queue
    // order, so a confirmation still follows the on-behalf mark queued before it.
    let mut run = Vec::new();
    for write in writes {
        if let MarkAction::Own { status, message } = &write.action {
            run.push(Own {
                write,
                status: *status,
                message: message.as_deref(),
            });
        } else {
            own_run(&mut tx, &run, &mut outcomes).await?;
            run.clear();
            outcomes.push(isolated(&mut tx, write).await?);
        }
    }
    own_run(&mut tx, &run, &mut outcomes).await?;
    let people = applied_people(writes, &outcomes);
    let mut contacts = grouped(
        &tx,
        "SELECT account_id, contact_id FROM contacts
         WHERE account_id = ANY($1) AND state = 'mutual'",
        &people,
    )
    .await?;
    let mut linked = grouped(
        &tx,
        "SELECT linked_account, id FROM missing_records
         WHERE linked_account = ANY($1) AND NOT expired ORDER BY id",
        &people,
    )
    .await?;
    tx.commit().await?;
    let take = |map: &mut HashMap<Uuid, Vec<Uuid>>, person: Uuid| {
        map.get_mut(&person).map_or_else(Vec::new, std::mem::take)
    };
    Ok(writes
        .iter()
        .zip(outcomes)
        .map(|(write, outcome)| {
            let person = write.account.0;
            outcome.map(|standing| Marked {
                standing,
                contacts: take(&mut contacts, person)
                    .into_iter()
                    .map(AccountId)
                    .collect(),
                linked_records: take(&mut linked, person)
                    .into_iter()
                    .map(MissingId)
                    .collect(),
            })
        })
        .collect())
}

/// Everyone whose write applied, once each.
fn applied_people(writes: &[MarkWrite], outcomes: &[Outcome]) -> Vec<Uuid> {
    let mut people: Vec<Uuid> = writes
        .iter()
        .zip(outcomes)
        .filter(|(_, outcome)| outcome.is_ok())
        .map(|(write, _)| write.account.0)
        .collect();
    people.sort_unstable();
    people.dedup();
    people
}

/// Runs `sql` (person id, related id) for all `people` at once, in the transaction that
/// commits the marks: one query per batch, not one per mark.
async fn grouped(
    tx: &Transaction<'_>,
    sql: &str,
    people: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, tokio_postgres::Error> {
    let mut related: HashMap<Uuid, Vec<Uuid>> = HashMap::with_capacity(people.len());
    if people.is_empty() {
        return Ok(related);
    }
    let statement = tx.prepare_cached(sql).await?;
    for row in tx.query(&statement, &[&people]).await? {
        related
            .entry(row.try_get(0)?)
            .or_default()
            .push(row.try_get(1)?);
    }
    Ok(related)
}

async fn own_run(
    tx: &mut Transaction<'_>,
    run: &[Own<'_>],
    outcomes: &mut Vec<Outcome>,
) -> Result<(), tokio_postgres::Error> {
    if run.is_empty() {
        return Ok(());
    }
    let savepoint = tx.savepoint("own_marks").await?;
    match own_marks(&savepoint, run).await {
        Ok(marks) => {
            savepoint.commit().await?;
            outcomes.extend(marks.into_iter().map(Ok));
        }
        Err(Failure::Db(e)) if !is_integrity(&e) => return Err(e),
        Err(_) => {
            // One of them names an unknown crisis or account: apply them one by one so that
            // only that one is refused.
            savepoint.rollback().await?;
            for own in run {
                outcomes.push(isolated(tx, own.write).await?);
            }
        }
    }
    Ok(())
}

/// Applies one write in a savepoint: refused, it leaves no trace and the batch goes on.
async fn isolated(
    tx: &mut Transaction<'_>,
    write: &MarkWrite,
) -> Result<Outcome, tokio_postgres::Error> {
    let savepoint = tx.savepoint("mark").await?;
    let refusal = match apply_one(&savepoint, write).await {
        Ok(mark) => {
            savepoint.commit().await?;
            return Ok(Ok(mark));
        }
        Err(Failure::Refused(e)) => e,
        Err(Failure::Db(e)) if is_integrity(&e) => {
            rows::missing_reference(&e).unwrap_or_else(|| StoreError::Backend(rows::describe(&e)))
        }
        Err(Failure::Db(e)) => return Err(e),
    };
    savepoint.rollback().await?;
    Ok(Err(refusal))
}

/// Why a write did not apply: refused by a rule (that write alone fails) or by the database
/// (integrity errors fail that write alone, anything else the whole batch).
enum Failure {
    Refused(StoreError),
    Db(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Failure::Db(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Refused(e)
    }
}

/// Class 23: the data broke a constraint, which says something about this write, not
/// about the connection or the batch.
fn is_integrity(e: &tokio_postgres::Error) -> bool {
    e.code().is_some_and(|c| c.code().starts_with("23"))
}

async fn apply_one(
    tx: &Transaction<'_>,
    write: &MarkWrite,
) -> Result<Option<CurrentMark>, Failure> {
    match &write.action {
        MarkAction::Own { status, message } => {
            let own = Own {
                write,
                status: *status,
                message: message.as_deref(),
            };
            Ok(own_marks(tx, &[own]).await?.pop().flatten())
        }
        MarkAction::OnBehalf { by, status } => on_behalf(tx, write, *by, *status).await,
        MarkAction::Confirm => confirm(tx, write).await,
        MarkAction::Reject => reject(tx, write).await,
    }
}

/// Own answers: all go to the history; the latest per person replaces the current mark if
/// it is later than what stands; answering counts as being asked. Returns, for each write,
/// the mark that stands once the whole run is applied.
async fn own_marks(
    tx: &Transaction<'_>,
    marks: &[Own<'_>],
) -> Result<Vec<Option<CurrentMark>>, Failure> {
    let crises: Vec<Uuid> = marks.iter().map(|o| o.write.crisis.0).collect();
    let accounts: Vec<Uuid> = marks.iter().map(|o| o.write.account.0).collect();
    let statuses: Vec<&str> = marks.iter().map(|o| o.status.as_str()).collect();
    let messages: Vec<Option<&str>> = marks.iter().map(|o| o.message).collect();
    let ats: Vec<Timestamp> = marks.iter().map(|o| o.write.at).collect();

    // The latest answer per person, as if applied in queue order: on equal times the one
    // queued last wins. Sorted by key, so that every writer locks rows in the same order.
    let mut latest: HashMap<(Uuid, Uuid), usize> = HashMap::with_capacity(marks.len());
    for (i, key) in crises
        .iter()
        .copied()
        .zip(accounts.iter().copied())
        .enumerate()
    {
        let j = latest.entry(key).or_insert(i);
        if ats[i] >= ats[*j] {
            *j = i;
        }
    }
    let mut winners: Vec<usize> = latest.into_values().collect();
    winners.sort_unstable_by_key(|&i| (crises[i], accounts[i]));
    let (w_crises, w_accounts): (Vec<Uuid>, Vec<Uuid>) =
        winners.iter().map(|&i| (crises[i], accounts[i])).unzip();
    let w_statuses: Vec<&str> = winners.iter().map(|&i| statuses[i]).collect();
    let w_messages: Vec<Option<&str>> = winners.iter().map(|&i| messages[i]).collect();
    let w_ats: Vec<Timestamp> = winners.iter().map(|&i| ats[i]).collect();

    let read_sql = format!(
        "SELECT m.crisis_id, m.account_id, {MARK_COLUMNS}
         FROM safety_marks m LEFT JOIN accounts b ON b.id = m.marked_by
         WHERE (m.crisis_id, m.account_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))"
    );
    let (history, prompts, upsert, read) = tokio::try_join!(
        tx.prepare_cached(
            "INSERT INTO safety_history (crisis_id, account_id, action, status, message, at)
             SELECT c, a, 'own', s, m, t
             FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
                  AS w (c, a, s, m, t)",
        ),
        tx.prepare_cached(
            "INSERT INTO prompts (crisis_id, account_id, asked_at)
             SELECT c, a, t FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS k (c, a, t)
             ORDER BY c, a
             ON CONFLICT DO NOTHING",
        ),
        tx.prepare_cached(
            "INSERT INTO safety_marks
                 (crisis_id, account_id, status, message, origin, marked_by, at)
             SELECT c, a, s, m, 'own', NULL, t
             FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[])
                  AS w (c, a, s, m, t)
             ORDER BY c, a
             ON CONFLICT (crisis_id, account_id) DO UPDATE
             SET status = excluded.status, message = excluded.message, origin = 'own',
                 marked_by = NULL, at = excluded.at
             WHERE excluded.at >= safety_marks.at",
        ),
        tx.prepare_cached(&read_sql),
    )?;
    let history_params: &Params = &[&crises, &accounts, &statuses, &messages, &ats];
    let prompts_params: &Params = &[&w_crises, &w_accounts, &w_ats];
    let upsert_params: &Params = &[&w_crises, &w_accounts, &w_statuses, &w_messages, &w_ats];
    let read_params: &Params = &[&w_crises, &w_accounts];
    // Sent together, in this order (`biased`), and run in it by the server: one round trip
    // for the whole run. A failure surfaces from the statement that failed first, the
    // others reporting only that the transaction is aborted.
    let (_, _, _, rows) = tokio::try_join!(
        biased;
        tx.execute(&history, history_params),
        tx.execute(&prompts, prompts_params),
        tx.execute(&upsert, upsert_params),
        tx.query(&read, read_params),
    )?;

    let mut standing = HashMap::with_capacity(rows.len());
    for row in &rows {
        let key: (Uuid, Uuid) = (row.try_get("crisis_id")?, row.try_get("account_id")?);
        standing.insert(key, rows::current_mark(row)?);
    }
    Ok(crises
        .iter()
        .zip(&accounts)
        .map(|(c, a)| standing.get(&(*c, *a)).cloned().flatten())
        .collect())
}

/// A contact marks the person safe: refused over an own answer. The current mark is read
/// under a row lock, so an own answer committing meanwhile is seen; when there was no row
/// to lock, the upsert's guard still never overwrites an own answer another instance
/// inserted meanwhile.
async fn on_behalf(
    tx: &Transaction<'_>,
    write: &MarkWrite,
    by: AccountId,
    status: SafetyStatus,
) -> Result<Option<CurrentMark>, Failure> {
    let current = standing(tx, write, true).await?;
    let current = current.as_ref().map(rows::safety_mark);
    SafetyMark::on_behalf_allowed(status, current.as_ref()).map_err(StoreError::Conflict)?;
    append_history(
        tx,
        write,
        MarkActionKind::OnBehalf,
        Some(status),
        None,
        Some(by),
    )
    .await?;
    let mark = SafetyMark {
        status,
        message: None,
        origin: MarkOrigin::OnBehalf { by },
        at: write.at,
    };
    if mark.supersedes(current.as_ref()) {
        let upsert = tx
            .prepare_cached(
                "INSERT INTO safety_marks
                 (crisis_id, account_id, status, message, origin, marked_by, at)
                 VALUES ($1, $2, $3, NULL, 'on_behalf', $4, $5)
                 ON CONFLICT (crisis_id, account_id) DO UPDATE
                 SET status = excluded.status, message = NULL, origin = 'on_behalf',
                     marked_by = excluded.marked_by, at = excluded.at
                 WHERE safety_marks.origin = 'on_behalf' AND excluded.at >= safety_marks.at",
            )
            .await?;
        tx.execute(
            &upsert,
            &[
                &write.crisis.0,
                &write.account.0,
                &status.as_str(),
                &by.0,
                &write.at,
            ],
        )
        .await?;
    }
    standing(tx, write, false).await
}

/// The person confirms a contact's mark: it becomes their own answer, as of the
/// confirmation.
async fn confirm(tx: &Transaction<'_>, write: &MarkWrite) -> Result<Option<CurrentMark>, Failure> {
    let Some(current) = standing(tx, write, true)
        .await?
        .filter(|m| matches!(m.origin, MarkOrigin::OnBehalf { .. }))
    else {
        return Err(StoreError::NotFound("mark to confirm").into());
    };
    let update = tx
        .prepare_cached(
            "UPDATE safety_marks SET origin = 'own', marked_by = NULL, at = $3
             WHERE crisis_id = $1 AND account_id = $2",
        )
        .await?;
    tx.execute(&update, &[&write.crisis.0, &write.account.0, &write.at])
        .await?;
    append_history(
        tx,
        write,
        MarkActionKind::Confirm,
        Some(current.status),
        current.message.as_deref(),
        None,
    )
    .await?;
    standing(tx, write, false).await
}

/// The person rejects a contact's mark: it is withdrawn and nothing stands.
async fn reject(tx: &Transaction<'_>, write: &MarkWrite) -> Result<Option<CurrentMark>, Failure> {
    if !standing(tx, write, true)
        .await?
        .is_some_and(|m| matches!(m.origin, MarkOrigin::OnBehalf { .. }))
    {
        return Err(StoreError::NotFound("mark to reject").into());
    }
    let delete = tx
        .prepare_cached("DELETE FROM safety_marks WHERE crisis_id = $1 AND account_id = $2")
        .await?;
    tx.execute(&delete, &[&write.crisis.0, &write.account.0])
        .await?;
    append_history(tx, write, MarkActionKind::Reject, None, None, None).await?;
    Ok(None)
}

/// The mark that stands, locked for the rest of the transaction when `lock` is set.
async fn standing(
    tx: &Transaction<'_>,
    write: &MarkWrite,
    lock: bool,
) -> Result<Option<CurrentMark>, Failure> {
    let select = tx
        .prepare_cached(&format!(
            "SELECT {MARK_COLUMNS} FROM safety_marks m LEFT JOIN accounts b ON b.id = m.marked_by
             WHERE m.crisis_id = $1 AND m.account_id = $2{}",
            if lock { " FOR UPDATE OF m" } else { "" }
        ))
        .await?;
    let row = tx
        .query_opt(&select, &[&write.crisis.0, &write.account.0])
        .await?;
    Ok(row.as_ref().map(rows::current_mark).transpose()?.flatten())
}

async fn append_history(
    tx: &Transaction<'_>,
    write: &MarkWrite,
    action: MarkActionKind,
    status: Option<SafetyStatus>,
    message: Option<&str>,
    by: Option<AccountId>,
) -> Result<(), tokio_postgres::Error> {
    let insert = tx
        .prepare_cached(
            "INSERT INTO safety_history (crisis_id, account_id, action, status, message, actor, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .await?;
    let status = status.map(SafetyStatus::as_str);
    let by = by.map(|b| b.0);
    tx.execute(
        &insert,
        &[
            &write.crisis.0,
            &write.account.0,
            &action.as_str(),
            &status,
            &message,
            &by,
            &write.at,
        ],
    )
    .await?;
    Ok(())
}
