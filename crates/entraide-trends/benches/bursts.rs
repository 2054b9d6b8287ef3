//! The burst check the server runs after every batch of posts it counts
//! (`Trends::crisis_bursts`), on the simulated night of 13 November 2015 at its busiest:
//! its cost is paid per batch, so a stream of small batches (a NATS message per post) pays
//! it per post.

use chrono::TimeDelta;
use criterion::{Criterion, criterion_group, criterion_main};
use entraide_trends::sim::Paris2015;
use entraide_trends::{Config, Trends};
use std::hint::black_box;

/// The server's window and threshold (`entraide_server::trends::PROPOSAL_*`).
const WINDOW_MINUTES: i64 = 15;
const MIN_POSTS: u64 = 30;

/// An engine that has counted the night from 20:00 up to `minutes` later (Paris time).
fn night_until(scale: f64, minutes: i64) -> Trends {
    let mut trends = Trends::new(Config::default());
    let until = chrono::DateTime::parse_from_rfc3339("2015-11-13T20:00:00+01:00")
        .expect("a valid time")
        .to_utc()
        + TimeDelta::minutes(minutes);
    for line in Paris2015::new(2015, scale) {
        let post = entraide_trends::parse_post(&line).expect("a simulated post");
        if post.created_at >= until {
            break;
        }
        trends.add(&post);
    }
    trends
}

fn bursts(c: &mut Criterion) {
    let mut g = c.benchmark_group("crisis_bursts");
    // 22:30, an hour after the attacks: #PorteOuverte across Paris. Scale 1 is about
    // Twitter's French volume that night; 10 is a denser stream, with more cells each minute.
    for scale in [1.0, 10.0] {
        let trends = night_until(scale, 150);
        let at = trends.newest().expect("posts were counted");
        let window = TimeDelta::minutes(WINDOW_MINUTES);
        assert!(
            !trends.crisis_bursts(at, window, MIN_POSTS).is_empty(),
            "the night has bursts at 22:30"
        );
        g.bench_function(format!("paris-2015-22h30/scale-{scale}"), |b| {
            b.iter(|| black_box(trends.crisis_bursts(at, window, MIN_POSTS)))
        });
    }
    g.finish();
}

criterion_group!(benches, bursts);
criterion_main!(benches);
