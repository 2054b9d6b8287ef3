//! `entraide bench shelter`: the nearest open doors for a party, among a million offers
//! over Île-de-France, from the in-memory index the server answers with; then the same
//! queries on PostGIS (KNN `<->` over a GiST index, same filters, same data) and the ratio.
//!
//! The offers are drawn from a fixed seed: most around Paris (a normal spread about 9 km
//! across), the rest anywhere in the region; varied capacities, places taken, features, 10%
//! paused or closed, 1% hidden, 10% past their end. Queries come from the same spread, with
//! parties of 1 to 4 and sometimes needs. The index is measured in this process (what the
//! server does per search); PostGIS through one connection, so its figures include a local
//! round trip: that is what the server would pay per search if it asked PostGIS instead.

use anyhow::Context;
use clap::Args;
use entraide_core::AccountId;
use entraide_core::shelter::{Features, Needs, Offer, OfferId, OfferStatus};
use entraide_geo::Point;
use entraide_shelter::{OfferIndex, Query, SEARCH_RADIUS_M};
use entraide_store::scratch::ScratchDatabase;
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};
use tokio_postgres::NoTls;

#[derive(Args, Debug)]
pub struct ShelterBench {
    /// Offers spread over Île-de-France.
    #[arg(long, default_value_t = 1_000_000)]
    offers: usize,
    /// Searches timed on the in-memory index.
    #[arg(long, default_value_t = 20_000)]
    queries: usize,
    /// Searches timed on PostGIS (each is a round trip, so fewer).
    #[arg(long, default_value_t = 2_000)]
    postgis_queries: usize,
    /// Results per search.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// A PostgreSQL server with PostGIS available, e.g.
    /// postgres://postgres@127.0.0.1:5432/postgres: a scratch database is created on it
    /// (CREATE EXTENSION postgis) and dropped afterwards. Without it, only the index is
    /// measured.
    #[arg(long)]
    postgres: Option<String>,
    /// The seed of the generated offers and queries.
    #[arg(long, default_value_t = 2015_11_13)]
    seed: u64,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

/// Latency percentiles, in microseconds (an index search takes a few).
#[derive(Clone, Copy, Debug, serde::Serialize)]
struct Micros {
    p50_us: f64,
    p99_us: f64,
    max_us: f64,
}

impl Micros {
    fn of(h: &Histogram<u64>) -> Self {
        let us = |ns: u64| ns as f64 / 1000.0;
        Self {
            p50_us: us(h.value_at_quantile(0.50)),
            p99_us: us(h.value_at_quantile(0.99)),
            max_us: us(h.max()),
        }
    }
}

#[derive(Debug, serde::Serialize)]
struct PostgisResults {
    load_seconds: f64,
    queries: usize,
    latency: Micros,
    /// How many times slower PostGIS is than the index, at the median and at p99.
    ratio_p50: f64,
    ratio_p99: f64,
    /// Searches whose results (offer ids, in order) were the same on both.
    same_results: f64,
}

#[derive(Debug, serde::Serialize)]
struct Results {
    offers: usize,
    searchable: usize,
    index_build_seconds: f64,
    queries: usize,
    mean_results: f64,
    index: Micros,
    postgis: Option<PostgisResults>,
}

/// Île-de-France, roughly: the box the offers and the searchers are in.
const REGION: (f64, f64, f64, f64) = (48.12, 1.45, 49.24, 3.56);
const PARIS: (f64, f64) = (48.8566, 2.3522);

fn place(rng: &mut StdRng) -> Point {
    let (lat, lon) = if rng.random_bool(0.7) {
        // Box-Muller: a normal spread around Paris, σ ≈ 4.5 km.
        let (u1, u2): (f64, f64) = (rng.random_range(1e-12..1.0), rng.random());
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        (
            PARIS.0 + 0.04 * r * theta.cos(),
            PARIS.1 + 0.06 * r * theta.sin(),
        )
    } else {
        (
            rng.random_range(REGION.0..REGION.2),
            rng.random_range(REGION.1..REGION.3),
        )
    };
    Point::new(lon.clamp(-180.0, 180.0), lat.clamp(-90.0, 90.0)).expect("clamped")
}

fn offers(n: usize, rng: &mut StdRng, now: entraide_core::Timestamp) -> Vec<Offer> {
    let host = AccountId::new();
    (0..n)
        .map(|_| {
            let capacity = rng.random_range(1..=6u32);
            let status = match rng.random_range(0..100) {
                0..90 => OfferStatus::Open,
                90..95 => OfferStatus::Paused,
                _ => OfferStatus::Closed,
            };
            let until = match rng.random_range(0..10) {
                0 => Some(now - chrono::Duration::hours(1)),
                1..5 => Some(now + chrono::Duration::hours(rng.random_range(1..48))),
                _ => None,
            };
            Offer {
                id: OfferId(uuid::Uuid::from_u128(rng.random())),
                host,
                crisis_id: None,
                point: place(rng),
                address: String::new(),
                contact: None,
                capacity,
                taken: rng.random_range(0..=capacity),
                features: Features {
                    step_free: rng.random_bool(0.3),
                    children: rng.random_bool(0.5),
                    pets: rng.random_bool(0.3),
                    languages: Vec::new(),
                },
                note: None,
                until,
                status,
                hidden: rng.random_bool(0.01),
                created_at: now,
                updated_at: now,
            }
        })
        .collect()
}

fn queries(n: usize, limit: usize, rng: &mut StdRng, now: entraide_core::Timestamp) -> Vec<Query> {
    (0..n)
        .map(|_| Query {
            from: place(rng),
            party: [1, 1, 1, 2, 2, 3, 4][rng.random_range(0..7)],
            needs: match rng.random_range(0..20) {
                0..14 => Needs::default(),
                14..17 => Needs {
                    children: true,
                    ..Needs::default()
                },
                17..19 => Needs {
                    step_free: true,
                    ..Needs::default()
                },
                _ => Needs {
                    pets: true,
                    ..Needs::default()
                },
            },
            now,
            limit,
            radius_m: SEARCH_RADIUS_M,
        })
        .collect()
}

fn nanos_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid bounds")
}

