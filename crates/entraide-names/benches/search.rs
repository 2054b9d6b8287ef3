//! Name search on 1,000,000 generated records (`entraide_names::benchset`).
//!
//! Before criterion's own measurements, prints what criterion does not: the insert rate while
//! building the index, the memory the index takes, every query timed once for p50/p99/max, and
//! recall@10 at this size. Then criterion measures search (cycling through the queries) and
//! the replacement of a record in the full index.
//!
//! `cargo bench -p entraide-names --bench search` (`ENTRAIDE_NAMES_RECORDS` changes the size).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use entraide_names::{NameIndex, benchset};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SEED: u64 = 2015;
const QUERIES: usize = 10_000;

fn record_count() -> usize {
    std::env::var("ENTRAIDE_NAMES_RECORDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1_000_000)
}

/// Resident memory of this process, in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .map_or(0, |kilobytes| kilobytes * 1024)
}

fn percentile(sorted: &[Duration], quantile: f64) -> Duration {
    let at = ((sorted.len() as f64 * quantile).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at]
}

fn bench(c: &mut Criterion) {
    let count = record_count();
    let records = benchset::records(SEED, count);
    let queries = benchset::queries(SEED, &records, QUERIES);

    let before = resident_bytes();
    let started = Instant::now();
    let mut index = NameIndex::new();
    for (position, record) in records.iter().enumerate() {
        index.insert(position as u32, &record.names());
    }
    let build = started.elapsed();
    let memory = resident_bytes().saturating_sub(before);
    println!(
        "names: {count} records indexed in {:.2} s = {:.0} records/s; index memory {:.0} MiB ({:.0} bytes/record); {} distinct words",
        build.as_secs_f64(),
        count as f64 / build.as_secs_f64(),
        memory as f64 / (1024.0 * 1024.0),
        memory as f64 / count as f64,
        index.dictionary_len(),
    );

    // Each query three times: the first run's times, and each query's best of three. On a
    // shared machine a query that spans a preemption takes a scheduler slice longer; the best
    // of three is the search's own cost.
    let runs: Vec<[Duration; 3]> = queries
        .iter()
        .map(|query| {
            std::array::from_fn(|_| {
                let started = Instant::now();
                black_box(index.search(black_box(&query.text), 10));
                started.elapsed()
            })
        })
        .collect();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?");
    for (label, mut latencies) in [
        ("first run", runs.iter().map(|r| r[0]).collect::<Vec<_>>()),
        (
            "best of 3",
            runs.iter().map(|r| *r.iter().min().unwrap()).collect(),
        ),
    ] {
        latencies.sort_unstable();
        println!(
            "names: search over {count} records, {} queries, {label}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (load average {load})",
            latencies.len(),
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        );
    }
    print!(
        "names: {}",
        benchset::recall_among(&index, &records, &queries, 10)
    );

    let mut group = c.benchmark_group("names");
    group.bench_function(format!("search_{count}"), |b| {
        let mut next = 0;
        b.iter(|| {
            let query = &queries[next % queries.len()];
            next += 1;
            black_box(index.search(&query.text, 10))
        });
    });
    // Replacing a record (remove its words from their posting lists, add the new ones), as an
    // edit in the registry does, in the full index.
    group.bench_function(format!("replace_in_{count}"), |b| {
        let mut next = 0usize;
        b.iter_batched(
            || {
                next += 1;
                (next % count, &records[(next * 7919) % count])
            },
            |(key, record)| index.insert(key as u32, &record.names()),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
