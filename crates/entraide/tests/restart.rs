//! Kill the server with SIGKILL while marks are pouring in; after a restart, every
//! acknowledged mark is there. Uses the real binary, the real CLI and a real SQLite file.

use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

mod common;
use common::{Server, entraide};

async fn start(data: &Path) -> Server {
    let generous = [
        "--signups-per-hour",
        "100000",
        "--logins-per-minute",
        "100000",
    ];
    common::serve(data, &generous).await
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> reqwest::Result<(u16, Value)> {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    Ok((status, resp.json().await.unwrap_or(Value::Null)))
}

async fn log_in(http: &reqwest::Client, base: &str, handle: &str) -> String {
    let (status, body) = post(
        http,
        format!("{base}/api/v1/sessions"),
        None,
        json!({"handle": handle, "password": "correct horse battery"}),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_string()
}

const STATUSES: [&str; 2] = ["safe", "need_help"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_mark_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start(&data).await;
    let http = reqwest::Client::new();
    let base = server.base.clone();

    // `admin create` while the server runs on the same data.
    let password_file = dir.path().join("password");
    std::fs::write(&password_file, "correct horse battery\n").unwrap();
    let password_file = password_file.to_str().unwrap();
    let out = entraide(
        &data,
        &[
            "admin",
            "create",
            "--handle",
            "prefecture",
            "--role",
            "responder",
            "--password-file",
            password_file,
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let responder = log_in(&http, &base, "prefecture").await;

    let (status, crisis) = post(&http, format!("{base}/api/v1/crises"), Some(&responder), json!({"title": "t", "kind": "attack", "area": {"center": [2.37, 48.86], "radius_m": 1500}})).await.unwrap();
    assert_eq!(status, 201, "{crisis}");
    let crisis = crisis["id"].as_str().unwrap().to_string();
    post(
        &http,
        format!("{base}/api/v1/crises/{crisis}/activate"),
        Some(&responder),
        json!({}),
    )
    .await
    .unwrap();

    let mut people = Vec::new();
    for i in 0..24 {
        let handle = format!("person{i}");
        let (status, _) = post(
            &http,
            format!("{base}/api/v1/accounts"),
            None,
            json!({"handle": handle, "password": "correct horse battery", "display_name": handle}),
        )
        .await
        .unwrap();
        assert_eq!(status, 201);
        people.push((handle.clone(), log_in(&http, &base, &handle).await));
    }

    // Each person keeps changing their answer; we note the last one acknowledged.
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for (handle, token) in people.clone() {
        let (http, base, crisis, stop) = (http.clone(), base.clone(), crisis.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut acknowledged: u32 = 0;
            while !stop.load(Ordering::Relaxed) {
                let status = STATUSES[(acknowledged % 2) as usize];
                match post(
                    &http,
                    format!("{base}/api/v1/crises/{crisis}/safety"),
                    Some(&token),
                    json!({"status": status}),
                )
                .await
                {
                    Ok((201, _)) => acknowledged += 1,
                    _ => break, // the server died under us: this one was never acknowledged
                }
            }
            (handle, acknowledged)
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(server); // SIGKILL, with marks in flight
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.push(w.await.unwrap());
    }
    let total: u32 = acknowledged.iter().map(|(_, n)| n).sum();
    assert!(
        total > 100,
        "too few marks were made before the kill to prove anything: {total}"
    );

    // Restart on the same data, and read back through the store itself.
    let server = start(&data).await;
    drop(server);
    let store = entraide_store::open(&entraide_store::Database::Sqlite(data.clone()))
        .await
        .unwrap();
    let crisis_id = crisis.parse().unwrap();
    for (handle, acked) in acknowledged {
        let (account, _) = store
            .account_by_handle(&entraide_core::Handle::parse(&handle).unwrap())
            .await
            .unwrap()
            .unwrap();
        let history = store.mark_history(crisis_id, account.id).await.unwrap();
        // At least every acknowledged mark; at most one more, sent but not yet answered.
        assert!(
            history.len() as u32 == acked || history.len() as u32 == acked + 1,
            "{handle}: {acked} marks acknowledged, {} stored",
            history.len()
        );
    }
}

#[tokio::test]
async fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(&dir.path().join("data")).await;
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    for _ in 0..100 {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "the server exited with {status}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not stop within 5 s of SIGTERM");
}
