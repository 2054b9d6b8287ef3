//! The trend engine inside the server: one [`Trends`] behind a lock, fed by POST /api/v1/posts,
//! a NATS subject (`trends_nats_subject`) and `serve --demo`, all through
//! [`AppState::count_posts`]; read by the trends routes. Counting a batch holds the write lock
//! for microseconds per post (the engine counts millions of posts per second), so readers are
//! not kept waiting.

use crate::config::ServerConfig;
use crate::error::{AppError, AppResult};
use crate::metrics::TrendsPostLabels;
use crate::state::AppState;
use chrono::{DateTime, TimeDelta, Utc};
use entraide_bus::nats::NatsError;
use entraide_core::{Crisis, CrisisId, CrisisKind, CrisisStatus, Event, NewCrisis};
use entraide_geo::{Point, Zone};
use entraide_trends::{Added, Burst, Config, Lexicon, Trends};
use futures::StreamExt;
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
        let engine = Config {
            recent_ids: config.trends_recent_ids,
            ..Config::default()
        };
        Self {
            engine: RwLock::new(Trends::with_lexicon(engine, lexicon)),
            batches: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    pub fn check_rate(&self, poster: &str) -> AppResult<()> {
        self.batches
            .check_key(&poster.to_owned())
            .map_err(|_| AppError::RateLimited)
    }
}

/// Malformed lines listed in a [`Counted`]; beyond, only counted.
pub const LISTED_REJECTIONS: usize = 100;

/// Where posts came from, for the metric `entraide_trends_posts_total{source}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostSource {
    Http,
    Nats,
    Demo,
}

impl PostSource {
    fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Nats => "nats",
            Self::Demo => "demo",
        }
    }
}

/// What became of a batch of JSON lines.
#[derive(Debug, Default)]
pub struct Counted {
    pub accepted: u64,
    /// Older than the engine keeps: skipped.
    pub late: u64,
    /// Sent before (their id was among the recent ones): skipped.
    pub repeated: u64,
    pub rejected: u64,
    /// (line number from 1, why) of the first [`LISTED_REJECTIONS`] malformed lines.
    pub rejected_lines: Vec<(usize, String)>,
}

/// Crisis-intent tags in one neighbourhood cell over [`PROPOSAL_WINDOW_MINUTES`] from which a
/// crisis is proposed: a few dozen people posting #PorteOuverte or #Fusillade from the same
/// few km² is not chatter.
pub const PROPOSAL_MIN_POSTS: u64 = 30;
pub const PROPOSAL_WINDOW_MINUTES: i64 = 15;
/// The proposed zone: a circle around the cell's centre reaching past its edge.
const PROPOSAL_RADIUS_M: f64 = 2000.0;

/// The id of the proposal for `cell` in the hour of `at`: the same on every instance and
/// every retry, so a burst seen twice proposes once.
pub fn proposal_id(cell: h3o::CellIndex, at: DateTime<Utc>) -> CrisisId {
    let hour = at.timestamp().div_euclid(3600);
    let name = format!("entraide:trends-proposal:{cell}:{hour}");
    CrisisId(uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        name.as_bytes(),
    ))
}

impl AppState {
    /// Counts a batch of JSON lines (one post per line, our shape or Twitter v1.1), whatever
    /// brought it: a malformed line (not UTF-8, not a post) is counted with its line number
    /// and the next line is read. Then proposes crises from what the batch may have tipped
    /// over; the posts are counted whatever happens there, so a failure is logged.
    pub async fn count_posts(&self, batch: &[u8], source: PostSource) -> Counted {
        let mut counted = Counted::default();
        {
            let mut engine = self.trends.engine.write().expect("trends lock");
            for (index, line) in batch.split(|&b| b == b'\n').enumerate() {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let added = std::str::from_utf8(line)
                    .map_err(|e| format!("not UTF-8: {e}"))
                    .and_then(|line| engine.add_line(line).map_err(|e| e.to_string()));
                match added {
                    Ok(Added::Counted) => counted.accepted += 1,
                    Ok(Added::Late) => counted.late += 1,
                    Ok(Added::Repeated) => counted.repeated += 1,
                    Err(message) => {
                        counted.rejected += 1;
                        if counted.rejected_lines.len() < LISTED_REJECTIONS {
                            counted.rejected_lines.push((index + 1, message));
                        }
                    }
                }
            }
        }
        for (outcome, n) in [
            ("accepted", counted.accepted),
            ("late", counted.late),
            ("repeated", counted.repeated),
            ("rejected", counted.rejected),
        ] {
            if n > 0 {
                self.metrics
                    .trends_posts
                    .get_or_create(&TrendsPostLabels {
                        source: source.as_str(),
                        outcome,
                    })
                    .inc_by(n);
            }
        }
        if counted.accepted > 0
            && let Err(e) = self.propose_from_bursts().await
        {
            tracing::error!("proposing crises from the trends: {e}");
        }
        counted
    }

