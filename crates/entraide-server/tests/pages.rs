//! The web pages over HTTP, as a browser without JavaScript uses them: forms, redirects,
//! cookies, CSRF tokens, languages, errors in words, and the weight of each first load.

mod common;

use common::{Client, TestServer, active_crisis};
use reqwest::header::{
    ACCEPT_ENCODING, ACCEPT_LANGUAGE, CONTENT_ENCODING, COOKIE, LOCATION, SET_COOKIE,
};
use serde_json::json;
use std::collections::BTreeMap;

/// A browser with JavaScript off: keeps cookies, follows nothing by itself.
struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
    accept_language: Option<&'static str>,
}

struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn new(server: &TestServer) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: server.url.clone(),
            http,
            cookies: BTreeMap::new(),
            accept_language: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let mut request = request.header(COOKIE, self.cookie_header());
        if let Some(lang) = self.accept_language {
            request = request.header(ACCEPT_LANGUAGE, lang);
        }
        let response = request.send().await.unwrap();
        for value in response.headers().get_all(SET_COOKIE) {
            let value = value.to_str().unwrap();
            let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
            let (name, v) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), v.to_string());
            }
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        Page {
            status,
            location,
            body: response.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(request).await
    }

    /// Posts a signed-in form with the session's token, as the page would.
    async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = csrf_of(&self.get("/").await.body);
        let mut form = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }

    async fn sign_up(server: &TestServer, handle: &str) -> Browser {
        let mut browser = Browser::new(server);
        let page = browser
            .post(
                "/signup",
                &[
                    ("handle", handle),
                    ("display_name", &handle.to_uppercase()),
                    ("password", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "sign-up of {handle}: {}", page.body);
        assert_eq!(page.location.as_deref(), Some("/me"));
        assert!(browser.cookies.contains_key("entraide_session"));
        browser
    }
}

fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The `<li>` of a contact on a crisis page.
fn contact_row<'a>(html: &'a str, handle: &str) -> &'a str {
    let start = html
        .find(&format!("data-handle=\"{handle}\""))
        .unwrap_or_else(|| panic!("no row for {handle}"));
    let end = html[start..].find("</li>").unwrap() + start;
    &html[start..end]
}

