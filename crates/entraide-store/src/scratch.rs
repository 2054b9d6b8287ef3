//! Throwaway PostgreSQL databases for the conformance suite and the benchmarks: each run
//! gets a database of its own on the given server, dropped afterwards, so runs never see
//! each other's rows and nothing is left behind.

use crate::{Result, StoreError};
use tokio_postgres::NoTls;

pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `<prefix>_<random>` on the server of `admin_url` (a URL to any database the
    /// user may connect to, e.g. postgres://postgres@127.0.0.1:5432/postgres).
    pub async fn create(admin_url: &str, prefix: &str) -> Result<Self> {
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        admin(admin_url, &format!("CREATE DATABASE {name}")).await?;
        let url = with_database(admin_url, &name)?;
        Ok(Self {
            admin_url: admin_url.to_string(),
            name,
            url,
        })
    }

    /// Drops the database, closing any connection still open to it.
    pub async fn drop(self) -> Result<()> {
        admin(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .await
    }
}

async fn admin(url: &str, statement: &str) -> Result<()> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .map_err(|e| StoreError::Backend(format!("connecting to {}: {e}", redacted(url))))?;
    let driver = tokio::spawn(connection);
    let outcome = client
        .batch_execute(statement)
        .await
        .map_err(|e| StoreError::Backend(format!("{statement}: {e}")));
    drop(client);
    let _ = driver.await;
    outcome
}

/// The same URL naming another database: the path after the host is replaced, a query
/// string kept.
fn with_database(url: &str, database: &str) -> Result<String> {
    let bad = || StoreError::Backend(format!("not a postgres:// URL: {}", redacted(url)));
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let (rest, query) = rest
        .split_once('?')
        .map_or((rest, None), |(r, q)| (r, Some(q)));
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Ok(format!("{scheme}://{authority}/{database}{query}"))
}

fn redacted(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://***{}", &url[at..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_database_name_changes() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "x").unwrap(),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "x").unwrap(),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h", "x").unwrap(),
            "postgres://h/x"
        );
        assert!(with_database("h/db", "x").is_err());
        assert!(!redacted("postgres://u:secret@h/db").contains("secret"));
    }
}
