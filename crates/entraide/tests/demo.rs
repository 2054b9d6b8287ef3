//! `entraide serve --demo` through the real binary: within seconds of starting, the live
//! trends show tags of the simulated night, so a newcomer sees them move at once.

use serde_json::Value;
use std::process::Command;
use std::time::Duration;

mod common;

#[tokio::test]
async fn serve_demo_shows_simulated_tags_trending_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    // The night the demo replays, written by the same binary, to tell its tags.
    let night = dir.path().join("night.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .args(["simulate", "paris-2015", "--out"])
        .arg(&night)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let night = std::fs::read_to_string(&night).unwrap().to_lowercase();

    let server = common::serve(&dir.path().join("data"), &["--demo"]).await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut last = String::from("no answer");
    loop {
        for query in ["", "?lat=48.8566&lon=2.3522&radius_km=10"] {
            if let Ok(r) = reqwest::get(format!("{}/api/v1/trends{query}", server.base)).await
                && let Ok(body) = r.json::<Value>().await
            {
                let tags: Vec<String> = body["trends"]
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(|t| t["tag"].as_str())
                            .map(str::to_lowercase)
                            .collect()
                    })
                    .unwrap_or_default();
                if tags.iter().any(|t| night.contains(&format!("#{t}"))) {
                    return;
                }
                last = body.to_string();
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no simulated tag trended within 20 s; last answer: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
