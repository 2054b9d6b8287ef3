//! Per-address limits on sign-up and log-in: the doors bots and password guessers knock on.

use crate::config::ServerConfig;
use crate::error::{AppError, AppResult};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct RateLimits {
    signups: DefaultKeyedRateLimiter<IpAddr>,
    logins: DefaultKeyedRateLimiter<IpAddr>,
}

impl RateLimits {
    pub fn new(config: &ServerConfig) -> Self {
        let at_least_one = |n: u32| NonZeroU32::new(n.max(1)).expect("max(1) is non-zero");
        Self {
            signups: RateLimiter::keyed(Quota::per_hour(at_least_one(config.signups_per_hour))),
            logins: RateLimiter::keyed(Quota::per_minute(at_least_one(config.logins_per_minute))),
        }
    }

    pub fn check_signup(&self, client: IpAddr) -> AppResult<()> {
        self.signups
            .check_key(&client)
            .map_err(|_| AppError::RateLimited)
    }

    pub fn check_login(&self, client: IpAddr) -> AppResult<()> {
        self.logins
            .check_key(&client)
            .map_err(|_| AppError::RateLimited)
    }

    /// Forgets addresses whose quota has refilled, so the maps stay small.
    pub fn shrink(&self) {
        self.signups.retain_recent();
        self.logins.retain_recent();
    }
}
