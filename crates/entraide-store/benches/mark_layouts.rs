//! What one durable commit of a batch of safety marks costs on this disk, in two layouts,
//! with the pragmas the store uses (WAL, `synchronous=FULL`):
//! - `tables`: each mark appended to a history table indexed by (person, time), and upserted
//!   into the standing marks keyed by (crisis, person). That is the schema's shape stripped of
//!   its foreign keys, triggers, savepoints and reads: two random-keyed B-tree writes per mark,
//!   the least a mark costs while the tables are written as it is acknowledged.
//! - `log`: each mark appended to a table with no index but its sequence: what a mark would
//!   cost if only a log were made durable before the acknowledgement, and the tables were
//!   brought up to date from it later, in large batches.
//!
//! The gap between the two is why `bench safety`'s target (50,000 marks/s) is out of reach
//! while marks are written to the tables as they are acknowledged (README, Performance).
//! Batches hold 40 marks, about what group commit gathers under `bench safety`'s load.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rusqlite::{Connection, params};

const BATCH: usize = 40;
const PEOPLE: u64 = 10_000;
const CRISIS: [u8; 16] = [7; 16];

const SCHEMA: &str = "
CREATE TABLE history (
    id INTEGER PRIMARY KEY, crisis BLOB NOT NULL, account BLOB NOT NULL,
    status TEXT NOT NULL, message TEXT, at INTEGER NOT NULL
) STRICT;
CREATE INDEX history_account_at ON history (account, at);
CREATE TABLE standing (
    crisis BLOB NOT NULL, account BLOB NOT NULL, status TEXT NOT NULL, message TEXT,
    at INTEGER NOT NULL, PRIMARY KEY (crisis, account)
) WITHOUT ROWID, STRICT;
CREATE TABLE mark_log (
    seq INTEGER PRIMARY KEY, crisis BLOB NOT NULL, account BLOB NOT NULL,
    status TEXT NOT NULL, message TEXT, at INTEGER NOT NULL
) STRICT;
";

/// A database opened as the store opens its own, in a directory removed when dropped.
fn open() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let conn = Connection::open(dir.path().join("marks.db")).expect("a database");
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))
        .expect("WAL mode");
    assert_eq!(mode, "wal");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("synchronous=FULL");
    conn.execute_batch(SCHEMA).expect("the schema");
    (dir, conn)
}

/// The `n`th mark: a person spread over the key space as random UUIDs are, and a status
/// that changes each round, so every upsert changes the standing mark.
fn nth_mark(n: u64) -> ([u8; 16], &'static str) {
    let person = (n % PEOPLE).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&person.to_be_bytes());
    id[8..].copy_from_slice(&(!person).to_be_bytes());
    let status = ["safe", "need_help", "not_in_area"][((n / PEOPLE) % 3) as usize];
    (id, status)
}

/// How a layout writes the `n`th mark.
type WriteMark = fn(&Connection, u64);

/// Commits the next `BATCH` marks as one transaction, each written by `write`.
fn commit_batch(conn: &Connection, next: &mut u64, write: WriteMark) {
    conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
    for _ in 0..BATCH {
        write(conn, *next);
        *next += 1;
    }
    conn.execute_batch("COMMIT").expect("commit");
}

fn insert(conn: &Connection, sql: &str, n: u64) {
    let (account, status) = nth_mark(n);
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(params![&CRISIS[..], &account[..], status, n as i64]))
        .expect("an insert");
}

fn into_tables(conn: &Connection, n: u64) {
    insert(
        conn,
        "INSERT INTO history (crisis, account, status, at) VALUES (?1, ?2, ?3, ?4)",
        n,
    );
    insert(
        conn,
        "INSERT INTO standing (crisis, account, status, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO UPDATE SET status = excluded.status, at = excluded.at",
        n,
    );
}

fn into_log(conn: &Connection, n: u64) {
    insert(
        conn,
        "INSERT INTO mark_log (crisis, account, status, at) VALUES (?1, ?2, ?3, ?4)",
        n,
    );
}

fn layouts(c: &mut Criterion) {
    let mut group = c.benchmark_group("durable_marks");
    group.throughput(Throughput::Elements(BATCH as u64));
    let layouts: [(&str, WriteMark); 2] = [("tables", into_tables), ("log", into_log)];
    for (name, write) in layouts {
        let (_dir, conn) = open();
        // Everyone has answered once already, as a while into a crisis.
        let mut next = 0;
        while next < PEOPLE {
            commit_batch(&conn, &mut next, write);
        }
        group.bench_function(name, |b| b.iter(|| commit_batch(&conn, &mut next, write)));
    }
    group.finish();
}

criterion_group!(benches, layouts);
criterion_main!(benches);