#[tokio::test]
async fn two_people_use_safety_check_without_javascript() {
    let server = common::spawn().await;
    let mut alice = Browser::sign_up(&server, "alice").await;
    let mut bob = Browser::sign_up(&server, "bob").await;

    let page = alice.submit("/contacts", &[("handle", "@Bob")]).await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/contacts"))
    );
    let page = alice.get("/contacts").await;
    assert!(
        page.body.contains("Request sent to @bob"),
        "the flash is shown once"
    );
    assert!(
        !alice
            .get("/contacts")
            .await
            .body
            .contains("Request sent to @bob"),
        "and only once"
    );
    assert!(
        bob.get("/contacts")
            .await
            .body
            .contains("id=\"accept-alice\"")
    );
    assert_eq!(bob.submit("/contacts/alice/accept", &[]).await.status, 303);
    assert!(
        alice
            .get("/contacts")
            .await
            .body
            .contains("data-state=\"mutual\"")
    );

    for person in [&mut alice, &mut bob] {
        let page = person
            .submit(
                "/me/location",
                &[("lat", "48,8631"), ("lon", "2.3708"), ("accuracy_m", "30")],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
    }
    let responder = Client::responder(&server, "resp").await;
    let crisis = active_crisis(&responder).await;
    let crisis_page = format!("/crises/{crisis}");

    let page = alice.get("/").await;
    assert!(
        page.body.contains("id=\"asking\""),
        "the home page says which crisis asks: {}",
        page.body
    );
    let page = alice.get(&crisis_page).await;
    assert!(page.body.contains("id=\"in-area\"") && page.body.contains("<svg"));
    let page = alice.get(&format!("{crisis_page}?step=2")).await;
    assert!(page.body.contains("id=\"im-safe\""));
    let page = alice
        .submit(
            &format!("{crisis_page}/safety"),
            &[("status", "safe"), ("message", "chez moi")],
        )
        .await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some(crisis_page.as_str()))
    );

    let page = bob.get(&crisis_page).await;
    let row = contact_row(&page.body, "alice");
    assert!(
        row.contains("data-status=\"safe\"") && row.contains(">Safe<") && row.contains("chez moi"),
        "{row}"
    );
    assert!(
        page.body.contains("data-count=\"safe\">1<"),
        "the counts include her"
    );

    // Bob marks Carol safe on her behalf; she confirms.
    let mut carol = Browser::sign_up(&server, "carol").await;
    carol.submit("/contacts", &[("handle", "bob")]).await;
    bob.submit("/contacts/carol/accept", &[]).await;
    carol
        .submit(
            "/me/location",
            &[("lat", "48.86"), ("lon", "2.37"), ("accuracy_m", "")],
        )
        .await;
    assert!(contact_row(&bob.get(&crisis_page).await.body, "carol").contains("id=\"mark-carol\""));
    assert_eq!(
        bob.submit(&format!("{crisis_page}/safety/carol"), &[])
            .await
            .status,
        303
    );
    let row_page = bob.get(&crisis_page).await;
    assert!(contact_row(&row_page.body, "carol").contains("marked safe by @bob"));
    let page = carol.get(&crisis_page).await;
    assert!(page.body.contains("id=\"confirm-mark\""), "{}", page.body);
    assert_eq!(
        carol
            .submit(&format!("{crisis_page}/safety/confirm"), &[])
            .await
            .status,
        303
    );
    let page = carol.get(&crisis_page).await;
    assert!(page.body.contains("id=\"my-answer\" data-status=\"safe\""));

    // The inbox tells Carol what happened.
    let page = carol.get("/inbox").await;
    assert!(
        page.body.contains("data-event=\"marked_on_behalf\"")
            && page.body.contains("data-event=\"safety_question\"")
    );

    let page = bob.submit("/logout", &[]).await;
    assert_eq!(page.status, 303);
    assert!(!bob.cookies.contains_key("entraide_session"));
    let page = bob.get("/contacts").await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/login?next=/contacts"))
    );
}

