//! The trend engine inside the server: one [`Trends`] behind a lock, fed by POST /api/v1/posts,
//! read by the trends routes. Counting a batch holds the write lock for microseconds per post
//! (the engine counts millions of posts per second), so readers are not kept waiting.

use crate::config::ServerConfig;
use crate::error::{AppError, AppResult};
use entraide_trends::{Config, Lexicon, Trends};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::RwLock;

pub struct TrendsState {
    pub engine: RwLock<Trends>,
    /// Batches per minute per poster (the ingest token or a responder's account).
    batches: DefaultKeyedRateLimiter<String>,
}

/// The lexicon the settings name (`trends_lexicon`), or the built-in one.
pub fn load_lexicon(config: &ServerConfig) -> Result<Lexicon, String> {
    match &config.trends_lexicon {
        None => Ok(Lexicon::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("reading the lexicon {}: {e}", path.display()))?;
            Lexicon::from_toml(&text).map_err(|e| format!("the lexicon {}: {e}", path.display()))
        }
    }
}

impl TrendsState {
    pub fn new(config: &ServerConfig) -> Self {
        // `entraide serve` checks the lexicon before starting, so this fallback is only for
        // embedders that skipped that check; they get the built-in lexicon and a log line.
        let lexicon = load_lexicon(config).unwrap_or_else(|e| {
            tracing::error!("{e}; using the built-in lexicon");
            Lexicon::default()
        });
        let per_minute =
            NonZeroU32::new(config.trends_batches_per_minute.max(1)).expect("max(1) is non-zero");
        Self {
            engine: RwLock::new(Trends::with_lexicon(Config::default(), lexicon)),
            batches: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    pub fn check_rate(&self, poster: &str) -> AppResult<()> {
        self.batches
            .check_key(&poster.to_owned())
            .map_err(|_| AppError::RateLimited)
    }
}
