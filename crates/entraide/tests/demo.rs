//! `entraide serve --demo` through the real binary: within seconds of starting, the live
//! trends show tags of the simulated night, so a newcomer sees them move at once.

use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

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

    let listen = format!("127.0.0.1:{}", free_port());
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_entraide"))
            .args(["serve", "--demo", "--listen", &listen, "--data"])
            .arg(dir.path().join("data"))
            .env_remove("ENTRAIDE_DATABASE_URL")
            .env_remove("ENTRAIDE_NATS_URL")
            .env_remove("ENTRAIDE_TRENDS_NATS_SUBJECT")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut last = String::from("no answer");
    loop {
        for query in ["", "?lat=48.8566&lon=2.3522&radius_km=10"] {
            if let Ok(r) = reqwest::get(format!("http://{listen}/api/v1/trends{query}")).await
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
