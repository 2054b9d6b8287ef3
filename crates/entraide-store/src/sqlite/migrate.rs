//! Schema migrations: numbered SQL files compiled into the binary, so a server and its
//! schema can never disagree about which files exist.

use crate::{Result, StoreError};
use rusqlite::{Connection, TransactionBehavior};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "shelter",
        sql: include_str!("../../migrations/sqlite/0002_shelter.sql"),
    },
    Migration {
        version: 3,
        name: "missing",
        sql: include_str!("../../migrations/sqlite/0003_missing.sql"),
    },
    Migration {
        version: 5,
        name: "missing_photos",
        sql: include_str!("../../migrations/sqlite/0005_missing_photos.sql"),
    },
    Migration {
        version: 6,
        name: "account_email",
        sql: include_str!("../../migrations/sqlite/0006_account_email.sql"),
    },
    Migration {
        version: 7,
        name: "safety_checks_as_comparisons",
        sql: include_str!("../../migrations/sqlite/0007_safety_checks_as_comparisons.sql"),
    },
    Migration {
        version: 8,
        name: "standing_marks_in_memory",
        sql: include_str!("../../migrations/sqlite/0008_standing_marks_in_memory.sql"),
    },
    Migration {
        version: 9,
        name: "snapshot_without_counts",
        sql: include_str!("../../migrations/sqlite/0009_snapshot_without_counts.sql"),
    },
];

/// Applies the migrations this database lacks, each in its own transaction.
///
/// Each check-and-apply holds the write lock (BEGIN IMMEDIATE), so two processes opening
/// the same database at once (`entraide admin create` beside a running server) apply each
/// migration once: the second waits, then finds it applied.
pub(super) fn apply(conn: &mut Connection) -> Result<()> {
    apply_these(conn, MIGRATIONS)
}