fn record(h: &mut Histogram<u64>, elapsed: Duration) {
    let ns = u64::try_from(elapsed.as_nanos())
        .unwrap_or(u64::MAX)
        .clamp(1, 60_000_000_000);
    h.record(ns).expect("clamped into bounds");
}

pub async fn run(args: ShelterBench) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let mut rng = StdRng::seed_from_u64(args.seed);
    eprintln!("generating {} offers over Île-de-France…", args.offers);
    let offers = offers(args.offers, &mut rng, now);
    let queries = queries(
        args.queries.max(args.postgis_queries),
        args.limit,
        &mut rng,
        now,
    );

    let started = Instant::now();
    let index = OfferIndex::load(offers.iter().cloned());
    let index_build_seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "index of {} searchable offers built in {index_build_seconds:.2} s; searching…",
        index.len()
    );
    // Warm-up: caches and branch predictors, as on a server that has been answering.
    for q in queries.iter().take(1000) {
        std::hint::black_box(index.nearest(q));
    }
    let mut histogram = nanos_histogram();
    let mut found = 0usize;
    let mut answers = Vec::with_capacity(args.postgis_queries);
    for (i, q) in queries.iter().take(args.queries).enumerate() {
        let t = Instant::now();
        let hits = std::hint::black_box(index.nearest(q));
        record(&mut histogram, t.elapsed());
        found += hits.len();
        if i < args.postgis_queries {
            answers.push(hits.iter().map(|h| h.offer_id.0).collect::<Vec<_>>());
        }
    }
    let index_latency = Micros::of(&histogram);

    let postgis = match &args.postgres {
        Some(url) => {
            let scratch = ScratchDatabase::create(url, "entraide_bench_shelter").await?;
            let outcome = postgis(&scratch.url, &offers, &queries, &answers, &args).await;
            scratch.drop().await?;
            let (load_seconds, latency, same_results) = outcome?;
            Some(PostgisResults {
                load_seconds,
                queries: args.postgis_queries,
                ratio_p50: latency.p50_us / index_latency.p50_us,
                ratio_p99: latency.p99_us / index_latency.p99_us,
                latency,
                same_results,
            })
        }
        None => None,
    };

    let results = Results {
        offers: args.offers,
        searchable: index.len(),
        index_build_seconds,
        queries: args.queries,
        mean_results: found as f64 / args.queries.max(1) as f64,
        index: index_latency,
        postgis,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        print_table(&results);
    }
    Ok(())
}

fn print_table(r: &Results) {
    println!(
        "Open Doors search: {} offers ({} searchable), {} searches, {:.1} results each on average",
        r.offers, r.searchable, r.queries, r.mean_results
    );
    println!(
        "  in-memory index (R-tree): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs (built in {:.2} s)",
        r.index.p50_us, r.index.p99_us, r.index.max_us, r.index_build_seconds
    );
    match &r.postgis {
        Some(p) => {
            println!(
                "  PostGIS KNN (GiST, same filters, {} searches over one connection): p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs (loaded in {:.1} s)",
                p.queries, p.latency.p50_us, p.latency.p99_us, p.latency.max_us, p.load_seconds
            );
            println!(
                "  ratio PostGIS / index: {:.0}× at p50, {:.0}× at p99; same results in {:.1}% of searches",
                p.ratio_p50,
                p.ratio_p99,
                100.0 * p.same_results
            );
        }
        None => println!("  PostGIS: skipped (pass --postgres postgres://… to compare)"),
    }
}

