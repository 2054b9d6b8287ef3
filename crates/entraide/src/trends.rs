//! `entraide simulate`, `entraide ingest` and `entraide trends`: the trend engine offline, for
//! journalists and researchers with an archive, and for trying entraide on a simulated night.

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::Args;
use entraide_server::trends::PostSource;
use entraide_trends::{Added, Config, Lexicon, Trend, Trends, parse_post, parse_window};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::json;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Malformed lines are each reported on standard error up to this many; beyond, only counted
/// (a broken archive must not bury the summary under a million messages).
const REPORTED_BAD_LINES: u64 = 100;

#[derive(Args)]
pub struct SimulateArgs {
    /// The scenario: paris-2015, the night of 13 November 2015.
    #[arg(value_parser = ["paris-2015"])]
    scenario: String,
    /// Multiplies every rate: 1 gives about 160 000 posts over 20:00–03:00.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// The same seed gives the same stream, byte for byte.
    #[arg(long, default_value_t = 2015)]
    seed: u64,
    /// Write there instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn simulate(args: SimulateArgs) -> anyhow::Result<()> {
    if !(args.scale.is_finite() && args.scale > 0.0 && args.scale <= 1000.0) {
        bail!("--scale must be in (0, 1000], got {}", args.scale);
    }
    let out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    for line in entraide_trends::sim::Paris2015::new(args.seed, args.scale) {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[derive(Args)]
pub struct IngestArgs {
    /// A file of JSON lines (our post shape or Twitter v1.1 statuses), or - for standard input.
    input: String,
    /// An intent lexicon replacing the built-in one (see crates/entraide-trends/data/lexicon.toml).
    #[arg(long, env = "ENTRAIDE_TRENDS_LEXICON")]
    lexicon: Option<PathBuf>,
}

/// What reading a stream found.
#[derive(Default, Serialize)]
struct Summary {
    lines: u64,
    posts: u64,
    malformed: u64,
    /// Line numbers (from 1) of the first malformed lines.
    malformed_lines: Vec<u64>,
    /// Posts older than the engine's retention behind the newest, skipped.
    late: u64,
    /// Posts whose id was among the recent ones (the archive repeats itself), skipped.
    repeated: u64,
    /// Posts after `--at`, not counted.
    after_at: u64,
    located: u64,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
}

pub fn lexicon(path: Option<&Path>) -> anyhow::Result<Lexicon> {
    match path {
        None => Ok(Lexicon::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the lexicon {}", path.display()))?;
            Lexicon::from_toml(&text)
                .map_err(|e| anyhow::anyhow!("the lexicon {}: {e}", path.display()))
        }
    }
}

/// Feeds every post of `input` (a path or `-`) into `trends`, skipping posts after `until`,
/// with a progress bar on a terminal. A malformed line is reported with its number and the
/// stream goes on.
fn read_into(
    input: &str,
    trends: &mut Trends,
    until: Option<DateTime<Utc>>,
) -> anyhow::Result<Summary> {
    let (reader, bar): (Box<dyn Read>, ProgressBar) = if input == "-" {
        (
            Box::new(std::io::stdin().lock()),
            ProgressBar::new_spinner(),
        )
    } else {
        let file = std::fs::File::open(input).with_context(|| format!("opening {input}"))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(file), ProgressBar::new(len))
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} {bar:30} {msg} ({elapsed}, {eta} left)",
        )
        .expect("a valid template"),
    );
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut summary = Summary::default();
    let mut line = Vec::new();
    let mut since_tick = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        summary.lines += 1;
        since_tick += n as u64;
        if since_tick >= 1 << 20 {
            bar.inc(since_tick);
            bar.set_message(format!("{} posts", summary.posts));
            since_tick = 0;
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = std::str::from_utf8(text)
            .map_err(|e| format!("not UTF-8: {e}"))
            .and_then(|t| parse_post(t).map_err(|e| e.to_string()));
        match parsed {
            Ok(post) => {
                if until.is_some_and(|u| post.created_at > u) {
                    summary.after_at += 1;
                    continue;
                }
                match trends.add(&post) {
                    Added::Counted => {}
                    Added::Late => summary.late += 1,
                    Added::Repeated => {
                        summary.repeated += 1;
                        continue;
                    }
                }
                summary.posts += 1;
                summary.located += u64::from(post.place.is_some());
                summary.first = Some(
                    summary
                        .first
                        .map_or(post.created_at, |f| f.min(post.created_at)),
                );
                summary.last = Some(
                    summary
                        .last
                        .map_or(post.created_at, |l| l.max(post.created_at)),
                );
            }
            Err(message) => {
                summary.malformed += 1;
                if summary.malformed <= REPORTED_BAD_LINES {
                    summary.malformed_lines.push(summary.lines);
                    bar.suspend(|| eprintln!("line {}: {message}", summary.lines));
                }
            }
        }
    }
    bar.finish_and_clear();
    if summary.malformed > REPORTED_BAD_LINES {
        eprintln!(
            "{} more malformed lines not listed",
            summary.malformed - REPORTED_BAD_LINES
        );
    }
    Ok(summary)
}

