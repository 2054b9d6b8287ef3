//! `entraide bench`: the performance targets of DESIGN.md, measured on this machine. These
//! are commands, not tests: timings depend on the machine, so CI builds them and people run
//! them (README gives the figures and the commands).

pub mod missing;
pub mod missing_search;
pub mod safety;
pub mod shelter;
pub mod trends;

use hdrhistogram::Histogram;
use std::time::Duration;

/// Latency percentiles, in milliseconds.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(histogram: &Histogram<u64>) -> Self {
        let ms = |micros: u64| micros as f64 / 1000.0;
        Self {
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            max_ms: ms(histogram.max()),
        }
    }
}

/// A histogram of microseconds, from 1 µs to a minute, 3 significant digits.
pub fn micros_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds")
}

pub fn record(histogram: &mut Histogram<u64>, elapsed: Duration) {
    let micros = u64::try_from(elapsed.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, 60_000_000);
    histogram.record(micros).expect("clamped into bounds");
}
