//! Live trends over real HTTP: who may feed posts, what the trends routes answer near a
//! place, in a crisis's zone and globally, and how bad input is told.

mod common;

use common::{Client, TestServer};
use serde_json::Value;

/// `count` posts a minute with `text` at (lat, lon) for minutes 21:mm of 13 Nov 2015 (UTC),
/// each with an id of its own (the same call gives the same ids: a batch sent again).
fn lines(text: &str, lat: f64, lon: f64, minutes: std::ops::Range<u32>, count: u32) -> String {
    let mut out = String::new();
    for minute in minutes {
        for i in 0..count {
            out.push_str(&format!(
                r#"{{"id":{},"text":{},"created_at":"2015-11-13T21:{minute:02}:{i:02}Z","lat":{lat},"lon":{lon}}}"#,
                serde_json::to_string(&format!("{text}@{lat},{lon}/{minute}-{i}")).unwrap(),
                serde_json::to_string(text).unwrap()
            ));
            out.push('\n');
        }
    }
    out
}

async fn post_lines(server: &TestServer, token: Option<&str>, body: String) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/posts", server.url))
        .header("Content-Type", "application/x-ndjson")
        .body(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn config() -> entraide_server::ServerConfig {
    entraide_server::ServerConfig {
        trends_ingest_token: Some("feed-secret".into()),
        ..common::test_config()
    }
}

fn tags(body: &Value) -> Vec<&str> {
    body["trends"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn only_responders_and_the_ingest_token_may_post() {
    let server = common::spawn_with(config()).await;
    let batch = lines("#PorteOuverte", 48.8631, 2.3708, 30..31, 3);
    assert_eq!(post_lines(&server, None, batch.clone()).await.0, 401);
    assert_eq!(
        post_lines(&server, Some("wrong"), batch.clone()).await.0,
        401
    );
    let person = Client::sign_up(&server, "marie").await;
    let (status, body) = post_lines(&server, person.token.as_deref(), batch.clone()).await;
    assert_eq!(status, 403, "{body}");
    // Nothing from the refused requests was counted.
    let r = Client::anonymous(&server).get("/api/v1/trends").await;
    assert_eq!(r.body["trends"], serde_json::json!([]));

    let (status, body) = post_lines(&server, Some("feed-secret"), batch.clone()).await;
    assert_eq!(
        (status, body["accepted"].as_u64()),
        (200, Some(3)),
        "{body}"
    );
    let responder = Client::responder(&server, "resp").await;
    let (status, body) = post_lines(
        &server,
        responder.token.as_deref(),
        lines("#PorteOuverte", 48.8631, 2.3708, 31..32, 3),
    )
    .await;
    assert_eq!(
        (status, body["accepted"].as_u64()),
        (200, Some(3)),
        "{body}"
    );
}

#[tokio::test]
async fn a_batch_sent_again_is_counted_once_and_the_answer_says_so() {
    let server = common::spawn_with(config()).await;
    let first = lines("#PorteOuverte", 48.8631, 2.3708, 30..32, 4);
    let (status, body) = post_lines(&server, Some("feed-secret"), first.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["accepted"].as_u64(), body["repeated"].as_u64()),
        (Some(8), Some(0))
    );
    // The retry of a batch whose answer was lost: nothing is counted twice.
    let (status, body) = post_lines(&server, Some("feed-secret"), first.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["accepted"].as_u64(), body["repeated"].as_u64()),
        (Some(0), Some(8))
    );
    // A batch overlapping the first, repeating a post within itself too.
    let mut overlap = lines("#PorteOuverte", 48.8631, 2.3708, 31..33, 4);
    overlap.push_str(first.lines().last().unwrap());
    let (_, body) = post_lines(&server, Some("feed-secret"), overlap).await;
    assert_eq!(
        (body["accepted"].as_u64(), body["repeated"].as_u64()),
        (Some(4), Some(5))
    );

    let r = Client::anonymous(&server)
        .get("/api/v1/trends?lat=48.8626&lon=2.3795&radius_km=2")
        .await;
    assert_eq!(r.body["trends"][0]["count"], 12, "{}", r.body);
    let metrics = server.metrics().await;
    for line in [
        r#"entraide_trends_posts_total{source="http",outcome="accepted"} 12"#,
        r#"entraide_trends_posts_total{source="http",outcome="repeated"} 13"#,
    ] {
        assert!(metrics.contains(line), "{line} not in\n{metrics}");
    }
}

/// Posts published on a NATS subject are counted like a POST batch: the tags trend near
/// their place, a malformed line is counted and the next line and message still are, and a
/// message delivered twice counts once. Needs `ENTRAIDE_TEST_NATS`.
#[tokio::test]
async fn posts_published_on_nats_trend_and_a_malformed_line_stops_nothing() {
    let Ok(nats) = std::env::var("ENTRAIDE_TEST_NATS") else {
        eprintln!("skipped: set ENTRAIDE_TEST_NATS=nats://… to run the NATS posts test");
        return;
    };
    let run = uuid::Uuid::new_v4().simple().to_string();
    let subject = format!("entraide.test.posts.{run}");
    let server = common::spawn_configured(entraide_server::ServerConfig {
        nats_url: Some(nats.clone()),
        nats_subject: format!("entraide.test.events.{run}"),
        trends_nats_subject: Some(subject.clone()),
        ..config()
    })
    .await;
    let publisher = async_nats::connect(&nats).await.unwrap();
    let first = format!(
        "{{not json\n{}",
        lines("Abri dispo #PorteOuverte", 48.8631, 2.3708, 30..31, 3)
    );
    let second = lines("#RechercheParis", 48.8631, 2.3708, 31..32, 4);
    for message in [first, second.clone(), second] {
        publisher
            .publish(subject.clone(), message.into())
            .await
            .unwrap();
    }
    publisher.flush().await.unwrap();

    let anyone = Client::anonymous(&server);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let body = loop {
        let r = anyone
            .get("/api/v1/trends?lat=48.8626&lon=2.3795&radius_km=2")
            .await;
        let mut found = tags(&r.body)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        found.sort();
        if found == ["PorteOuverte", "RechercheParis"] {
            let metrics = server.metrics().await;
            if metrics.contains(r#"{source="nats",outcome="repeated"} 4"#) {
                break (r.body, metrics);
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the posts published on NATS did not trend: {}",
            r.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let (trends, metrics) = body;
    let count_of = |tag: &str| {
        trends["trends"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tag"] == tag)
            .map(|t| t["count"].as_u64().unwrap())
    };
    assert_eq!(count_of("PorteOuverte"), Some(3));
    assert_eq!(
        count_of("RechercheParis"),
        Some(4),
        "the redelivery counted once"
    );
    for line in [
        r#"entraide_trends_posts_total{source="nats",outcome="accepted"} 7"#,
        r#"entraide_trends_posts_total{source="nats",outcome="rejected"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} not in\n{metrics}");
    }
}

#[tokio::test]
async fn without_a_token_setting_only_responders_post() {
    let server = common::spawn().await;
    let batch = lines("#PorteOuverte", 48.8631, 2.3708, 30..31, 1);
    assert_eq!(
        post_lines(&server, Some("feed-secret"), batch.clone())
            .await
            .0,
        401
    );
    let responder = Client::responder(&server, "resp").await;
    assert_eq!(
        post_lines(&server, responder.token.as_deref(), batch)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn a_burst_in_the_11th_trends_there_not_in_lyon_and_in_the_crisis_zone() {
    let server = common::spawn_with(config()).await;
    let mut batch = lines("Abri dispo #PorteOuverte", 48.8631, 2.3708, 30..40, 5);
    batch.push_str(&lines("#Lyon ce soir", 45.764, 4.8357, 30..40, 2));
    batch.push_str("{not json\n");
    batch.push_str(&lines("#PrayForParis", 40.71, -74.0, 39..40, 4));
    let (status, body) = post_lines(&server, Some("feed-secret"), batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"], 74);
    assert_eq!(body["rejected"], 1);
    assert_eq!(body["rejected_lines"][0]["line"], 71);

    let anyone = Client::anonymous(&server);
    let r = anyone
        .get("/api/v1/trends?lat=48.8626&lon=2.3795&radius_km=2&window=15m")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(tags(&r.body), ["PorteOuverte"]);
    let t = &r.body["trends"][0];
    assert_eq!(
        (
            t["count"].as_u64(),
            t["intent"].as_str(),
            t["new"].as_bool()
        ),
        (Some(50), Some("shelter"), Some(true))
    );
    assert_eq!(
        r.body["at"], "2015-11-13T21:39:00Z",
        "the newest post's minute"
    );

    let r = anyone
        .get("/api/v1/trends?lat=45.764&lon=4.8357&radius_km=10")
        .await;
    assert_eq!(tags(&r.body), ["Lyon"]);
    let r = anyone.get("/api/v1/trends?limit=2").await;
    assert_eq!(r.body["area"], "global");
    assert_eq!(tags(&r.body), ["PorteOuverte", "Lyon"]);
    // At 21:34 the burst was half as big.
    let r = anyone
        .get("/api/v1/trends?lat=48.8626&lon=2.3795&radius_km=2&at=2015-11-13T21:34:00Z")
        .await;
    assert_eq!(r.body["trends"][0]["count"], 25);

    let series = anyone
        .get("/api/v1/trends/porteouverte/series?lat=48.8631&lon=2.3708&radius_km=1&minutes=12")
        .await;
    assert_eq!(series.status, 200, "{}", series.body);
    let counts: Vec<u64> = series.body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    assert_eq!(series.body["intent"], "shelter");

    // In the zone of a crisis over the 11th.
    let responder = Client::responder(&server, "resp").await;
    let crisis = common::active_crisis(&responder).await;
    let r = anyone.get(&format!("/api/v1/trends?crisis={crisis}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(tags(&r.body), ["PorteOuverte"]);
    let r = anyone
        .get(&format!("/api/v1/trends?crisis={}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn bad_queries_name_the_field() {
    let server = common::spawn().await;
    let anyone = Client::anonymous(&server);
    for (query, field) in [
        ("lat=95&lon=2", "lat"),
        ("lat=48&lon=abc", "lon"),
        ("lat=48", "lon"),
        ("lat=48&lon=2&radius_km=-1", "radius_km"),
        ("window=5s", "window"),
        ("window=4h", "window"),
        ("limit=0", "limit"),
        ("at=yesterday", "at"),
        ("lat=48&lon=2&crisis=x", "crisis"),
    ] {
        let r = anyone.get(&format!("/api/v1/trends?{query}")).await;
        assert_eq!(r.status, 422, "{query}: {}", r.body);
        assert_eq!(
            r.body["error"]["fields"][0]["field"], field,
            "{query}: {}",
            r.body
        );
    }
    let r = anyone.get("/api/v1/trends/PorteOuverte/series").await;
    assert_eq!(r.status, 422);
    let r = anyone
        .get("/api/v1/trends/PorteOuverte/series?lat=48&lon=2&minutes=1000")
        .await;
    assert_eq!(r.body["error"]["fields"][0]["field"], "minutes");
}

#[tokio::test]
async fn batches_are_limited_in_size_and_rate_and_empty_ones_refused() {
    let server = common::spawn_with(entraide_server::ServerConfig {
        trends_batches_per_minute: 2,
        trends_max_batch_bytes: 2000,
        ..config()
    })
    .await;
    let (status, body) =
        post_lines(&server, Some("feed-secret"), "{bad\nnot a post\n".into()).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no line is a post")
    );
    let big = lines("#PorteOuverte", 48.86, 2.37, 30..40, 10);
    assert!(big.len() > 2000);
    let (status, body) = post_lines(&server, Some("feed-secret"), big).await;
    assert_eq!(status, 413, "{body}");
    let (status, _) = post_lines(
        &server,
        Some("feed-secret"),
        lines("#a", 48.86, 2.37, 30..31, 1),
    )
    .await;
    assert_eq!(status, 429, "the third batch this minute");
}

/// The size of a response as it travels, gzip-compressed.
async fn gzipped_size(server: &TestServer, path: &str) -> usize {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .header(reqwest::header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers().get(reqwest::header::CONTENT_ENCODING),
        Some(&reqwest::header::HeaderValue::from_static("gzip")),
        "{path} is compressed"
    );
    response.bytes().await.unwrap().len()
}

#[tokio::test]
async fn the_trends_page_shows_what_rises_near_a_place_with_sparklines_and_intent_links() {
    let server = common::spawn_with(config()).await;
    // Quiet before, then a burst of shelter offers in the 11th, and noise from elsewhere.
    let mut batch = lines("Abri dispo #PorteOuverte", 48.8631, 2.3708, 30..40, 5);
    batch.push_str(&lines("#Lyon ce soir", 45.764, 4.8357, 30..40, 2));
    for tag in 0..30 {
        batch.push_str(&lines(&format!("#bruit{tag}"), 48.8631, 2.3708, 39..40, 2));
    }
    assert_eq!(post_lines(&server, Some("feed-secret"), batch).await.0, 200);

    let path = "/trends?lat=48.8626&lon=2.3795&radius_km=2&window=15m";
    let anyone = Client::anonymous(&server);
    let r = anyone.get(path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let html = r.body.as_str().expect("an HTML page");
    assert!(html.contains(r#"<meta http-equiv="refresh" content="30">"#));
    let start = html
        .find(r#"data-tag="PorteOuverte""#)
        .expect("the burst's tag is listed");
    let row = &html[start..start + html[start..].find("</li>").unwrap()];
    assert!(row.contains(r#"data-intent="shelter""#), "{row}");
    assert!(row.contains(r#"href="/shelter""#), "{row}");
    let svg = &row[row.find("<svg").expect("a sparkline")..];
    let svg = &svg[..svg.find("</svg>").unwrap() + 6];
    assert!(svg.contains("<polyline"), "{svg}");
    assert!(svg.len() < 1000, "a sparkline of {} bytes", svg.len());
    // Ten minutes of five posts, then nothing: the line has points at the top.
    assert!(svg.contains(",1.0"), "{svg}");
    assert!(!html.contains(r#"data-tag="Lyon""#), "Lyon is not near");
    // In French too.
    let fr = reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .header(reqwest::header::ACCEPT_LANGUAGE, "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fr.contains("Ce qui monte"), "{fr}");
    assert!(fr.contains("Hébergement"));

    // The first load, with its stylesheet and script, stays under 30 KB gzipped.
    let mut total = gzipped_size(&server, path).await;
    for asset in html.split("\"/assets/").skip(1) {
        let asset = asset.split('"').next().unwrap();
        total += gzipped_size(&server, &format!("/assets/{asset}")).await;
    }
    println!("{path}: {total} bytes gzipped with the assets");
    assert!(total <= 30 * 1024, "{total} bytes");

    // Globally, in a crisis's zone (safety leads to the crisis) and with bad input.
    let r = anyone.get("/trends").await;
    assert!(r.body.as_str().unwrap().contains(r#"data-tag="Lyon""#));
    let responder = Client::responder(&server, "resp").await;
    let crisis = common::active_crisis(&responder).await;
    let safety = lines("#ParisAttacks", 48.8631, 2.3708, 40..41, 6);
    assert_eq!(
        post_lines(&server, Some("feed-secret"), safety).await.0,
        200
    );
    let r = anyone.get(&format!("/trends?crisis={crisis}")).await;
    let html = r.body.as_str().unwrap();
    assert!(html.contains(r#"data-tag="ParisAttacks""#), "{html}");
    assert!(html.contains(&format!(r#"href="/crises/{crisis}""#)));
    let r = anyone.get("/trends?lat=91&lon=2").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.as_str().unwrap().contains("lat"));
}

fn proposals(body: &Value) -> Vec<&Value> {
    body["crises"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter(|c| c["status"] == "proposed")
        .collect()
}

#[tokio::test]
async fn a_burst_of_crisis_tags_in_the_11th_proposes_one_crisis_to_responders_only() {
    let server = common::spawn_with(config()).await;
    let responder = Client::responder(&server, "resp").await;
    let person = Client::sign_up(&server, "marie").await;

    // A few posts, and support from afar however many: no proposal.
    let mut quiet = lines("#PorteOuverte", 48.8631, 2.3708, 20..22, 5);
    quiet.push_str(&lines("#PrayForParis", 45.764, 4.8357, 20..30, 8));
    assert_eq!(post_lines(&server, Some("feed-secret"), quiet).await.0, 200);
    let r = responder.get("/api/v1/crises").await;
    assert!(proposals(&r.body).is_empty(), "{}", r.body);

    let burst = lines(
        "Abri dispo #PorteOuverte #Fusillade",
        48.8631,
        2.3708,
        30..40,
        5,
    );
    assert_eq!(
        post_lines(&server, Some("feed-secret"), burst.clone())
            .await
            .0,
        200
    );
    let r = responder.get("/api/v1/crises").await;
    let found = proposals(&r.body);
    assert_eq!(found.len(), 1, "{}", r.body);
    let crisis = found[0].clone();
    let id = crisis["id"].as_str().unwrap();
    assert_eq!(crisis["kind"], "trends");
    let description = crisis["description"].as_str().unwrap();
    // The window is the 15 minutes to the newest post: the quiet posts are the baseline.
    assert!(description.contains("#PorteOuverte: 50"), "{description}");
    assert!(description.contains("#Fusillade: 50"), "{description}");
    assert!(description.contains("H3 cell 871fb4"), "{description}");
    // The zone covers where the posts came from.
    let area = entraide_geo::Zone::from_json(&crisis["area"]).unwrap();
    assert!(area.contains(entraide_geo::Point::new(2.3708, 48.8631).unwrap()));

    // Responders are told; a person neither sees it listed nor by its id.
    let inbox = responder.get("/api/v1/me/inbox").await;
    assert!(
        inbox.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["event"]["event"] == "crisis_proposed" && i["event"]["crisis_id"] == id),
        "{}",
        inbox.body
    );
    let r = person.get("/api/v1/crises").await;
    assert!(proposals(&r.body).is_empty(), "{}", r.body);
    assert_eq!(
        person.get(&format!("/api/v1/crises/{id}")).await.status,
        404
    );
    assert!(
        person.get("/api/v1/me/inbox").await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        Client::anonymous(&server)
            .get(&format!("/api/v1/crises/{id}"))
            .await
            .status,
        404
    );

    // The same batch again, and the burst going on into the next hour: still one.
    post_lines(&server, Some("feed-secret"), burst).await;
    let more = lines("#Fusillade rue de Charonne", 48.8631, 2.3708, 40..60, 6);
    post_lines(&server, Some("feed-secret"), more).await;
    // 22:00 to 22:05: another hour, so another proposal id; the standing one covers it.
    let next_hour =
        lines("#Fusillade rue de Charonne", 48.8631, 2.3708, 0..6, 6).replace("T21:", "T22:");
    let (status, body) = post_lines(&server, Some("feed-secret"), next_hour).await;
    assert_eq!(
        (status, body["accepted"].as_u64()),
        (200, Some(36)),
        "{body}"
    );
    let r = responder.get("/api/v1/crises").await;
    assert_eq!(proposals(&r.body).len(), 1, "{}", r.body);
}
