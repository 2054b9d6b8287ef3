//! The OpenAPI document and the router must describe the same API: every documented
//! operation is served, and every route of the API is documented.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn documented() -> BTreeSet<(String, String)> {
    let doc: Value =
        serde_json::from_str(entraide_server::api::OPENAPI).expect("openapi.json is JSON");
    assert_eq!(doc["openapi"].as_str().unwrap().chars().next(), Some('3'));
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.insert((method.to_string(), path.clone()));
            }
        }
    }
    ops
}

/// The API's routes, read from the routers' sources (`api/mod.rs` and each feature's
/// `api/<feature>.rs`): `.route("/path", get(..).post(..))`.
fn routed() -> BTreeSet<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    let source: String = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    let mut ops = BTreeSet::new();
    for line in source
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(".route(\""))
    {
        let path = line.split('"').nth(1).unwrap();
        for method in METHODS {
            if line.contains(&format!("{method}(")) {
                ops.insert((method.to_string(), format!("/api/v1{path}")));
            }
        }
    }
    assert!(
        ops.len() > 20,
        "the route parser found too few routes: {ops:?}"
    );
    ops
}

#[test]
fn every_route_is_documented() {
    let documented = documented();
    let missing: Vec<_> = routed()
        .into_iter()
        .filter(|op| !documented.contains(op))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from openapi.json: {missing:?}"
    );
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let server = common::spawn().await;
    let http = reqwest::Client::new();
    for (method, path) in documented() {
        let url = format!(
            "{}{}",
            server.url,
            path.replace("{id}", &uuid::Uuid::now_v7().to_string())
                .replace("{handle}", "nobody")
        );
        let request = http.request(method.to_uppercase().parse().unwrap(), url);
        let request = if method == "get" || method == "delete" {
            request
        } else {
            request.json(&serde_json::json!({}))
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert_ne!(status, 405, "{method} {path} is documented but not routed");
        // The router's own 404 has no body; ours always says what was not found.
        assert!(
            status != 404 || body.contains("\"error\""),
            "{method} {path} is documented but not routed"
        );
    }
}
