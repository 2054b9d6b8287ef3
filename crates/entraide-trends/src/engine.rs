//! Counts of tags per place cell and minute, and what is rising against its own baseline.

use crate::cells::CellFinder;
use crate::intent::{Intent, Lexicon};
use crate::intern::{Interner, TagId};
use crate::post::Post;
use crate::recent::RecentIds;
use crate::sketch::{KeyRefs, Map, SpaceSaving};
use chrono::{DateTime, TimeDelta, Utc};
use entraide_geo::{Point, Zone};
use entraide_text::{hashtag_tags_into, tag_key};
use h3o::{CellIndex, LatLng, Resolution};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// H3 resolution 7: cells of about 5 km², fine enough to tell the 10th arrondissement from the
/// 11th's east side, coarse enough that a cell sees more than a handful of posts a minute.
pub const RESOLUTION: Resolution = Resolution::Seven;

/// Every located post is counted in its cell at each of these resolutions, finest first:
/// 7 (edge 1.4 km) for a neighbourhood, 5 (edge 9.9 km, ~250 km²) for a city, 3 (edge 69 km,
/// ~12 000 km²) for a region. A query reads the coarsest whose edge is at most a third of its
/// radius, so a 30 km query reads a few dozen res-5 cells instead of ~1 500 res-7 cells, and a
/// 400 km one a few dozen res-3 cells.
pub const RESOLUTIONS: [Resolution; 3] = [Resolution::Seven, Resolution::Five, Resolution::Three];

/// The resolution a query of `radius_km` reads (see [`RESOLUTIONS`]).
pub fn resolution_for_radius(radius_km: f64) -> Resolution {
    RESOLUTIONS
        .iter()
        .rev()
        .copied()
        .find(|r| r.edge_length_km() * 3.0 <= radius_km)
        .unwrap_or(RESOLUTION)
}

/// Tunables. Memory is bounded by [`Config::max_entries`] sketch entries whatever the stream.
///
/// # Error bound
///
/// Each (cell, minute) sketch of capacity `k` that has counted `N` tag occurrences reports
/// every tag within `ceil(N / k)` of its true count (over when the tag is held, under when it
/// is not; see [`crate::sketch`]). A trend's `count` sums sketches, so it is within
/// [`Trend::error`] — the sum of those bounds over the sketches read — of the exact count of
/// posts with that tag in the cells and minutes read. While a sketch holds at most `k`
/// distinct tags it is exact, which is the usual case for a res-7 cell minute.
#[derive(Clone, Debug)]
pub struct Config {
    /// Space-Saving capacity `k` of each res-7 (cell, minute) sketch.
    pub capacity: usize,
    /// Capacity of each res-5 and res-3 (cell, minute) sketch: they see many more tags.
    pub coarse_capacity: usize,
    /// Capacity of each minute of the global area, which sees every post.
    pub global_capacity: usize,
    /// Minutes kept behind the newest post's minute; older posts are late and skipped.
    pub retention_minutes: i64,
    /// Cells kept; beyond it the least recently touched are dropped.
    pub max_cells: usize,
    /// Windows before the query window averaged into a tag's baseline.
    pub baseline_windows: i64,
    /// A tag seen fewer times than this in the window is noise, not a trend.
    pub min_count: u64,
    /// Post ids remembered to drop a post sent again: duplicates within about the last this
    /// many ids are dropped (see [`crate::recent`]); 0 counts every post.
    pub recent_ids: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            capacity: 32,
            coarse_capacity: 128,
            global_capacity: 1024,
            retention_minutes: 180,
            max_cells: 20_000,
            baseline_windows: 4,
            min_count: 3,
            recent_ids: 100_000,
        }
    }
}

impl Config {
    /// The most sketch entries an engine with this configuration ever holds: every held cell
    /// (at any resolution) with a full sketch for every minute kept, plus the global area.
    pub fn max_entries(&self) -> usize {
        let minutes = self.retention_minutes.max(0) as usize;
        self.max_cells * minutes * self.capacity.max(self.coarse_capacity)
            + minutes * self.global_capacity
    }
}

/// A tag rising in an area.
#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    /// The spelling most used for this tag in the window.
    pub tag: String,
    /// Posts with the tag in the window (an upper estimate, see [`crate::sketch`]).
    pub count: u64,
    /// Mean count per window over the `baseline_windows` windows before it.
    pub baseline: f64,
    /// `(count - baseline) / sqrt(baseline + 1)`: how far the window is above the tag's usual
    /// level, in units of a Poisson standard deviation of that level. A steady tag scores
    /// about 0 however big it is; a tag going from 0 to 20 scores 20; the `+ 1` keeps tags
    /// with no history from dividing by zero and damps bursts of two or three posts.
    pub score: f64,
    /// Seen little or not at all before the window: all baseline windows together hold at most
    /// a tenth of the window's count.
    pub new: bool,
    /// What people using the tag want (see [`crate::intent`]), if the lexicon knows it.
    pub intent: Option<Intent>,
    /// `count` is within this of the exact count (see [`Config`]'s error bound).
    pub error: u64,
}

impl Trend {
    /// The JSON shape the CLI and the API print: `{"tag", "count", "baseline", "score",
    /// "intent", "new"}`, baseline and score to two decimals.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "tag": self.tag,
            "count": self.count,
            "baseline": (self.baseline * 100.0).round() / 100.0,
            "score": (self.score * 100.0).round() / 100.0,
            "intent": self.intent,
            "new": self.new,
        })
    }
}

/// What the engine has seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Posts counted (with or without tags).
    pub posts: u64,
    /// Posts older than the oldest minute kept, skipped.
    pub late: u64,
    /// Posts whose id was among the recent ones, skipped.
    pub repeated: u64,
    /// Cells dropped to stay under `max_cells`.
    pub evicted_cells: u64,
}

/// Index of a sketch in [`Sketches`].
type SketchId = u32;

#[derive(Debug)]
struct Area {
    /// (minute since the epoch, its counts), in minute order. Posts come nearly in order, so
    /// the minute wanted is almost always the last, and the oldest goes first when pruned.
    buckets: VecDeque<(i64, SketchId)>,
    /// Engine clock at the last post counted here, for least-recently-touched eviction.
    touched: u64,
}

impl Area {
    fn new() -> Self {
        Self {
            buckets: VecDeque::new(),
            touched: 0,
        }
    }

