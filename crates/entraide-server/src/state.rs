//! What every request handler shares.

use crate::config::ServerConfig;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimits;
use entraide_bus::Hub;
use entraide_store::DynStore;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: DynStore,
    pub hub: Arc<Hub>,
    pub config: ServerConfig,
    pub metrics: Metrics,
    pub limits: RateLimits,
}

impl AppState {
    pub fn new(store: DynStore, config: ServerConfig) -> Self {
        let limits = RateLimits::new(&config);
        Self(Arc::new(Inner {
            store,
            hub: Arc::new(Hub::new()),
            config,
            metrics: Metrics::default(),
            limits,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