/// Loads the offers into PostGIS and times the same searches; returns the load time, the
/// latencies and the share of searches with the same results as the index.
async fn postgis(
    url: &str,
    offers: &[Offer],
    queries: &[Query],
    answers: &[Vec<uuid::Uuid>],
    args: &ShelterBench,
) -> anyhow::Result<(f64, Micros, f64)> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .context("connecting to the scratch database")?;
    tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS postgis;
             CREATE TABLE offers (
                 id          uuid PRIMARY KEY,
                 geog        geography(Point, 4326) NOT NULL,
                 places_free integer NOT NULL,
                 features    smallint NOT NULL,
                 until       timestamptz,
                 status      text NOT NULL,
                 hidden      boolean NOT NULL
             );",
        )
        .await
        .context("CREATE EXTENSION postgis (is postgresql-15-postgis-3 installed?)")?;
    eprintln!("loading {} offers into PostGIS…", offers.len());
    let started = Instant::now();
    let insert = client
        .prepare(
            "INSERT INTO offers
             SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, places_free,
                    features, until, status, hidden
             FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::int4[], $5::int2[],
                         $6::timestamptz[], $7::text[], $8::bool[])
                  AS t(id, lon, lat, places_free, features, until, status, hidden)",
        )
        .await?;
    for chunk in offers.chunks(20_000) {
        let ids: Vec<uuid::Uuid> = chunk.iter().map(|o| o.id.0).collect();
        let lons: Vec<f64> = chunk.iter().map(|o| o.point.lon).collect();
        let lats: Vec<f64> = chunk.iter().map(|o| o.point.lat).collect();
        let free: Vec<i32> = chunk.iter().map(|o| o.places_free() as i32).collect();
        let features: Vec<i16> = chunk.iter().map(|o| i16::from(o.features.bits())).collect();
        let until: Vec<Option<entraide_core::Timestamp>> = chunk.iter().map(|o| o.until).collect();
        let status: Vec<&str> = chunk.iter().map(|o| o.status.as_str()).collect();
        let hidden: Vec<bool> = chunk.iter().map(|o| o.hidden).collect();
        client
            .execute(
                &insert,
                &[
                    &ids, &lons, &lats, &free, &features, &until, &status, &hidden,
                ],
            )
            .await?;
    }
    client
        .batch_execute("CREATE INDEX offers_geog ON offers USING gist (geog); ANALYZE offers;")
        .await?;
    let load_seconds = started.elapsed().as_secs_f64();

    // The search the index answers: open, shown, not ended, room for the party, needs met,
    // within the radius, nearest first. The radius is a filter on the KNN distance rather
    // than ST_DWithin: with ST_DWithin the planner fetches every offer within 20 km of Paris
    // (most of them) and sorts, instead of walking the GiST index nearest first.
    let search = client
        .prepare(
            "SELECT id FROM offers
             WHERE status = 'open' AND NOT hidden AND places_free >= $3
               AND (features & $4) = $4 AND (until IS NULL OR until > $5)
               AND (geog <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) <= $6
             ORDER BY geog <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography
             LIMIT $7",
        )
        .await?;
    let run = |q: &Query| {
        let (lon, lat, party, needs) = (
            q.from.lon,
            q.from.lat,
            q.party as i32,
            i16::from(q.needs.bits()),
        );
        let (now, radius, limit) = (q.now, q.radius_m, q.limit as i64);
        let client = &client;
        let search = &search;
        async move {
            client
                .query(search, &[&lon, &lat, &party, &needs, &now, &radius, &limit])
                .await
        }
    };
    eprintln!("searching PostGIS…");
    for q in queries.iter().skip(args.postgis_queries).take(200) {
        run(q).await?;
    }
    let mut histogram = nanos_histogram();
    let mut same = 0usize;
    for (q, expected) in queries.iter().zip(answers).take(args.postgis_queries) {
        let t = Instant::now();
        let rows = run(q).await?;
        record(&mut histogram, t.elapsed());
        let got: Vec<uuid::Uuid> = rows.iter().map(|r| r.get(0)).collect();
        same += usize::from(&got == expected);
    }
    Ok((
        load_seconds,
        Micros::of(&histogram),
        same as f64 / args.postgis_queries.max(1) as f64,
    ))
}
