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

    /// Open Doors: a request for a place left unanswered this long (seconds) lapses, and
    /// the person is told to look elsewhere.
    #[arg(long, env = "ENTRAIDE_SHELTER_LAPSE_SECONDS", default_value_t = 20 * 60)]
    pub shelter_lapse_seconds: u64,

    /// Open Doors: reports from this many different people hide an offer until a
    /// responder reviews it.
    #[arg(long, env = "ENTRAIDE_SHELTER_REPORTS_TO_HIDE", default_value_t = 3)]
    pub shelter_reports_to_hide: u32,

    /// Open Doors: offers a host may publish per hour.
    #[arg(long, env = "ENTRAIDE_SHELTER_OFFERS_PER_HOUR", default_value_t = 5)]
    pub shelter_offers_per_hour: u32,

    /// Open Doors: requests for a place a person may make per hour.
    #[arg(long, env = "ENTRAIDE_SHELTER_REQUESTS_PER_HOUR", default_value_t = 30)]
    pub shelter_requests_per_hour: u32,

    /// Open Doors: a new account may publish an offer only once it has a mutual contact or
    /// a responder's approval (bots and predators open accounts by the dozen).
    #[arg(
        long,
        env = "ENTRAIDE_SHELTER_HOSTS_NEED_VOUCHING",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub shelter_hosts_need_vouching: bool,
    /// A secret that lets a feed (a crawler, a bridge) POST batches of public posts to
    /// /api/v1/posts as `Authorization: Bearer <token>`; responders may post without it.
    /// Unset: only responders may post.
    #[arg(long, env = "ENTRAIDE_TRENDS_INGEST_TOKEN")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trends_ingest_token: Option<String>,

    /// Batches of posts accepted per minute from each poster (the token, or each responder).
    #[arg(
        long,
        env = "ENTRAIDE_TRENDS_BATCHES_PER_MINUTE",
        default_value_t = 600
    )]
    pub trends_batches_per_minute: u32,

    /// An intent lexicon (TOML) replacing the built-in French and English one; see
    /// crates/entraide-trends/data/lexicon.toml for the format.
    #[arg(long, env = "ENTRAIDE_TRENDS_LEXICON")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trends_lexicon: Option<std::path::PathBuf>,

    /// The largest batch POST /api/v1/posts accepts, in bytes (posts are counted, not stored).
    #[arg(long, env = "ENTRAIDE_TRENDS_MAX_BATCH_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub trends_max_batch_bytes: usize,

    /// A NATS subject on the `nats_url` server whose messages are posts to count: each
    /// message holds one or more JSON lines, read like a POST /api/v1/posts batch. Unset: none.
    #[arg(long, env = "ENTRAIDE_TRENDS_NATS_SUBJECT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trends_nats_subject: Option<String>,

    /// A post whose id was among about this many recent ids is a repeat (a retry, a
    /// redelivery, overlapping archives) and is not counted again; 0 counts every copy.
    #[arg(long, env = "ENTRAIDE_TRENDS_RECENT_IDS", default_value_t = 100_000)]
    pub trends_recent_ids: usize,

    /// The PFIF domain of this registry: our missing-person records are exported as
    /// `<domain>/person.<id>`, and an import naming that domain refers to our own records.
    #[arg(
        long,
        env = "ENTRAIDE_PFIF_DOMAIN",
        default_value = "entraide.localhost"
    )]
    pub pfif_domain: String,

    /// How long a missing-person record lives unless its reporter says otherwise, in days.
    /// Partners (another registry, a newsroom's desk) that may POST PFIF to /api/v1/pfif
    /// without an account, each as `DOMAIN=KEY`, comma-separated. `Authorization: Bearer KEY`
    /// then imports only the records whose ids are under `DOMAIN/`, as Person Finder's API
    /// keys do; responders import any. A key is at least 16 characters. Unset: responders only.
    #[arg(long, env = "ENTRAIDE_PFIF_API_KEYS", value_delimiter = ',')]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pfif_api_keys: Vec<String>,

    /// The largest PFIF document POST /api/v1/pfif takes, in bytes (held in memory while it
    /// is imported); larger files go through `entraide pfif import`, which streams.
    #[arg(long, env = "ENTRAIDE_PFIF_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub pfif_max_body_bytes: usize,

    /// PFIF requires an expiry date; after it only a placeholder remains.
    #[arg(long, env = "ENTRAIDE_MISSING_EXPIRY_DAYS", default_value_t = 365)]
    pub missing_expiry_days: u32,

    /// An SMTP server for mailing the followers of a missing-person record its new notes:
    /// smtp://host:port (plain, a local relay), smtp://user:password@host:587?tls=required
    /// (STARTTLS) or smtps://user:password@host (TLS). Unset: no mail is sent.
    #[arg(long, env = "ENTRAIDE_SMTP_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,

    /// The From address of those mails, e.g. "entraide <noreply@entraide.example.org>".
    #[arg(
        long,
        env = "ENTRAIDE_SMTP_FROM",
        default_value = "entraide <noreply@entraide.localhost>"
    )]
    pub smtp_from: String,
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

