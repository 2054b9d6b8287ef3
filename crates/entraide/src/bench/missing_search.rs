//! Name search for the missing-persons registry, measured against PostgreSQL's pg_trgm on the
//! same names and the same queries: for `entraide bench missing`.
//!
//! [`compare_with_pg_trgm`] is the whole comparison; `entraide bench missing --postgres URL`
//! generates the data with `entraide_names::benchset`, gives each record its UUID, and prints
//! the returned [`SearchComparison`].

use super::{Latency, micros_histogram, record};
use anyhow::Context;
use entraide_names::NameIndex;
use entraide_store::scratch::ScratchDatabase;
use futures::SinkExt;
use hyper::body::Bytes;
use std::collections::HashSet;
use std::time::Instant;
use tokio_postgres::NoTls;
use uuid::Uuid;

/// How many results a searcher looks at: recall is counted within these.
pub const RESULTS: usize = 10;
/// pg_trgm's default, kept: lower lets more typos through but makes `%` match (and sort) a
/// large part of a million names for a common first name.
pub const PG_TRGM_SIMILARITY_THRESHOLD: f64 = 0.3;

/// One engine's figures on the comparison's data.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct EngineFigures {
    /// Seconds to load and index every record (for PostgreSQL: COPY, then CREATE INDEX).
    pub load_seconds: f64,
    pub records_per_second: f64,
    /// One query at a time, each timed from call to last row.
    pub search: Latency,
    /// Share of queries whose record is among the first [`RESULTS`].
    pub recall_at_10: f64,
}

/// Our index and pg_trgm on the same records and queries.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct SearchComparison {
    pub records: usize,
    pub queries: usize,
    pub names: EngineFigures,
    pub pg_trgm: EngineFigures,
    pub pg_trgm_similarity_threshold: f64,
    /// pg_trgm's p50 and p99 over ours: how many times faster we answer.
    pub p50_ratio: f64,
    pub p99_ratio: f64,
}

/// Loads `records` (id, names: full name first, then alternates) into an
/// [`entraide_names::NameIndex`] and into a table of a scratch PostgreSQL database with a GIN
/// `gin_trgm_ops` index, runs every query (text, the record it was derived from) on both, one
/// at a time, and returns load rates, latency percentiles and recall@10. pg_trgm ranks by
/// `similarity(name, query)` among names that pass `name % query`, best name per record.
///
/// `postgres_admin_url` is any database the user may create databases from (e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`); the scratch database is dropped afterwards,
/// whatever happened.
pub async fn compare_with_pg_trgm(
    records: &[(Uuid, Vec<String>)],
    queries: &[(String, Uuid)],
    postgres_admin_url: &str,
) -> anyhow::Result<SearchComparison> {
    let names = measure_names(records, queries);
    let scratch = ScratchDatabase::create(postgres_admin_url, "entraide_names_bench")
        .await
        .context("creating the scratch database")?;
    let pg = measure_pg_trgm(&scratch.url, records, queries).await;
    scratch
        .drop()
        .await
        .context("dropping the scratch database")?;
    let pg_trgm = pg?;
    Ok(SearchComparison {
        records: records.len(),
        queries: queries.len(),
        names,
        pg_trgm,
        pg_trgm_similarity_threshold: PG_TRGM_SIMILARITY_THRESHOLD,
        p50_ratio: pg_trgm.search.p50_ms / names.search.p50_ms.max(0.001),
        p99_ratio: pg_trgm.search.p99_ms / names.search.p99_ms.max(0.001),
    })
}

fn measure_names(records: &[(Uuid, Vec<String>)], queries: &[(String, Uuid)]) -> EngineFigures {
    let started = Instant::now();
    let mut index = NameIndex::new();
    for (id, names) in records {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        index.insert(*id, &names);
    }
    let load_seconds = started.elapsed().as_secs_f64();
    let mut latencies = micros_histogram();
    let mut found = 0;
    for (text, expected) in queries {
        let started = Instant::now();
        let hits = index.search(text, RESULTS);
        record(&mut latencies, started.elapsed());
        if hits.iter().any(|hit| hit.key == *expected) {
            found += 1;
        }
    }
    EngineFigures {
        load_seconds,
        records_per_second: records.len() as f64 / load_seconds.max(1e-9),
        search: Latency::of(&latencies),
        recall_at_10: found as f64 / queries.len().max(1) as f64,
    }
}

