//! entraide's HTTP server: the JSON API (`api`), the web pages (`pages`), live events over
//! Server-Sent Events, health and metrics. Both the API and the pages call the same
//! operations (`ops`), which hold the permission checks and tell people on the bus.

pub mod api;
pub mod auth;
mod client_ip;
pub mod config;
pub mod error;
mod feeds;
pub mod idempotency;
pub mod mail;
mod metrics;
mod ops;
pub mod pages;
mod ratelimit;
pub mod state;
pub mod trends;

pub use config::ServerConfig;
pub use ops::accounts::LoggedIn;
pub use ops::pfif::{IMPORT_BATCH, ImportSummary, PfifFormat};
pub use state::AppState;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// The whole application: API, pages, health and metrics.
pub fn app(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .nest("/api/v1", api::router())
        .merge(pages::router())
        .merge(feeds::router())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` resolves, then stops taking connections and lets the requests
/// in flight finish (live streams are closed: their clients reconnect elsewhere).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The search index starts as the store is: loaded before the first request.
    match state.load_shelter_index().await {
        Ok(offers) => tracing::info!(offers, "open doors index loaded"),
        Err(e) => return Err(std::io::Error::other(format!("loading open offers: {e}"))),
    }
    state
        .load_missing_index()
        .await
        .map_err(|e| std::io::Error::other(format!("loading the missing-person index: {e}")))?;
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let lapsing = tokio::spawn(lapse_shelter_requests(state.clone()));
    let forgetting = tokio::spawn(forget_what_changed_elsewhere(state.clone()));
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    housekeeping.abort();
    lapsing.abort();
    forgetting.abort();
    result
}

/// Forgets expired sessions, old idempotency records and idle rate-limit entries, and
/// wipes missing-person records whose expiry passed.
async fn housekeeping(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        let now = chrono::Utc::now();
        let before = now - chrono::Duration::hours(state.config.idempotency_hours.into());
        if let Err(e) = state.store.purge(now, before).await {
            tracing::warn!(error = %e, "housekeeping failed; will try again");
        }
        state.limits.shrink();
        state.shelter.shrink();
    }
}

/// Lapses requests for a place left unanswered too long, and tells the people waiting, so
/// they look elsewhere. Checks a few times per lapse period (at most every 30 s), so a
/// request lapses at most a quarter period late.
async fn lapse_shelter_requests(state: AppState) {
    let lapse = Duration::from_secs(state.config.shelter_lapse_seconds);
    let period = (lapse / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let mut every = tokio::time::interval(period);
    loop {
        every.tick().await;
        match state.lapse_shelter_requests().await {
            Ok(0) => {}
            Ok(lapsed) => tracing::info!(lapsed, "shelter requests lapsed"),
            Err(e) => tracing::warn!(error = %e, "lapsing shelter requests failed; will try again"),
        }
        if let Err(e) = state.expire_missing().await {
            tracing::warn!(error = %e, "expiring missing-person records failed; will try again");
        }
    }
}

/// Drops from the caches what another instance changed (see `entraide_bus::Invalidation`).
async fn forget_what_changed_elsewhere(state: AppState) {
    let mut invalidations = state.bus.invalidations();
    loop {
        match invalidations.recv().await {
            Ok(entraide_bus::Invalidation::Session(token_hash)) => {
                state.sessions.invalidate(&token_hash)
            }
            Ok(entraide_bus::Invalidation::Crisis(id)) => state.crises.invalidate(&id),
            Ok(entraide_bus::Invalidation::ShelterOffer(id)) => {
                if let Err(e) = state.refresh_offer(id).await {
                    tracing::warn!(error = %e, offer = %id, "refreshing an offer failed");
                }
            }
            Ok(entraide_bus::Invalidation::MissingRecord(id)) => {
                if let Err(e) = state.reindex_missing(&[id]).await {
                    tracing::warn!(error = %e, %id, "reindexing a missing-person record failed");
                }
            }
            // Missed some: forget everything rather than keep what may be stale.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                state.sessions.invalidate_all();
                state.crises.invalidate_all();
                if let Err(e) = state.load_shelter_index().await {
                    tracing::warn!(error = %e, "reloading the open doors index failed");
                }
                if let Err(e) = state.load_missing_index().await {
                    tracing::warn!(error = %e, "reloading the missing-person index failed");
                }
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    // Healthy means the database answers, not merely that the process is up.
    match state
        .store
        .crises(Some(entraide_core::CrisisStatus::Active))
        .await
    {
        Ok(_) => (
            axum::http::StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "store": state.store.backend()})),
        )
            .into_response(),
        Err(e) => error::AppError::from(e).into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(
        state.store.write_stats(),
        state.bus.hub().connected_accounts(),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

async fn count_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let response = next.run(request).await;
    let labels = metrics::RequestLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    state.metrics.requests.get_or_create(&labels).inc();
    response
}