    /// Sketches of the minutes after `after`, up to `upto` included.
    fn in_range(&self, after: i64, upto: i64) -> impl Iterator<Item = SketchId> + '_ {
        let first = self.buckets.partition_point(|&(m, _)| m <= after);
        self.buckets
            .range(first..)
            .take_while(move |&&(m, _)| m <= upto)
            .map(|&(_, id)| id)
    }

    /// Position of `minute` in `buckets`: `Ok` if it is there, else where it goes. The newest
    /// (counting) and the oldest (pruning) are looked at before searching.
    fn find(&self, minute: i64) -> Result<usize, usize> {
        match (self.buckets.front(), self.buckets.back()) {
            (_, Some(&(last, _))) if last == minute => Ok(self.buckets.len() - 1),
            (_, Some(&(last, _))) if last < minute => Err(self.buckets.len()),
            (Some(&(first, _)), _) if first == minute => Ok(0),
            _ => self.buckets.binary_search_by_key(&minute, |&(m, _)| m),
        }
    }
}

/// Every sketch of the engine, and the ones whose minute aged out, kept emptied for the next
/// minutes rather than freed: a new (cell, minute) then allocates nothing. Spares are kept by
/// capacity, so a global sketch's room is never handed to a small cell, and there are never
/// more sketches than the most held at once.
#[derive(Debug, Default)]
struct Sketches {
    all: Vec<SpaceSaving<TagId>>,
    spare: Vec<(usize, Vec<SketchId>)>,
}

impl Sketches {
    fn make(&mut self, capacity: usize) -> SketchId {
        if let Some(id) = self
            .spare
            .iter_mut()
            .find(|(c, _)| *c == capacity)
            .and_then(|(_, ids)| ids.pop())
        {
            return id;
        }
        let id = SketchId::try_from(self.all.len()).expect("fewer sketches than u32::MAX");
        self.all.push(SpaceSaving::new(capacity));
        id
    }

    /// Empties sketch `id`, releasing its tags, and keeps it for reuse.
    fn free(&mut self, id: SketchId, tags: &mut Interner) {
        let sketch = &mut self.all[id as usize];
        let capacity = sketch.capacity();
        sketch.reset(capacity, tags);
        match self.spare.iter_mut().find(|(c, _)| *c == capacity) {
            Some((_, ids)) => ids.push(id),
            None => self.spare.push((capacity, vec![id])),
        }
    }

    fn get(&self, id: SketchId) -> &SpaceSaving<TagId> {
        &self.all[id as usize]
    }
}

/// The sketch counting `minute` in `area`, made if missing (then recorded in `by_minute` under
/// `cell` if given, for pruning).
fn bucket(
    area: &mut Area,
    minute: i64,
    capacity: usize,
    sketches: &mut Sketches,
    recorded: Option<(CellIndex, &mut BTreeMap<i64, Vec<CellIndex>>)>,
) -> SketchId {
    match area.find(minute) {
        Ok(i) => area.buckets[i].1,
        Err(i) => {
            let id = sketches.make(capacity);
            area.buckets.insert(i, (minute, id));
            if let Some((cell, by_minute)) = recorded {
                by_minute.entry(minute).or_default().push(cell);
            }
            id
        }
    }
}

/// Live trends: feed posts with [`Trends::add`], ask with [`Trends::trending_near`].
#[derive(Debug)]
pub struct Trends {
    cfg: Config,
    lexicon: Lexicon,
    cells: HashMap<CellIndex, Area, foldhash::fast::RandomState>,
    global: Area,
    /// Minute → cells holding a bucket for it, so dropping a minute visits only those cells,
    /// not every cell held (which made pruning most of the ingest time).
    cells_by_minute: BTreeMap<i64, Vec<CellIndex>>,
    newest_minute: Option<i64>,
    clock: u64,
    stats: Stats,
    recent: RecentIds,
    /// Tags of the sketches and of the post being counted, as ids.
    tags: Interner,
    sketches: Sketches,
    /// Scratch space of [`Trends::add_tags`], kept to spare an allocation per post: the
    /// (spelling, key) of each distinct tag of the post.
    post_tags: Vec<(TagId, TagId)>,
    /// Scratch space of [`Trends::add_line`] for a post's hashtags, kept empty between posts.
    post_hashtags: Vec<&'static str>,
    /// Places to their [`RESOLUTION`] cell, remembering recent cells.
    cell_finder: CellFinder,
}

/// What became of a post handed to [`Trends::add`] or [`Trends::add_line`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Counted,
    /// Older than the oldest minute kept: skipped.
    Late,
    /// Its id was among the recent ones (see [`Config::recent_ids`]): skipped.
    Repeated,
}

/// A neighbourhood where crisis-intent tags are rising (see [`Trends::crisis_bursts`]).
#[derive(Clone, Debug)]
pub struct Burst {
    /// The H3 cell, at resolution [`RESOLUTION`].
    pub cell: CellIndex,
    /// Occurrences of the rising crisis-intent tags in the window (a post with two such
    /// tags counts twice).
    pub posts: u64,
    /// Those tags, best first.
    pub trends: Vec<Trend>,
}

/// Tags counted over some areas in a window of minutes, before their baseline is read.
struct Counts {
    /// The window's last minute (minutes since the epoch), and its length.
    end: i64,
    minutes: i64,
    /// Counting key → (count, the spelling most used, that spelling's best count in one
    /// sketch).
    tags: Map<TagId, (u64, TagId, u64)>,
    /// The sum of the error bounds of the sketches read (see [`Trend::error`]).
    error: u64,
}

