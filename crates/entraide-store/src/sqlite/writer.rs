//! The one thread that writes. SQLite allows one writer at a time anyway; owning the write
//! connection on one thread turns what would be lock contention into a queue, and lets a
//! batch of queued writes share one COMMIT, hence one fsync (see `group_commit`).

use crate::group_commit::{Batches, Pending};
use crate::{Result, StoreError, WriteStats};
use rusqlite::Connection;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A write's work, run on the writer thread inside its own savepoint. It hands its result
/// back by other means (see `SqliteStore::write`): the queue only carries the verdict,
/// which is known after COMMIT.
pub(super) type Job = Box<dyn FnOnce(&Connection) -> Result<()> + Send>;

pub(super) struct Write {
    pub job: Job,
    /// Counted in `write_stats` (safety marks, not every write).
    pub is_mark: bool,
    /// A large write (an import batch): a batch holding one checkpoints the WAL only past
    /// `BULK_CHECKPOINT_PAGES`.
    pub is_bulk: bool,
}

/// WAL pages after which a commit checkpoints: SQLite's default (4 MiB at its 4 KiB page),
/// which keeps each checkpoint short, so a mark never waits long behind one.
const CHECKPOINT_PAGES: i64 = 1_000;

/// The same, for a batch holding a bulk write (64 MiB). A checkpoint copies each page
/// changed since the last one into the database file and fsyncs it; a batch of 10,000
/// imported records changes thousands of index leaves, and spacing checkpoints out lets a
/// leaf that many batches change be copied once per 64 MiB of WAL rather than once per
/// batch (at a million records, 41,000 → 51,000 records/s; README, missing persons). Marks
/// are kept out of it: a 64 MiB checkpoint holds the writer for tens of milliseconds. The
/// WAL stays bounded: it is rewritten from its start after each checkpoint.
const BULK_CHECKPOINT_PAGES: i64 = 16 * 1_024;

pub(super) type WriteBatches = Batches<Write, Result<()>>;

#[derive(Default)]
pub(super) struct Stats {
    marks: AtomicU64,
    commits: AtomicU64,
}

impl Stats {
    pub fn snapshot(&self) -> WriteStats {
        WriteStats {
            marks: self.marks.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
        }
    }
}

/// Starts the writer; it stops once every sender of the queue is gone, which closes the
/// connection (and, the last one closed, checkpoints the WAL).
pub(super) fn spawn(
    conn: Connection,
    mut batches: WriteBatches,
    stats: Arc<Stats>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("entraide-sqlite-writer".into())
        .spawn(move || {
            // Unknown until set: the first batch sets it.
            let mut checkpoint_pages = None;
            while let Some(batch) = batches.blocking_next() {
                let wanted = if batch.iter().any(|p| p.write.is_bulk) {
                    BULK_CHECKPOINT_PAGES
                } else {
                    CHECKPOINT_PAGES
                };
                // Read at COMMIT, by the hook that checkpoints: set before the batch runs.
                if checkpoint_pages != Some(wanted) {
                    match conn.pragma_update(None, "wal_autocheckpoint", wanted) {
                        Ok(()) => checkpoint_pages = Some(wanted),
                        Err(e) => tracing::warn!(error = %e, "sqlite: wal_autocheckpoint"),
                    }
                }
                commit_batch(&conn, batch, &stats);
            }
        })?;
    Ok(())
}

fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

fn commit_batch(conn: &Connection, batch: Vec<Pending<Write, Result<()>>>, stats: &Stats) {
    if let Err(e) = exec(conn, "BEGIN IMMEDIATE") {
        return fail_all(batch.into_iter().map(|p| p.reply), &e);
    }
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut marks = 0;
    let mut batch = batch.into_iter();
    while let Some(Pending { write, reply }) = batch.next() {
        match in_savepoint(conn, write.job) {
            Ok(outcome) => {
                if write.is_mark && outcome.is_ok() {
                    marks += 1;
                }
                outcomes.push((reply, outcome));
            }
            // The transaction itself is broken (I/O error, disk full): nothing of it stands.
            Err(e) => {
                rollback(conn);
                let replies = outcomes
                    .into_iter()
                    .map(|(r, _)| r)
                    .chain([reply])
                    .chain(batch.map(|p| p.reply));
                return fail_all(replies, &e);
            }
        }
    }
    if let Err(e) = exec(conn, "COMMIT") {
        rollback(conn);
        return fail_all(outcomes.into_iter().map(|(r, _)| r), &e);
    }
    if marks > 0 {
        stats.marks.fetch_add(marks, Ordering::Relaxed);
        stats.commits.fetch_add(1, Ordering::Relaxed);
    }
    for (reply, outcome) in outcomes {
        // The caller may have given up waiting; its write is committed all the same.
        let _ = reply.send(outcome);
    }
}

/// Runs a job so that its failure (a conflict, a missing row) undoes only its own changes.
/// The outer error means the transaction could not be kept.
fn in_savepoint(conn: &Connection, job: Job) -> rusqlite::Result<Result<()>> {
    exec(conn, "SAVEPOINT write")?;
    let outcome = job(conn);
    if outcome.is_err() {
        exec(conn, "ROLLBACK TO write")?;
    }
    exec(conn, "RELEASE write")?;
    Ok(outcome)
}

fn rollback(conn: &Connection) {
    // SQLite rolls back by itself after some errors; only end a transaction still open.
    if !conn.is_autocommit()
        && let Err(e) = exec(conn, "ROLLBACK")
    {
        tracing::error!(error = %e, "sqlite: rollback failed");
    }
}

fn fail_all(
    replies: impl IntoIterator<Item = tokio::sync::oneshot::Sender<Result<()>>>,
    cause: &rusqlite::Error,
) {
    tracing::error!(error = %cause, "sqlite: a batch of writes failed");
    for reply in replies {
        let _ = reply.send(Err(StoreError::Backend(cause.to_string())));
    }
}
