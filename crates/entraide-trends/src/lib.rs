//! Live trends: what is rising near a place, from a stream of posts.
//!
//! Pure: posts come in as text lines or values, answers go out as values; reading files,
//! sockets or buses is the caller's business, so the same engine runs in the server, the CLI,
//! and sharded by place cell.
//!
//! - [`post`]: one JSON line, our shape or a Twitter v1.1 status, into a [`Post`].
//! - [`sketch`]: Space-Saving heavy hitters with a stated error bound.
//! - [`intern`]: tags as reference-counted integer ids, recycled when no sketch holds them.
//! - [`engine`]: counts per H3 cell (three resolutions) and minute, trending and series queries.
//! - [`sim`]: a deterministic synthetic stream of the night of 13 November 2015 in Paris.
//! - [`intent`]: the lexicon saying which tags mean shelter, missing, safety or solidarity.
//!
//! ```
//! use entraide_trends::{Config, Trends, parse_post};
//!
//! let mut trends = Trends::new(Config::default());
//! for minute in 30..35 {
//!     let line = format!(
//!         r##"{{"id":"{minute}","text":"Abri dispo #PorteOuverte","created_at":"2015-11-13T21:{minute}:00Z","lat":48.8626,"lon":2.3795}}"##
//!     );
//!     trends.add(&parse_post(&line).unwrap());
//! }
//! let here = h3o::LatLng::new(48.86, 2.38).unwrap();
//! let at = "2015-11-13T21:35:00Z".parse().unwrap();
//! let top = trends.trending_near(here, 2.0, at, chrono::TimeDelta::minutes(15), 10);
//! assert_eq!((top[0].tag.as_str(), top[0].count, top[0].new), ("PorteOuverte", 5, true));
//! ```

mod cells;
pub mod engine;
pub mod intent;
pub mod intern;
pub mod post;
pub mod recent;
mod rng;
pub mod sim;
pub mod sketch;

pub use engine::{
    Added, Burst, Config, RESOLUTION, RESOLUTIONS, Stats, Trend, Trends, parse_window,
    resolution_for_radius,
};
pub use intent::{Intent, Lexicon};
pub use post::{Post, PostError, parse_post};
pub use sketch::{Entry, SpaceSaving};
