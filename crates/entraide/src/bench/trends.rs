//! `entraide bench trends`: posts per second through the trend engine on one thread (parse the
//! JSON line, extract hashtags, count per cell and minute), and peak memory; then the same
//! counting done the way many would, a Redis pipeline of ZINCRBY per (cell, minute, tag),
//! and the ratio between the two.
//!
//! The posts are the simulated night of 13 November 2015 (`entraide simulate paris-2015`),
//! generated first into one buffer, lines back to back as a file or a network read leaves
//! them, so that generating them is not measured.

use anyhow::Context;
use clap::Args;
use entraide_trends::sim::Paris2015;
use entraide_trends::{Config, RESOLUTIONS, Trends, parse_post};
use std::time::Instant;

#[derive(Args, Debug)]
pub struct TrendsBench {
    /// Posts generated and counted by the engine.
    #[arg(long, default_value_t = 2_000_000)]
    posts: usize,
    /// Posts sent to Redis (it is much slower, so fewer suffice for a stable rate).
    #[arg(long, default_value_t = 100_000)]
    redis_posts: usize,
    /// The Redis server of the baseline; "none" skips it.
    #[arg(long, default_value = "redis://127.0.0.1:6379/")]
    redis: String,
    /// Post ids remembered to drop repeats (the `trends_recent_ids` setting) in the rounds
    /// measured with that check, beside those without it; 0 skips them.
    #[arg(long, default_value_t = 100_000)]
    recent_ids: usize,
    /// Times the posts are counted, each by a fresh engine: the rate reported is the median,
    /// which a pause of the machine during one round does not move (single rounds vary by
    /// ±15% on a shared 2-core machine).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    rounds: u32,
    /// Commands per pipeline round trip.
    #[arg(long, default_value_t = 1000)]
    pipeline: usize,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, serde::Serialize)]
struct Results {
    posts: usize,
    /// Parse + extract + count.
    engine_posts_per_s: Rates,
    /// The same, dropping posts whose id is among the `recent_ids` last (none if 0).
    with_repeat_check_posts_per_s: Option<Rates>,
    rounds: u32,
    recent_ids: usize,
    /// Resident memory before counting (the generated posts included), and its peak during.
    rss_before_mib: f64,
    rss_peak_mib: f64,
    sketch_entries: usize,
    sketch_entries_bound: usize,
    redis_posts: usize,
    redis_posts_per_s: Option<f64>,
    redis_commands: u64,
    engine_over_redis: Option<f64>,
}

/// Posts per second over the rounds: the median, which a pause of the machine during one
/// round does not move, and the slowest and fastest rounds.
#[derive(Debug, serde::Serialize)]
struct Rates {
    median: f64,
    min: f64,
    max: f64,
}

impl Rates {
    fn of(mut rates: Vec<f64>) -> Self {
        rates.sort_by(f64::total_cmp);
        Self {
            median: rates[rates.len() / 2].round(),
            min: rates[0].round(),
            max: rates[rates.len() - 1].round(),
        }
    }
}

impl std::fmt::Display for Rates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0} posts/s (median; rounds {:.0} to {:.0})",
            self.median, self.min, self.max
        )
    }
}

/// (current, peak) resident set size in MiB, from /proc (Linux); zeros elsewhere.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

