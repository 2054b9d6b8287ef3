//! The missing-persons registry over HTTP (issue 4): reporting, notes, search, moderation
//! and who may see and do what.

mod common;

use common::{Client, spawn};
use serde_json::{Value, json};

fn marie() -> Value {
    json!({
        "full_name": "Hélène Dupont",
        "given_name": "Hélène",
        "family_name": "Dupont",
        "alternate_names": ["Léna Dupont"],
        "sex": "female",
        "age": "34",
        "home_city": "Paris",
        "home_country": "FR",
        "last_seen_place": "Café Bonne Bière, rue du Faubourg du Temple",
        "last_seen_lat": 48.8696,
        "last_seen_lon": 2.3700,
        "last_seen_at": "2015-11-13T21:20:00Z",
        "reporter_email": "sister@example.org",
        "reporter_phone": "+33 6 12 34 56 78",
    })
}

async fn report(client: &Client, body: Value) -> String {
    let r = client.post("/api/v1/missing", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_reporters_contact_is_for_responders_only() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let stranger = Client::sign_up(&server, "stranger").await;
    let responder = Client::responder(&server, "medic").await;
    let id = report(&sister, marie()).await;
    let path = format!("/api/v1/missing/{id}");

    for viewer in [&Client::anonymous(&server), &stranger, &sister] {
        let r = viewer.get(&path).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["full_name"], "Hélène Dupont");
        assert_eq!(
            r.body["last_seen"]["place"],
            "Café Bonne Bière, rue du Faubourg du Temple"
        );
        assert!(r.body.get("reporter").is_none(), "{}", r.body);
        assert!(!r.body.to_string().contains("sister@example.org"));
        assert!(!r.body.to_string().contains("+33 6 12"));
    }
    let r = responder.get(&path).await;
    assert_eq!(r.body["reporter"]["email"], "sister@example.org");
    assert_eq!(r.body["reporter"]["phone"], "+33 6 12 34 56 78");
    assert_eq!(
        r.body["pfif_id"],
        format!("{}/person.{id}", server.state.config.pfif_domain)
    );
    assert!(r.body["expiry_date"].is_string());
}

