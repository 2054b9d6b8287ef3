//! Prometheus metrics. One registry per server (not a global), so tests can run many
//! servers in one process and each counts its own.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route template (/api/v1/crises/{id}), never the raw path: ids would explode the series.
    pub route: String,
    pub status: u16,
}

/// Posts fed to the trends, by where they came from and what became of them.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TrendsPostLabels {
    /// `http`, `nats` or `demo`.
    pub source: &'static str,
    /// `accepted`, `late`, `repeated` or `rejected`.
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MailLabels {
    /// sent, failed (the SMTP server refused or did not answer), dropped (the queue was
    /// full), withheld (the note was hidden before its mail went).
    pub outcome: &'static str,
}

/// The mails counted by outcome (`entraide_mails_total`): what the mail task holds.
#[derive(Clone, Default)]
pub struct MailOutcome(Family<MailLabels, Counter>);

impl MailOutcome {
    pub fn count(&self, outcome: &'static str, mails: u64) {
        self.0.get_or_create(&MailLabels { outcome }).inc_by(mails);
    }
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub trends_posts: Family<TrendsPostLabels, Counter>,
    pub mails: MailOutcome,
    pub live_streams: Gauge,
    marks: Gauge,
    mark_commits: Gauge,
    connected_accounts: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("entraide");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let trends_posts = Family::<TrendsPostLabels, Counter>::default();
        registry.register(
            "trends_posts",
            "Posts fed to the live trends, by source and outcome",
            trends_posts.clone(),
        );
        let mails = MailOutcome::default();
        registry.register(
            "mails",
            "Mails to followers of missing-person records, by outcome",
            mails.0.clone(),
        );
        let live_streams = Gauge::default();
        registry.register(
            "live_streams",
            "Server-Sent Event streams open",
            live_streams.clone(),
        );
        let marks = Gauge::default();
        registry.register(
            "safety_marks_committed",
            "Safety writes made durable since start",
            marks.clone(),
        );
        let mark_commits = Gauge::default();
        registry.register(
            "safety_commits",
            "Commits that carried safety writes since start (marks / commits = group commit ratio)",
            mark_commits.clone(),
        );
        let connected_accounts = Gauge::default();
        registry.register(
            "connected_accounts",
            "Accounts with a live stream open on this instance",
            connected_accounts.clone(),
        );
        Self {
            registry,
            requests,
            trends_posts,
            mails,
            live_streams,
            marks,
            mark_commits,
            connected_accounts,
        }
    }
}

impl Metrics {
    /// The Prometheus text format, with the store's and the hub's figures read now.
    pub fn render(
        &self,
        write_stats: entraide_store::WriteStats,
        connected_accounts: usize,
    ) -> String {
        self.marks.set(write_stats.marks as i64);
        self.mark_commits.set(write_stats.commits as i64);
        self.connected_accounts.set(connected_accounts as i64);
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}
