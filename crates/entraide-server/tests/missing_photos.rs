//! Photos of missing-person records over HTTP (issue 4): upload, both sizes served with
//! caching headers, refusals, and who may set a photo.

mod common;

use common::{Client, png, spawn};
use serde_json::json;

async fn upload(client: &Client, record: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
    upload_to(client, &format!("/api/v1/missing/{record}/photo"), body).await
}

async fn upload_to(client: &Client, path: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
    let mut request = client
        .http
        .post(format!("{}{path}", client.base))
        .header("Content-Type", "image/png")
        .body(body);
    if let Some(token) = &client.token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn fetch(client: &Client, path: &str) -> reqwest::Response {
    client
        .http
        .get(format!("{}{path}", client.base))
        .send()
        .await
        .unwrap()
}

async fn report(client: &Client) -> String {
    let r = client
        .post(
            "/api/v1/missing",
            json!({"full_name": "Hélène Dupont", "last_seen": {"place": "Rue de Charonne"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_uploaded_photo_is_served_in_two_sizes() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let id = report(&sister).await;
    let (status, body) = upload(&sister, &id, png(1200, 800)).await;
    assert_eq!(status, 201, "{body}");
    let anonymous = Client::anonymous(&server);
    for (key, width, height) in [("display", 640, 427), ("thumbnail", 160, 107)] {
        let response = fetch(&anonymous, body[key].as_str().unwrap()).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        assert!(
            response.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age="),
        );
        let bytes = response.bytes().await.unwrap();
        let served = image::load_from_memory(&bytes).unwrap();
        // Proportions kept (1200 × 800 → 3:2), rounding aside.
        assert_eq!(served.width(), width, "{key}");
        assert!(
            served.height().abs_diff(height) <= 1,
            "{key}: {}",
            served.height()
        );
    }
    // The record's page shows the thumbnail.
    let page = fetch(&anonymous, &format!("/missing/{id}")).await;
    let html = page.text().await.unwrap();
    assert!(html.contains(body["thumbnail"].as_str().unwrap()), "{html}");
}

#[tokio::test]
async fn a_non_image_or_an_oversized_one_is_refused() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let id = report(&sister).await;
    let (status, body) = upload(&sister, &id, b"%PDF-1.7 not a photo".to_vec()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid");
    assert!(body.to_string().contains("photo"), "{body}");
    let mut huge = png(16, 16);
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let (status, body) = upload(&sister, &id, huge).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("5 MB"), "{body}");
    let ids = server
        .state
        .store
        .missing_photo_ids(id.parse().unwrap())
        .await
        .unwrap();
    assert!(ids.is_empty(), "{ids:?}");
}

#[tokio::test]
async fn only_the_reporter_or_a_responder_sets_the_photo() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let stranger = Client::sign_up(&server, "stranger").await;
    let responder = Client::responder(&server, "medic").await;
    let id = report(&sister).await;
    let (status, first) = upload(&sister, &id, png(300, 300)).await;
    assert_eq!(status, 201, "{first}");

    let (status, body) = upload(&stranger, &id, png(200, 200)).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = upload(&Client::anonymous(&server), &id, png(200, 200)).await;
    assert_eq!(status, 401, "{body}");
    let anonymous = Client::anonymous(&server);
    let still = fetch(&anonymous, first["display"].as_str().unwrap()).await;
    assert_eq!(still.status(), 200);

    let (status, replaced) = upload(&responder, &id, png(200, 200)).await;
    assert_eq!(status, 201, "{replaced}");
    let old = fetch(&anonymous, first["display"].as_str().unwrap()).await;
    assert_eq!(old.status(), 404);
    let new = fetch(&anonymous, replaced["display"].as_str().unwrap()).await;
    let served = image::load_from_memory(&new.bytes().await.unwrap()).unwrap();
    assert_eq!((served.width(), served.height()), (200, 200));
}

#[tokio::test]
async fn a_note_carries_a_photo_set_by_its_author() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let witness = Client::sign_up(&server, "witness").await;
    let id = report(&sister).await;
    let r = witness
        .post(
            &format!("/api/v1/missing/{id}/notes"),
            json!({"text": "Seen at the station", "status": "believed_alive"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let note = r.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/missing/{id}/photo?note={note}");

    // The reporter of the record is not the note's author.
    let (status, body) = upload_to(&sister, &path, png(100, 100)).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = upload_to(
        &witness,
        &format!("/api/v1/missing/{id}/photo?note={}", uuid::Uuid::new_v4()),
        png(100, 100),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = upload_to(&witness, &path, png(400, 100)).await;
    assert_eq!(status, 201, "{body}");

    let anonymous = Client::anonymous(&server);
    let thumb = fetch(&anonymous, body["thumbnail"].as_str().unwrap()).await;
    let served = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((served.width(), served.height()), (160, 40));
    let html = fetch(&anonymous, &format!("/missing/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(body["thumbnail"].as_str().unwrap()), "{html}");
    // The record itself still has no photo of its own.
    let ids = server
        .state
        .store
        .missing_photo_ids(id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    assert!(ids[0].0.is_some());
}

#[tokio::test]
async fn a_retried_upload_stores_one_photo() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let id = report(&sister).await;
    let body = png(1200, 800);
    // Larger than the default body limit for other requests (64 KB).
    assert!(body.len() > 64 * 1024, "{}", body.len());
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = sister
            .http
            .post(format!("{}/api/v1/missing/{id}/photo", sister.base))
            .bearer_auth(sister.token.as_ref().unwrap())
            .header("Content-Type", "image/png")
            .header("Idempotency-Key", "photo-1")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let reply: serde_json::Value = response.json().await.unwrap();
        ids.push(reply["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids[0], ids[1]);
    let stored = server
        .state
        .store
        .missing_photo_ids(id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1.to_string(), ids[0]);
}

/// A photo given as a link: kept, exported in PFIF, and shown as a link (never loaded from
/// the other site by readers' browsers); a link that isn't http(s) is refused.
#[tokio::test]
async fn a_photo_url_is_kept_shown_as_a_link_and_exported() {
    let server = spawn().await;
    let sister = Client::sign_up(&server, "sister").await;
    let url = "https://photos.example.org/helene.jpg";
    let r = sister
        .post(
            "/api/v1/missing",
            json!({"full_name": "Hélène Dupont", "photo_url": url}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = sister.get(&format!("/api/v1/missing/{id}")).await;
    assert_eq!(r.body["person"]["photo_url"], url);

    let anonymous = Client::anonymous(&server);
    let page = fetch(&anonymous, &format!("/missing/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            "<a href=\"{url}\" rel=\"noreferrer noopener\">photos.example.org</a>"
        )),
        "{page}"
    );
    assert!(
        !page.contains(&format!("src=\"{url}\"")),
        "the other site's image is never loaded by the page"
    );
    let feed = fetch(&anonymous, "/feeds/person")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        feed.contains(&format!("<pfif:photo_url>{url}</pfif:photo_url>")),
        "{feed}"
    );

    for bad in [
        "javascript:alert(1)",
        "ftp://photos.example.org/helene.jpg",
        "https://",
        "https://photos.example.org/a photo.jpg",
    ] {
        let r = sister
            .post(
                "/api/v1/missing",
                json!({"full_name": "Jean Martin", "photo_url": bad}),
            )
            .await;
        assert_eq!(r.status, 422, "{bad}: {}", r.body);
        assert_eq!(r.error_fields(), ["photo_url"], "{}", r.body);
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("http:// or https://"),
            "{}",
            r.body
        );
    }
    let too_long = format!("https://photos.example.org/{}", "a".repeat(2000));
    let r = sister
        .post(
            "/api/v1/missing",
            json!({"full_name": "Jean Martin", "photo_url": too_long}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.error_fields(), ["photo_url"]);
    assert_eq!(
        server.state.store.missing_names().await.unwrap().len(),
        1,
        "nothing refused was stored"
    );
}
