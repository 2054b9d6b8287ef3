//! The one thread that writes. SQLite allows one writer at a time anyway; owning the write
//! connection on one thread turns what would be lock contention into a queue, and lets a
//! batch of queued writes share one COMMIT, hence one fsync (see `group_commit`).

use super::standing::Marks;
use crate::group_commit::{Batches, Pending};
use crate::{Result, StoreError, WriteStats};
use rusqlite::Connection;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A write's work, run on the writer thread inside its own savepoint. It hands its result
/// back by other means (see `SqliteStore::write`): the queue only carries the verdict,
/// which is known after COMMIT. A mark also reads and stages what stands through `Marks`.
pub(super) type Job = Box<dyn FnOnce(&Connection, &mut Marks) -> Result<()> + Send>;

pub(super) struct Write {
    pub job: Job,
    pub kind: WriteKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum WriteKind {
    /// A safety mark: counted in `write_stats`, and run without a savepoint of its own. A
    /// savepoint copies each page a write changes into its journal before the change, a
    /// tenth of what a mark costs the writer (marks over HTTP: 34,300 → 37,000/s; README),
    /// and a mark has no use for it: its job makes every check that can refuse it before
    /// its first change. Should a mark's job fail after changing a row all the same (an
    /// I/O error), its changes could not be undone alone, and the whole batch fails.
    Mark,
    /// A large write (an import batch): a batch holding one checkpoints the WAL only past
    /// `BULK_CHECKPOINT_PAGES`.
    Bulk,
    /// Any other write, in a savepoint, so that its failure undoes only its own changes.
    Other,
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
    mut marks: Marks,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("entraide-sqlite-writer".into())
        .spawn(move || {
            // Unknown until set: the first batch sets it.
            let mut checkpoint_pages = None;
            while let Some(batch) = batches.blocking_next() {
                let wanted = if batch.iter().any(|p| p.write.kind == WriteKind::Bulk) {
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
                commit_batch(&conn, batch, &stats, &mut marks);
            }
            // A clean stop leaves the snapshot whole, so the next start replays nothing.
            if let Err(e) = flush_all(&conn, &mut marks) {
                tracing::warn!(error = %e, "sqlite: writing the standing marks at shutdown");
            }
        })?;
    Ok(())
}

fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

fn flush_all(conn: &Connection, marks: &mut Marks) -> rusqlite::Result<()> {
    exec(conn, "BEGIN IMMEDIATE")?;
    match marks
        .flush_due(conn, true)
        .and_then(|()| exec(conn, "COMMIT"))
    {
        Ok(()) => {
            marks.commit();
            Ok(())
        }
        Err(e) => {
            rollback(conn);
            marks.discard();
            Err(e)
        }
    }
}

fn commit_batch(
    conn: &Connection,
    batch: Vec<Pending<Write, Result<()>>>,
    stats: &Stats,
    marks: &mut Marks,
) {
    if let Err(e) = exec(conn, "BEGIN IMMEDIATE") {
        return fail_all(batch.into_iter().map(|p| p.reply), &e);
    }
    if let Err(e) = marks.flush_due(conn, false) {
        rollback(conn);
        marks.discard();
        return fail_all(batch.into_iter().map(|p| p.reply), &e);
    }
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut marked = 0;
    let mut batch = batch.into_iter();
    while let Some(Pending { write, reply }) = batch.next() {
        let run = match write.kind {
            WriteKind::Mark => without_savepoint(conn, marks, write.job),
            WriteKind::Bulk | WriteKind::Other => in_savepoint(conn, marks, write.job),
        };
        match run {
            Ok(outcome) => {
                if write.kind == WriteKind::Mark && outcome.is_ok() {
                    marked += 1;
                }
                outcomes.push((reply, outcome));
            }
            // The transaction itself is broken (I/O error, disk full): nothing of it stands.
            Err(e) => {
                rollback(conn);
                marks.discard();
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
        marks.discard();
        return fail_all(outcomes.into_iter().map(|(r, _)| r), &e);
    }
    // Before any reply: whoever hears a mark is acknowledged can read it.
    marks.commit();
    if marked > 0 {
        stats.marks.fetch_add(marked, Ordering::Relaxed);
        stats.commits.fetch_add(1, Ordering::Relaxed);
    }
    for (reply, outcome) in outcomes {
        // The caller may have given up waiting; its write is committed all the same.
        let _ = reply.send(outcome);
    }
}

/// Why a batch's transaction could not be kept: nothing of it stands.
#[derive(Debug, thiserror::Error)]
enum Broken {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("a write run without a savepoint failed after changing {0} row(s): {1}")]
    HalfWritten(u64, StoreError),
}

/// Runs a job so that its failure (a conflict, a missing row) undoes only its own changes.
fn in_savepoint(conn: &Connection, marks: &mut Marks, job: Job) -> Result<Result<()>, Broken> {
    exec(conn, "SAVEPOINT write")?;
    let outcome = job(conn, marks);
    if outcome.is_err() {
        exec(conn, "ROLLBACK TO write")?;
    }
    exec(conn, "RELEASE write")?;
    Ok(outcome)
}

/// Runs a job that fails only before its first change (`WriteKind::Mark`). SQLite counts
/// the rows each statement changes, and a failed statement undoes its own: a failure that
/// leaves the count where it was has left nothing behind.
fn without_savepoint(conn: &Connection, marks: &mut Marks, job: Job) -> Result<Result<()>, Broken> {
    let before = conn.total_changes();
    let outcome = job(conn, marks);
    let changed = conn.total_changes() - before;
    match outcome {
        Err(e) if changed > 0 => Err(Broken::HalfWritten(changed, e)),
        outcome => Ok(outcome),
    }
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
    cause: &dyn std::fmt::Display,
) {
    tracing::error!(error = %cause, "sqlite: a batch of writes failed");
    for reply in replies {
        let _ = reply.send(Err(StoreError::Backend(cause.to_string())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CurrentMark;
    use crate::sqlite::standing::{FlushPolicy, Key, Shared};
    use entraide_core::{AccountId, CrisisId, MarkOrigin, SafetyStatus};
    use tokio::sync::oneshot;

    fn database() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("writer.db")).unwrap();
        conn.execute_batch("CREATE TABLE rows (n INTEGER PRIMARY KEY)")
            .unwrap();
        (dir, conn)
    }

    fn insert(n: i64) -> impl Fn(&Connection, &mut Marks) -> Result<()> {
        move |c, _| {
            c.execute("INSERT INTO rows (n) VALUES (?1)", [n])?;
            Ok(())
        }
    }

    fn refuse(_: &Connection, _: &mut Marks) -> Result<()> {
        Err(StoreError::Conflict(entraide_core::Refusal::OwnContact))
    }

    /// Inserts 2, then fails.
    fn half_written() -> Job {
        Box::new(|c, marks| {
            insert(2)(c, marks)?;
            refuse(c, marks)
        })
    }

    /// Commits `jobs` as one batch; each job's outcome, as its caller gets it.
    fn commit(conn: &Connection, jobs: Vec<(WriteKind, Job)>) -> Vec<Result<()>> {
        let mut marks = Marks::new(Shared::default(), FlushPolicy::DEFAULT);
        commit_with(conn, &mut marks, jobs)
    }

    fn commit_with(
        conn: &Connection,
        marks: &mut Marks,
        jobs: Vec<(WriteKind, Job)>,
    ) -> Vec<Result<()>> {
        let (batch, replies): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|(kind, job)| {
                let (reply, rx) = oneshot::channel();
                let write = Write { job, kind };
                (Pending { write, reply }, rx)
            })
            .unzip();
        commit_batch(conn, batch, &Stats::default(), marks);
        replies
            .into_iter()
            .map(|mut rx| rx.try_recv().expect("every write is answered"))
            .collect()
    }

    fn stored(conn: &Connection) -> Vec<i64> {
        let mut s = conn.prepare("SELECT n FROM rows ORDER BY n").unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_mark_refused_before_its_first_change_leaves_its_batch_standing() {
        let (_dir, conn) = database();
        let outcomes = commit(
            &conn,
            vec![
                (WriteKind::Mark, Box::new(insert(1))),
                (WriteKind::Mark, Box::new(refuse)),
                (WriteKind::Mark, Box::new(insert(3))),
            ],
        );
        assert!(outcomes[0].is_ok() && outcomes[2].is_ok());
        assert!(matches!(outcomes[1], Err(StoreError::Conflict(_))));
        assert_eq!(stored(&conn), [1, 3]);
    }

    #[test]
    fn a_failed_statement_of_a_mark_leaves_nothing_behind() {
        let (_dir, conn) = database();
        // The second insert of 1 fails on the primary key: SQLite undoes that statement,
        // and the job changed nothing before it, so the batch stands.
        let outcomes = commit(
            &conn,
            vec![
                (WriteKind::Mark, Box::new(insert(1))),
                (WriteKind::Mark, Box::new(insert(1))),
                (WriteKind::Mark, Box::new(insert(2))),
            ],
        );
        assert!(outcomes[0].is_ok() && outcomes[1].is_err() && outcomes[2].is_ok());
        assert_eq!(stored(&conn), [1, 2]);
    }

    #[test]
    fn a_mark_failing_after_a_change_fails_its_whole_batch_and_nothing_stands() {
        let (_dir, conn) = database();
        let outcomes = commit(
            &conn,
            vec![
                (WriteKind::Other, Box::new(insert(1))),
                (WriteKind::Mark, half_written()),
                (WriteKind::Mark, Box::new(insert(3))),
            ],
        );
        for outcome in &outcomes {
            assert!(
                matches!(outcome, Err(StoreError::Backend(m)) if m.contains("without a savepoint")),
                "{outcome:?}"
            );
        }
        assert!(stored(&conn).is_empty());
        // The writer goes on: the next batch commits.
        assert!(commit(&conn, vec![(WriteKind::Mark, Box::new(insert(4)))])[0].is_ok());
        assert_eq!(stored(&conn), [4]);
    }

    #[test]
    fn any_other_write_failing_after_a_change_undoes_only_its_own() {
        let (_dir, conn) = database();
        let outcomes = commit(
            &conn,
            vec![
                (WriteKind::Other, Box::new(insert(1))),
                (WriteKind::Other, half_written()),
                (WriteKind::Bulk, Box::new(insert(3))),
            ],
        );
        assert!(outcomes[0].is_ok() && outcomes[1].is_err() && outcomes[2].is_ok());
        assert_eq!(stored(&conn), [1, 3]);
    }

    /// A mark that stages `status` for one person, then inserts `n`.
    fn staging(key: Key, status: SafetyStatus, n: i64) -> Job {
        Box::new(move |c, marks| {
            insert(n)(c, marks)?;
            let mark = CurrentMark {
                status,
                message: None,
                origin: MarkOrigin::Own,
                marked_by: None,
                at: chrono::Utc::now(),
            };
            marks.stage(key, Some(mark), n);
            Ok(())
        })
    }

    #[test]
    fn readers_see_a_batch_marks_only_once_it_commits_and_never_a_failed_one() {
        let (_dir, conn) = database();
        let shared = Shared::default();
        let mut marks = Marks::new(shared.clone(), FlushPolicy::DEFAULT);
        let (ana, ben) = (
            (CrisisId::new(), AccountId::new()),
            (CrisisId::new(), AccountId::new()),
        );
        let outcomes = commit_with(
            &conn,
            &mut marks,
            vec![(WriteKind::Mark, staging(ana, SafetyStatus::Safe, 1))],
        );
        assert!(outcomes[0].is_ok());
        assert_eq!(
            shared.read().get(ana).map(|m| m.status),
            Some(SafetyStatus::Safe)
        );

        let outcomes = commit_with(
            &conn,
            &mut marks,
            vec![
                (WriteKind::Mark, staging(ana, SafetyStatus::NeedHelp, 4)),
                (WriteKind::Mark, staging(ben, SafetyStatus::Safe, 5)),
                (WriteKind::Mark, half_written()),
            ],
        );
        assert!(outcomes.iter().all(Result::is_err));
        let standing = shared.read();
        assert_eq!(
            standing.get(ana).map(|m| m.status),
            Some(SafetyStatus::Safe)
        );
        assert!(standing.get(ben).is_none());
        assert_eq!(stored(&conn), [1]);
    }
}
