//! `entraide bench missing`: the missing-persons registry at scale. On a fresh store
//! (temporary SQLite directory, or a scratch PostgreSQL database), it generates N records
//! from `entraide_names::benchset` (French and international names, other scripts,
//! alternates), then measures:
//! 1. the import rate: records per second through `Store::import_missing`, in the batches
//!    `entraide pfif import` uses (one transaction each);
//! 2. loading the search index from the store, as `serve` does at start;
//! 3. search latency p50/p99 of the registry's search (`AppState::search_missing`: the name
//!    index, then the records read from the store) on the benchmark's misspelt queries;
//! 4. recall@10 of those queries (strict, and counting same-name ties: `benchset::recall_among`);
//! 5. with `--postgres URL`, the name search alone against PostgreSQL's pg_trgm on the same
//!    records and queries (`bench/missing_search.rs`), and the ratio.

use super::missing_search::{RESULTS, SearchComparison, compare_with_pg_trgm};
use super::{Latency, micros_histogram, record};
use clap::Args;
use entraide_bus::Bus;
use entraide_core::{LastSeen, MissingId, PersonDetails, ReporterContact};
use entraide_names::benchset;
use entraide_server::IMPORT_BATCH;
use entraide_server::{AppState, ServerConfig};
use entraide_store::scratch::ScratchDatabase;
use entraide_store::{Database, ImportItem, MissingRecord};
use std::time::Instant;

#[derive(Args, Debug)]
pub struct MissingBench {
    /// Records to generate and import.
    #[arg(long, default_value_t = 1_000_000)]
    records: usize,
    /// Queries to time and to count recall over.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// The seed of the generated names and queries.
    #[arg(long, default_value_t = 4)]
    seed: u64,
    /// A PostgreSQL server to hold the store instead of SQLite (a scratch database is
    /// created on it and dropped afterwards).
    #[arg(long, value_name = "URL")]
    store_postgres: Option<String>,
    /// A PostgreSQL server (with pg_trgm available) to compare the name search with, on the
    /// same records and queries (a scratch database is created on it and dropped afterwards).
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
}

pub async fn run(args: MissingBench) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let scratch = match &args.store_postgres {
        Some(url) => Some(ScratchDatabase::create(url, "entraide_bench").await?),
        None => None,
    };
    let database = match &scratch {
        Some(s) => Database::Postgres(s.url.clone()),
        None => Database::Sqlite(dir.path().to_path_buf()),
    };
    let outcome = measure(&args, &database).await;
    if let Some(scratch) = scratch {
        scratch.drop().await?;
    }
    outcome
}

async fn measure(args: &MissingBench, database: &Database) -> anyhow::Result<()> {
    let store = entraide_store::open(database).await?;
    let state = AppState::new(store.clone(), Bus::local(), ServerConfig::default());
    let people = benchset::records(args.seed, args.records);
    let queries = benchset::queries(args.seed, &people, args.queries);
    // The record a query is about, by its position among the generated ones.
    let ids: Vec<MissingId> = (0..people.len())
        .map(|i| {
            let name = format!("bench:{}:{i}", args.seed);
            MissingId(uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_URL,
                name.as_bytes(),
            ))
        })
        .collect();
    let now = chrono::Utc::now();

    let started = Instant::now();
    for (chunk, first) in people.chunks(IMPORT_BATCH).zip((0..).step_by(IMPORT_BATCH)) {
        let batch = chunk
            .iter()
            .enumerate()
            .map(|(offset, person)| {
                ImportItem::Record(MissingRecord {
                    id: ids[first + offset],
                    pfif_id: Some(format!("bench.example.org/person.{}", first + offset)),
                    person: PersonDetails {
                        full_name: person.full_name.clone(),
                        given_name: Some(person.given_name.clone()),
                        family_name: Some(person.family_name.clone()),
                        alternate_names: person.alternate_names.clone(),
                        ..PersonDetails::default()
                    },
                    reporter: ReporterContact::default(),
                    reporter_account: None,
                    last_seen: LastSeen::default(),
                    source_date: now,
                    entry_date: now,
                    expiry_date: None,
                    expired: false,
                    verified: false,
                    linked_account: None,
                    status: None,
                    linked_records: Vec::new(),
                })
            })
            .collect();
        store.import_missing(batch).await?;
    }
    let import_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    state
        .load_missing_index()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let index_seconds = started.elapsed().as_secs_f64();

    let mut latencies = micros_histogram();
    let mut found = 0usize;
    for query in &queries {
        let started = Instant::now();
        let results = state
            .search_missing(&query.text, RESULTS)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        record(&mut latencies, started.elapsed());
        if results.iter().any(|(r, _)| r.id == ids[query.record]) {
            found += 1;
        }
    }
    let latency = Latency::of(&latencies);
    println!("backend: {}", store.backend());
    println!(
        "import: {} records in {import_seconds:.1} s: {:.0} records/s (target >= 50,000)",
        people.len(),
        people.len() as f64 / import_seconds
    );
    println!("search index loaded from the store in {index_seconds:.1} s");
    println!(
        "search (index + records from the store), {} queries: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 <= 10 ms)",
        queries.len(),
        latency.p50_ms,
        latency.p99_ms,
        latency.max_ms
    );
    println!(
        "recall@10 (registry search): {:.4} ({found}/{})",
        found as f64 / queries.len().max(1) as f64,
        queries.len()
    );
    let name_index = benchset::index(&people);
    print!(
        "name index alone, {}",
        benchset::recall_among(&name_index, &people, &queries, RESULTS)
    );
    drop(name_index);

    if let Some(admin_url) = &args.postgres {
        let records: Vec<(uuid::Uuid, Vec<String>)> = people
            .iter()
            .zip(&ids)
            .map(|(person, id)| {
                (
                    id.0,
                    person.names().into_iter().map(str::to_owned).collect(),
                )
            })
            .collect();
        let queries: Vec<(String, uuid::Uuid)> = queries
            .iter()
            .map(|query| (query.text.clone(), ids[query.record].0))
            .collect();
        let comparison = compare_with_pg_trgm(&records, &queries, admin_url).await?;
        print_comparison(&comparison);
    }
    Ok(())
}

fn print_comparison(comparison: &SearchComparison) {
    println!(
        "name search against pg_trgm (similarity threshold {}), {} records, {} queries, one at a time:",
        comparison.pg_trgm_similarity_threshold, comparison.records, comparison.queries
    );
    for (engine, figures) in [
        ("entraide-names", &comparison.names),
        ("pg_trgm", &comparison.pg_trgm),
    ] {
        println!(
            "  {engine:<15} load {:.1} s ({:.0} records/s), p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms, recall@10 {:.4}",
            figures.load_seconds,
            figures.records_per_second,
            figures.search.p50_ms,
            figures.search.p99_ms,
            figures.search.max_ms,
            figures.recall_at_10
        );
    }
    println!(
        "  ratio (pg_trgm / entraide-names): p50 {:.1}x, p99 {:.1}x",
        comparison.p50_ratio, comparison.p99_ratio
    );
}
