//! `entraide simulate`, `ingest` and `trends` through the real binary: the simulated night,
//! read back, shows #PorteOuverte rising in the 11th and not in Lyon; malformed lines are
//! reported by number and never stop the stream.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn entraide(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args(args)
        .env_remove("ENTRAIDE_TRENDS_LEXICON")
        .output()
        .unwrap()
}

fn simulated(dir: &Path, scale: &str, seed: &str) -> String {
    let path = dir.join(format!("night-{scale}-{seed}.jsonl"));
    let out = entraide(&[
        "simulate",
        "paris-2015",
        "--scale",
        scale,
        "--seed",
        seed,
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path.to_str().unwrap().to_owned()
}

fn tags(list: &Value) -> Vec<&str> {
    list["trends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect()
}

#[test]
fn the_simulated_night_read_back_shows_porte_ouverte_in_the_11th_not_in_lyon() {
    let dir = tempfile::tempdir().unwrap();
    let night = simulated(dir.path(), "1", "2015");
    // Deterministic: the same seed writes the same bytes; another seed does not.
    let again = simulated(dir.path(), "1.0", "2015");
    assert_eq!(
        std::fs::read(&night).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let other = simulated(dir.path(), "1", "7");
    assert_ne!(
        std::fs::read(&night).unwrap(),
        std::fs::read(&other).unwrap()
    );

    let ask = |near: &str, radius: &str, at: &str| -> Value {
        let out = entraide(&[
            "trends",
            "--input",
            &night,
            "--near",
            near,
            "--radius-km",
            radius,
            "--at",
            at,
            "--window",
            "15m",
            "--limit",
            "3",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let eleventh = ask("48.8630,2.3750", "2", "2015-11-13T22:20:00+01:00");
    assert!(tags(&eleventh).contains(&"PorteOuverte"), "{eleventh}");
    let t = eleventh["trends"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "PorteOuverte")
        .unwrap();
    assert_eq!(t["intent"], "shelter");
    assert!(t["count"].as_u64().unwrap() >= 20, "{t}");
    assert!(
        t["baseline"].as_f64().unwrap() < t["count"].as_f64().unwrap() / 2.0,
        "{t}"
    );
    assert!(t["new"].is_boolean());
    for field in ["baseline", "score"] {
        assert!(t[field].is_number(), "{field}");
    }
    let lyon = ask("45.7640,4.8357", "10", "2015-11-13T22:20:00+01:00");
    assert!(!tags(&lyon).contains(&"PorteOuverte"), "{lyon}");
    // Before the attacks, nothing about shelter anywhere in Paris.
    let before = ask("48.8630,2.3750", "2", "2015-11-13T21:10:00+01:00");
    assert!(!tags(&before).contains(&"PorteOuverte"), "{before}");
}

#[test]
fn ingest_reports_malformed_lines_by_number_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posts.jsonl");
    let good = |minute: u32| {
        format!(
            r##"{{"id":"{minute}","text":"#PorteOuverte abri","created_at":"2015-11-13T21:{minute:02}:00Z","lat":48.86,"lon":2.37}}"##
        )
    };
    let lines = [
        good(30),
        "{not json".to_owned(),
        good(31),
        r#"{"id":"x","created_at":"2015-11-13T21:31:00Z"}"#.to_owned(),
        String::new(),
        r#"{"id":"y","text":"x","created_at":"yesterday"}"#.to_owned(),
        good(32),
    ];
    let mut bytes = lines.join("\n").into_bytes();
    bytes.extend_from_slice(b"\n\xff\xfe not utf-8\n");
    bytes.extend_from_slice(good(33).as_bytes());
    std::fs::write(&path, bytes).unwrap();

    let out = entraide(&["ingest", path.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    for n in [2, 4, 6, 8] {
        assert!(
            stderr.contains(&format!("line {n}: ")),
            "line {n} in {stderr}"
        );
    }
    assert!(
        stderr.contains("missing field `text`") && stderr.contains("yesterday"),
        "{stderr}"
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["summary"]["posts"], 4, "{summary}");
    assert_eq!(summary["summary"]["malformed"], 4);
    assert_eq!(
        summary["summary"]["malformed_lines"],
        serde_json::json!([2, 4, 6, 8])
    );
    assert_eq!(summary["summary"]["lines"], 9);
    assert_eq!(
        summary["rising_globally_at_the_end"][0]["tag"],
        "PorteOuverte"
    );

    // Standard input works the same way.
    let out = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args(["ingest", "-"])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success());
    let from_stdin: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(from_stdin["summary"]["posts"], 4);
}

#[test]
fn bad_arguments_get_clear_errors() {
    let out = entraide(&[
        "trends",
        "--input",
        "-",
        "--near",
        "48.86",
        "--radius-km",
        "2",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("LAT,LON"));
    let out = entraide(&["trends", "--input", "-", "--window", "5s"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("15m"));
    let out = entraide(&["ingest", "/nonexistent/posts.jsonl"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/posts.jsonl"));
    let out = entraide(&["simulate", "tokyo-2011"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("paris-2015"));
}
