//! The server's settings. Each is declared once, here, with its default and its doc: clap
//! reads it from a flag or an `ENTRAIDE_*` variable, serde from the TOML file, and
//! `entraide config` prints it.

use clap::Args;
use serde::{Deserialize, Serialize};

#[derive(Args, Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    /// The address the server is reached at, e.g. https://entraide.example.org. Cookies are
    /// marked Secure when it starts with https.
    #[arg(
        long,
        env = "ENTRAIDE_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,

    /// How long a login lasts, in days.
    #[arg(long, env = "ENTRAIDE_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,

    /// Sign-ups allowed per client address per hour (bots register in bulk).
    #[arg(long, env = "ENTRAIDE_SIGNUPS_PER_HOUR", default_value_t = 20)]
    pub signups_per_hour: u32,

    /// Log-in attempts allowed per client address per minute (password guessing).
    #[arg(long, env = "ENTRAIDE_LOGINS_PER_MINUTE", default_value_t = 10)]
    pub logins_per_minute: u32,

    /// Trust the X-Forwarded-For header for the client address: only behind a proxy that sets it.
    #[arg(long, env = "ENTRAIDE_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// The largest request body accepted, in bytes.
    #[arg(long, env = "ENTRAIDE_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,

    /// A NATS server (nats://host:4222) through which several instances sharing one
    /// database tell each other's connected people of marks at once. Leave unset for one instance.
    #[arg(long, env = "ENTRAIDE_NATS_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nats_url: Option<String>,

    /// The NATS subject the instances of one deployment share.
    #[arg(long, env = "ENTRAIDE_NATS_SUBJECT", default_value = "entraide.events")]
    pub nats_subject: String,

    /// How long a response is kept for replay to a retry with the same Idempotency-Key, in hours.
    #[arg(long, env = "ENTRAIDE_IDEMPOTENCY_HOURS", default_value_t = 24)]
    pub idempotency_hours: u32,

    /// The PFIF domain of this registry: our missing-person records are exported as
    /// `<domain>/person.<id>`, and an import naming that domain refers to our own records.
    #[arg(
        long,
        env = "ENTRAIDE_PFIF_DOMAIN",
        default_value = "entraide.localhost"
    )]
    pub pfif_domain: String,

    /// How long a missing-person record lives unless its reporter says otherwise, in days.
    /// PFIF requires an expiry date; after it only a placeholder remains.
    #[arg(long, env = "ENTRAIDE_MISSING_EXPIRY_DAYS", default_value_t = 365)]
    pub missing_expiry_days: u32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            config: ServerConfig,
        }
        // The defaults are the ones declared on the fields above, and nowhere else.
        <Defaults as clap::Parser>::parse_from(["entraide"]).config
    }
}

impl ServerConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
