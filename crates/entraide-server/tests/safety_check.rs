//! The Safety Check over HTTP, on a real server: the whole flow, live events, retries,
//! permissions and bad input.

mod common;

use common::{Client, active_crisis, eleventh_arrondissement, spawn};
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;

const BATACLAN: (f64, f64) = (48.8631, 2.3708);
const LYON: (f64, f64) = (45.7640, 4.8357);

async fn at(client: &Client, (lat, lon): (f64, f64)) {
    let r = client
        .put(
            "/api/v1/me/location",
            json!({"lat": lat, "lon": lon, "accuracy_m": 25}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
}

/// Reads the SSE stream until an event with this name arrives, returning its data.
struct Live {
    lines: std::pin::Pin<Box<dyn futures::Stream<Item = String> + Send>>,
}

impl Live {
    async fn open(client: &Client) -> Self {
        let resp = client
            .http
            .get(format!("{}/api/v1/events", client.base))
            .bearer_auth(client.token.as_ref().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let mut buffer = String::new();
        let bytes = resp.bytes_stream();
        let lines = bytes
            .map(move |chunk| {
                buffer.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
                let mut complete = Vec::new();
                while let Some(end) = buffer.find("\n\n") {
                    complete.push(buffer[..end].to_string());
                    buffer.drain(..end + 2);
                }
                futures::stream::iter(complete)
            })
            .flatten();
        let mut live = Live {
            lines: Box::pin(lines),
        };
        live.next_named("ready")
            .await
            .expect("the stream says it is ready");
        live
    }

    async fn next_named(&mut self, name: &str) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let frame = tokio::time::timeout_at(deadline, self.lines.next())
                .await
                .ok()??;
            let event = frame
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or("");
            let data = frame
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or("null");
            if event == name {
                return Some(serde_json::from_str(data).unwrap());
            }
        }
    }
}

#[tokio::test]
async fn a_mark_reaches_contacts_live_and_only_them() {
    let server = spawn().await;
    let responder = Client::responder(&server, "prefecture").await;
    let alice = Client::sign_up(&server, "alice").await;
    let bob = Client::sign_up(&server, "bob").await;
    let stranger = Client::sign_up(&server, "stranger").await;
    alice.befriend(&bob).await;
    at(&alice, BATACLAN).await;

    let mut bob_live = Live::open(&bob).await;
    let mut stranger_live = Live::open(&stranger).await;
    let mut alice_live = Live::open(&alice).await;

    let crisis = active_crisis(&responder).await;
    let question = alice_live
        .next_named("safety_question")
        .await
        .expect("alice is asked");
    assert_eq!(question["crisis_id"], crisis.as_str());
    assert!(bob_live.next_named("crisis_activated").await.is_some());

    let prompts = alice.get("/api/v1/me/prompts").await;
    assert_eq!(prompts.body["prompts"][0]["crisis"]["id"], crisis.as_str());
    assert!(prompts.body["prompts"][0]["answer"].is_null());

    let r = alice
        .post(
            &format!("/api/v1/crises/{crisis}/safety"),
            json!({"status": "safe", "message": "chez moi"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);

    let seen = bob_live
        .next_named("contact_status")
        .await
        .expect("bob hears at once");
    assert_eq!(seen["handle"], "alice");
    assert_eq!(seen["status"], "safe");
    assert_eq!(seen["message"], "chez moi");
    assert!(
        stranger_live.next_named("contact_status").await.is_none(),
        "a stranger must hear nothing"
    );

    let statuses = bob.get(&format!("/api/v1/crises/{crisis}/contacts")).await;
    assert_eq!(statuses.status, 200);
    assert_eq!(statuses.body[0]["handle"], "alice");
    assert_eq!(statuses.body[0]["status"], "safe");
    let statuses = stranger
        .get(&format!("/api/v1/crises/{crisis}/contacts"))
        .await;
    assert_eq!(statuses.body, json!([]), "a stranger sees no status");

    let inbox = bob.get("/api/v1/me/inbox").await;
    assert!(
        inbox.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["event"]["event"] == "contact_status" && i["event"]["handle"] == "alice")
    );

    let stats = stranger
        .get(&format!("/api/v1/crises/{crisis}/stats"))
        .await;
    assert_eq!(
        stats.body,
        json!({"safe": 1, "need_help": 0, "not_in_area": 0, "asked": 1})
    );
}

#[tokio::test]
async fn only_people_in_the_zone_are_asked_and_latecomers_when_they_arrive() {
    let server = spawn().await;
    let responder = Client::responder(&server, "prefecture").await;
    let inside = Client::sign_up(&server, "inside").await;
    let in_lyon = Client::sign_up(&server, "in_lyon").await;
    let at_home = Client::sign_up(&server, "at_home").await;
    at(&inside, BATACLAN).await;
    at(&in_lyon, LYON).await;
    let r = at_home
        .put(
            "/api/v1/me/home",
            json!({"area": {"center": [2.38, 48.86], "radius_m": 200}}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);

    let crisis = active_crisis(&responder).await;
    let asked = |c: &Client| {
        let c = c.clone();
        async move {
            c.get("/api/v1/me/prompts").await.body["prompts"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(asked(&inside).await, 1);
    assert_eq!(asked(&at_home).await, 1);
    assert_eq!(asked(&in_lyon).await, 0);

    // The person in Lyon travels to Paris: asked as soon as the location enters the zone.
    let mut live = Live::open(&in_lyon).await;
    at(&in_lyon, BATACLAN).await;
    assert!(live.next_named("safety_question").await.is_some());
    assert_eq!(asked(&in_lyon).await, 1);
    let _ = crisis;
}

#[tokio::test]
async fn the_latest_answer_counts_and_responders_see_who_needs_help() {
    let server = spawn().await;
    let responder = Client::responder(&server, "samu").await;
    let alice = Client::sign_up(&server, "alice").await;
    let bob = Client::sign_up(&server, "bob").await;
    at(&alice, BATACLAN).await;
    let crisis = active_crisis(&responder).await;

    let mark = |status: &'static str, message: &'static str| {
        let alice = alice.clone();
        let crisis = crisis.clone();
        async move {
            alice
                .post(
                    &format!("/api/v1/crises/{crisis}/safety"),
                    json!({"status": status, "message": message}),
                )
                .await
        }
    };
    assert_eq!(
        mark("need_help", "blessée, rue Oberkampf").await.status,
        201
    );
    let help = responder
        .get(&format!("/api/v1/crises/{crisis}/need-help"))
        .await;
    assert_eq!(help.body["people"][0]["handle"], "alice");
    assert_eq!(help.body["people"][0]["message"], "blessée, rue Oberkampf");
    assert!(
        (help.body["people"][0]["last_location"]["lat"]
            .as_f64()
            .unwrap()
            - BATACLAN.0)
            .abs()
            < 1e-9
    );

    assert_eq!(
        bob.get(&format!("/api/v1/crises/{crisis}/need-help"))
            .await
            .status,
        403,
        "a person is not a responder"
    );

    assert_eq!(mark("safe", "").await.status, 201);
    let help = responder
        .get(&format!("/api/v1/crises/{crisis}/need-help"))
        .await;
    assert_eq!(help.body["people"], json!([]));
    let stats = responder
        .get(&format!("/api/v1/crises/{crisis}/stats"))
        .await;
    assert_eq!(stats.body["safe"], 1);
    assert_eq!(stats.body["need_help"], 0);

    let history = server
        .state
        .store
        .mark_history(crisis.parse().unwrap(), me_id(&alice).await)
        .await
        .unwrap();
    assert_eq!(history.len(), 2, "the history is kept");
}

async fn me_id(client: &Client) -> entraide_core::AccountId {
    client.get("/api/v1/me").await.body["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_contact_marks_someone_safe_who_then_confirms_or_rejects() {
    let server = spawn().await;
    let responder = Client::responder(&server, "prefecture").await;
    let alice = Client::sign_up(&server, "alice").await;
    let bob = Client::sign_up(&server, "bob").await;
    let carol = Client::sign_up(&server, "carol").await;
    let eve = Client::sign_up(&server, "eve").await;
    alice.befriend(&bob).await;
    alice.befriend(&carol).await;
    let crisis = active_crisis(&responder).await;

    let mut alice_live = Live::open(&alice).await;
    let mut carol_live = Live::open(&carol).await;
    let r = bob
        .post(
            &format!("/api/v1/crises/{crisis}/safety/alice"),
            json!({"status": "safe"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["marked_by"], "bob");
    assert_eq!(r.body["pending_confirmation"], true);
    let told = alice_live
        .next_named("marked_on_behalf")
        .await
        .expect("alice is told");
    assert_eq!(told["by_handle"], "bob");
    let seen = carol_live
        .next_named("contact_status")
        .await
        .expect("alice's other contacts hear it");
    assert_eq!(seen["marked_by"], "bob");

    let r = eve
        .post(
            &format!("/api/v1/crises/{crisis}/safety/alice"),
            json!({"status": "safe"}),
        )
        .await;
    assert_eq!(r.status, 403, "only a mutual contact may mark someone safe");
    assert_eq!(
        r.body["error"],
        json!({
            "code": "forbidden",
            "message": "@alice is not your mutual contact",
            "denial": "not_mutual_contact",
            "handle": "alice"
        })
    );
    let r = bob
        .post(
            &format!("/api/v1/crises/{crisis}/safety/alice"),
            json!({"status": "need_help"}),
        )
        .await;
    assert_eq!(r.status, 422, "one can only mark someone else safe");

    let r = alice
        .post(&format!("/api/v1/crises/{crisis}/safety/reject"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["status"].is_null());
    let statuses = carol
        .get(&format!("/api/v1/crises/{crisis}/contacts"))
        .await;
    assert!(
        statuses.body[0]["status"].is_null(),
        "a rejected mark no longer stands"
    );

    bob.post(
        &format!("/api/v1/crises/{crisis}/safety/alice"),
        json!({"status": "safe"}),
    )
    .await;
    let r = alice
        .post(
            &format!("/api/v1/crises/{crisis}/safety/confirm"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "safe");
    assert_eq!(r.body["pending_confirmation"], false);

    // Once she answered herself, nobody can speak over her.
    alice
        .post(
            &format!("/api/v1/crises/{crisis}/safety"),
            json!({"status": "need_help"}),
        )
        .await;
    let r = bob
        .post(
            &format!("/api/v1/crises/{crisis}/safety/alice"),
            json!({"status": "safe"}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(
        r.body["error"],
        json!({
            "code": "conflict",
            "message": "they have already answered themselves",
            "refusal": "already_answered"
        })
    );

    let mut alice_live = Live::open(&alice).await;
    let r = bob
        .post(&format!("/api/v1/crises/{crisis}/ask/alice"), json!({}))
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let asked = alice_live
        .next_named("are_you_safe")
        .await
        .expect("alice is asked by bob");
    assert_eq!(asked["from_handle"], "bob");
    assert_eq!(
        eve.post(&format!("/api/v1/crises/{crisis}/ask/alice"), json!({}))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn retraction_tells_everyone_who_was_asked() {
    let server = spawn().await;
    let responder = Client::responder(&server, "prefecture").await;
    let alice = Client::sign_up(&server, "alice").await;
    at(&alice, BATACLAN).await;
    let crisis = active_crisis(&responder).await;
    let mut live = Live::open(&alice).await;
    let r = responder
        .post(&format!("/api/v1/crises/{crisis}/retract"), json!({}))
        .await;
    assert_eq!(r.body["status"], "retracted");
    assert!(live.next_named("crisis_retracted").await.is_some());
    let inbox = alice.get("/api/v1/me/inbox").await;
    assert!(
        inbox.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["event"]["event"] == "crisis_retracted")
    );
    let r = alice
        .post(
            &format!("/api/v1/crises/{crisis}/safety"),
            json!({"status": "safe"}),
        )
        .await;
    assert_eq!(r.status, 409, "a retracted crisis asks nothing");
    let r = responder
        .post(&format!("/api/v1/crises/{crisis}/activate"), json!({}))
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
}

#[tokio::test]
async fn a_retried_request_creates_nothing_new() {
    let server = spawn().await;
    let responder = Client::responder(&server, "prefecture").await;
    let body = json!({"title": "Inondation", "kind": "flood", "area": eleventh_arrondissement()});
    let first = responder
        .post_keyed("/api/v1/crises", body.clone(), "key-1")
        .await;
    let again = responder
        .post_keyed("/api/v1/crises", body.clone(), "key-1")
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(first.body, again.body);
    assert_eq!(again.headers["idempotency-replayed"], "true");
    let crises = responder.get("/api/v1/crises").await;
    assert_eq!(crises.body["crises"].as_array().unwrap().len(), 1);

    let reused = responder
        .post_keyed(
            "/api/v1/crises",
            json!({"title": "Autre", "kind": "fire", "area": eleventh_arrondissement()}),
            "key-1",
        )
        .await;
    assert_eq!(reused.status, 409);
    assert_eq!(reused.body["error"]["code"], "idempotency_key_reused");

    // Sign-up retried: one account, same answer.
    let anon = Client::anonymous(&server);
    let signup =
        json!({"handle": "retry", "password": "correct horse battery", "display_name": "R"});
    let a = anon
        .post_keyed("/api/v1/accounts", signup.clone(), "signup-1")
        .await;
    let b = anon
        .post_keyed("/api/v1/accounts", signup, "signup-1")
        .await;
    assert_eq!((a.status, b.status), (201, 201));
    assert_eq!(a.body["id"], b.body["id"]);

    // Concurrent copies of a mark: all answered alike, one history entry.
    let alice = Client::sign_up(&server, "alice").await;
    let crisis = active_crisis(&responder).await;
    let sends = (0..8).map(|_| {
        let alice = alice.clone();
        let crisis = crisis.clone();
        tokio::spawn(async move {
            alice
                .post_keyed(
                    &format!("/api/v1/crises/{crisis}/safety"),
                    json!({"status": "safe"}),
                    "mark-1",
                )
                .await
                .status
        })
    });
    let statuses: Vec<u16> = futures::future::join_all(sends)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let history = server
        .state
        .store
        .mark_history(crisis.parse().unwrap(), me_id(&alice).await)
        .await
        .unwrap();
    assert_eq!(
        history.len(),
        1,
        "one mark, whatever the retries: {statuses:?}"
    );
}

#[tokio::test]
async fn people_cannot_act_as_responders_or_see_others() {
    let server = spawn().await;
    let alice = Client::sign_up(&server, "alice").await;
    let anon = Client::anonymous(&server);
    let r = alice
        .post(
            "/api/v1/crises",
            json!({"title": "Fake", "kind": "attack", "area": eleventh_arrondissement()}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        (&r.body["error"]["code"], &r.body["error"]["denial"]),
        (&json!("forbidden"), &json!("responders_only"))
    );
    assert_eq!(anon.get("/api/v1/me").await.status, 401);
    assert_eq!(anon.get("/api/v1/events").await.status, 401);
    let responder = Client::responder(&server, "prefecture").await;
    let crisis = active_crisis(&responder).await;
    assert_eq!(
        alice
            .post(&format!("/api/v1/crises/{crisis}/close"), json!({}))
            .await
            .status,
        403
    );
    assert_eq!(
        anon.get(&format!("/api/v1/crises/{crisis}/contacts"))
            .await
            .status,
        401
    );
    // A pending (not yet accepted) request gives no access either.
    let bob = Client::sign_up(&server, "bob").await;
    bob.post("/api/v1/contacts", json!({"handle": "alice"}))
        .await;
    assert_eq!(
        bob.post(
            &format!("/api/v1/crises/{crisis}/safety/alice"),
            json!({"status": "safe"})
        )
        .await
        .status,
        403
    );
    // Logged out means logged out.
    assert_eq!(alice.delete("/api/v1/sessions/current").await.status, 204);
    assert_eq!(alice.get("/api/v1/me").await.status, 401);
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_writes_nothing() {
    let server = spawn().await;
    let responder = Client::responder(&server, "prefecture").await;
    let bad_zones = [
        (
            json!({"type": "Polygon", "coordinates": [[[2.36, 48.86], [2.38, 48.86], [2.38, 48.87]]]}),
            "area",
        ),
        (
            json!({"type": "Polygon", "coordinates": [[[2.36, 48.86], [2.38, 48.86], [2.38, 48.87], [2.36, 48.87]]]}),
            "closed",
        ),
        (json!({"center": [200.0, 48.86], "radius_m": 100}), "area"),
        (
            json!({"type": "Point", "coordinates": [2.36, 48.86]}),
            "area",
        ),
    ];
    for (area, mention) in bad_zones {
        let r = responder
            .post(
                "/api/v1/crises",
                json!({"title": "x", "kind": "attack", "area": area}),
            )
            .await;
        assert_eq!(r.status, 422, "{area}: {}", r.body);
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(mention),
            "{}",
            r.body
        );
    }
    let r = responder
        .post(
            "/api/v1/crises",
            json!({"title": "x".repeat(500), "kind": "attack", "area": eleventh_arrondissement()}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["error"]["fields"][0]["field"], "title");
    assert_eq!(
        responder.get("/api/v1/crises").await.body["crises"],
        json!([]),
        "nothing half written"
    );

    let anon = Client::anonymous(&server);
    let r = anon
        .post(
            "/api/v1/accounts",
            json!({"handle": "a b", "password": "short", "display_name": ""}),
        )
        .await;
    assert_eq!(r.status, 422);
    let fields = r.error_fields();
    assert_eq!(fields, ["handle", "password", "display_name"]);
    let r = anon
        .post("/api/v1/accounts", json!({"handle": "ok_handle"}))
        .await;
    assert_eq!(r.status, 422, "missing fields: {}", r.body);
    let r = anon
        .send(reqwest::Method::POST, "/api/v1/accounts", None, None)
        .await;
    assert_eq!(r.status, 400);
    let alice = Client::sign_up(&server, "alice").await;
    let r = alice
        .post("/api/v1/contacts", json!({"handle": "nobody_here"}))
        .await;
    assert_eq!(r.status, 404);
    let r = alice
        .put("/api/v1/me/location", json!({"lat": 123.0, "lon": 2.0}))
        .await;
    assert_eq!(r.status, 422);
    let huge = "x".repeat(200_000);
    let r = alice
        .post("/api/v1/contacts", json!({"handle": huge}))
        .await;
    assert_eq!(r.status, 413, "bodies have a size limit");
    let r = alice.get("/api/v1/crises/not-a-uuid").await;
    assert_eq!(r.status, 404);
    let r = alice
        .post(
            "/api/v1/sessions",
            json!({"handle": "alice", "password": "wrong password"}),
        )
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn sign_up_and_log_in_are_rate_limited() {
    let server = common::spawn_with(entraide_server::ServerConfig {
        signups_per_hour: 2,
        logins_per_minute: 3,
        ..common::test_config()
    })
    .await;
    let anon = Client::anonymous(&server);
    let mut statuses = Vec::new();
    for i in 0..4 {
        let r = anon.post("/api/v1/accounts", json!({"handle": format!("user{i}"), "password": "correct horse battery", "display_name": "u"})).await;
        statuses.push(r.status);
    }
    assert_eq!(statuses, [201, 201, 429, 429]);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            anon.post(
                "/api/v1/sessions",
                json!({"handle": "user0", "password": "nope nope nope"}),
            )
            .await
            .status,
        );
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let server = spawn().await;
    let anon = Client::anonymous(&server);
    let r = anon.get("/healthz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["store"], "sqlite");
    let responder = Client::responder(&server, "prefecture").await;
    let alice = Client::sign_up(&server, "alice").await;
    let crisis = active_crisis(&responder).await;
    alice
        .post(
            &format!("/api/v1/crises/{crisis}/safety"),
            json!({"status": "safe"}),
        )
        .await;
    let text = server.metrics().await;
    assert!(text.contains("entraide_safety_marks_committed 1"), "{text}");
    assert!(
        text.contains("route=\"/api/v1/crises/{id}/safety\""),
        "{text}"
    );
}

#[tokio::test]
async fn refused_requests_leave_no_idempotency_record() {
    use entraide_store::{IdempotencyClaim, IdempotencyKey};
    let server = spawn().await;
    let anon = Client::anonymous(&server);
    let forged = Client {
        token: Some("not-a-real-token".into()),
        ..Client::anonymous(&server)
    };
    let body = json!({"title": "x", "kind": "attack", "area": eleventh_arrondissement()});
    for (client, key) in [(&anon, "spam-1"), (&forged, "spam-2")] {
        let r = client.post_keyed("/api/v1/crises", body.clone(), key).await;
        assert_eq!(r.status, 401);
        let claim = server
            .state
            .store
            .claim_idempotency_key(
                &IdempotencyKey {
                    scope: "anonymous".into(),
                    key: key.into(),
                },
                &[0; 32],
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        assert_eq!(
            claim,
            IdempotencyClaim::Claimed,
            "a refused anonymous request was remembered under {key}"
        );
    }

    // Two people choosing the same key each get their own answer.
    let responder = Client::responder(&server, "prefecture").await;
    let other = Client::responder(&server, "samu").await;
    let a = responder
        .post_keyed("/api/v1/crises", body.clone(), "same")
        .await;
    let b = other.post_keyed("/api/v1/crises", body, "same").await;
    assert_eq!((a.status, b.status), (201, 201));
    assert_ne!(a.body["id"], b.body["id"]);
}