pub fn run(args: TrendsBench) -> anyhow::Result<()> {
    // About 160 000 posts per unit of scale.
    let scale = (args.posts as f64 / 160_000.0).max(0.01);
    eprintln!("generating {} posts…", args.posts);
    // One buffer holding the lines back to back, as a file or a network read leaves them,
    // rather than a heap allocation per line.
    let mut input = String::new();
    for line in Paris2015::new(2015, scale).take(args.posts) {
        input.push_str(&line);
        input.push('\n');
    }
    let lines: Vec<&str> = input.lines().collect();
    // Peak memory from here on: resetting the high-water mark leaves the generation out.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (rss_before, _) = rss_mib();

    let count = |recent_ids| {
        let mut trends = Trends::new(Config {
            recent_ids,
            ..Config::default()
        });
        let started = Instant::now();
        for &line in &lines {
            // Every generated line is a valid post; a failure would mean a broken fast path.
            trends.add_line(line).expect("a simulated post");
        }
        (lines.len() as f64 / started.elapsed().as_secs_f64(), trends)
    };
    // The measure, parse + extract + count, and the same with the repeat check the
    // server runs, in alternate rounds so that a slower spell of the machine weighs on both.
    // Only the last engine is kept, for its sizes: each is dropped before the next round, so
    // the peak is that of one engine.
    let mut last = None;
    let mut round = |recent_ids| {
        drop(last.take());
        let (rate, engine) = count(recent_ids);
        last = Some(engine);
        rate
    };
    let (mut plain, mut checked) = (Vec::new(), Vec::new());
    for n in 1..=args.rounds {
        let rate = round(0);
        plain.push(rate);
        if args.recent_ids > 0 {
            let with_check = round(args.recent_ids);
            checked.push(with_check);
            eprintln!("round {n}: {rate:.0} posts/s, {with_check:.0} with the repeat check");
        } else {
            eprintln!("round {n}: {rate:.0} posts/s");
        }
    }
    let trends = last.expect("at least one round");
    let (_, rss_peak) = rss_mib();
    let plain = Rates::of(plain);
    let checked = (!checked.is_empty()).then(|| Rates::of(checked));
    let engine_rate = plain.median;

    let (redis_rate, redis_commands) = if args.redis == "none" {
        (None, 0)
    } else {
        let n = args.redis_posts.min(lines.len());
        let (rate, commands) = redis_baseline(&args.redis, &lines[..n], args.pipeline)
            .with_context(|| format!("the Redis baseline on {}", args.redis))?;
        (Some(rate), commands)
    };
    let results = Results {
        posts: lines.len(),
        engine_posts_per_s: plain,
        with_repeat_check_posts_per_s: checked,
        rounds: args.rounds,
        recent_ids: args.recent_ids,
        rss_before_mib: rss_before,
        rss_peak_mib: rss_peak,
        sketch_entries: trends.entry_count(),
        sketch_entries_bound: trends.config().max_entries(),
        redis_posts: args.redis_posts.min(lines.len()),
        redis_posts_per_s: redis_rate.map(f64::round),
        redis_commands,
        engine_over_redis: redis_rate.map(|r| (engine_rate / r * 10.0).round() / 10.0),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!(
            "engine: {} posts on one thread, {} rounds: {} (parse + extract + count)",
            results.posts, args.rounds, results.engine_posts_per_s
        );
        if let Some(checked) = &results.with_repeat_check_posts_per_s {
            println!(
                "        with the repeat check among {} recent ids: {checked}",
                args.recent_ids
            );
        }
        println!(
            "memory: {:.0} MiB resident before counting (the posts), peak {:.0} MiB; {} sketch entries (bound {})",
            rss_before, rss_peak, results.sketch_entries, results.sketch_entries_bound
        );
        if let Some(rate) = redis_rate {
            println!(
                "redis:  {} posts, {} ZINCRBY in pipelines of {} = {:.0} posts/s",
                results.redis_posts, redis_commands, args.pipeline, rate
            );
            println!(
                "ratio:  the engine counts {:.1}× faster",
                engine_rate / rate
            );
        }
    }
    Ok(())
}

/// The same counting in Redis: parse and extract here, then one ZINCRBY per tag into a
/// sorted set per (cell, minute) at each resolution, and per minute for the global area, as
/// a typical "trending with Redis" design does. Keys live under a fresh prefix, deleted after.
fn redis_baseline(url: &str, lines: &[&str], pipeline: usize) -> anyhow::Result<(f64, u64)> {
    let client = redis::Client::open(url)?;
    let mut con = client.get_connection()?;
    let prefix = format!("entraide-bench:{}:", std::process::id());
    let mut pipe = redis::pipe();
    let mut queued = 0usize;
    let mut commands = 0u64;
    let started = Instant::now();
    for line in lines {
        let Ok(post) = parse_post(line) else { continue };
        let tags = entraide_text::hashtags(&post.text);
        let minute = post.created_at.timestamp().div_euclid(60);
        let cells: Vec<u64> = post
            .place
            .map(|p| {
                RESOLUTIONS
                    .iter()
                    .map(|r| u64::from(p.to_cell(*r)))
                    .collect()
            })
            .unwrap_or_default();
        for tag in &tags {
            let key = entraide_text::tag_key(tag.tag);
            for cell in &cells {
                pipe.cmd("ZINCRBY")
                    .arg(format!("{prefix}{cell:x}:{minute}"))
                    .arg(1)
                    .arg(&key)
                    .ignore();
            }
            pipe.cmd("ZINCRBY")
                .arg(format!("{prefix}global:{minute}"))
                .arg(1)
                .arg(&key)
                .ignore();
            queued += cells.len() + 1;
        }
        if queued >= pipeline {
            pipe.query::<()>(&mut con)?;
            commands += queued as u64;
            pipe.clear();
            queued = 0;
        }
    }
    pipe.query::<()>(&mut con)?;
    commands += queued as u64;
    let seconds = started.elapsed().as_secs_f64();
    // Clean up what we wrote.
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut con)?;
    for chunk in keys.chunks(1000) {
        redis::cmd("DEL").arg(chunk).query::<()>(&mut con)?;
    }
    Ok((lines.len() as f64 / seconds, commands))
}