#[tokio::test]
async fn a_responder_runs_a_crisis_on_the_pages() {
    let server = common::spawn().await;
    server
        .state
        .sign_up(
            "resp",
            "correct horse battery",
            "Resp",
            entraide_core::Role::Responder,
        )
        .await
        .unwrap();
    let mut resp = Browser::new(&server);
    let page = resp
        .post(
            "/login",
            &[
                ("handle", "resp"),
                ("password", "correct horse battery"),
                ("next", "/crises/new"),
            ],
        )
        .await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/crises/new"))
    );
    let form = resp.get("/crises/new").await.body;
    let id = form
        .split("name=\"id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    let bad = resp
        .submit("/crises/new", &[("id", &id), ("title", ""), ("kind", "attack"), ("geojson", r#"{"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.4, 48.9]]]}"#)])
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("id=\"title-err\"") && bad.body.contains("id=\"area-err\""),
        "{}",
        bad.body
    );

    let fields = [
        ("id", id.as_str()),
        ("title", "Attaques"),
        ("kind", "attack"),
        ("lat", "48.8631"),
        ("lon", "2.3708"),
        ("radius_m", "1500"),
    ];
    let page = resp.submit("/crises/new", &fields).await;
    assert_eq!(
        (page.status, page.location.clone()),
        (303, Some(format!("/crises/{id}")))
    );
    // Sent twice (a double tap): still one crisis.
    assert_eq!(resp.submit("/crises/new", &fields).await.status, 303);
    assert_eq!(server.state.store.crises(None).await.unwrap().len(), 1);

    let mut public = Browser::new(&server);
    assert_eq!(
        public.get(&format!("/crises/{id}")).await.status,
        404,
        "a proposal is not public"
    );
    let page = resp.submit(&format!("/crises/{id}/activate"), &[]).await;
    assert_eq!(page.status, 303);
    let page = public.get(&format!("/crises/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("data-status=\"active\"") && !page.body.contains("id=\"responder\"")
    );

    let person = Client::sign_up(&server, "dana").await;
    person
        .put(
            "/api/v1/me/location",
            json!({"lat": 48.8631, "lon": 2.3708, "accuracy_m": 10}),
        )
        .await;
    let r = person
        .post(
            &format!("/api/v1/crises/{id}/safety"),
            json!({"status": "need_help", "message": "blessée, rue Oberkampf"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let page = resp.get(&format!("/crises/{id}/need-help")).await;
    assert!(
        page.body.contains("blessée, rue Oberkampf")
            && page.body.contains("geo:48.863100,2.370800"),
        "{}",
        page.body
    );
    assert_eq!(
        public.get(&format!("/crises/{id}/need-help")).await.status,
        303,
        "anonymous: log in first"
    );

    let page = resp.submit(&format!("/crises/{id}/retract"), &[]).await;
    assert_eq!(page.status, 303);
    assert!(
        public
            .get(&format!("/crises/{id}"))
            .await
            .body
            .contains("retracted")
    );
}

#[tokio::test]
async fn forms_without_the_session_token_are_refused() {
    let server = common::spawn().await;
    let mut alice = Browser::sign_up(&server, "alice").await;
    Browser::sign_up(&server, "bob").await;
    let page = alice
        .post("/contacts", &[("csrf", "forged"), ("handle", "bob")])
        .await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("<h1>Not allowed</h1>"), "{}", page.body);
    let page = alice.post("/contacts", &[("handle", "bob")]).await;
    assert_eq!(page.status, 403);
    assert!(
        !alice
            .get("/contacts")
            .await
            .body
            .contains("data-state=\"outgoing\""),
        "nothing was written"
    );

    // A log-in form posted from another site is refused too.
    let page = alice
        .send(
            alice
                .http
                .post(format!("{}/login", server.url))
                .header("Sec-Fetch-Site", "cross-site")
                .form(&[("handle", "alice"), ("password", "correct horse battery")]),
        )
        .await;
    assert_eq!(page.status, 403);
}

#[tokio::test]
async fn bad_input_is_shown_beside_its_field() {
    let server = common::spawn().await;
    let mut anon = Browser::new(&server);
    let page = anon
        .post(
            "/signup",
            &[
                ("handle", "a b"),
                ("display_name", "A"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("id=\"handle-err\"") && page.body.contains("id=\"password-err\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"a b\""),
        "what was typed is kept"
    );

    let mut alice = Browser::sign_up(&server, "alice").await;
    let page = Browser::new(&server)
        .post(
            "/signup",
            &[
                ("handle", "alice"),
                ("display_name", "A"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("id=\"handle-err\""));

    let page = alice
        .submit("/contacts", &[("handle", "nobody-here")])
        .await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("id=\"handle-err\"") && page.body.contains("nobody-here"));
    let page = alice
        .submit(
            "/me/location",
            &[("lat", "95"), ("lon", "est"), ("accuracy_m", "10")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"lon-err\""), "{}", page.body);
    let page = alice
        .submit(
            "/me/location",
            &[("lat", "95"), ("lon", "2.37"), ("accuracy_m", "10")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("latitude 95"), "{}", page.body);

    let page = anon
        .post(
            "/login",
            &[("handle", "alice"), ("password", "wrong password")],
        )
        .await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("wrong handle or password"));
}

/// The words below a field, or `None` if the field has no error.
fn field_error<'a>(html: &'a str, field: &str) -> Option<&'a str> {
    let start = format!("<p class=\"err\" id=\"{field}-err\">");
    let at = html.find(&start)? + start.len();
    html[at..].split("</p>").next()
}

#[tokio::test]
async fn what_is_wrong_is_said_in_the_readers_language() {
    let server = common::spawn().await;
    let bad_sign_up = [
        ("handle", "a!"),
        ("display_name", " "),
        ("password", "short"),
    ];
    let mut french = Browser::new(&server);
    french.accept_language = Some("fr-FR,fr;q=0.9");
    let page = french.post("/signup", &bad_sign_up).await;
    assert_eq!(page.status, 422);
    assert_eq!(
        [
            field_error(&page.body, "handle"),
            field_error(&page.body, "display_name"),
            field_error(&page.body, "password"),
        ],
        [
            Some("doit compter de 3 à 32 caractères"),
            Some("est obligatoire"),
            Some("doit compter au moins 8 caractères"),
        ],
        "{}",
        page.body
    );
    let mut english = Browser::new(&server);
    let page = english.post("/signup", &bad_sign_up).await;
    assert_eq!(
        field_error(&page.body, "handle"),
        Some("must be 3 to 32 characters")
    );

    Browser::sign_up(&server, "alice").await;
    let taken = [
        ("handle", "alice"),
        ("display_name", "Alice"),
        ("password", "correct horse battery"),
    ];
    let page = french.post("/signup", &taken).await;
    assert_eq!(page.status, 409);
    assert!(
        field_error(&page.body, "handle").is_some_and(|e| e.contains("déjà pris")),
        "{}",
        page.body
    );
    let page = french
        .post(
            "/login",
            &[("handle", "alice"), ("password", "wrong password")],
        )
        .await;
    assert_eq!(page.status, 401);
    assert!(
        page.body.contains("identifiant ou mot de passe incorrect"),
        "{}",
        page.body
    );

    let mut bob = Browser::sign_up(&server, "bob").await;
    bob.accept_language = Some("fr");
    let page = bob.submit("/contacts", &[("handle", "nobody-here")]).await;
    assert_eq!(page.status, 404);
    assert!(
        field_error(&page.body, "handle").is_some_and(|e| e.contains("cet identifiant")),
        "{}",
        page.body
    );
    let page = bob.submit("/contacts", &[("handle", "bob")]).await;
    assert_eq!(page.status, 422);
    assert_eq!(
        field_error(&page.body, "handle"),
        Some("est votre propre identifiant : un contact est quelqu'un d'autre")
    );
    // A refusal by what is stored, with the status it names in words.
    let responder = Client::responder(&server, "resp").await;
    let crisis = active_crisis(&responder).await;
    // A denial: who one is, not what is stored.
    let page = bob
        .submit(&format!("/crises/{crisis}/safety/alice"), &[])
        .await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("@alice n'est pas votre contact mutuel"),
        "{}",
        page.body
    );
    let r = responder
        .post(&format!("/api/v1/crises/{crisis}/close"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let page = bob
        .submit(&format!("/crises/{crisis}/safety"), &[("status", "safe")])
        .await;
    assert_eq!(page.status, 409);
    assert!(
        page.body
            .contains("cette crise est terminée : elle ne demande rien à personne pour l'instant"),
        "{}",
        page.body
    );
    let page = bob.get("/no-such-page").await;
    assert_eq!(page.status, 404);
    assert!(
        page.body.contains("cette page"),
        "the error page too: {}",
        page.body
    );

    // The API keeps its English, and names the rule and its values for clients that word
    // it themselves.
    let reply = Client::anonymous(&server)
        .post(
            "/api/v1/accounts",
            json!({"handle": "a!", "password": "correct horse battery", "display_name": "A"}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body["error"]["fields"][0],
        json!({
            "field": "handle",
            "message": "must be 3 to 32 characters",
            "rule": "handle_length",
            "min": 3,
            "max": 32
        })
    );
}

#[tokio::test]
async fn the_language_follows_the_cookie_then_accept_language() {
    let server = common::spawn().await;
    let mut browser = Browser::new(&server);
    assert!(browser.get("/").await.body.contains("<html lang=\"en\">"));
    browser.accept_language = Some("fr-FR,fr;q=0.9,en;q=0.8");
    let page = browser.get("/login").await;
    assert!(page.body.contains("<html lang=\"fr\">") && page.body.contains("Se connecter"));
    let page = browser.get("/lang/en?back=/login").await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (303, Some("/login"))
    );
    assert!(
        browser
            .get("/login")
            .await
            .body
            .contains("<html lang=\"en\">"),
        "the switch wins over the browser's preference"
    );
    let page = browser.get("/lang/fr?back=//evil.example").await;
    assert_eq!(
        page.location.as_deref(),
        Some("/"),
        "never sends anyone elsewhere"
    );
    let page = browser.get("/crises/not-an-id").await;
    assert_eq!(page.status, 404);
    assert!(
        page.body.contains("<h1>Introuvable</h1>"),
        "errors are pages in the reader's language: {}",
        page.body
    );
    let api = browser.get("/api/v1/no-such-thing").await;
    assert_eq!(api.status, 404);
    assert!(
        api.body.contains("\"not_found\""),
        "the API keeps its JSON errors: {}",
        api.body
    );
}

/// Every page's first load (the HTML, the stylesheet and the script, gzip-compressed as
/// served) stays under 30 KB: networks are congested during a crisis.
#[tokio::test]
async fn every_page_is_small_on_first_load() {
    const LIMIT: usize = 30 * 1024;
    let server = common::spawn().await;
    let responder = Client::responder(&server, "resp").await;
    let crisis = active_crisis(&responder).await;
    let mut alice = Browser::sign_up(&server, "alice").await;
    alice
        .submit(
            "/me/location",
            &[("lat", "48.8631"), ("lon", "2.3708"), ("accuracy_m", "30")],
        )
        .await;
    alice
        .submit(
            "/me/home",
            &[
                ("home_lat", "48.86"),
                ("home_lon", "2.37"),
                ("radius_m", "400"),
            ],
        )
        .await;
    // Enough contacts that the crisis page has a real list to draw.
    for i in 0..20 {
        let friend = Client::sign_up(&server, &format!("friend{i}")).await;
        alice
            .submit("/contacts", &[("handle", &friend.handle)])
            .await;
        friend
            .post("/api/v1/contacts/alice/accept", json!({}))
            .await;
        if i % 2 == 0 {
            friend
                .post(
                    &format!("/api/v1/crises/{crisis}/safety"),
                    json!({"status": "safe", "message": "ça va, je rentre à pied"}),
                )
                .await;
        }
    }
    let polygon = json!({"type": "Polygon", "coordinates": [[[2.36, 48.85], [2.39, 48.855], [2.385, 48.87], [2.365, 48.872], [2.36, 48.85]]]});
    let r = responder
        .post(
            "/api/v1/crises",
            json!({"title": "Inondation", "kind": "flood", "area": polygon}),
        )
        .await;
    let proposed = r.body["id"].as_str().unwrap().to_string();

    let page = alice.get("/").await.body;
    let assets: Vec<&str> = page
        .split("\"/assets/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert_eq!(assets.len(), 2, "a stylesheet and a script");

    let mut resp_browser = Browser::new(&server);
    resp_browser
        .post(
            "/login",
            &[("handle", "resp"), ("password", "correct horse battery")],
        )
        .await;
    let anonymous = Browser::new(&server);
    let pages: Vec<(&Browser, String)> = vec![
        (&anonymous, "/".into()),
        (&anonymous, "/signup".into()),
        (&anonymous, "/login".into()),
        (&anonymous, format!("/crises/{crisis}")),
        (&alice, "/".into()),
        (&alice, "/contacts".into()),
        (&alice, "/me".into()),
        (&alice, "/inbox".into()),
        (&alice, format!("/crises/{crisis}")),
        (&alice, format!("/crises/{crisis}?step=2")),
        (&resp_browser, "/crises".into()),
        (&resp_browser, "/crises/new".into()),
        (&resp_browser, format!("/crises/{proposed}")),
        (&resp_browser, format!("/crises/{crisis}/need-help")),
        (&anonymous, "/shelter".into()),
        (&alice, "/shelter/host".into()),
        (&resp_browser, "/shelter/responder".into()),
        (&anonymous, "/missing".into()),
        (&alice, "/missing/report".into()),
        (&anonymous, "/trends".into()),
    ];

    let mut assets_size = 0;
    for asset in &assets {
        assets_size += gzipped(&anonymous, &server.url, &format!("/assets/{asset}")).await;
    }
    println!("stylesheet and script: {assets_size} bytes gzipped");
    for (browser, path) in &pages {
        let size = gzipped(browser, &server.url, path).await;
        println!(
            "{path}: {size} bytes gzipped, {} with the assets",
            size + assets_size
        );
        assert!(
            size + assets_size <= LIMIT,
            "{path} weighs {} bytes on first load",
            size + assets_size
        );
    }
}

/// The size of a page as it travels, gzip-compressed.
async fn gzipped(browser: &Browser, base: &str, path: &str) -> usize {
    let response = browser
        .http
        .get(format!("{base}{path}"))
        .header(ACCEPT_ENCODING, "gzip")
        .header(COOKIE, browser.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response
            .headers()
            .get(CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap()),
        Some("gzip"),
        "{path} is compressed"
    );
    response.bytes().await.unwrap().len()
}

fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).expect("the hidden field") + marker.len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_report_form_sent_twice_makes_one_record() {
    let server = common::spawn().await;
    let mut sister = Browser::sign_up(&server, "sister").await;
    let form_page = sister.get("/missing/report").await;
    assert_eq!(form_page.status, 200);
    let csrf = csrf_of(&form_page.body);
    let form_key = hidden_value(&form_page.body, "form_key");
    let fields = [
        ("csrf", csrf.as_str()),
        ("form_key", form_key.as_str()),
        ("full_name", "Hélène Dupont"),
        ("last_seen_place", "Rue de Charonne"),
    ];
    let first = sister.post("/missing/report", &fields).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let again = sister.post("/missing/report", &fields).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(first.location, again.location);
    assert_eq!(server.state.store.missing_names().await.unwrap().len(), 1);

    // A form shown again is another report.
    let other_page = sister.get("/missing/report").await;
    let other_key = hidden_value(&other_page.body, "form_key");
    assert_ne!(other_key, form_key);
    let second = sister
        .post(
            "/missing/report",
            &[
                ("csrf", csrf.as_str()),
                ("form_key", other_key.as_str()),
                ("full_name", "Jean Martin"),
            ],
        )
        .await;
    assert_eq!(second.status, 303, "{}", second.body);
    assert_ne!(second.location, first.location);
    assert_eq!(server.state.store.missing_names().await.unwrap().len(), 2);
}

/// The address for followers' mail is set on /me with the page's token, kept when refused,
/// and shown to its account only.
#[tokio::test]
async fn my_email_is_set_on_my_page_and_shown_to_me_only() {
    let server = common::spawn().await;
    let mut alice = Browser::sign_up(&server, "alice").await;
    let page = alice
        .submit("/me/email", &[("email", "alice at example")])
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("not an email address"), "{}", page.body);
    assert!(
        page.body.contains("value=\"alice at example\""),
        "what was typed stays in the form"
    );
    let page = alice
        .submit("/me/email", &[("email", "alice@example.org")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(
        alice
            .get("/me")
            .await
            .body
            .contains("value=\"alice@example.org\"")
    );

    let forged = alice
        .post(
            "/me/email",
            &[("csrf", "forged"), ("email", "mallory@example.org")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let mut bob = Browser::sign_up(&server, "bob").await;
    assert!(!bob.get("/me").await.body.contains("example.org"));
    assert!(
        alice
            .get("/me")
            .await
            .body
            .contains("value=\"alice@example.org\""),
        "a forged form changes nothing"
    );

    let page = alice.submit("/me/email", &[("email", "")]).await;
    assert_eq!(page.status, 303);
    assert!(!alice.get("/me").await.body.contains("example.org"));
}

/// The report form takes a link to a photo; the record's page shows it as a link, and a
/// link that isn't http(s) is shown as an error beside its field.
#[tokio::test]
async fn the_report_form_takes_a_photo_link() {
    let server = common::spawn().await;
    let mut sister = Browser::sign_up(&server, "sister").await;
    let form_page = sister.get("/missing/report").await;
    let csrf = csrf_of(&form_page.body);
    let refused = sister
        .post(
            "/missing/report",
            &[
                ("csrf", csrf.as_str()),
                ("full_name", "Hélène Dupont"),
                ("photo_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("http:// or https://"),
        "{}",
        refused.body
    );
    assert!(server.state.store.missing_names().await.unwrap().is_empty());

    let created = sister
        .post(
            "/missing/report",
            &[
                ("csrf", csrf.as_str()),
                ("full_name", "Hélène Dupont"),
                ("photo_url", "https://photos.example.org/helene.jpg"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let record = sister.get(created.location.as_deref().unwrap()).await;
    assert!(
        record.body.contains(
            "<a href=\"https://photos.example.org/helene.jpg\" rel=\"noreferrer noopener\">"
        ),
        "{}",
        record.body
    );
}

impl Browser {
    /// Sends the record page's photo form, as a browser does: multipart, the token first.
    async fn send_photo(&mut self, record_path: &str, token: &str, photo: Vec<u8>) -> Page {
        let part = reqwest::multipart::Part::bytes(photo)
            .file_name("photo.png")
            .mime_str("image/png")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.to_string())
            .part("photo", part);
        let request = self
            .http
            .post(format!("{}{record_path}/photo", self.base))
            .multipart(form);
        self.send(request).await
    }
}

/// The reporter adds a photo from the record's page, without script; the page then shows
/// its thumbnail. Someone else is shown no form and refused if they post one anyway.
#[tokio::test]
async fn the_reporter_adds_a_photo_from_the_record_page() {
    let server = common::spawn().await;
    let mut sister = Browser::sign_up(&server, "sister").await;
    let created = sister
        .submit("/missing/report", &[("full_name", "Hélène Dupont")])
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let record = created.location.unwrap();
    let page = sister.get(&record).await;
    assert!(
        page.body.contains("enctype=\"multipart/form-data\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("/thumb\""), "no photo yet");
    let token = csrf_of(&page.body);

    let refused = sister
        .send_photo(&record, &token, b"not an image at all".to_vec())
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("<p class=\"err\" id=\"photo-err\">not a JPEG, PNG or WebP image</p>"),
        "the refusal is shown beside the field: {}",
        refused.body
    );

    let oversized = sister
        .send_photo(&record, &token, vec![0; 5 * 1024 * 1024 + 64 * 1024])
        .await;
    assert_eq!(oversized.status, 422, "{}", oversized.body);
    assert!(
        oversized.body.contains("larger than 5 MB"),
        "{}",
        oversized.body
    );

    let sent = sister
        .send_photo(&record, &token, common::png(900, 600))
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location.as_deref(), Some(record.as_str()));
    let page = sister.get(&record).await;
    let thumbnail = page
        .body
        .split("src=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .find(|src| src.ends_with("/thumb"))
        .expect("the record's page shows the photo's thumbnail")
        .to_string();
    let served = sister
        .http
        .get(format!("{}{thumbnail}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    let image = image::load_from_memory(&served.bytes().await.unwrap()).unwrap();
    assert_eq!((image.width(), image.height()), (160, 107));

    let mut stranger = Browser::sign_up(&server, "stranger").await;
    let page = stranger.get(&record).await;
    assert!(
        !page.body.contains("multipart/form-data"),
        "no form for others"
    );
    let token = csrf_of(&page.body);
    let refused = stranger
        .send_photo(&record, &token, common::png(50, 50))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let forged = sister
        .send_photo(&record, "forged", common::png(50, 50))
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let page = sister.get(&record).await;
    assert!(
        page.body.contains(&thumbnail),
        "refused uploads leave the photo as it was"
    );
}