    /// Subscribes to `subject` on the NATS server at `url` and counts each message's payload
    /// as a batch of JSON lines ([`AppState::count_posts`]). Malformed lines are logged with
    /// their number and never end the subscription; the client reconnects by itself.
    pub async fn subscribe_posts(
        &self,
        url: &str,
        subject: &str,
    ) -> Result<tokio::task::JoinHandle<()>, NatsError> {
        let (client, mut messages) = entraide_bus::nats::subscribe(url, subject).await?;
        // Once the server has the subscription, nothing published after this returns is
        // missed; should the flush fail, the client subscribes again when it reconnects.
        if let Err(e) = client.flush().await {
            tracing::warn!(subject, "subscribing to posts on NATS: {e}");
        }
        let state = self.clone();
        let task_subject = subject.to_owned();
        let task = tokio::spawn(async move {
            let subject = task_subject.as_str();
            // Holding the client keeps the connection open as long as the subscription.
            let _client = client;
            while let Some(message) = messages.next().await {
                let counted = state.count_posts(&message.payload, PostSource::Nats).await;
                for (line, why) in &counted.rejected_lines {
                    tracing::warn!(subject, line, "a malformed post on NATS: {why}");
                }
                let unlisted = counted.rejected as usize - counted.rejected_lines.len();
                if unlisted > 0 {
                    tracing::warn!(subject, "{unlisted} more malformed posts in one message");
                }
            }
            tracing::warn!(subject, "the NATS subscription to posts ended");
        });
        tracing::info!(subject, "counting posts from NATS");
        Ok(task)
    }

    /// Proposes a crisis for each neighbourhood where crisis-intent tags are bursting and no
    /// crisis is proposed or active yet, and tells the responders. A proposal asks nobody
    /// and only responders see it (`visible_crisis`); they activate or retract it.
    /// Returns the proposals made by this call.
    pub async fn propose_from_bursts(&self) -> AppResult<Vec<Crisis>> {
        let (at, bursts) = {
            let engine = self.trends.engine.read().expect("trends lock");
            let Some(at) = engine.newest() else {
                return Ok(Vec::new());
            };
            let window = TimeDelta::minutes(PROPOSAL_WINDOW_MINUTES);
            (at, engine.crisis_bursts(at, window, PROPOSAL_MIN_POSTS))
        };
        if bursts.is_empty() {
            return Ok(Vec::new());
        }
        let mut standing = self.store.crises(Some(CrisisStatus::Proposed)).await?;
        standing.extend(self.store.crises(Some(CrisisStatus::Active)).await?);
        let mut made = Vec::new();
        for burst in bursts {
            let centre = h3o::LatLng::from(burst.cell);
            let Ok(point) = Point::new(centre.lng(), centre.lat()) else {
                continue;
            };
            // One crisis per place: a responder's own, or an earlier hour's proposal, covers it.
            if standing.iter().any(|c| c.zone.contains(point)) {
                continue;
            }
            let crisis = proposal(&burst, point, at).into_proposed(
                proposal_id(burst.cell, at),
                None,
                Utc::now(),
            );
            match self.store.create_crisis(&crisis).await {
                Ok(()) => {}
                // Another instance, or a batch racing this one, made it first and told.
                Err(entraide_store::StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
            let responders = self.store.responder_ids().await?;
            self.tell(
                &responders,
                Event::CrisisProposed {
                    crisis_id: crisis.id,
                    title: crisis.title.clone(),
                },
            )
            .await?;
            standing.push(crisis.clone());
            made.push(crisis);
        }
        Ok(made)
    }
}

/// The proposed crisis, its evidence (cell, tags, counts, baselines) in its description.
fn proposal(burst: &Burst, centre: Point, at: DateTime<Utc>) -> NewCrisis {
    let tags: Vec<String> = burst
        .trends
        .iter()
        .take(3)
        .map(|t| format!("#{}", t.tag))
        .collect();
    let mut title = format!("Burst of posts: {}", tags.join(" "));
    if title.chars().count() > 120 {
        title = title.chars().take(119).collect::<String>() + "…";
    }
    let mut description = format!(
        "Proposed automatically: {} crisis-intent tag uses in the {} minutes to {} in H3 cell {} \
         (resolution {}), around {:.4}, {:.4}. Confirm it or retract it.\n",
        burst.posts,
        PROPOSAL_WINDOW_MINUTES,
        at.to_rfc3339(),
        burst.cell,
        u8::from(burst.cell.resolution()),
        centre.lat,
        centre.lon,
    );
    for t in burst.trends.iter().take(20) {
        description.push_str(&format!(
            "#{}: {} (baseline {:.1}, {}{})\n",
            t.tag,
            t.count,
            t.baseline,
            t.intent.map_or("", |i| i.as_str()),
            if t.new { ", new" } else { "" }
        ));
    }
    NewCrisis {
        title,
        description: description.chars().take(4000).collect(),
        kind: CrisisKind::from_trusted("trends".to_owned()),
        zone: Zone::Circle {
            center: centre,
            radius_m: PROPOSAL_RADIUS_M,
        },
        starts_at: at,
        expires_at: None,
    }
}