pub fn ingest(args: IngestArgs) -> anyhow::Result<()> {
    let mut trends = Trends::with_lexicon(Config::default(), lexicon(args.lexicon.as_deref())?);
    let started = std::time::Instant::now();
    let summary = read_into(&args.input, &mut trends, None)?;
    let seconds = started.elapsed().as_secs_f64();
    let top: Vec<_> = match summary.last {
        Some(last) => trends
            .trending_global(last, chrono::TimeDelta::minutes(15), 10)
            .iter()
            .map(Trend::to_json)
            .collect(),
        None => Vec::new(),
    };
    let out = json!({
        "summary": summary,
        "cells": trends.cell_count(),
        "posts_per_second": (summary.posts as f64 / seconds.max(1e-9)).round(),
        "rising_globally_at_the_end": top,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

#[derive(Args)]
pub struct TrendsArgs {
    /// A file of JSON lines, or - for standard input.
    #[arg(long)]
    input: String,
    /// LAT,LON of the place; without it, what rises globally.
    #[arg(long, value_parser = parse_lat_lon, allow_hyphen_values = true)]
    near: Option<(f64, f64)>,
    /// Radius around --near, in km.
    #[arg(long, default_value_t = 5.0)]
    radius_km: f64,
    /// The moment asked about (RFC 3339, e.g. 2015-11-13T22:20:00+01:00); posts after it are
    /// not read. Defaults to the newest post.
    #[arg(long)]
    at: Option<DateTime<chrono::FixedOffset>>,
    /// The window that must rise against the windows before it: 15m, 1h…
    #[arg(long, default_value = "15m", value_parser = parse_window)]
    window: chrono::TimeDelta,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// An intent lexicon replacing the built-in one.
    #[arg(long, env = "ENTRAIDE_TRENDS_LEXICON")]
    lexicon: Option<PathBuf>,
}

fn parse_lat_lon(s: &str) -> Result<(f64, f64), String> {
    let bad = || format!("{s:?} is not LAT,LON (e.g. 48.8630,2.3750)");
    let (lat, lon) = s.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "{s:?}: latitude must be in [-90, 90], longitude in [-180, 180]"
        ));
    }
    Ok((lat, lon))
}

pub fn trends(args: TrendsArgs) -> anyhow::Result<()> {
    if !(args.radius_km.is_finite() && args.radius_km > 0.0 && args.radius_km <= 2000.0) {
        bail!("--radius-km must be in (0, 2000], got {}", args.radius_km);
    }
    let mut trends = Trends::with_lexicon(Config::default(), lexicon(args.lexicon.as_deref())?);
    let until = args.at.map(|t| t.with_timezone(&Utc));
    let summary = read_into(&args.input, &mut trends, until)?;
    let at = until.or(summary.last);
    let list = match (at, args.near) {
        (None, _) => Vec::new(),
        (Some(at), Some((lat, lon))) => {
            let centre = h3o::LatLng::new(lat, lon)?;
            trends.trending_near(centre, args.radius_km, at, args.window, args.limit)
        }
        (Some(at), None) => trends.trending_global(at, args.window, args.limit),
    };
    let out = json!({
        "trends": list.iter().map(Trend::to_json).collect::<Vec<_>>(),
    });
    println!("{out}");
    if summary.malformed > 0 {
        eprintln!("{} malformed lines skipped", summary.malformed);
    }
    Ok(())
}

/// `entraide serve --demo`: feeds the simulated night into the running server's trends, one
/// simulated minute per second, through the same path as POST /api/v1/posts (so crises are
/// proposed from its bursts too), then stops (the counts stay until they age out).
pub async fn replay_demo(state: entraide_server::AppState) {
    let mut batch = String::new();
    let mut current_minute = None;
    for line in entraide_trends::sim::Paris2015::new(2015, 1.0) {
        let Ok(post) = parse_post(&line) else {
            continue;
        };
        let minute = post.created_at.timestamp().div_euclid(60);
        if current_minute.is_some_and(|m| m != minute) {
            state.count_posts(batch.as_bytes(), PostSource::Demo).await;
            batch.clear();
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        current_minute = Some(minute);
        batch.push_str(&line);
        batch.push('\n');
    }
    state.count_posts(batch.as_bytes(), PostSource::Demo).await;
    tracing::info!("demo: the simulated night is over");
}
