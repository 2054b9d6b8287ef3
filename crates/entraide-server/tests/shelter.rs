//! Open Doors over HTTP, on a real server: offers, search, requests, the address kept from
//! everyone but the accepted guest, the overbooking race, lapse, cancel, reports, the
//! new-account rule, arrival marking the guest safe, retries and bad input.

mod common;

use common::{Client, TestServer, active_crisis, spawn, spawn_with, test_config};
use entraide_core::{AccountId, Handle, Role};
use entraide_server::ServerConfig;
use entraide_store::{NewAccount, NewSession};
use serde_json::{Value, json};
use std::time::Duration;

const ADDRESS: &str = "50 boulevard Voltaire, 75011 Paris, code 4521B";
/// The host's door, and where the guest searches from (about 600 m away).
const DOOR: (f64, f64) = (48.8631, 2.3708);
const REPUBLIQUE: (f64, f64) = (48.8674, 2.3636);

/// Limits out of the way of tests that make many offers and requests.
fn config() -> ServerConfig {
    ServerConfig {
        shelter_offers_per_hour: 1000,
        shelter_requests_per_hour: 1000,
        ..test_config()
    }
}

/// A signed-in person made straight in the store (no Argon2: the race test needs a hundred).
async fn quick_person(server: &TestServer, handle: &str) -> Client {
    let now = chrono::Utc::now();
    let account = server
        .state
        .store
        .create_account(NewAccount {
            id: AccountId::new(),
            handle: Handle::parse(handle).unwrap(),
            display_name: handle.into(),
            password_hash: "not used".into(),
            role: Role::Person,
            created_at: now,
        })
        .await
        .unwrap();
    let token = entraide_server::auth::new_token();
    server
        .state
        .store
        .create_session(NewSession {
            token_hash: entraide_server::auth::token_hash(&token),
            account: account.id,
            csrf_token: "unused".into(),
            created_at: now,
            expires_at: now + chrono::Duration::hours(1),
        })
        .await
        .unwrap();
    Client {
        base: server.url.clone(),
        http: reqwest::Client::new(),
        token: Some(token),
        handle: handle.into(),
    }
}

/// A host that may publish: vouched for by a mutual contact.
async fn host(server: &TestServer, handle: &str) -> Client {
    let host = quick_person(server, handle).await;
    let friend = quick_person(server, &format!("{handle}_friend")).await;
    host.befriend(&friend).await;
    host
}