/// Reads a query window: `15m`, `90m`, `1h` (minutes or hours, 1 minute to 3 hours, the
/// default retention), as the CLI and the API take it.
pub fn parse_window(s: &str) -> Result<TimeDelta, String> {
    let bad = || format!("window {s:?} is not a duration like 15m or 1h (1 minute to 3 hours)");
    let (number, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| bad())?;
    let minutes = match unit {
        "m" => n,
        "h" => n.checked_mul(60).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    if !(1..=180).contains(&minutes) {
        return Err(bad());
    }
    Ok(TimeDelta::minutes(minutes))
}

/// `vec`'s memory, emptied, as a vector of another type of the same size and alignment
/// (here the same type under another lifetime): collecting an empty vector's items into such a
/// type reuses its allocation, so a post's scratch vector is allocated once per engine.
fn reuse<T, U>(mut vec: Vec<T>) -> Vec<U> {
    vec.clear();
    vec.into_iter().map(|_| unreachable!("emptied")).collect()
}

fn minute_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

fn time_of(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(minute * 60, 0).unwrap_or_default()
}

impl Trends {
    /// An engine classifying tags with the default lexicon.
    pub fn new(cfg: Config) -> Self {
        Self::with_lexicon(cfg, Lexicon::default())
    }

    pub fn with_lexicon(cfg: Config, lexicon: Lexicon) -> Self {
        Self {
            recent: RecentIds::new(cfg.recent_ids),
            cfg,
            lexicon,
            cells: HashMap::default(),
            global: Area::new(),
            cells_by_minute: BTreeMap::new(),
            newest_minute: None,
            clock: 0,
            stats: Stats::default(),
            tags: Interner::default(),
            sketches: Sketches::default(),
            post_tags: Vec::new(),
            post_hashtags: Vec::new(),
            cell_finder: CellFinder::new(RESOLUTION),
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The newest minute counted, as a time: "now" for a replayed archive.
    pub fn newest(&self) -> Option<DateTime<Utc>> {
        self.newest_minute.map(time_of)
    }

    /// Cells currently held, all resolutions together.
    pub fn cell_count(&self) -> usize {
        self.cells.len()
    }

    /// Sketch entries currently held, cells and global area together: the memory that grows
    /// with the stream, bounded by the [`Config`].
    pub fn entry_count(&self) -> usize {
        let area = |a: &Area| {
            a.buckets
                .iter()
                .map(|&(_, id)| self.sketches.get(id).len())
                .sum::<usize>()
        };
        self.cells.values().map(area).sum::<usize>() + area(&self.global)
    }

    /// Counts a post's hashtags, unless it is late or its id was counted lately.
    pub fn add(&mut self, post: &Post) -> Added {
        self.add_identified(&post.id, minute_of(post.created_at), post.place, &post.text)
    }

    /// Parses one JSON line (see [`crate::parse_post`]) and counts it like [`Trends::add`]:
    /// the hot path of a stream, which borrows the fields it needs from the line instead of
    /// copying them.
    pub fn add_line(&mut self, line: &str) -> Result<Added, crate::PostError> {
        if let Some(fields) = crate::post::scan(line) {
            return Ok(self.add_identified(
                &fields.id,
                fields.seconds.div_euclid(60),
                fields.place,
                &fields.text,
            ));
        }
        Ok(self.add(&crate::parse_post(line)?))
    }

    fn add_identified(
        &mut self,
        id: &str,
        minute: i64,
        place: Option<LatLng>,
        text: &str,
    ) -> Added {
        if self.is_late(minute) {
            self.stats.late += 1;
            return Added::Late;
        }
        if self.recent.seen(id) {
            self.stats.repeated += 1;
            return Added::Repeated;
        }
        // The vector of the previous post, lent for this post's tags.
        let mut tags: Vec<&str> = reuse(std::mem::take(&mut self.post_hashtags));
        hashtag_tags_into(text, &mut tags);
        let counted = self.add_tags_in_minute(minute, place, tags.iter().copied());
        debug_assert!(counted, "checked not late above");
        self.post_hashtags = reuse(tags);
        Added::Counted
    }

    fn is_late(&self, minute: i64) -> bool {
        self.newest_minute
            .is_some_and(|newest| minute <= newest - self.cfg.retention_minutes)
    }

    /// Counts tags (raw spellings, without `#`) posted at `at` from `place`, by a post
    /// without an id (so never taken for a repeat). A tag repeated in one post counts once: a
    /// post is one voice. Returns `false` if the post was late.
    pub fn add_tags<'a>(
        &mut self,
        at: DateTime<Utc>,
        place: Option<LatLng>,
        tags: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        self.add_tags_in_minute(minute_of(at), place, tags)
    }

    fn add_tags_in_minute<'a>(
        &mut self,
        minute: i64,
        place: Option<LatLng>,
        tags: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        if self.is_late(minute) {
            self.stats.late += 1;
            return false;
        }
        if self.newest_minute.is_none_or(|newest| minute > newest) {
            self.newest_minute = Some(minute);
            self.prune(minute - self.cfg.retention_minutes);
        }
        self.stats.posts += 1;
        self.clock += 1;
        // Each tag is hashed and folded to its key once here, whatever the areas it counts in.
        let mut post_tags = std::mem::take(&mut self.post_tags);
        post_tags.clear();
        for raw in tags {
            let (spelling, key) = self.tags.spelling(raw);
            if post_tags.iter().any(|&(_, k)| k == key) {
                self.tags.release(spelling);
                continue;
            }
            post_tags.push((spelling, key));
        }
        if !post_tags.is_empty() {
            self.count_keys(minute, place, &post_tags);
        }
        for &(spelling, _) in &post_tags {
            self.tags.release(spelling);
        }
        self.post_tags = post_tags;
        true
    }

    fn count_keys(&mut self, minute: i64, place: Option<LatLng>, post_tags: &[(TagId, TagId)]) {
        let global = bucket(
            &mut self.global,
            minute,
            self.cfg.global_capacity,
            &mut self.sketches,
            None,
        );
        let sketch = &mut self.sketches.all[global as usize];
        for &(spelling, key) in post_tags {
            sketch.add(key, spelling, 1, &mut self.tags);
        }
        if let Some(place) = place {
            let fine = self.cell_finder.cell(place);
            for resolution in RESOLUTIONS {
                let cell = fine.parent(resolution).expect("coarser than res 7");
                let capacity = if resolution == RESOLUTION {
                    self.cfg.capacity
                } else {
                    self.cfg.coarse_capacity
                };
                let area = self.cells.entry(cell).or_insert_with(Area::new);
                area.touched = self.clock;
                let id = bucket(
                    area,
                    minute,
                    capacity,
                    &mut self.sketches,
                    Some((cell, &mut self.cells_by_minute)),
                );
                let sketch = &mut self.sketches.all[id as usize];
                for &(spelling, key) in post_tags {
                    sketch.add(key, spelling, 1, &mut self.tags);
                }
            }
            if self.cells.len() > self.cfg.max_cells {
                self.evict();
            }
        }
    }

    /// Drops minutes at or before `cutoff`, and cells left empty. Runs only when the newest
    /// minute moves forward, and visits only the cells that hold a dropped minute.
    fn prune(&mut self, cutoff: i64) {
        let kept = self.cells_by_minute.split_off(&(cutoff + 1));
        for (minute, cells) in std::mem::replace(&mut self.cells_by_minute, kept) {
            for cell in cells {
                // The cell may have been evicted since.
                if let Some(area) = self.cells.get_mut(&cell) {
                    if let Ok(i) = area.find(minute)
                        && let Some((_, id)) = area.buckets.remove(i)
                    {
                        self.sketches.free(id, &mut self.tags);
                    }
                    if area.buckets.is_empty() {
                        self.cells.remove(&cell);
                    }
                }
            }
        }
        while let Some(&(minute, id)) = self.global.buckets.front()
            && minute <= cutoff
        {
            self.global.buckets.pop_front();
            self.sketches.free(id, &mut self.tags);
        }
    }

    /// Drops the least recently touched tenth of the cells, so the selection is paid once per
    /// many new cells rather than on each. (The minute index may keep ids of evicted cells until
    /// their minute expires: 8 bytes per bucket created within the retention.)
    fn evict(&mut self) {
        let mut by_age: Vec<(u64, CellIndex)> =
            self.cells.iter().map(|(c, a)| (a.touched, *c)).collect();
        let target = self.cfg.max_cells - self.cfg.max_cells / 10;
        let drop = self.cells.len().saturating_sub(target);
        if drop < by_age.len() {
            // Only which cells are the oldest matters, not their order.
            by_age.select_nth_unstable(drop);
        }
        for (_, cell) in &by_age[..drop] {
            if let Some(area) = self.cells.remove(cell) {
                for (_, id) in area.buckets {
                    self.sketches.free(id, &mut self.tags);
                }
            }
        }
        self.stats.evicted_cells += drop as u64;
    }

    /// Cells within `radius_km` of `centre`, at the resolution [`resolution_for_radius`] picks
    /// (a cell counts if its centre is within the radius plus one cell edge, so a small radius
    /// still sees the cell the point is in). Posts up to `radius_km` plus two edges of that
    /// resolution away may therefore count: at most 1.67 × the radius, or 2.8 km for 0 km.
    fn areas_near(&self, centre: LatLng, radius_km: f64) -> Vec<&Area> {
        let resolution = resolution_for_radius(radius_km);
        let reach = radius_km.max(0.0) + resolution.edge_length_km();
        self.areas_where(resolution, centre, reach, |cell| {
            LatLng::from(cell).distance_km(centre) <= reach
        })
    }

    /// Held cells of `resolution` for which `keep` holds, all within `reach_km` of `centre`:
    /// walks the grid disk around `centre` when it is smaller than the set of held cells,
    /// else the held cells.
    fn areas_where(
        &self,
        resolution: Resolution,
        centre: LatLng,
        reach_km: f64,
        keep: impl Fn(CellIndex) -> bool,
    ) -> Vec<&Area> {
        let edge = resolution.edge_length_km();
        // Centres of ring k are at least 1.5 × edge × k from the centre cell's.
        let k = (reach_km / (1.5 * edge)).ceil() as u32 + 1;
        let disk_size = 3 * u64::from(k) * u64::from(k + 1) + 1;
        if disk_size < self.cells.len() as u64 {
            let disk: Vec<CellIndex> = centre.to_cell(resolution).grid_disk(k);
            disk.into_iter()
                .filter(|c| keep(*c))
                .filter_map(|c| self.cells.get(&c))
                .collect()
        } else {
            // A wide reach over few held cells: checking each held cell is cheaper.
            self.cells
                .iter()
                .filter(|(c, _)| c.resolution() == resolution && keep(**c))
                .map(|(_, a)| a)
                .collect()
        }
    }

    /// Cells whose centre is in `zone`, at the resolution a circle as wide as the zone's box
    /// would read, plus the cell of the zone's centre, so a zone smaller than a cell still
    /// sees the posts around it.
    fn areas_in_zone(&self, zone: &Zone) -> Vec<&Area> {
        let b = zone.bbox();
        let to_ll = |p: Point| LatLng::new(p.lat, p.lon).ok();
        let centroid = zone.centroid();
        let (Some(centre), Some(sw), Some(ne)) = (
            to_ll(centroid),
            LatLng::new(b.min_lat, b.min_lon).ok(),
            LatLng::new(b.max_lat, b.max_lon).ok(),
        ) else {
            return Vec::new();
        };
        let half_diagonal = sw.distance_km(ne) / 2.0;
        let resolution = resolution_for_radius(half_diagonal);
        let centre_cell = centre.to_cell(resolution);
        let reach = half_diagonal + resolution.edge_length_km();
        self.areas_where(resolution, centre, reach, |cell| {
            let c = LatLng::from(cell);
            cell == centre_cell
                || zone.contains(Point {
                    lon: c.lng(),
                    lat: c.lat(),
                })
        })
    }

    /// What is rising within `radius_km` of `centre` in the `window` ending at `at`, best first.
    pub fn trending_near(
        &self,
        centre: LatLng,
        radius_km: f64,
        at: DateTime<Utc>,
        window: TimeDelta,
        limit: usize,
    ) -> Vec<Trend> {
        self.trending(&self.areas_near(centre, radius_km), at, window, limit)
    }

    /// What is rising in a crisis's zone (see [`Trends::areas_in_zone`] for what counts as in).
    pub fn trending_in_zone(
        &self,
        zone: &Zone,
        at: DateTime<Utc>,
        window: TimeDelta,
        limit: usize,
    ) -> Vec<Trend> {
        self.trending(&self.areas_in_zone(zone), at, window, limit)
    }

    /// Neighbourhood cells (resolution [`RESOLUTION`]) that counted posts in the newest minute
    /// and where tags whose intent signals a crisis (see [`Intent::signals_crisis`]) are
    /// rising, `min_posts` of them or more in the `window` ending at `at`: the evidence for
    /// proposing a crisis there. The server checks after every batch of posts, so only
    /// cells with posts in the newest minute are looked at, and only their crisis-intent
    /// tags get a baseline: a cell whose crisis tags cannot reach `min_posts` is dropped
    /// after summing its window (`cargo bench -p entraide-trends --bench bursts`).
    pub fn crisis_bursts(
        &self,
        at: DateTime<Utc>,
        window: TimeDelta,
        min_posts: u64,
    ) -> Vec<Burst> {
        let Some(newest) = self.newest_minute else {
            return Vec::new();
        };
        let Some(cells) = self.cells_by_minute.get(&newest) else {
            return Vec::new();
        };
        // A tag's intent is a lexicon lookup (and a keyword scan when it misses): once per
        // tag per call, not once per cell and sketch that holds it.
        let mut signals: Map<TagId, bool> = Map::default();
        let mut bursts: Vec<Burst> = cells
            .iter()
            .filter(|cell| cell.resolution() == RESOLUTION)
            .filter_map(|cell| {
                let area = self.cells.get(cell)?;
                let counts = self.window_counts(&[area], at, window, |key| {
                    *signals
                        .entry(key)
                        .or_insert_with(|| self.intent_of(key).is_some_and(Intent::signals_crisis))
                });
                // Only tags rising count toward `posts`: all of them is its upper bound.
                let most: u64 = counts.tags.values().map(|c| c.0).sum();
                if most < min_posts {
                    return None;
                }
                let trends = self.rising(&[area], counts, usize::MAX);
                let posts: u64 = trends.iter().map(|t| t.count).sum();
                (posts >= min_posts).then_some(Burst {
                    cell: *cell,
                    posts,
                    trends,
                })
            })
            .collect();
        bursts.sort_by_key(|b| std::cmp::Reverse(b.posts));
        bursts
    }

    /// What is rising among all posts, with or without a place.
    pub fn trending_global(
        &self,
        at: DateTime<Utc>,
        window: TimeDelta,
        limit: usize,
    ) -> Vec<Trend> {
        self.trending(&[&self.global], at, window, limit)
    }

    fn trending(
        &self,
        areas: &[&Area],
        at: DateTime<Utc>,
        window: TimeDelta,
        limit: usize,
    ) -> Vec<Trend> {
        let counts = self.window_counts(areas, at, window, |_| true);
        self.rising(areas, counts, limit)
    }

    /// The count of each tag that `wanted` accepts, over `areas` in the `window` ending at
    /// `at`, leaving out those too rare to trend (`Config::min_count`).
    fn window_counts(
        &self,
        areas: &[&Area],
        at: DateTime<Utc>,
        window: TimeDelta,
        mut wanted: impl FnMut(TagId) -> bool,
    ) -> Counts {
        let end = minute_of(at);
        let minutes = window.num_minutes().max(1);
        let mut tags: Map<TagId, (u64, TagId, u64)> = Map::default();
        let mut error = 0;
        for area in areas {
            for sketch in area
                .in_range(end - minutes, end)
                .map(|id| self.sketches.get(id))
            {
                error += sketch.current_error_bound();
                for e in sketch.entries().filter(|e| wanted(e.key)) {
                    let c = tags.entry(e.key).or_insert((0, e.spelling, 0));
                    c.0 += e.count;
                    if e.count > c.2 {
                        (c.1, c.2) = (e.spelling, e.count);
                    }
                }
            }
        }
        tags.retain(|_, c| c.0 >= self.cfg.min_count);
        Counts {
            end,
            minutes,
            tags,
            error,
        }
    }

    /// The tags of `counts` that rise against their baseline in `areas`, best first.
    fn rising(&self, areas: &[&Area], counts: Counts, limit: usize) -> Vec<Trend> {
        let Counts {
            end,
            minutes: w,
            tags: current,
            error,
        } = counts;
        // Baseline windows that fall before the oldest minute kept hold nothing yet, not zero
        // posts: average only over those the retention covers.
        let oldest_kept = self
            .newest_minute
            .map_or(end, |n| n - self.cfg.retention_minutes + 1);
        let covered = ((end - w + 1 - oldest_kept) / w).clamp(1, self.cfg.baseline_windows.max(1));
        let mut prior: Map<TagId, u64> = Map::default();
        for area in areas {
            for id in area.in_range(end - w - covered * w, end - w) {
                let sketch = self.sketches.get(id);
                for &key in current.keys() {
                    if let Some(e) = sketch.get(key) {
                        *prior.entry(key).or_default() += e.count;
                    }
                }
            }
        }
        let mut trends: Vec<Trend> = current
            .into_iter()
            .map(|(key, (count, spelling, _))| {
                let before = prior.get(&key).copied().unwrap_or(0);
                let baseline = before as f64 / covered as f64;
                let score = (count as f64 - baseline) / (baseline + 1.0).sqrt();
                Trend {
                    tag: self.tags.text(spelling).to_owned(),
                    count,
                    baseline,
                    score,
                    new: before * 10 <= count,
                    intent: self.intent_of(key),
                    error,
                }
            })
            .filter(|t| t.score > 0.0)
            .collect();
        trends.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.count.cmp(&a.count))
                .then_with(|| a.tag.cmp(&b.tag))
        });
        trends.truncate(limit);
        trends
    }

    fn intent_of(&self, key: TagId) -> Option<Intent> {
        self.lexicon.intent_of_key(self.tags.text(key))
    }

    /// Posts per minute with `tag` (any spelling) near `centre`, for each minute from `from` to
    /// `to` included that is still kept.
    pub fn series(
        &self,
        tag: &str,
        centre: LatLng,
        radius_km: f64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, u64)> {
        self.series_over(&self.areas_near(centre, radius_km), tag, from, to)
    }

    /// Like [`Trends::series`], in a crisis's zone.
    pub fn series_in_zone(
        &self,
        tag: &str,
        zone: &Zone,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, u64)> {
        self.series_over(&self.areas_in_zone(zone), tag, from, to)
    }

    /// Like [`Trends::series`], among all posts.
    pub fn series_global(
        &self,
        tag: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, u64)> {
        self.series_over(&[&self.global], tag, from, to)
    }

    fn series_over(
        &self,
        areas: &[&Area],
        tag: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, u64)> {
        let Some(newest) = self.newest_minute else {
            return Vec::new();
        };
        // A key no sketch holds counts 0 everywhere.
        let key = self
            .tags
            .find(&tag_key(tag.strip_prefix(['#', '＃']).unwrap_or(tag)));
        // Clamped to what is kept, so a careless range cannot allocate years of zeros.
        let first = minute_of(from).max(newest - self.cfg.retention_minutes + 1);
        let last = minute_of(to).min(newest);
        (first..=last)
            .map(|m| {
                let n = areas
                    .iter()
                    .filter_map(|a| a.find(m).ok().map(|i| a.buckets[i].1))
                    .filter_map(|id| self.sketches.get(id).get(key?))
                    .map(|e| e.count)
                    .sum();
                (time_of(m), n)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn t(hh: u32, mm: u32, ss: u32) -> DateTime<Utc> {
        format!("2015-11-13T{hh:02}:{mm:02}:{ss:02}Z")
            .parse()
            .unwrap()
    }

    fn ll(lat: f64, lon: f64) -> LatLng {
        LatLng::new(lat, lon).unwrap()
    }

    const PARIS_11: (f64, f64) = (48.8626, 2.3795);
    const LYON: (f64, f64) = (45.7640, 4.8357);

    fn paris() -> LatLng {
        ll(PARIS_11.0, PARIS_11.1)
    }

    fn lyon() -> LatLng {
        ll(LYON.0, LYON.1)
    }

    fn window() -> TimeDelta {
        TimeDelta::minutes(15)
    }

    fn tags(trends: &[Trend]) -> Vec<&str> {
        trends.iter().map(|t| t.tag.as_str()).collect()
    }

    #[test]
    fn spellings_of_one_tag_count_together() {
        let mut tr = Trends::new(Config::default());
        for text in [
            "#PorteOuverte",
            "abri #porteouverte",
            "#PorteOuverte rue de Charonne",
            "＃ＰｏｒｔｅＯｕｖｅｒｔｅ",
            "#PorteOuverte #PORTEOUVERTE twice in one post counts once",
        ] {
            tr.add_tags(
                t(21, 30, 0),
                Some(paris()),
                entraide_text::hashtags(text).iter().map(|h| h.tag),
            );
        }
        let got = tr.trending_near(paris(), 2.0, t(21, 30, 0), window(), 10);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].tag.as_str(), got[0].count), ("PorteOuverte", 5));
        assert!(got[0].new);
        assert_eq!(got[0].intent, Some(Intent::Shelter));
        assert_eq!(got[0].error, 0, "a sketch under its capacity is exact");
    }

    #[test]
    fn windows_read_as_minutes_or_hours() {
        assert_eq!(parse_window("15m"), Ok(TimeDelta::minutes(15)));
        assert_eq!(parse_window("1h"), Ok(TimeDelta::minutes(60)));
        for bad in [
            "",
            "15",
            "0m",
            "4h",
            "-5m",
            "15s",
            "m",
            "99999999999999999999h",
        ] {
            assert!(parse_window(bad).unwrap_err().contains("15m"), "{bad}");
        }
    }

    #[test]
    fn the_query_radius_picks_the_resolution() {
        assert_eq!(resolution_for_radius(0.5), Resolution::Seven);
        assert_eq!(resolution_for_radius(2.0), Resolution::Seven);
        assert_eq!(resolution_for_radius(30.0), Resolution::Five);
        assert_eq!(resolution_for_radius(400.0), Resolution::Three);
    }

    /// A 30 km query around Paris reads res-5 cells: it sees Versailles (17 km) and not
    /// Orléans (110 km), and holds the same count as an exact tally of those posts.
    #[test]
    fn a_city_wide_query_reads_coarse_cells() {
        let mut tr = Trends::new(Config::default());
        let versailles = ll(48.8049, 2.1204);
        let orleans = ll(47.9030, 1.9093);
        for i in 0..40 {
            let at = t(21, 30, i);
            tr.add_tags(at, Some(paris()), ["PorteOuverte"]);
            if i % 2 == 0 {
                tr.add_tags(at, Some(versailles), ["PorteOuverte"]);
            }
            tr.add_tags(at, Some(orleans), ["Orleans"]);
        }
        // Each post counted at three resolutions: the fine, city and region cells.
        assert_eq!(tr.cell_count(), 2 * 3 + 2);
        let got = tr.trending_near(paris(), 30.0, t(21, 31, 0), window(), 10);
        assert_eq!(tags(&got), ["PorteOuverte"], "{got:?}");
        assert_eq!(got[0].count, 60);
        let fine = tr.trending_near(paris(), 3.0, t(21, 31, 0), window(), 10);
        assert_eq!(fine[0].count, 40, "Versailles is not within 3 km");
        let region = tr.trending_near(paris(), 400.0, t(21, 31, 0), window(), 10);
        assert_eq!(tags(&region), ["PorteOuverte", "Orleans"], "{region:?}");
    }

    #[test]
    fn trending_in_a_crisis_zone() {
        let mut tr = Trends::new(Config::default());
        let bataclan = ll(48.8631, 2.3708);
        for i in 0..10 {
            tr.add_tags(t(21, 50, i), Some(bataclan), ["PorteOuverte"]);
            tr.add_tags(t(21, 50, i), Some(lyon()), ["Lyon"]);
        }
        let around = |lat, lon, radius_m| Zone::Circle {
            center: Point { lon, lat },
            radius_m,
        };
        // A zone smaller than a cell still sees the cell it is in.
        let small = around(48.8631, 2.3708, 300.0);
        let got = tr.trending_in_zone(&small, t(21, 51, 0), window(), 10);
        assert_eq!(tags(&got), ["PorteOuverte"]);
        assert_eq!(got[0].count, 10);
        // A polygon around Lyon sees Lyon only; a zone covering both sees both.
        let lyon_zone = Zone::from_json(&serde_json::json!({"type": "Polygon", "coordinates": [[
            [4.75, 45.70], [4.95, 45.70], [4.95, 45.82], [4.75, 45.82], [4.75, 45.70]
        ]]}))
        .unwrap();
        assert_eq!(
            tags(&tr.trending_in_zone(&lyon_zone, t(21, 51, 0), window(), 10)),
            ["Lyon"]
        );
        let france = around(46.5, 2.5, 600_000.0);
        let in_france = tr.trending_in_zone(&france, t(21, 51, 0), window(), 10);
        let mut both = tags(&in_france);
        both.sort();
        assert_eq!(both, ["Lyon", "PorteOuverte"]);
    }

    /// Sketches far too small for the stream (4 counters for hundreds of tags a minute): every
    /// count reported is within its stated error of the exact count, and the true leader leads.
    #[test]
    fn counts_stay_within_the_stated_error_of_exact_counts() {
        let cfg = Config {
            capacity: 4,
            coarse_capacity: 4,
            global_capacity: 4,
            min_count: 1,
            ..Config::default()
        };
        let mut tr = Trends::new(cfg);
        let mut exact: HashMap<String, u64> = HashMap::new();
        let mut rng = Rng(11);
        for minute in 0..15u32 {
            for i in 0..300u32 {
                let at = t(21, 30 + minute, i % 60);
                // A leader in a third of the posts, a few regulars, and a long tail.
                let tag = match rng.next() % 6 {
                    0 | 1 => "Leader".to_owned(),
                    2 => format!("regular{}", rng.next() % 5),
                    _ => format!("tail{}", rng.next() % 400),
                };
                tr.add_tags(at, Some(paris()), [tag.as_str()]);
                *exact.entry(tag).or_default() += 1;
            }
        }
        let at = t(21, 44, 59);
        for got in [
            tr.trending_near(paris(), 1.0, at, window(), 50),
            tr.trending_global(at, window(), 50),
        ] {
            assert_eq!(got[0].tag, "Leader", "{got:?}");
            assert!(got[0].error > 0, "the sketches overflowed");
            for trend in &got {
                let truth = exact[&trend.tag];
                assert!(
                    trend.count.abs_diff(truth) <= trend.error,
                    "{}: {} vs exact {truth}, error {}",
                    trend.tag,
                    trend.count,
                    trend.error
                );
            }
        }
    }

    #[test]
    fn add_reads_the_post_text() {
        let mut tr = Trends::new(Config::default());
        for id in 1..=3 {
            let post = crate::parse_post(&format!(
                r##"{{"id":"{id}","text":"#PrayForParis #PrayForParis","created_at":"2015-11-13T22:00:00Z"}}"##
            ))
            .unwrap();
            assert_eq!(tr.add(&post), Added::Counted);
        }
        let got = tr.trending_global(t(22, 0, 0), window(), 10);
        assert_eq!((got[0].tag.as_str(), got[0].count), ("PrayForParis", 3));
    }

    #[test]
    fn a_post_sent_again_counts_once_as_a_line_or_a_value() {
        let cfg = Config {
            min_count: 1,
            ..Config::default()
        };
        let mut tr = Trends::new(cfg.clone());
        let line = |id: &str| {
            format!(
                r##"{{"id":"{id}","text":"#PrayForParis","created_at":"2015-11-13T22:00:00Z","lat":48.86,"lon":2.38}}"##
            )
        };
        assert_eq!(tr.add_line(&line("a")), Ok(Added::Counted));
        assert_eq!(tr.add_line(&line("a")), Ok(Added::Repeated));
        // The same id through the slow path (a Twitter-shaped line) is the same post.
        let twitter = r##"{"id":1,"id_str":"a","text":"#PrayForParis","created_at":"Fri Nov 13 22:00:00 +0000 2015"}"##;
        assert_eq!(tr.add_line(twitter), Ok(Added::Repeated));
        assert_eq!(
            tr.add(&crate::parse_post(&line("a")).unwrap()),
            Added::Repeated
        );
        assert_eq!(tr.add_line(&line("b")), Ok(Added::Counted));
        assert_eq!(tr.stats().repeated, 3);
        let got = tr.trending_near(paris(), 5.0, t(22, 0, 0), window(), 10);
        assert_eq!((got[0].tag.as_str(), got[0].count), ("PrayForParis", 2));
        let got = tr.trending_global(t(22, 0, 0), window(), 10);
        assert_eq!(got[0].count, 2);

        // With no memory of ids, every copy counts (the setting's 0).
        let mut forgetful = Trends::new(Config {
            recent_ids: 0,
            ..cfg
        });
        for _ in 0..3 {
            assert_eq!(forgetful.add_line(&line("a")), Ok(Added::Counted));
        }
        assert_eq!(
            forgetful.trending_global(t(22, 0, 0), window(), 10)[0].count,
            3
        );
    }

    /// A burst in the 11th after an hour of steady chatter everywhere: it trends near Paris,
    /// not near Lyon; the steady, bigger tag ranks below it.
    fn night() -> Vec<(DateTime<Utc>, LatLng, &'static str)> {
        let mut posts = Vec::new();
        let mut rng = Rng(7);
        for minute in 0..75u32 {
            let at = |s: u32| t(20 + (minute / 60), minute % 60, s);
            for i in 0..30 {
                let place = if i % 2 == 0 { paris() } else { lyon() };
                posts.push((at(i * 2), place, "#Paris #vendredi"));
            }
            if minute >= 60 {
                // 3 to 5 a minute, only in the 11th.
                for i in 0..3 + rng.next() % 3 {
                    posts.push((at(i as u32 * 7), paris(), "#PorteOuverte"));
                }
            }
        }
        posts
    }

    #[test]
    fn a_burst_trends_near_it_and_not_elsewhere_and_beats_steady_volume() {
        let mut tr = Trends::new(Config::default());
        for (at, place, text) in night() {
            tr.add_tags(
                at,
                Some(place),
                entraide_text::hashtags(text).iter().map(|h| h.tag),
            );
        }
        let at = t(21, 14, 59);
        let near_paris = tr.trending_near(paris(), 3.0, at, window(), 10);
        assert_eq!(tags(&near_paris), ["PorteOuverte"], "{near_paris:?}");
        assert!(near_paris[0].new && near_paris[0].count >= 45);
        assert!(tr.trending_near(lyon(), 3.0, at, window(), 10).is_empty());
        // #Paris has 4 times the volume but no rise, so it is not trending at all.
        let paris_tag = tr.trending_near(paris(), 3.0, at, window(), 10);
        assert!(!tags(&paris_tag).contains(&"Paris"));
        // And the series shows the step.
        let s = tr.series("#porteouverte", paris(), 3.0, t(20, 58, 0), t(21, 1, 0));
        let counts: Vec<u64> = s.iter().map(|(_, n)| *n).collect();
        assert_eq!(counts[..2], [0, 0]);
        assert!(
            counts[2..].iter().all(|&n| (3..=5).contains(&n)),
            "{counts:?}"
        );
        assert_eq!(s[0].0, t(20, 58, 0));
    }

    /// The burst check skips the baseline of tags it does not need; it must find what reading
    /// every tag's trend in every active cell finds.
    #[test]
    fn crisis_bursts_are_the_crisis_trends_of_each_active_cell() {
        let window = TimeDelta::minutes(15);
        let min_posts = 30;
        let mut tr = Trends::new(Config::default());
        let (mut checked, mut bursting) = (0, 0);
        for (i, line) in crate::sim::Paris2015::new(7, 1.0).enumerate() {
            tr.add_line(&line).unwrap();
            if i % 5_000 != 4_999 {
                continue;
            }
            let at = tr.newest().unwrap();
            let mut expected: Vec<(CellIndex, u64, Vec<String>)> = tr.cells_by_minute
                [&tr.newest_minute.unwrap()]
                .iter()
                .filter(|cell| cell.resolution() == RESOLUTION)
                .filter_map(|cell| {
                    let trends: Vec<Trend> = tr
                        .trending(&[&tr.cells[cell]], at, window, usize::MAX)
                        .into_iter()
                        .filter(|t| t.intent.is_some_and(Intent::signals_crisis))
                        .collect();
                    let posts = trends.iter().map(|t| t.count).sum();
                    checked += 1;
                    (posts >= min_posts)
                        .then(|| (*cell, posts, trends.into_iter().map(|t| t.tag).collect()))
                })
                .collect();
            expected.sort_by_key(|b| (std::cmp::Reverse(b.1), b.0));
            let mut found: Vec<(CellIndex, u64, Vec<String>)> = tr
                .crisis_bursts(at, window, min_posts)
                .into_iter()
                .map(|b| {
                    (
                        b.cell,
                        b.posts,
                        b.trends.into_iter().map(|t| t.tag).collect(),
                    )
                })
                .collect();
            found.sort_by_key(|b| (std::cmp::Reverse(b.1), b.0));
            assert_eq!(found, expected, "at {at}");
            bursting += found.len();
        }
        assert!(
            bursting > 0 && checked > 10 * bursting,
            "{bursting} of {checked}"
        );
    }

    #[test]
    fn a_steady_tag_ranks_below_a_rising_smaller_one() {
        let mut tr = Trends::new(Config::default());
        for minute in 0..75u32 {
            let at = t(20 + minute / 60, minute % 60, 0);
            // Big and steady, with a small rise at the end.
            let big = if minute >= 60 { 110 } else { 100 };
            for _ in 0..big {
                tr.add_tags(at, Some(paris()), ["Paris"]);
            }
            if minute >= 60 {
                for _ in 0..5 {
                    tr.add_tags(at, Some(paris()), ["RechercheParis"]);
                }
            } else if minute % 2 == 0 {
                tr.add_tags(at, Some(paris()), ["RechercheParis"]);
            }
        }
        let got = tr.trending_near(paris(), 1.0, t(21, 14, 0), window(), 10);
        assert_eq!(tags(&got), ["RechercheParis", "Paris"], "{got:?}");
        assert!(got[0].count > 0 && got[1].count > got[0].count);
        assert!((got[1].baseline - 1500.0).abs() < 1.0, "{:?}", got[1]);
        // 30 before in 4 windows of 15 minutes (7.5 a window): seen before, so not new.
        assert!((got[0].baseline - 7.5).abs() < 1e-9);
        assert!(!got[0].new);
    }

    #[test]
    fn disorder_within_retention_gives_the_same_answer() {
        let mut ordered = Trends::new(Config::default());
        let mut shuffled = Trends::new(Config::default());
        let mut posts = night();
        for (at, place, text) in &posts {
            ordered.add_tags(
                *at,
                Some(*place),
                entraide_text::hashtags(text).iter().map(|h| h.tag),
            );
        }
        // Fisher–Yates: up to 75 minutes of disorder, within the 3 h kept.
        let mut rng = Rng(99);
        for i in (1..posts.len()).rev() {
            posts.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        for (at, place, text) in &posts {
            assert!(shuffled.add_tags(
                *at,
                Some(*place),
                entraide_text::hashtags(text).iter().map(|h| h.tag)
            ));
        }
        let at = t(21, 14, 59);
        assert_eq!(
            ordered.trending_near(paris(), 3.0, at, window(), 10),
            shuffled.trending_near(paris(), 3.0, at, window(), 10)
        );
        assert_eq!(shuffled.stats().late, 0);
    }

    #[test]
    fn posts_older_than_retention_are_counted_late_and_skipped() {
        let cfg = Config {
            retention_minutes: 60,
            ..Config::default()
        };
        let mut tr = Trends::new(cfg);
        assert!(tr.add_tags(t(22, 0, 0), Some(paris()), ["Now"]));
        // 59 minutes before: still kept. 60: dropped.
        assert!(tr.add_tags(t(21, 1, 0), Some(paris()), ["Old"]));
        assert!(!tr.add_tags(t(21, 0, 59), Some(paris()), ["TooOld"]));
        assert!(!tr.add_tags(t(20, 0, 0), None, ["TooOld"]));
        assert_eq!(tr.stats().late, 2);
        assert_eq!(tr.stats().posts, 2);
        let s = tr.series("TooOld", paris(), 5.0, t(20, 0, 0), t(22, 0, 0));
        assert!(s.iter().all(|(_, n)| *n == 0));
        assert_eq!(s.len(), 60, "only kept minutes are reported");
        // Time moving on drops what falls out of the retention.
        tr.add_tags(t(22, 30, 0), Some(paris()), ["Later"]);
        let s = tr.series("Old", paris(), 5.0, t(21, 0, 0), t(22, 30, 0));
        assert!(s.iter().all(|(_, n)| *n == 0));
    }

    #[test]
    fn posts_without_a_place_count_only_globally() {
        let mut tr = Trends::new(Config::default());
        for _ in 0..5 {
            tr.add_tags(t(21, 30, 0), None, ["PrayForParis"]);
        }
        assert!(
            tr.trending_near(paris(), 50.0, t(21, 30, 0), window(), 10)
                .is_empty()
        );
        assert_eq!(tr.cell_count(), 0);
        assert_eq!(
            tags(&tr.trending_global(t(21, 30, 0), window(), 10)),
            ["PrayForParis"]
        );
    }

    #[test]
    fn a_wide_radius_reaches_other_cities_and_a_small_one_does_not() {
        let mut tr = Trends::new(Config::default());
        for _ in 0..5 {
            tr.add_tags(t(21, 30, 0), Some(lyon()), ["Lyon"]);
        }
        // Paris–Lyon is about 392 km; a 250 km query reads res-3 cells (edge 69 km), whose
        // reach stays under 250 + 2 × 69 km.
        assert!(
            tr.trending_near(paris(), 250.0, t(21, 30, 0), window(), 10)
                .is_empty()
        );
        assert_eq!(
            tags(&tr.trending_near(paris(), 450.0, t(21, 30, 0), window(), 10)),
            ["Lyon"]
        );
        // A small radius uses the grid disk once many cells are held.
        let mut rng = Rng(3);
        for _ in 0..2000 {
            let p = ll(43.0 + rng.unit() * 7.0, -1.0 + rng.unit() * 8.0);
            tr.add_tags(t(21, 30, 0), Some(p), ["Bruit"]);
        }
        assert_eq!(
            tags(&tr.trending_near(lyon(), 2.0, t(21, 30, 0), window(), 10)),
            ["Lyon"]
        );
    }

    /// A million random distinct tags over an hour and a half of posts all over France: memory
    /// stays under the configured cap throughout.
    #[test]
    fn memory_stays_bounded_with_a_million_distinct_tags() {
        let cfg = Config {
            capacity: 8,
            global_capacity: 64,
            retention_minutes: 30,
            max_cells: 200,
            ..Config::default()
        };
        let cap = cfg.max_entries();
        let mut tr = Trends::new(cfg.clone());
        let mut rng = Rng(1);
        let start = t(20, 0, 0);
        for i in 0..1_000_000i64 {
            let at = start + TimeDelta::milliseconds(i * 5);
            let place =
                (rng.next() % 10 < 6).then(|| ll(43.0 + rng.unit() * 7.0, -1.0 + rng.unit() * 8.0));
            let tag = format!("t{:x}", rng.next());
            tr.add_tags(at, place, [tag.as_str()]);
            if i % 10_000 == 0 {
                assert!(tr.cell_count() <= cfg.max_cells);
                assert!(tr.entry_count() <= cap, "{} > {cap}", tr.entry_count());
            }
        }
        assert!(tr.cell_count() <= cfg.max_cells);
        assert!(tr.entry_count() <= cap);
        assert!(tr.stats().evicted_cells > 0);
        assert_eq!(tr.stats().posts, 1_000_000);
    }
}
