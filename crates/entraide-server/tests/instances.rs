//! Several instances serving one city: two servers on one PostgreSQL database, joined by
//! NATS. A mark made through one reaches a contact connected to the other at once, and a
//! crisis retracted or a session ended on one stops working on the other at once.
//!
//! Needs `ENTRAIDE_TEST_POSTGRES` and `ENTRAIDE_TEST_NATS` (e.g. nats://127.0.0.1:4222).

mod common;

use common::{Client, TestServer, active_crisis, spawn_on, test_config};
use entraide_bus::Bus;
use entraide_store::Database;
use entraide_store::scratch::ScratchDatabase;
use futures::StreamExt;
use serde_json::json;
use std::time::Duration;

struct Environment {
    postgres: String,
    nats: String,
}

fn environment() -> Option<Environment> {
    match (
        std::env::var("ENTRAIDE_TEST_POSTGRES"),
        std::env::var("ENTRAIDE_TEST_NATS"),
    ) {
        (Ok(postgres), Ok(nats)) => Some(Environment { postgres, nats }),
        _ => {
            println!(
                "skipped: set ENTRAIDE_TEST_POSTGRES=postgres://… and ENTRAIDE_TEST_NATS=nats://… to run the multi-instance tests"
            );
            None
        }
    }
}

/// Two instances on one fresh database, with a NATS subject of their own.
async fn two_instances(env: &Environment, database: &ScratchDatabase) -> (TestServer, TestServer) {
    let subject = format!("entraide.test.{}", uuid::Uuid::new_v4().simple());
    let mut servers = Vec::new();
    for _ in 0..2 {
        let store = entraide_store::open(&Database::Postgres(database.url.clone()))
            .await
            .unwrap();
        let bus = Bus::nats(&env.nats, &subject).await.unwrap();
        servers.push(spawn_on(store, bus, test_config(), tempfile::tempdir().unwrap()).await);
    }
    let b = servers.pop().unwrap();
    (servers.pop().unwrap(), b)
}

/// The same person, signed in on another instance.
fn on(server: &TestServer, client: &Client) -> Client {
    Client {
        base: server.url.clone(),
        ..client.clone()
    }
}

async fn next_event<B: AsRef<[u8]>>(
    stream: &mut (impl futures::Stream<Item = reqwest::Result<B>> + Unpin),
    name: &str,
) -> Option<serde_json::Value> {
    let mut buffer = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            if frame.lines().any(|l| l == format!("event: {name}")) {
                let data = frame
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap();
                return Some(serde_json::from_str(data).unwrap());
            }
        }
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .ok()??
            .ok()?;
        buffer.push_str(&String::from_utf8_lossy(chunk.as_ref()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_share_live_events_and_forget_together() {
    let Some(env) = environment() else { return };
    let database = ScratchDatabase::create(&env.postgres, "entraide_test")
        .await
        .unwrap();
    let (a, b) = two_instances(&env, &database).await;

    let responder = Client::responder(&a, "prefecture").await;
    let alice = Client::sign_up(&a, "alice").await;
    let bob = Client::sign_up(&a, "bob").await;
    alice.befriend(&bob).await;
    let crisis = active_crisis(&responder).await;

    // Bob's page is open on instance B; Alice answers through instance A.
    let bob_on_b = on(&b, &bob);
    let response = bob_on_b
        .http
        .get(format!("{}/api/v1/events", b.url))
        .bearer_auth(bob.token.as_ref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    assert!(next_event(&mut stream, "ready").await.is_some());
    let r = alice
        .post(
            &format!("/api/v1/crises/{crisis}/safety"),
            json!({"status": "safe"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let seen = next_event(&mut stream, "contact_status")
        .await
        .expect("bob, on the other instance, hears it");
    assert_eq!(seen["handle"], "alice");
    assert_eq!(seen["status"], "safe");

    // B has the crisis cached as active; A retracts it; B refuses answers at once.
    let alice_on_b = on(&b, &alice);
    assert_eq!(
        alice_on_b
            .post(
                &format!("/api/v1/crises/{crisis}/safety"),
                json!({"status": "safe"})
            )
            .await
            .status,
        201
    );
    let r = responder
        .post(&format!("/api/v1/crises/{crisis}/retract"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut refused = false;
    for _ in 0..20 {
        if alice_on_b
            .post(
                &format!("/api/v1/crises/{crisis}/safety"),
                json!({"status": "safe"}),
            )
            .await
            .status
            == 409
        {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        refused,
        "instance B still took answers for a retracted crisis"
    );

    // B has Alice's session cached; she logs out through A; B stops accepting her token.
    assert_eq!(alice_on_b.get("/api/v1/me").await.status, 200);
    assert_eq!(alice.delete("/api/v1/sessions/current").await.status, 204);
    let mut forgotten = false;
    for _ in 0..20 {
        if alice_on_b.get("/api/v1/me").await.status == 401 {
            forgotten = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        forgotten,
        "instance B still accepted a token logged out on A"
    );

    drop((a, b));
    database.drop().await.unwrap();
}

/// A missing-person record reported through one instance is found by name through the
/// other at once, and leaves both searches once deleted: each instance's name index hears
/// of the other's changes over NATS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_reported_on_one_instance_is_found_on_the_other() {
    let Some(env) = environment() else { return };
    let database = ScratchDatabase::create(&env.postgres, "entraide_test")
        .await
        .unwrap();
    let (a, b) = two_instances(&env, &database).await;
    let sister = Client::sign_up(&a, "sister").await;
    let r = sister
        .post("/api/v1/missing", json!({"full_name": "Hélène Dupont"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();

    let searcher = Client::anonymous(&b);
    let found_on_b = |expected: bool| {
        let searcher = searcher.clone();
        async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            loop {
                let r = searcher
                    .get("/api/v1/missing/search?q=Helene%20Dupond")
                    .await;
                let found = r.body["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|hit| hit["full_name"] == "Hélène Dupont");
                if found == expected || tokio::time::Instant::now() > deadline {
                    return found;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert!(
        found_on_b(true).await,
        "instance B never indexed the record"
    );
    let r = sister
        .post(&format!("/api/v1/missing/{id}/deletion"), json!({}))
        .await;
    assert_eq!(r.status, 204);
    assert!(
        !found_on_b(false).await,
        "instance B still finds a deleted record"
    );
    drop((a, b));
    database.drop().await.unwrap();
}
