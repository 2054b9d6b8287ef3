//! Schema migrations, embedded in the binary so a deployment is one file.

use deadpool_postgres::Object;
use std::collections::HashSet;

/// In order; a migration, once released, is never edited: a new one is added instead.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "shelter",
        include_str!("../../migrations/postgres/0002_shelter.sql"),
    ),
    (
        3,
        "missing",
        include_str!("../../migrations/postgres/0003_missing.sql"),
    ),
    (
        5,
        "missing_photos",
        include_str!("../../migrations/postgres/0005_missing_photos.sql"),
    ),
    (
        6,
        "account_email",
        include_str!("../../migrations/postgres/0006_account_email.sql"),
    ),
    (
        7,
        "inbox_reads_standing_marks",
        include_str!("../../migrations/postgres/0007_inbox_reads_standing_marks.sql"),
    ),
];

/// The advisory lock that serializes migrations: "entraide" in ASCII, unlikely to collide
/// with another application's key on a shared server.
const LOCK_KEY: i64 = 0x656e_7472_6169_6465;

/// Applies the pending migrations in one transaction. Several instances starting at once
/// queue on the advisory lock: the first applies, the others then find nothing to do.
pub(super) async fn run(client: &mut Object) -> Result<(), tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({LOCK_KEY})"))
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    integer PRIMARY KEY,
             name       text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let applied: HashSet<i32> = tx
        .query("SELECT version FROM schema_migrations", &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let known = MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0);
    if let Some(newest) = applied.iter().max().filter(|v| **v > known) {
        tracing::warn!(
            version = newest,
            "the database has a newer schema than this binary knows"
        );
    }
    for (version, name, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await?;
        tracing::info!(version, name, "applied PostgreSQL migration");
    }
    tx.commit().await
}
