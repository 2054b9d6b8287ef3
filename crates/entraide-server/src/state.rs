//! What every request handler shares.

use crate::config::ServerConfig;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimits;
use crate::trends::TrendsState;
use entraide_bus::Bus;
use entraide_core::{Crisis, CrisisId, MissingId};
use entraide_names::NameIndex;
use entraide_store::{DynStore, Session};
use moka::sync::Cache;
use std::sync::Arc;
use std::time::Duration;

/// How long a session read from the store is trusted without reading it again. A logout on
/// this instance takes effect at once; on another instance sharing the database, within this.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(10);

/// Sessions first used together (a crowd answering as a crisis begins) would expire
/// together, and be read again all at once: 10,000 people's marks waited up to 125 ms
/// behind that (`bench safety`'s open loop, 10 s into the run). Each session is trusted for
/// between half and all of `SESSION_CACHE_TTL` instead, spread by its token's hash.
struct SpreadSessionExpiry;

impl moka::Expiry<[u8; 32], Session> for SpreadSessionExpiry {
    fn expire_after_create(
        &self,
        token_hash: &[u8; 32],
        _: &Session,
        _: std::time::Instant,
    ) -> Option<Duration> {
        Some(spread_ttl(token_hash))
    }
}

fn spread_ttl(token_hash: &[u8; 32]) -> Duration {
    let spread = u32::from(u16::from_le_bytes([token_hash[0], token_hash[1]]));
    SESSION_CACHE_TTL / 2 + SESSION_CACHE_TTL / 2 * spread / 65_536
}
/// How long a crisis read from the store is trusted: a status changed on another instance
/// is seen within this. Every request of a Safety Check names its crisis, so this saves a
/// read (and a zone parse) per mark.
pub const CRISIS_CACHE_TTL: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: DynStore,
    pub bus: Bus,
    pub config: ServerConfig,
    pub metrics: Metrics,
    pub limits: RateLimits,
    /// Sessions by token hash: every authenticated request needs one.
    pub sessions: Cache<[u8; 32], Session>,
    pub crises: Cache<CrisisId, Crisis>,
    /// Open Doors: the search index of open offers, and the per-account limits.
    pub shelter: crate::ops::shelter::Shelter,
    /// What is rising near places, from the posts fed in.
    pub trends: TrendsState,
    /// The forgiving name search over live missing-person records: filled from the store
    /// when serving starts, updated after each committed change (and on other instances'
    /// word, through `Invalidation::MissingRecord`).
    pub missing_index: std::sync::RwLock<NameIndex<MissingId>>,
    /// Mail to followers, when SMTP is configured.
    pub mailer: crate::mail::Mailer,
}

impl AppState {
    /// The state with the bus the settings ask for: NATS when `nats_url` is set, else local;
    /// and, when `trends_nats_subject` is set too, counting the posts published there.
    pub async fn with_configured_bus(
        store: DynStore,
        config: ServerConfig,
    ) -> Result<Self, entraide_bus::nats::NatsError> {
        let bus = match &config.nats_url {
            Some(url) => Bus::nats(url, &config.nats_subject).await?,
            None => Bus::local(),
        };
        let state = Self::new(store, bus, config);
        if let (Some(url), Some(subject)) =
            (&state.config.nats_url, &state.config.trends_nats_subject)
        {
            // Dropping the handle detaches the task: the subscription lives as long as the
            // process, since it is the server's.
            drop(state.subscribe_posts(url, subject).await?);
        }
        Ok(state)
    }

    /// Within a Tokio runtime when SMTP is configured: the mail task starts here.
    pub fn new(store: DynStore, bus: Bus, config: ServerConfig) -> Self {
        let limits = RateLimits::new(&config);
        let metrics = Metrics::default();
        let mailer = crate::mail::Mailer::start(&config, store.clone(), metrics.mails.clone());
        let shelter = crate::ops::shelter::Shelter::new(&config);
        let trends = TrendsState::new(&config);
        Self(Arc::new(Inner {
            store,
            bus,
            config,
            metrics,
            limits,
            sessions: Cache::builder()
                .max_capacity(200_000)
                .expire_after(SpreadSessionExpiry)
                .build(),
            crises: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(CRISIS_CACHE_TTL)
                .build(),
            shelter,
            trends,
            missing_index: std::sync::RwLock::new(NameIndex::new()),
            mailer,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_spread_over_the_second_half_of_their_ttl() {
        let ttls: Vec<Duration> = (0..=255u8)
            .map(|b| spread_ttl(&[b.wrapping_mul(37), b, 0, 0].repeat(8).try_into().unwrap()))
            .collect();
        assert!(
            ttls.iter()
                .all(|t| *t >= SESSION_CACHE_TTL / 2 && *t < SESSION_CACHE_TTL)
        );
        let (shortest, longest) = (ttls.iter().min().unwrap(), ttls.iter().max().unwrap());
        assert!(
            *longest - *shortest > SESSION_CACHE_TTL * 4 / 10,
            "{shortest:?}..{longest:?}"
        );
    }
}
