//! A real server on a random port over a fresh SQLite database in a temporary directory,
//! and a small client that speaks the API the way apps do.
#![allow(dead_code)] // each test binary uses a different part of the harness

use entraide_core::Role;
use entraide_server::{AppState, ServerConfig};
use entraide_store::Database;
use serde_json::{Value, json};
use std::net::SocketAddr;

pub struct TestServer {
    pub url: String,
    pub state: AppState,
    pub _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestServer {
    /// The Prometheus text of GET /metrics.
    pub async fn metrics(&self) -> String {
        reqwest::get(format!("{}/metrics", self.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// Limits high enough that a test signing up dozens of people from 127.0.0.1 isn't refused.
pub fn test_config() -> ServerConfig {
    ServerConfig {
        signups_per_hour: 10_000,
        logins_per_minute: 10_000,
        ..ServerConfig::default()
    }
}

pub async fn spawn() -> TestServer {
    spawn_with(test_config()).await
}

pub async fn spawn_with(config: ServerConfig) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let store = entraide_store::open(&Database::Sqlite(dir.path().to_path_buf()))
        .await
        .unwrap();
    spawn_on(store, entraide_bus::Bus::local(), config, dir).await
}

/// A server on the given store and bus (several instances share a database and a bus).
pub async fn spawn_on(
    store: entraide_store::DynStore,
    bus: entraide_bus::Bus,
    config: ServerConfig,
    dir: tempfile::TempDir,
) -> TestServer {
    serve_state(AppState::new(store, bus, config), dir).await
}

/// A server built as `entraide serve` builds it, with the bus and the subscriptions its
/// settings name (NATS when `nats_url` is set).
pub async fn spawn_configured(config: ServerConfig) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let store = entraide_store::open(&Database::Sqlite(dir.path().to_path_buf()))
        .await
        .unwrap();
    let state = AppState::with_configured_bus(store, config).await.unwrap();
    serve_state(state, dir).await
}

async fn serve_state(state: AppState, dir: tempfile::TempDir) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let served = state.clone();
    tokio::spawn(async move {
        entraide_server::serve(listener, served, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    TestServer {
        url: format!("http://{addr}"),
        state,
        _dir: dir,
        shutdown: Some(tx),
    }
}

/// One person using the API.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub token: Option<String>,
    pub handle: String,
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// The fields a validation error names, in the order the API gave them.
    pub fn error_fields(&self) -> Vec<&str> {
        self.body["error"]["fields"]
            .as_array()
            .expect("a validation error lists its fields")
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect()
    }
}

impl Client {
    pub fn anonymous(server: &TestServer) -> Self {
        Self {
            base: server.url.clone(),
            http: reqwest::Client::new(),
            token: None,
            handle: String::new(),
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body), None)
            .await
    }

    /// A POST carrying an `Idempotency-Key`, as a client that may retry sends it.
    pub async fn post_keyed(&self, path: &str, body: Value, key: &str) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body), Some(key))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(body), None)
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None, None).await
    }

    /// Signs up and logs in over the API.
    pub async fn sign_up(server: &TestServer, handle: &str) -> Self {
        let mut client = Self::anonymous(server);
        let r = client.post("/api/v1/accounts", json!({"handle": handle, "password": "correct horse battery", "display_name": handle})).await;
        assert_eq!(r.status, 201, "sign-up of {handle}: {}", r.body);
        client.log_in(handle).await;
        client
    }

    pub async fn log_in(&mut self, handle: &str) {
        let r = self
            .post(
                "/api/v1/sessions",
                json!({"handle": handle, "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(r.status, 201, "log-in of {handle}: {}", r.body);
        self.token = Some(r.body["token"].as_str().unwrap().to_string());
        self.handle = handle.to_string();
    }

    /// A responder: made the way an admin would (`entraide admin create`), then logged in.
    pub async fn responder(server: &TestServer, handle: &str) -> Self {
        server
            .state
            .sign_up(handle, "correct horse battery", handle, Role::Responder)
            .await
            .unwrap();
        let mut client = Self::anonymous(server);
        client.log_in(handle).await;
        client
    }

    /// Makes `self` and `other` mutual contacts.
    pub async fn befriend(&self, other: &Client) {
        let r = self
            .post("/api/v1/contacts", json!({"handle": other.handle}))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let r = other
            .post(
                &format!("/api/v1/contacts/{}/accept", self.handle),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

/// A circle of 1.5 km over Paris's 11th arrondissement, around the Bataclan.
pub fn eleventh_arrondissement() -> Value {
    json!({"center": [2.3708, 48.8631], "radius_m": 1500})
}

/// Creates and activates a crisis over the 11th; returns its id.
pub async fn active_crisis(responder: &Client) -> String {
    let r = responder
        .post("/api/v1/crises", json!({"title": "Attaques à Paris", "kind": "attack", "area": eleventh_arrondissement()}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = responder
        .post(&format!("/api/v1/crises/{id}/activate"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    id
}

/// A real PNG, made here: a gradient, so the encoder has work to do.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
