//! Detection on the simulated night of 13 November 2015: the engine, fed the whole stream as
//! JSON lines, sees #PorteOuverte rise in the 11th within the hour of the first attacks in
//! Paris, and never in Lyon; #RechercheParis after midnight; #PrayForParis worldwide.

use chrono::{DateTime, TimeDelta, Utc};
use entraide_trends::sim::{LYON, PARIS, PARIS_11, Paris2015};
use entraide_trends::{Config, Intent, Trend, Trends, parse_post};
use h3o::LatLng;

fn paris_time(hh: u32, mm: u32) -> DateTime<Utc> {
    let day = if hh < 12 { 14 } else { 13 };
    format!("2015-11-{day}T{hh:02}:{mm:02}:00+01:00")
        .parse()
        .unwrap()
}

fn ll((lat, lon): (f64, f64)) -> LatLng {
    LatLng::new(lat, lon).unwrap()
}

/// The engine after the stream up to `until` (posts after it are not yet written).
fn night_until(until: DateTime<Utc>) -> Trends {
    let mut trends = Trends::new(Config::default());
    for line in Paris2015::new(2015, 1.0) {
        let post = parse_post(&line).unwrap();
        if post.created_at > until {
            break;
        }
        trends.add(&post);
    }
    trends
}

fn rank(list: &[Trend], tag: &str) -> Option<usize> {
    list.iter().position(|t| t.tag == tag)
}

#[test]
fn porte_ouverte_is_top_3_in_the_11th_within_the_hour_and_never_in_lyon() {
    let mut trends = Trends::new(Config::default());
    let window = TimeDelta::minutes(15);
    let mut stream = Paris2015::new(2015, 1.0)
        .map(|l| parse_post(&l).unwrap())
        .peekable();
    let mut first_top3 = None;
    // Minute by minute from 21:20 to 01:00: feed what was posted up to then, ask.
    let mut at = paris_time(21, 20);
    while at <= paris_time(1, 0) {
        while let Some(post) = stream.next_if(|p| p.created_at <= at) {
            trends.add(&post);
        }
        let near_11th = trends.trending_near(ll(PARIS_11), 2.0, at, window, 10);
        if first_top3.is_none() && rank(&near_11th, "PorteOuverte").is_some_and(|r| r < 3) {
            first_top3 = Some(at);
            let t = &near_11th[rank(&near_11th, "PorteOuverte").unwrap()];
            assert_eq!(t.intent, Some(Intent::Shelter));
            assert!(t.new, "{t:?}");
        }
        let near_lyon = trends.trending_near(ll(LYON), 10.0, at, window, 10);
        assert_eq!(
            rank(&near_lyon, "PorteOuverte"),
            None,
            "{at}: {near_lyon:?}"
        );
        at += TimeDelta::minutes(1);
    }
    let first = first_top3.expect("#PorteOuverte never reached the top 3 in the 11th");
    assert!(first <= paris_time(22, 20), "first in the top 3 at {first}");
    // The first attacks are at 21:16; nothing about shelter trends before people post it.
    assert!(first >= paris_time(21, 50), "{first}");
}

#[test]
fn recherche_paris_after_midnight_and_pray_for_paris_worldwide() {
    let trends = night_until(paris_time(0, 40));
    let at = paris_time(0, 40);
    let window = TimeDelta::minutes(15);
    let paris = trends.trending_near(ll(PARIS), 10.0, at, window, 5);
    let r = rank(&paris, "RechercheParis").unwrap_or_else(|| panic!("{paris:?}"));
    assert_eq!(paris[r].intent, Some(Intent::Missing));
    // Before midnight it did not exist.
    let before = night_until(paris_time(23, 50));
    assert!(
        before
            .series(
                "RechercheParis",
                ll(PARIS),
                10.0,
                paris_time(20, 0),
                paris_time(23, 50)
            )
            .iter()
            .all(|(_, n)| *n == 0)
    );
    // #PrayForParis leads the world at 22:45, also far from Paris (New York).
    let early = night_until(paris_time(22, 45));
    let global = early.trending_global(paris_time(22, 45), window, 3);
    assert_eq!(rank(&global, "PrayForParis"), Some(0), "{global:?}");
    let new_york =
        early.trending_near(ll((40.7128, -74.0060)), 30.0, paris_time(22, 45), window, 3);
    assert_eq!(rank(&new_york, "PrayForParis"), Some(0), "{new_york:?}");
}
