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
];

/// Applies the migrations this database lacks, each in its own transaction.
///
/// Each check-and-apply holds the write lock (BEGIN IMMEDIATE), so two processes opening
/// the same database at once (`entraide admin create` beside a running server) apply each
/// migration once: the second waits, then finds it applied.
pub(super) fn apply(conn: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
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
    for m in MIGRATIONS {
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