#[tokio::test]
async fn anonymous_testimony_hides_the_author_from_the_public_only() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let witness = Client::sign_up(&server, "witness").await;
    let responder = Client::responder(&server, "medic").await;
    let id = report(&sister, marie()).await;
    let r = witness
        .post(
            &format!("/api/v1/missing/{id}/notes"),
            json!({
                "text": "I saw her leave towards République around 21:40.",
                "status": "believed_alive",
                "author_name": "Karim B.",
                "author_phone": "+33 7 00 00 00 00",
                "anonymous": true,
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["record_status"], "believed_alive");

    let public = Client::anonymous(&server)
        .get(&format!("/api/v1/missing/{id}"))
        .await;
    let note = &public.body["notes"][0];
    assert_eq!(
        note["text"],
        "I saw her leave towards République around 21:40."
    );
    assert_eq!(note["anonymous"], true);
    assert_eq!(note["author_name"], Value::Null);
    assert!(note.get("author_account").is_none());
    assert!(!public.body.to_string().contains("Karim"));
    assert!(!public.body.to_string().contains("+33 7"));
    assert_eq!(public.body["status"], "believed_alive");

    let privileged = responder.get(&format!("/api/v1/missing/{id}")).await;
    let note = &privileged.body["notes"][0];
    assert_eq!(note["author_name"], "Karim B.");
    assert_eq!(note["author_phone"], "+33 7 00 00 00 00");
    assert!(note["author_account"].is_string());
}

#[tokio::test]
async fn a_hidden_note_never_sets_the_status_and_only_responders_hide() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let troll = Client::sign_up(&server, "troll").await;
    let responder = Client::responder(&server, "medic").await;
    let id = report(&sister, marie()).await;
    let notes = format!("/api/v1/missing/{id}/notes");

    // A person cannot announce a death.
    let r = troll
        .post(
            &notes,
            json!({"status": "believed_dead", "text": "she is dead"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["error"]["fields"][0]["field"], "status");

    let r = sister
        .post(
            &notes,
            json!({"status": "believed_missing", "text": "Still no news."}),
        )
        .await;
    assert_eq!(r.status, 201);
    let r = troll
        .post(
            &notes,
            json!({"status": "believed_alive", "text": "lol she's fine"}),
        )
        .await;
    let troll_note = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["record_status"], "believed_alive");

    // Anyone may flag; only responders may hide.
    let r = sister
        .post(
            &format!("/api/v1/missing/notes/{troll_note}/flag"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["flags"], 1);
    for person in [&sister, &troll] {
        let r = person
            .post(
                &format!("/api/v1/missing/notes/{troll_note}/hide"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
    let r = responder
        .post(
            &format!("/api/v1/missing/notes/{troll_note}/hide"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["record_status"], "believed_missing");

    let public = sister.get(&format!("/api/v1/missing/{id}")).await;
    assert_eq!(public.body["status"], "believed_missing");
    assert_eq!(public.body["notes"].as_array().unwrap().len(), 1);
    let privileged = responder.get(&format!("/api/v1/missing/{id}")).await;
    assert_eq!(privileged.body["notes"].as_array().unwrap().len(), 2);
    assert_eq!(privileged.body["notes"][1]["hidden"], true);
    assert_eq!(privileged.body["notes"][1]["flags"], 1);

    // A responder's word on a death stands.
    let r = responder
        .post(
            &notes,
            json!({"status": "believed_dead", "text": "Identified by the police."}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["record_status"], "believed_dead");
}

#[tokio::test]
async fn only_responders_verify_and_link() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let responder = Client::responder(&server, "medic").await;
    let a = report(&sister, marie()).await;
    let b = report(&sister, json!({"full_name": "Helene Dupond"})).await;

    let r = sister
        .post(&format!("/api/v1/missing/{a}/verification"), json!({}))
        .await;
    assert_eq!(r.status, 403);
    let r = sister
        .post(&format!("/api/v1/missing/{a}/links"), json!({"other": b}))
        .await;
    assert_eq!(r.status, 403);

    let r = responder
        .post(&format!("/api/v1/missing/{a}/verification"), json!({}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = responder
        .post(&format!("/api/v1/missing/{a}/links"), json!({"other": b}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let ra = sister.get(&format!("/api/v1/missing/{a}")).await;
    assert_eq!(ra.body["verified"], true);
    assert_eq!(ra.body["linked_records"], json!([b]));
    let rb = sister.get(&format!("/api/v1/missing/{b}")).await;
    assert_eq!(rb.body["verified"], false);
    assert_eq!(rb.body["linked_records"], json!([a]));
}

#[tokio::test]
async fn search_forgives_and_ranks_with_status() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let id = report(&sister, marie()).await;
    report(&sister, json!({"full_name": "Jean Martin"})).await;
    report(&sister, json!({"full_name": "Мария Иванова"})).await;
    sister
        .post(
            &format!("/api/v1/missing/{id}/notes"),
            json!({"status": "believed_missing", "text": "No news."}),
        )
        .await;
    let public = Client::anonymous(&server);
    for query in [
        "helene dupont",
        "Dupont Hélène",
        "Heleen Dupond",
        "Lena",
        "Hél",
    ] {
        let r = public
            .get(&format!(
                "/api/v1/missing/search?q={}&limit=5",
                urlencode(query)
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let first = &r.body["results"][0];
        assert_eq!(first["id"], id, "{query}: {}", r.body);
        assert_eq!(first["full_name"], "Hélène Dupont");
        assert_eq!(first["status"], "believed_missing");
        assert_eq!(
            first["last_seen"]["place"],
            "Café Bonne Bière, rue du Faubourg du Temple"
        );
        assert!(first["score"].as_f64().unwrap() > 0.0);
    }
    let r = public
        .get(&format!(
            "/api/v1/missing/search?q={}",
            urlencode("Maria Ivanova")
        ))
        .await;
    assert_eq!(r.body["results"][0]["full_name"], "Мария Иванова");
    let r = public.get("/api/v1/missing/search?q=").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["error"]["fields"][0]["field"], "q");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_stored() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let r = sister
        .post(
            "/api/v1/missing",
            json!({"full_name": " ", "sex": "yes", "date_of_birth": "13/11/1980", "home_country": "France", "last_seen_lat": 48.8}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields = r.error_fields();
    assert_eq!(fields, ["last_seen_lon"]);
    let r = sister
        .post(
            "/api/v1/missing",
            json!({"full_name": " ", "sex": "yes", "date_of_birth": "13/11/1980", "home_country": "France"}),
        )
        .await;
    let fields = r.error_fields();
    assert_eq!(
        fields,
        ["full_name", "sex", "date_of_birth", "home_country"]
    );
    let r = sister
        .post(
            "/api/v1/missing",
            json!({"full_name": "X", "expiry_date": "2001-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["error"]["fields"][0]["field"], "expiry_date");
    assert!(server.state.store.missing_names().await.unwrap().is_empty());

    // Signed out: no report, no note.
    let anonymous = Client::anonymous(&server);
    assert_eq!(anonymous.post("/api/v1/missing", marie()).await.status, 401);
    let id = report(&sister, marie()).await;
    let r = anonymous
        .post(
            &format!("/api/v1/missing/{id}/notes"),
            json!({"text": "hi"}),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = sister
        .post(&format!("/api/v1/missing/{id}/notes"), json!({}))
        .await;
    assert_eq!(r.status, 422);
    let r = sister.get("/api/v1/missing/not-an-id").await;
    assert_eq!(r.status, 404);
    let r = sister
        .post(
            &format!("/api/v1/missing/{}/notes", uuid::Uuid::now_v7()),
            json!({"text": "hi"}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn retried_reports_and_notes_create_nothing_twice() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let first = sister
        .post_keyed("/api/v1/missing", marie(), "report-1")
        .await;
    let again = sister
        .post_keyed("/api/v1/missing", marie(), "report-1")
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(first.body["id"], again.body["id"]);
    assert_eq!(server.state.store.missing_names().await.unwrap().len(), 1);
    let id = first.body["id"].as_str().unwrap();
    let notes = format!("/api/v1/missing/{id}/notes");
    let n1 = sister
        .post_keyed(&notes, json!({"text": "news"}), "note-1")
        .await;
    let n2 = sister
        .post_keyed(&notes, json!({"text": "news"}), "note-1")
        .await;
    assert_eq!(n1.body["id"], n2.body["id"]);
    let r = sister.get(&format!("/api/v1/missing/{id}")).await;
    assert_eq!(r.body["notes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn followers_hear_of_each_new_note_and_deletion_is_honoured() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let cousin = Client::sign_up(&server, "cousin").await;
    let stranger = Client::sign_up(&server, "stranger").await;
    let witness = Client::sign_up(&server, "witness").await;
    let id = report(&sister, marie()).await;
    let r = cousin
        .post(&format!("/api/v1/missing/{id}/subscription"), json!({}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    witness
        .post(
            &format!("/api/v1/missing/{id}/notes"),
            json!({"text": "Seen at the hospital Saint-Louis", "status": "believed_alive"}),
        )
        .await;
    let inbox = cousin.get("/api/v1/me/inbox").await;
    let items = inbox.body.to_string();
    assert!(items.contains("missing_note"), "{items}");
    assert!(
        items.contains("Seen at the hospital Saint-Louis"),
        "{items}"
    );
    assert!(
        !stranger
            .get("/api/v1/me/inbox")
            .await
            .body
            .to_string()
            .contains("missing_note")
    );

    // Only the reporter (or the person, or a responder) may have it deleted.
    let r = stranger
        .post(&format!("/api/v1/missing/{id}/deletion"), json!({}))
        .await;
    assert_eq!(r.status, 403);
    let r = sister
        .post(&format!("/api/v1/missing/{id}/deletion"), json!({}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        sister.get(&format!("/api/v1/missing/{id}")).await.status,
        404
    );
    let r = sister.get("/api/v1/missing/search?q=Helene%20Dupont").await;
    assert_eq!(r.body["results"], json!([]));
}

#[tokio::test]
async fn the_index_is_loaded_from_the_store_when_serving_starts() {
    let dir = tempfile::tempdir().unwrap();
    let database = entraide_store::Database::Sqlite(dir.path().to_path_buf());
    {
        let server = common::spawn_on(
            entraide_store::open(&database).await.unwrap(),
            entraide_bus::Bus::local(),
            common::test_config(),
            tempfile::tempdir().unwrap(),
        )
        .await;
        let sister = Client::sign_up(&server, "sister").await;
        report(&sister, marie()).await;
    }
    let server = common::spawn_on(
        entraide_store::open(&database).await.unwrap(),
        entraide_bus::Bus::local(),
        common::test_config(),
        tempfile::tempdir().unwrap(),
    )
    .await;
    let r = Client::anonymous(&server)
        .get("/api/v1/missing/search?q=Dupont")
        .await;
    assert_eq!(
        r.body["results"][0]["full_name"], "Hélène Dupont",
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_linked_person_marking_themselves_safe_is_seen_on_the_record() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let helene = Client::sign_up(&server, "helene").await;
    let namesake = Client::sign_up(&server, "namesake").await;
    let stranger = Client::sign_up(&server, "stranger").await;
    let responder = Client::responder(&server, "medic").await;
    let crisis = common::active_crisis(&responder).await;
    let claimed = report(&sister, marie()).await;
    let by_contact = report(&sister, json!({"full_name": "Hélène D."})).await;
    let unlinked = report(&sister, json!({"full_name": "Namesake Person"})).await;

    // "This is me", and a mutual contact's link; a stranger may not link anyone.
    let r = helene
        .post(&format!("/api/v1/missing/{claimed}/claim"), json!({}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = stranger
        .post(
            &format!("/api/v1/missing/{by_contact}/person"),
            json!({"handle": "helene"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    sister.befriend(&helene).await;
    let r = sister
        .post(
            &format!("/api/v1/missing/{by_contact}/person"),
            json!({"handle": "helene"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    // Once tied to Hélène, nobody else can claim it.
    let r = namesake
        .post(&format!("/api/v1/missing/{claimed}/claim"), json!({}))
        .await;
    assert_eq!(r.status, 409, "{}", r.body);

    let r = helene
        .post(
            &format!("/api/v1/crises/{crisis}/safety"),
            json!({"status": "safe"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Someone else marking themselves safe changes nothing: nothing links by name.
    let r = namesake
        .post(
            &format!("/api/v1/crises/{crisis}/safety"),
            json!({"status": "safe"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);

    let public = Client::anonymous(&server);
    for id in [&claimed, &by_contact] {
        let r = public.get(&format!("/api/v1/missing/{id}")).await;
        assert_eq!(r.body["status"], "believed_alive", "{}", r.body);
        assert!(r.body["marked_safe_at"].is_string(), "{}", r.body);
        let note = &r.body["notes"][0];
        assert_eq!(note["origin"], "safety_check");
        assert_eq!(note["status"], "believed_alive");
    }
    let r = public.get(&format!("/api/v1/missing/{unlinked}")).await;
    assert_eq!(r.body["status"], Value::Null);
    assert_eq!(r.body["marked_safe_at"], Value::Null);
    assert_eq!(r.body["notes"], json!([]));
}

#[tokio::test]
async fn a_call_for_witnesses_reaches_those_who_were_near_then() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let near = Client::sign_up(&server, "near").await;
    let far = Client::sign_up(&server, "far").await;
    let stranger = Client::sign_up(&server, "stranger").await;
    for (who, lat, lon) in [(&near, 48.8699, 2.3705), (&far, 48.8584, 2.2945)] {
        let r = who
            .put(
                "/api/v1/me/location",
                json!({"lat": lat, "lon": lon, "accuracy_m": 20}),
            )
            .await;
        assert_eq!(r.status, 204, "{}", r.body);
    }
    let mut body = marie();
    body["last_seen_at"] = json!(chrono::Utc::now());
    let id = report(&sister, body).await;
    let call = format!("/api/v1/missing/{id}/witness-call");
    assert_eq!(stranger.post(&call, json!({})).await.status, 403);
    let r = sister.post(&call, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["asked"], 1);
    let inbox = near.get("/api/v1/me/inbox").await.body.to_string();
    assert!(
        inbox.contains("witness_call") && inbox.contains("Hélène Dupont"),
        "{inbox}"
    );
    for other in [&far, &stranger, &sister] {
        let inbox = other.get("/api/v1/me/inbox").await.body.to_string();
        assert!(!inbox.contains("witness_call"), "{inbox}");
    }
    // Without coordinates and a time there is nothing to call on.
    let vague = report(
        &sister,
        json!({"full_name": "Jean Martin", "last_seen_place": "Paris"}),
    )
    .await;
    let r = sister
        .post(&format!("/api/v1/missing/{vague}/witness-call"), json!({}))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
}