async fn measure_pg_trgm(
    url: &str,
    records: &[(Uuid, Vec<String>)],
    queries: &[(String, Uuid)],
) -> anyhow::Result<EngineFigures> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .context("connecting to the scratch database")?;
    let driver = tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm;
             CREATE TABLE person_name (person_id uuid NOT NULL, name text NOT NULL);",
        )
        .await
        .context("creating the pg_trgm table")?;

    let started = Instant::now();
    let sink = client
        .copy_in("COPY person_name (person_id, name) FROM STDIN")
        .await?;
    futures::pin_mut!(sink);
    let mut chunk = String::with_capacity(1 << 20);
    for (id, names) in records {
        for name in names {
            chunk.push_str(&id.to_string());
            chunk.push('\t');
            push_copy_text(&mut chunk, name);
            chunk.push('\n');
        }
        if chunk.len() > (1 << 20) - 4096 {
            sink.send(Bytes::from(std::mem::take(&mut chunk))).await?;
        }
    }
    if !chunk.is_empty() {
        sink.send(Bytes::from(chunk)).await?;
    }
    sink.as_mut().finish().await.context("copying the names")?;
    client
        .batch_execute(
            "CREATE INDEX person_name_trgm ON person_name USING gin (name gin_trgm_ops);
             ANALYZE person_name;",
        )
        .await
        .context("indexing the names")?;
    let load_seconds = started.elapsed().as_secs_f64();

    client
        .batch_execute(&format!(
            "SET pg_trgm.similarity_threshold = {PG_TRGM_SIMILARITY_THRESHOLD}"
        ))
        .await?;
    let statement = client
        .prepare(
            "SELECT person_id FROM person_name WHERE name % $1
             GROUP BY person_id ORDER BY max(similarity(name, $1)) DESC LIMIT 10",
        )
        .await?;
    let mut latencies = micros_histogram();
    let mut found = 0;
    for (text, expected) in queries {
        let started = Instant::now();
        let rows = client.query(&statement, &[text]).await?;
        record(&mut latencies, started.elapsed());
        let ids: HashSet<Uuid> = rows.iter().map(|row| row.get(0)).collect();
        if ids.contains(expected) {
            found += 1;
        }
    }
    drop(client);
    driver.await??;
    Ok(EngineFigures {
        load_seconds,
        records_per_second: records.len() as f64 / load_seconds.max(1e-9),
        search: Latency::of(&latencies),
        recall_at_10: found as f64 / queries.len().max(1) as f64,
    })
}

/// `text` escaped for COPY's text format (backslash, tab, newline, carriage return).
fn push_copy_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entraide_names::benchset;

    #[test]
    fn copy_text_escapes_its_separators() {
        let mut out = String::new();
        push_copy_text(&mut out, "a\tb\\c\nd\re Hélène");
        assert_eq!(out, "a\\tb\\\\c\\nd\\re Hélène");
    }

    fn size(variable: &str, default: usize) -> usize {
        std::env::var(variable)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    }

    /// Small by default (the full-size figures come from `entraide bench missing --postgres`);
    /// ENTRAIDE_NAMES_COMPARE_RECORDS and _QUERIES set other sizes.
    #[tokio::test]
    async fn both_engines_are_measured_on_the_same_data() {
        let Ok(admin_url) = std::env::var("ENTRAIDE_TEST_POSTGRES") else {
            eprintln!("skipped: set ENTRAIDE_TEST_POSTGRES to compare with pg_trgm");
            return;
        };
        let record_count = size("ENTRAIDE_NAMES_COMPARE_RECORDS", 3_000);
        let query_count = size("ENTRAIDE_NAMES_COMPARE_QUERIES", 300);
        let generated = benchset::records(11, record_count);
        let records: Vec<(Uuid, Vec<String>)> = generated
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let names = r.names().into_iter().map(str::to_owned).collect();
                (Uuid::from_u128(i as u128 + 1), names)
            })
            .collect();
        let queries: Vec<(String, Uuid)> = benchset::queries(11, &generated, query_count)
            .into_iter()
            .map(|q| (q.text, records[q.record].0))
            .collect();
        let comparison = compare_with_pg_trgm(&records, &queries, &admin_url)
            .await
            .unwrap();
        println!("{}", serde_json::to_string_pretty(&comparison).unwrap());
        assert_eq!(
            (comparison.records, comparison.queries),
            (record_count, query_count)
        );
        assert!(comparison.pg_trgm.search.p50_ms > 0.0 && comparison.names.search.p50_ms > 0.0);
        assert!(comparison.pg_trgm.records_per_second > 0.0);
        if record_count > 20_000 {
            // Past that, many records share a name exactly and recall measures ties.
            return;
        }
        assert!(comparison.names.recall_at_10 >= 0.95, "{comparison:?}");
        // pg_trgm finds the exact and most misspelt names, but not every kind of mistake
        // (other scripts, nicknames, half-typed words): ours finds more.
        assert!(comparison.pg_trgm.recall_at_10 > 0.3, "{comparison:?}");
        assert!(
            comparison.names.recall_at_10 > comparison.pg_trgm.recall_at_10,
            "{comparison:?}"
        );
    }
}