/// Applies `migrations`, the first ones of `MIGRATIONS` (all of them but in tests, which
/// stop short of one to see what it does to a database made by the ones before).
fn apply_these(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    let known = migrations.last().map_or(0, |m| m.version);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at INTEGER NOT NULL
         ) STRICT",
    )?;
    let current: i64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    tx.commit()?;
    if current > known {
        // Running an older build on a newer schema could write rows the newer one can't read.
        return Err(StoreError::Backend(format!(
            "the database is at schema version {current}, newer than this build knows ({known}): upgrade entraide"
        )));
    }
    for m in migrations {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [m.version],
            |r| r.get(0),
        )?;
        if !applied {
            tx.execute_batch(m.sql)
                .map_err(|e| StoreError::Backend(format!("migration {}: {e}", m.name)))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![m.version, m.name, chrono::Utc::now().timestamp_micros()],
            )?;
            tracing::info!(
                version = m.version,
                name = m.name,
                "sqlite: applied migration"
            );
        }
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::{crises, safety, standing};
    use rusqlite::params;

    /// A database in a directory removed when dropped, with foreign keys enforced as the
    /// store enforces them.
    fn database() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let conn = Connection::open(dir.path().join("entraide.db")).expect("a database");
        conn.pragma_update(None, "foreign_keys", true)
            .expect("foreign keys");
        (dir, conn)
    }

    /// The migrations up to and including `version`.
    fn through(version: i64) -> &'static [Migration] {
        let end = MIGRATIONS
            .iter()
            .position(|m| m.version == version)
            .expect("a known version");
        &MIGRATIONS[..=end]
    }

    fn opcodes(conn: &Connection, sql: &str) -> Vec<String> {
        let mut explain = conn
            .prepare(&format!("EXPLAIN {sql}"))
            .expect("a statement to explain");
        let count = explain.parameter_count();
        let nulls = vec![rusqlite::types::Null; count];
        explain
            .query_map(rusqlite::params_from_iter(nulls), |r| r.get(1))
            .expect("its program")
            .collect::<rusqlite::Result<_>>()
            .expect("its opcodes")
    }

    #[test]
    fn no_statement_of_a_mark_builds_a_temporary_table() {
        let (_dir, mut conn) = database();
        apply(&mut conn).unwrap();
        for sql in [safety::PUT, safety::APPEND_HISTORY, crises::ASK] {
            let ops = opcodes(&conn, sql);
            assert!(ops.iter().any(|op| op == "Insert" || op == "IdxInsert"));
            assert!(
                !ops.iter().any(|op| op == "OpenEphemeral"),
                "{sql} builds a temporary table each time it runs: {ops:?}"
            );
        }
        // What the test guards against, so it can't pass for a reason of its own: the
        // same checks as the tables were first written.
        let (_dir, mut before) = database();
        apply_these(&mut before, through(6)).unwrap();
        assert!(opcodes(&before, safety::APPEND_HISTORY).contains(&"OpenEphemeral".into()));
    }

    fn rows(conn: &Connection, sql: &str) -> Vec<Vec<rusqlite::types::Value>> {
        let mut stmt = conn.prepare(sql).unwrap();
        let columns = stmt.column_count();
        stmt.query_map([], |r| (0..columns).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    const CRISIS: [u8; 16] = [1; 16];

    /// An active crisis with the id `CRISIS`, as the first migrations store one.
    fn add_crisis(conn: &Connection) {
        conn.execute(
            "INSERT INTO crises (id, title, description, kind, zone, status, starts_at,
                                 created_at, updated_at)
             VALUES (?1, 'Paris', '', 'attack', '{}', 'active', 0, 0, 0)",
            [CRISIS],
        )
        .unwrap();
    }

    fn add_person(conn: &Connection, id: [u8; 16]) {
        conn.execute(
            "INSERT INTO accounts (id, handle, display_name, password_hash, role, created_at)
             VALUES (?1, hex(?1), '', '', 'person', 0)",
            [id],
        )
        .unwrap();
    }

    /// A mark and its history as the store writes them (`on_behalf` marks carry `by`).
    struct Mark<'a> {
        person: [u8; 16],
        action: &'a str,
        status: Option<&'a str>,
        by: Option<[u8; 16]>,
        at: i64,
    }

    impl Mark<'_> {
        fn put(&self, conn: &Connection) -> rusqlite::Result<usize> {
            let origin = if self.by.is_some() {
                "on_behalf"
            } else {
                "own"
            };
            // The statement as the store wrote marks until migration 0008.
            conn.execute(
                "INSERT INTO safety_marks
                     (crisis_id, account_id, status, message, origin, marked_by, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (crisis_id, account_id) DO UPDATE
                 SET status = excluded.status, message = excluded.message,
                     origin = excluded.origin, marked_by = excluded.marked_by, at = excluded.at",
                params![
                    CRISIS,
                    self.person,
                    self.status,
                    "a message",
                    origin,
                    self.by,
                    self.at
                ],
            )
        }

        fn append_history(&self, conn: &Connection) -> rusqlite::Result<usize> {
            conn.execute(
                safety::APPEND_HISTORY,
                params![
                    CRISIS,
                    self.person,
                    self.action,
                    self.status,
                    None::<String>,
                    self.by,
                    self.at
                ],
            )
        }
    }

    fn mark<'a>(person: [u8; 16], action: &'a str, status: &'a str, at: i64) -> Mark<'a> {
        Mark {
            person,
            action,
            status: Some(status),
            by: None,
            at,
        }
    }

    #[test]
    fn rebuilding_the_safety_tables_keeps_their_rows_counts_and_checks() {
        let (_dir, mut conn) = database();
        apply_these(&mut conn, through(6)).unwrap();
        let people: Vec<[u8; 16]> = (2..5).map(|n| [n; 16]).collect();
        for person in &people {
            add_person(&conn, *person);
        }
        add_crisis(&conn);
        // Two marked safe (one on their behalf), one who needs help, and a rejection,
        // which leaves no status and no standing mark.
        let marks = [
            mark(people[0], "own", "safe", 0),
            mark(people[1], "own", "need_help", 1),
            Mark {
                by: Some(people[0]),
                ..mark(people[2], "on_behalf", "safe", 2)
            },
        ];
        for m in &marks {
            m.put(&conn).unwrap();
            m.append_history(&conn).unwrap();
        }
        let rejection = Mark {
            status: None,
            ..mark(people[2], "reject", "", 3)
        };
        rejection.append_history(&conn).unwrap();
        let marks_sql = "SELECT * FROM safety_marks ORDER BY account_id";
        let history_sql = "SELECT * FROM safety_history ORDER BY id";
        let counts_sql = "SELECT safe, need_help, not_in_area FROM crisis_counts";
        let read_all = |conn: &Connection| {
            (
                rows(conn, marks_sql),
                rows(conn, history_sql),
                rows(conn, counts_sql),
            )
        };
        let before = read_all(&conn);
        assert_eq!((before.0.len(), before.1.len()), (3, 4));

        apply_these(&mut conn, through(7)).unwrap();
        assert_eq!(
            read_all(&conn),
            before,
            "the rows, their ids and the counts are kept"
        );
        let need_help: i64 = conn
            .query_row(
                "SELECT count(*) FROM safety_marks INDEXED BY safety_marks_need_help
                 WHERE crisis_id = ?1 AND status = 'need_help'",
                [CRISIS],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(need_help, 1, "the need-help index is back");

        // The checks refuse what they refused.
        let refused = [
            mark(people[0], "own", "dead", 10).put(&conn),
            mark(people[0], "deleted", "safe", 10).append_history(&conn),
            mark(people[0], "own", "missing", 10).append_history(&conn),
        ];
        for outcome in refused {
            assert!(outcome.unwrap_err().to_string().contains("CHECK"));
        }

        // The triggers are back: counts follow a changed mark and a deleted one.
        mark(people[1], "own", "not_in_area", 11)
            .put(&conn)
            .unwrap();
        conn.execute(
            "DELETE FROM safety_marks WHERE account_id = ?1",
            [people[2]],
        )
        .unwrap();
        let counts: (i64, i64, i64) = conn
            .query_row(counts_sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        assert_eq!(counts, (1, 0, 1));

        // 0008: the table becomes a snapshot of what stands, up to date with the whole
        // history, which a start reads back with nothing to replay.
        apply(&mut conn).unwrap();
        let reflected: i64 = conn
            .query_row("SELECT history_id FROM safety_marks_applied", [], |r| {
                r.get(0)
            })
            .unwrap();
        let last: i64 = conn
            .query_row("SELECT max(id) FROM safety_history", [], |r| r.get(0))
            .unwrap();
        assert_eq!(reflected, last);
        let standing = standing::load(&conn).unwrap();
        let crisis = entraide_core::CrisisId(uuid::Uuid::from_bytes(CRISIS));
        assert_eq!(standing.counts(crisis), (1, 0, 1));
        let person = |n: usize| entraide_core::AccountId(uuid::Uuid::from_bytes(people[n]));
        assert_eq!(
            standing.get((crisis, person(1))).map(|m| m.status),
            Some(entraide_core::SafetyStatus::NotInArea)
        );
        assert!(standing.get((crisis, person(2))).is_none());
    }

    #[test]
    fn the_snapshot_of_standing_marks_keeps_up_nothing_else() {
        let (_dir, mut conn) = database();
        apply_these(&mut conn, through(8)).unwrap();
        add_crisis(&conn);
        for person in [[2u8; 16], [3; 16]] {
            add_person(&conn, person);
            conn.execute(crises::ASK, params![CRISIS, person, 0])
                .unwrap();
        }
        let asked = |conn: &Connection| -> i64 {
            conn.query_row("SELECT asked FROM crisis_counts", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(asked(&conn), 2);
        // What the test guards against, so it can't pass for a reason of its own: until
        // 0009, writing the snapshot ran the counts' triggers.
        assert!(opcodes(&conn, safety::PUT).contains(&"Program".into()));

        apply(&mut conn).unwrap();
        let ops = opcodes(&conn, safety::PUT);
        assert!(
            !ops.contains(&"Program".into()),
            "writing the snapshot runs a trigger: {ops:?}"
        );
        let upkeep = rows(
            &conn,
            "SELECT name FROM sqlite_schema
             WHERE tbl_name = 'safety_marks' AND type IN ('index', 'trigger')",
        );
        assert!(upkeep.is_empty(), "the snapshot still keeps up {upkeep:?}");
        // Who was asked is still counted, and counts on.
        assert_eq!(asked(&conn), 2);
        add_person(&conn, [4; 16]);
        conn.execute(crises::ASK, params![CRISIS, [4u8; 16], 1])
            .unwrap();
        assert_eq!(asked(&conn), 3);
    }
}