/// The shortest PFIF partner key accepted: shorter ones could be guessed.
const PFIF_KEY_MIN_CHARS: usize = 16;

impl ServerConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The (domain, key) pairs of `pfif_api_keys`; an error says which entry is wrong.
    /// `serve` checks them before starting.
    pub fn pfif_partners(&self) -> Result<Vec<(&str, &str)>, String> {
        self.pfif_api_keys
            .iter()
            .enumerate()
            .map(|(n, entry)| match entry.split_once('=') {
                Some((domain, key))
                    if !domain.trim().is_empty()
                        && key.trim().chars().count() >= PFIF_KEY_MIN_CHARS =>
                {
                    Ok((domain.trim(), key.trim()))
                }
                // Named by position: the entry may hold a key, never printed.
                _ => Err(format!(
                    "pfif_api_keys: entry {} is not DOMAIN=KEY with a key of at least \
                     {PFIF_KEY_MIN_CHARS} characters",
                    n + 1
                )),
            })
            .collect()
    }

    /// The domain whose records the key `sent` may import, if it is a partner's key.
    pub fn pfif_partner_domain(&self, sent: &str) -> Option<&str> {
        self.pfif_partners()
            .ok()?
            .into_iter()
            .find(|(_, key)| crate::auth::is_secret(sent, key))
            .map(|(domain, _)| domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_keys_are_domain_and_key_and_an_error_never_shows_a_key() {
        let config = ServerConfig {
            pfif_api_keys: vec![
                "partner.example.org=0123456789abcdef".into(),
                " spaced.example.org = fedcba9876543210 ".into(),
            ],
            ..ServerConfig::default()
        };
        assert_eq!(
            config.pfif_partners().unwrap(),
            [
                ("partner.example.org", "0123456789abcdef"),
                ("spaced.example.org", "fedcba9876543210")
            ]
        );
        assert_eq!(
            config.pfif_partner_domain("fedcba9876543210"),
            Some("spaced.example.org")
        );
        assert_eq!(config.pfif_partner_domain("0123456789abcde"), None);

        for bad in [
            "short.example.org=tooshort",
            "=0123456789abcdef",
            "0123456789abcdefgh",
        ] {
            let config = ServerConfig {
                pfif_api_keys: vec!["fine.example.org=0123456789abcdef".into(), bad.into()],
                ..ServerConfig::default()
            };
            let error = config.pfif_partners().unwrap_err();
            assert!(error.contains("entry 2"), "{error}");
            let key = bad.split('=').next_back().unwrap();
            assert!(!error.contains(key), "{error} shows {key}");
            // A list with a wrong entry opens nothing.
            assert_eq!(config.pfif_partner_domain("0123456789abcdef"), None);
        }
    }
}