async fn offer(host: &Client, capacity: u32, extra: Value) -> String {
    let mut body = json!({
        "lat": DOOR.0, "lon": DOOR.1, "address": ADDRESS, "capacity": capacity,
        "contact": "+33 6 12 34 56 78", "note": "Sofa bed, tea",
        "features": {"children": true, "languages": ["fr", "en"]},
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = host.post("/api/v1/shelter/offers", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_string()
}

async fn search(client: &Client, party: u32, needs: &str) -> Vec<Value> {
    let r = client
        .get(&format!(
            "/api/v1/shelter/search?lat={}&lon={}&party={party}&needs={needs}",
            REPUBLIQUE.0, REPUBLIQUE.1
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["results"].as_array().unwrap().clone()
}

fn ids(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| r["offer_id"].as_str().unwrap())
        .collect()
}

async fn ask(guest: &Client, offer_id: &str, party: u32) -> String {
    let r = guest
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/requests"),
            json!({"party": party, "message": "We are stuck near République"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "pending");
    r.body["id"].as_str().unwrap().to_string()
}

async fn act(client: &Client, request_id: &str, verb: &str) -> common::Reply {
    client
        .post(
            &format!("/api/v1/shelter/requests/{request_id}/{verb}"),
            json!({}),
        )
        .await
}

/// Nothing private anywhere in a response: no address, contact or exact place.
fn assert_nothing_private(body: &Value) {
    let text = body.to_string();
    assert!(!text.contains("Voltaire"), "the address leaked: {text}");
    assert!(!text.contains("+33 6"), "the contact leaked: {text}");
    assert!(
        !text.contains(&DOOR.0.to_string()),
        "the exact latitude leaked: {text}"
    );
    assert!(
        !text.contains(&DOOR.1.to_string()),
        "the exact longitude leaked: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_accepted_guest_and_the_host_see_the_address() {
    let server = spawn_with(config()).await;
    let host = host(&server, "hote").await;
    let offer_id = offer(&host, 2, json!({})).await;

    // Anyone may search; what comes back is approximate.
    let anonymous = Client::anonymous(&server);
    let results = search(&anonymous, 2, "children").await;
    assert_eq!(ids(&results), [offer_id.as_str()]);
    assert_nothing_private(&json!(results));
    let hit = &results[0];
    assert_eq!(hit["places_free"], 2);
    let approx = (
        hit["approx_lat"].as_f64().unwrap(),
        hit["approx_lon"].as_f64().unwrap(),
    );
    let off_by = entraide_geo::distance_m(
        entraide_geo::Point::new(approx.1, approx.0).unwrap(),
        entraide_geo::Point::new(DOOR.1, DOOR.0).unwrap(),
    );
    assert!(off_by > 1.0 && off_by < 350.0, "{off_by} m from the door");
    assert_eq!(hit["distance_m"].as_u64().unwrap() % 50, 0);
    // Needs that the place doesn't meet, or too large a party: not found.
    assert!(search(&anonymous, 2, "pets").await.is_empty());
    assert!(search(&anonymous, 3, "").await.is_empty());

    let guest = quick_person(&server, "invitee").await;
    let declined = quick_person(&server, "declined").await;
    let stranger = quick_person(&server, "stranger").await;
    let request_id = ask(&guest, &offer_id, 2).await;
    let declined_id = ask(&declined, &offer_id, 1).await;

    // Before acceptance, the guest sees the approximate place only.
    let r = guest
        .get(&format!("/api/v1/shelter/requests/{request_id}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "pending");
    assert_nothing_private(&r.body);
    // A stranger learns nothing, not even that the request exists.
    let r = stranger
        .get(&format!("/api/v1/shelter/requests/{request_id}"))
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_nothing_private(&r.body);
    // The host sees the request, with the address (their own).
    let r = host
        .get(&format!("/api/v1/shelter/requests/{request_id}"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["offer"]["address"], ADDRESS);

    let r = act(&host, &declined_id, "decline").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "declined");
    let r = act(&host, &request_id, "accept").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "accepted");

    // Accepted: the guest sees the address and the contact the host chose.
    let r = guest
        .get(&format!("/api/v1/shelter/requests/{request_id}"))
        .await;
    assert_eq!(r.body["offer"]["address"], ADDRESS);
    assert_eq!(r.body["offer"]["contact"], "+33 6 12 34 56 78");
    assert_eq!(r.body["offer"]["lat"], DOOR.0);
    // The declined guest still doesn't, nor does the stranger.
    let r = declined
        .get(&format!("/api/v1/shelter/requests/{declined_id}"))
        .await;
    assert_eq!(r.body["status"], "declined");
    assert_nothing_private(&r.body);
    let r = declined.get("/api/v1/shelter/requests/mine").await;
    assert_nothing_private(&r.body);
    let r = stranger
        .get(&format!("/api/v1/shelter/requests/{request_id}"))
        .await;
    assert_eq!(r.status, 404);
    // The offer is full now: out of searches.
    assert!(search(&anonymous, 1, "").await.is_empty());

    // The host was told of both requests, the guests of the answers.
    let inbox = host.get("/api/v1/me/inbox").await.body.to_string();
    assert_eq!(inbox.matches("shelter_requested").count(), 2, "{inbox}");
    let inbox = declined.get("/api/v1/me/inbox").await.body.to_string();
    assert!(inbox.contains("\"declined\""), "{inbox}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_requests_and_accepts_for_three_places_accept_exactly_three() {
    let server = spawn_with(config()).await;
    let host = host(&server, "hote").await;
    let offer_id = offer(&host, 3, json!({})).await;
    let mut guests = Vec::new();
    for i in 0..100 {
        guests.push(quick_person(&server, &format!("guest{i:03}")).await);
    }
    // A hundred people ask at once...
    let asks = guests.iter().map(|g| ask(g, &offer_id, 1));
    let request_ids: Vec<String> = futures::future::join_all(asks).await;
    // ...and the host (or a script on their account) accepts them all at once.
    let accepts = request_ids.iter().map(|id| act(&host, id, "accept"));
    let replies = futures::future::join_all(accepts).await;
    let accepted = replies.iter().filter(|r| r.status == 200).count();
    let refused: Vec<_> = replies.iter().filter(|r| r.status == 409).collect();
    assert_eq!((accepted, refused.len()), (3, 97));
    for r in refused {
        assert_eq!(r.body["error"]["code"], "conflict");
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains("places are gone"), "{message}");
    }
    let mine = host.get("/api/v1/shelter/offers/mine").await;
    let o = &mine.body["offers"][0];
    assert_eq!(
        (o["taken"].as_u64(), o["capacity"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(search(&Client::anonymous(&server), 1, "").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_gives_the_places_back() {
    let server = spawn_with(config()).await;
    let host = host(&server, "hote").await;
    let offer_id = offer(&host, 1, json!({})).await;
    let a = quick_person(&server, "alice").await;
    let b = quick_person(&server, "bob").await;
    let ra = ask(&a, &offer_id, 1).await;
    let rb = ask(&b, &offer_id, 1).await;
    assert_eq!(act(&host, &ra, "accept").await.status, 200);
    let r = act(&host, &rb, "accept").await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(search(&a, 1, "").await.is_empty());
    // Alice cancels: the place comes back, in search and for Bob.
    let r = act(&a, &ra, "cancel").await;
    assert_eq!(r.body["status"], "cancelled");
    assert_nothing_private(&r.body);
    assert_eq!(ids(&search(&b, 1, "").await), [offer_id.as_str()]);
    assert_eq!(act(&host, &rb, "accept").await.status, 200);
    // The host cancels on their side too: the place comes back again.
    assert_eq!(act(&host, &rb, "cancel").await.status, 200);
    assert_eq!(search(&b, 1, "").await.len(), 1);
    // A cancelled request is over.
    assert_eq!(act(&host, &rb, "accept").await.status, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_request_lapses_and_the_guest_is_told() {
    let server = spawn_with(ServerConfig {
        shelter_lapse_seconds: 1,
        ..config()
    })
    .await;
    let host = host(&server, "hote").await;
    let offer_id = offer(&host, 2, json!({})).await;
    let guest = quick_person(&server, "guest").await;
    let request_id = ask(&guest, &offer_id, 1).await;
    let mut status = Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = guest
            .get(&format!("/api/v1/shelter/requests/{request_id}"))
            .await
            .body["status"]
            .clone();
        if status == "lapsed" {
            break;
        }
    }
    assert_eq!(status, "lapsed");
    let inbox = guest.get("/api/v1/me/inbox").await.body.to_string();
    assert!(inbox.contains("\"lapsed\""), "{inbox}");
    // Too late to accept.
    assert_eq!(act(&host, &request_id, "accept").await.status, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_hide_an_offer_until_a_responder_reviews_it() {
    let server = spawn_with(ServerConfig {
        shelter_reports_to_hide: 2,
        ..config()
    })
    .await;
    let host = host(&server, "hote").await;
    let offer_id = offer(&host, 2, json!({})).await;
    let responder = Client::responder(&server, "secours").await;
    let report = json!({"offer_id": offer_id, "reason": "Asked me for money"});
    let r1 = quick_person(&server, "reporter1").await;
    let r2 = quick_person(&server, "reporter2").await;
    assert_eq!(
        r1.post("/api/v1/shelter/reports", report.clone())
            .await
            .status,
        201
    );
    // The same person twice counts once.
    assert_eq!(
        r1.post("/api/v1/shelter/reports", report.clone())
            .await
            .status,
        201
    );
    assert_eq!(search(&r1, 1, "").await.len(), 1);
    assert_eq!(
        r2.post("/api/v1/shelter/reports", report.clone())
            .await
            .status,
        201
    );
    assert!(search(&r1, 1, "").await.is_empty());
    // A hidden offer takes no requests.
    let r = r2
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/requests"),
            json!({"party": 1}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Only responders see the reports and review them.
    assert_eq!(r1.get("/api/v1/shelter/reports").await.status, 403);
    let reports = responder.get("/api/v1/shelter/reports").await;
    assert_eq!(reports.status, 200);
    assert_eq!(reports.body["reports"][0]["reports"], 2);
    assert_eq!(
        reports.body["reports"][0]["target"]["offer_id"],
        offer_id.as_str()
    );
    assert_eq!(
        r1.post(
            &format!("/api/v1/shelter/offers/{offer_id}/unhide"),
            json!({})
        )
        .await
        .status,
        403
    );
    let r = responder
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/unhide"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(search(&r1, 1, "").await.len(), 1);
    let reports = responder.get("/api/v1/shelter/reports").await;
    assert_eq!(reports.body["reports"], json!([]));
    // A responder may also hide by hand.
    let r = responder
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/hide"),
            json!({}),
        )
        .await;
    assert_eq!(r.body["hidden"], true);
    assert!(search(&r1, 1, "").await.is_empty());
    // Reporting a person.
    let r = r1
        .post(
            "/api/v1/shelter/reports",
            json!({"handle": "hote", "reason": "Creepy messages"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let reports = responder.get("/api/v1/shelter/reports").await;
    assert_eq!(reports.body["reports"][0]["target"]["handle"], "hote");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_account_offers_only_once_vouched_for() {
    let server = spawn_with(config()).await;
    let newcomer = quick_person(&server, "newcomer").await;
    let body = json!({"lat": DOOR.0, "lon": DOOR.1, "address": ADDRESS, "capacity": 2});
    let r = newcomer.post("/api/v1/shelter/offers", body.clone()).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("mutual contact")
    );
    assert!(search(&newcomer, 1, "").await.is_empty());
    // Someone else can't approve; a responder can.
    let other = quick_person(&server, "other").await;
    assert_eq!(
        other
            .post("/api/v1/shelter/hosts/newcomer/approve", json!({}))
            .await
            .status,
        403
    );
    let responder = Client::responder(&server, "secours").await;
    let r = responder
        .post("/api/v1/shelter/hosts/newcomer/approve", json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        newcomer.post("/api/v1/shelter/offers", body).await.status,
        201
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_host_answers_and_changes_the_offer() {
    let server = spawn_with(config()).await;
    let host = host(&server, "hote").await;
    let offer_id = offer(&host, 3, json!({})).await;
    let guest = quick_person(&server, "guest").await;
    let stranger = quick_person(&server, "stranger").await;
    let request_id = ask(&guest, &offer_id, 2).await;

    // The guest can't accept their own request; a stranger doesn't even find it.
    assert_eq!(act(&guest, &request_id, "accept").await.status, 403);
    assert_eq!(act(&stranger, &request_id, "accept").await.status, 404);
    assert_eq!(act(&stranger, &request_id, "cancel").await.status, 404);
    // Nor can they change the offer.
    for verb in ["pause", "close"] {
        let r = stranger
            .post(
                &format!("/api/v1/shelter/offers/{offer_id}/{verb}"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
    }
    let r = stranger
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/shelter/offers/{offer_id}"),
            Some(json!({"capacity": 10})),
            None,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // Hosts can't ask for a place in their own offer.
    let r = host
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/requests"),
            json!({"party": 1}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    // Only a responder hides a request.
    assert_eq!(act(&host, &request_id, "hide").await.status, 403);
    // The stranger's own list has nothing of this.
    let r = stranger.get("/api/v1/shelter/offers/mine").await;
    assert_eq!(r.body["offers"], json!([]));

    // The host pauses, changes capacity (not below what is given), resumes, closes.
    assert_eq!(act(&host, &request_id, "accept").await.status, 200);
    let offer_path = format!("/api/v1/shelter/offers/{offer_id}");
    let patch = |body: Value| host.send(reqwest::Method::PATCH, &offer_path, Some(body), None);
    let r = patch(json!({"capacity": 1})).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = patch(json!({"capacity": 2, "note": null})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["capacity"].as_u64(), r.body["places_free"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(r.body["note"], Value::Null);
    let r = patch(json!({"capacity": 5})).await;
    assert_eq!(r.body["places_free"], 3);
    let r = host
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/pause"),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "paused");
    assert!(search(&stranger, 1, "").await.is_empty());
    let r = stranger
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/requests"),
            json!({"party": 1}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    host.post(
        &format!("/api/v1/shelter/offers/{offer_id}/resume"),
        json!({}),
    )
    .await;
    assert_eq!(search(&stranger, 3, "").await.len(), 1);
    let late = ask(&stranger, &offer_id, 1).await;
    let r = host
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/close"),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "closed");
    assert!(search(&stranger, 1, "").await.is_empty());
    // Closing declined the request still waiting; the accepted guest keeps their place.
    let r = stranger
        .get(&format!("/api/v1/shelter/requests/{late}"))
        .await;
    assert_eq!(r.body["status"], "declined");
    let r = guest
        .get(&format!("/api/v1/shelter/requests/{request_id}"))
        .await;
    assert_eq!(r.body["status"], "accepted");
    assert_eq!(r.body["offer"]["address"], ADDRESS);
    let r = host
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/resume"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arrival_with_consent_marks_the_guest_safe_and_tells_their_contacts() {
    let server = spawn_with(config()).await;
    let responder = Client::responder(&server, "secours").await;
    let crisis_id = active_crisis(&responder).await;
    let host = host(&server, "hote").await;
    let offer_id = offer(&host, 2, json!({"crisis_id": crisis_id})).await;
    let guest = quick_person(&server, "guest").await;
    let sister = quick_person(&server, "sister").await;
    guest.befriend(&sister).await;
    let request_id = ask(&guest, &offer_id, 1).await;
    assert_eq!(act(&host, &request_id, "accept").await.status, 200);

    // The host confirming arrival marks no one: consent is the guest's.
    let r = host
        .post(
            &format!("/api/v1/shelter/requests/{request_id}/arrived"),
            json!({"mark_safe": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "arrived");
    let r = sister
        .get(&format!("/api/v1/crises/{crisis_id}/contacts"))
        .await;
    assert_eq!(r.body[0]["status"], Value::Null, "{}", r.body);

    // Another request, arrival confirmed by the guest with consent.
    let other = quick_person(&server, "other").await;
    other.befriend(&sister).await;
    let second = ask(&other, &offer_id, 1).await;
    assert_eq!(act(&host, &second, "accept").await.status, 200);
    let r = other
        .post(
            &format!("/api/v1/shelter/requests/{second}/arrived"),
            json!({"mark_safe": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = sister
        .get(&format!("/api/v1/crises/{crisis_id}/contacts"))
        .await;
    let statuses = r.body.as_array().unwrap();
    let other_status = statuses.iter().find(|s| s["handle"] == "other").unwrap();
    assert_eq!(other_status["status"], "safe");
    assert_eq!(other_status["message"], "safe, sheltered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_post_creates_one_offer_and_one_request() {
    let server = spawn_with(config()).await;
    let host = host(&server, "hote").await;
    let body = json!({"lat": DOOR.0, "lon": DOOR.1, "address": ADDRESS, "capacity": 2});
    let first = host
        .post_keyed("/api/v1/shelter/offers", body.clone(), "offer-1")
        .await;
    let again = host
        .post_keyed("/api/v1/shelter/offers", body, "offer-1")
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(first.body["id"], again.body["id"]);
    let mine = host.get("/api/v1/shelter/offers/mine").await;
    assert_eq!(mine.body["offers"].as_array().unwrap().len(), 1);
    let offer_id = first.body["id"].as_str().unwrap();
    let guest = quick_person(&server, "guest").await;
    let path = format!("/api/v1/shelter/offers/{offer_id}/requests");
    let a = guest.post_keyed(&path, json!({"party": 1}), "ask-1").await;
    let b = guest.post_keyed(&path, json!({"party": 1}), "ask-1").await;
    assert_eq!((a.status, b.status), (201, 201));
    assert_eq!(a.body["id"], b.body["id"]);
    let mine = guest.get("/api/v1/shelter/requests/mine").await;
    assert_eq!(mine.body["requests"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_named_and_changes_nothing() {
    let server = spawn().await;
    let host = host(&server, "hote").await;
    let r = host
        .post(
            "/api/v1/shelter/offers",
            json!({"lat": 95.0, "lon": 2.0, "address": "x", "capacity": 0,
                   "features": {"languages": ["français"]}}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields = r.error_fields();
    assert_eq!(
        fields,
        ["lat/lon", "address", "capacity", "features.languages"]
    );
    let r = host
        .post(
            "/api/v1/shelter/offers",
            json!({"lat": 48.0, "lon": 2.0, "address": ADDRESS, "capacity": 1, "pool": true}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        host.get("/api/v1/shelter/offers/mine").await.body["offers"],
        json!([])
    );

    let anonymous = Client::anonymous(&server);
    for (query, field) in [
        ("lat=abc&lon=2.3", "lat"),
        ("lon=2.3", "lat"),
        ("lat=48.8&lon=2.3&party=0", "party"),
        ("lat=48.8&lon=2.3&needs=jacuzzi", "needs"),
        ("lat=48.8&lon=2.3&limit=500", "limit"),
    ] {
        let r = anonymous
            .get(&format!("/api/v1/shelter/search?{query}"))
            .await;
        assert_eq!(r.status, 422, "{query}: {}", r.body);
        assert_eq!(r.body["error"]["fields"][0]["field"], field, "{query}");
    }
    // Asking needs an account; a party too large is refused with its reason.
    let offer_id = offer(&host, 2, json!({})).await;
    let path = format!("/api/v1/shelter/offers/{offer_id}/requests");
    assert_eq!(anonymous.post(&path, json!({"party": 1})).await.status, 401);
    let guest = quick_person(&server, "guest").await;
    let r = guest.post(&path, json!({"party": 99})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = guest.post(&path, json!({"party": 3})).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("places are gone")
    );
    let r = guest.get("/api/v1/shelter/requests/not-a-uuid").await;
    assert_eq!(r.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_and_requests_are_rate_limited() {
    let server = spawn_with(ServerConfig {
        shelter_offers_per_hour: 2,
        shelter_requests_per_hour: 1,
        ..test_config()
    })
    .await;
    let host = host(&server, "hote").await;
    let first = offer(&host, 2, json!({})).await;
    offer(&host, 2, json!({})).await;
    let body = json!({"lat": DOOR.0, "lon": DOOR.1, "address": ADDRESS, "capacity": 2});
    let r = host.post("/api/v1/shelter/offers", body).await;
    assert_eq!(r.status, 429, "{}", r.body);
    let guest = quick_person(&server, "guest").await;
    ask(&guest, &first, 1).await;
    let second = host.get("/api/v1/shelter/offers/mine").await.body["offers"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = guest
        .post(
            &format!("/api/v1/shelter/offers/{second}/requests"),
            json!({"party": 1}),
        )
        .await;
    assert_eq!(r.status, 429, "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responders_see_capacity_by_area_and_the_index_survives_a_restart() {
    let server = spawn_with(config()).await;
    let host = host(&server, "hote").await;
    offer(&host, 4, json!({})).await;
    let guest = quick_person(&server, "guest").await;
    let other = offer(&host, 2, json!({"lat": 48.8530, "lon": 2.3499})).await;
    ask(&guest, &other, 1).await;
    let responder = Client::responder(&server, "secours").await;
    assert_eq!(guest.get("/api/v1/shelter/capacity").await.status, 403);
    let r = responder.get("/api/v1/shelter/capacity").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "application/geo+json");
    let features = r.body["features"].as_array().unwrap();
    let places: u64 = features
        .iter()
        .map(|f| f["properties"]["places_free"].as_u64().unwrap())
        .sum();
    let waiting: u64 = features
        .iter()
        .map(|f| f["properties"]["requests_waiting"].as_u64().unwrap())
        .sum();
    assert_eq!((places, waiting), (6, 1));
    assert_eq!(features[0]["geometry"]["type"], "Polygon");
    assert_nothing_private(&r.body);
    let r = responder.get("/api/v1/shelter/capacity.svg").await;
    assert_eq!(r.headers["content-type"], "image/svg+xml");
    let svg = r.body.as_str().unwrap();
    assert_eq!(svg.matches("<polygon").count(), features.len());

    // A new server on the same store loads the same offers into its index.
    let store = server.state.store.clone();
    let restarted = common::spawn_on(
        store,
        entraide_bus::Bus::local(),
        config(),
        tempfile::tempdir().unwrap(),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let anonymous = Client::anonymous(&restarted);
    assert_eq!(search(&anonymous, 1, "").await.len(), 2);
    assert_eq!(search(&anonymous, 3, "").await.len(), 1);
}

/// Two instances on one PostgreSQL database, joined by NATS: an offer made, filled, freed
/// and hidden through one is searched the same way on the other at once (each change tells
/// the other instance's index to re-read the offer). Needs `ENTRAIDE_TEST_POSTGRES` and
/// `ENTRAIDE_TEST_NATS`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_of_another_instance_follows_every_change() {
    let (Ok(postgres), Ok(nats)) = (
        std::env::var("ENTRAIDE_TEST_POSTGRES"),
        std::env::var("ENTRAIDE_TEST_NATS"),
    ) else {
        println!(
            "skipped: set ENTRAIDE_TEST_POSTGRES=postgres://… and ENTRAIDE_TEST_NATS=nats://… to run the multi-instance test"
        );
        return;
    };
    let database = entraide_store::scratch::ScratchDatabase::create(&postgres, "entraide_test")
        .await
        .unwrap();
    let subject = format!("entraide.test.{}", uuid::Uuid::new_v4().simple());
    let mut servers = Vec::new();
    for _ in 0..2 {
        let store = entraide_store::open(&entraide_store::Database::Postgres(database.url.clone()))
            .await
            .unwrap();
        let bus = entraide_bus::Bus::nats(&nats, &subject).await.unwrap();
        servers.push(common::spawn_on(store, bus, config(), tempfile::tempdir().unwrap()).await);
    }
    let (a, b) = (&servers[0], &servers[1]);
    let host = host(a, "hote").await;
    let guest = quick_person(a, "guest").await;
    let on_b = Client::anonymous(b);
    // Waits until the search on B gives `expected` offers for a party of 1.
    let converges = |expected: usize| {
        let on_b = on_b.clone();
        async move {
            for _ in 0..50 {
                if search(&on_b, 1, "").await.len() == expected {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            false
        }
    };
    let offer_id = offer(&host, 1, json!({})).await;
    assert!(converges(1).await, "B never saw the new offer");
    let request_id = ask(&guest, &offer_id, 1).await;
    assert_eq!(act(&host, &request_id, "accept").await.status, 200);
    assert!(converges(0).await, "B still offers the place taken on A");
    assert_eq!(act(&guest, &request_id, "cancel").await.status, 200);
    assert!(converges(1).await, "B never saw the place come back");
    let r = host
        .post(
            &format!("/api/v1/shelter/offers/{offer_id}/pause"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(converges(0).await, "B still offers a paused offer");
    drop(servers);
    database.drop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_responders_page_draws_capacity_for_responders_only() {
    let server = spawn_with(config()).await;
    let host = host(&server, "hote").await;
    offer(&host, 3, json!({})).await;
    let responder = Client::responder(&server, "secours").await;
    let r = responder.get("/shelter/responder").await;
    assert_eq!(r.status, 200);
    let page = r.body.as_str().unwrap();
    assert!(page.contains("<svg"), "{page}");
    assert!(page.contains("3 places, 0 waiting"), "{page}");
    assert!(
        !page.contains("Voltaire"),
        "the address leaked on the map page"
    );
    assert_eq!(host.get("/shelter/responder").await.status, 403);
}
