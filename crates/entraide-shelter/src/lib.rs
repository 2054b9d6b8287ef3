//! The nearest open doors, answered from memory.
//!
//! [`OfferIndex`] holds every searchable offer (open, not hidden) in an R-tree over points on
//! the Earth's surface in 3-D (Earth-centred coordinates, metres), where the straight-line
//! distance grows with the great-circle one: nearest-neighbour iteration in the tree walks
//! offers in true distance order, with no seam at the antimeridian and no distortion near
//! the poles. Each candidate is checked against what changes without moving (free places,
//! needs, expiry) until enough fit.
//!
//! The store is the truth; the server loads the index from it at start and applies every
//! committed change (and, with several instances, every change another instance announces).

use entraide_core::Timestamp;
use entraide_core::shelter::{Features, Needs, Offer, OfferId};
use entraide_geo::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::collections::HashMap;

/// Mean Earth radius, as `entraide_geo::distance_m` uses.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// How far a search looks at most: beyond this, a door is no help to someone on foot at night.
pub const SEARCH_RADIUS_M: f64 = 20_000.0;

type Node = GeomWithData<[f64; 3], OfferId>;

/// The point in Earth-centred coordinates, in metres.
fn xyz(p: Point) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [
        EARTH_RADIUS_M * lat.cos() * lon.cos(),
        EARTH_RADIUS_M * lat.cos() * lon.sin(),
        EARTH_RADIUS_M * lat.sin(),
    ]
}

/// The great-circle distance for a squared chord length.
fn arc_m(chord_2: f64) -> f64 {
    let half = (chord_2.sqrt() / (2.0 * EARTH_RADIUS_M)).clamp(0.0, 1.0);
    2.0 * EARTH_RADIUS_M * half.asin()
}

/// What the index keeps of an offer: enough to filter and to answer, nothing private beyond
/// the exact point (which orders the results and never leaves the server).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub point: Point,
    pub public_point: Point,
    pub places_free: u32,
    pub features: Features,
    feature_bits: u8,
    pub until: Option<Timestamp>,
}

/// One search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub offer_id: OfferId,
    /// From the searcher to the exact place (what the order follows); the API rounds it.
    pub distance_m: f64,
    pub public_point: Point,
    pub places_free: u32,
    pub features: Features,
}

/// What a search asks for.
#[derive(Clone, Copy, Debug)]
pub struct Query {
    pub from: Point,
    pub party: u32,
    pub needs: Needs,
    pub now: Timestamp,
    pub limit: usize,
    pub radius_m: f64,
}

#[derive(Default)]
pub struct OfferIndex {
    tree: RTree<Node>,
    entries: HashMap<OfferId, Entry>,
}

impl OfferIndex {
    /// Builds the index in one pass (bulk loading packs the tree better than inserts).
    pub fn load(offers: impl IntoIterator<Item = Offer>) -> Self {
        let entries: HashMap<OfferId, Entry> = offers
            .into_iter()
            .filter(Offer::is_searchable)
            .map(|o| (o.id, entry(&o)))
            .collect();
        let nodes = entries
            .iter()
            .map(|(id, e)| Node::new(xyz(e.point), *id))
            .collect();
        Self {
            tree: RTree::bulk_load(nodes),
            entries,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: OfferId) -> Option<&Entry> {
        self.entries.get(&id)
    }

    /// Makes the index agree with the offer as now stored.
    pub fn upsert(&mut self, offer: &Offer) {
        self.remove(offer.id);
        if offer.is_searchable() {
            let e = entry(offer);
            self.tree.insert(Node::new(xyz(e.point), offer.id));
            self.entries.insert(offer.id, e);
        }
    }

    /// Forgets an offer (gone from the store, or no longer searchable).
    pub fn remove(&mut self, id: OfferId) {
        if let Some(old) = self.entries.remove(&id) {
            self.tree.remove(&Node::new(xyz(old.point), id));
        }
    }

    /// The nearest offers that can take the whole party with its needs now, nearest first.
    pub fn nearest(&self, q: &Query) -> Vec<Hit> {
        let mut hits = Vec::with_capacity(q.limit);
        if q.limit == 0 {
            return hits;
        }
        for (node, chord_2) in self
            .tree
            .nearest_neighbor_iter_with_distance_2(&xyz(q.from))
        {
            let distance_m = arc_m(chord_2);
            if distance_m > q.radius_m {
                break;
            }
            let Some(e) = self.entries.get(&node.data) else {
                continue;
            };
            if e.places_free < q.party
                || !q.needs.met_by(e.feature_bits)
                || e.until.is_some_and(|u| u <= q.now)
            {
                continue;
            }
            hits.push(Hit {
                offer_id: node.data,
                distance_m,
                public_point: e.public_point,
                places_free: e.places_free,
                features: e.features.clone(),
            });
            if hits.len() == q.limit {
                break;
            }
        }
        hits
    }

    /// Every searchable offer with its entry, for summaries by area.
    pub fn entries(&self) -> impl Iterator<Item = (OfferId, &Entry)> {
        self.entries.iter().map(|(id, e)| (*id, e))
    }
}

fn entry(o: &Offer) -> Entry {
    Entry {
        point: o.point,
        public_point: o.public_point(),
        places_free: o.places_free(),
        feature_bits: o.features.bits(),
        features: o.features.clone(),
        until: o.until,
    }
}

/// Open places and offers per H3 cell (resolution 7, about 5 km²): what responders see of
/// capacity by area, without any single host's place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AreaCapacity {
    pub cell: Option<h3o::CellIndex>,
    pub offers: u32,
    pub places_free: u32,
    pub requests_waiting: u32,
}

pub const AREA_RESOLUTION: h3o::Resolution = h3o::Resolution::Seven;

pub fn area_of(p: Point) -> Option<h3o::CellIndex> {
    h3o::LatLng::new(p.lat, p.lon)
        .ok()
        .map(|ll| ll.to_cell(AREA_RESOLUTION))
}

/// Sums the index by area; `waiting` gives the pending requests of each offer.
pub fn capacity_by_area(
    index: &OfferIndex,
    now: Timestamp,
    waiting: &HashMap<OfferId, u32>,
) -> Vec<AreaCapacity> {
    let mut areas: HashMap<h3o::CellIndex, AreaCapacity> = HashMap::new();
    for (id, e) in index.entries() {
        if e.until.is_some_and(|u| u <= now) {
            continue;
        }
        let Some(cell) = area_of(e.point) else {
            continue;
        };
        let area = areas.entry(cell).or_insert_with(|| AreaCapacity {
            cell: Some(cell),
            ..AreaCapacity::default()
        });
        area.offers += 1;
        area.places_free += e.places_free;
        area.requests_waiting += waiting.get(&id).copied().unwrap_or(0);
    }
    let mut areas: Vec<_> = areas.into_values().collect();
    areas.sort_by_key(|a| a.cell);
    areas
}

/// Capacity by area as an inline SVG map, drawn here (tiles would need the internet): one
/// hexagon per area, darker with more open places, labelled with places and waiting
/// requests. An equirectangular projection, true to scale at the map's middle latitude.
pub fn capacity_svg(areas: &[AreaCapacity], width: u32, height: u32) -> String {
    let rings: Vec<(&AreaCapacity, Vec<(f64, f64)>)> = areas
        .iter()
        .filter_map(|a| {
            let ring = a
                .cell?
                .boundary()
                .iter()
                .map(|ll| (ll.lng(), ll.lat()))
                .collect();
            Some((a, ring))
        })
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"open places by area\"><rect width=\"100%\" height=\"100%\" fill=\"#f4f4f0\"/>"
    );
    let points = rings.iter().flat_map(|(_, r)| r.iter().copied());
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in points {
        (min_x, min_y, max_x, max_y) = (min_x.min(x), min_y.min(y), max_x.max(x), max_y.max(y));
    }
    if rings.is_empty() {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\">0</text></svg>",
            width / 2,
            height / 2
        ));
        return svg;
    }
    let shrink = ((min_y + max_y) / 2.0).to_radians().cos().max(0.01);
    let span_x = ((max_x - min_x) * shrink).max(1e-6);
    let span_y = (max_y - min_y).max(1e-6);
    let margin = 10.0;
    let scale = ((f64::from(width) - 2.0 * margin) / span_x)
        .min((f64::from(height) - 2.0 * margin) / span_y);
    let project = |(x, y): (f64, f64)| {
        (
            margin + (x - min_x) * shrink * scale,
            f64::from(height) - margin - (y - min_y) * scale,
        )
    };
    let most = rings
        .iter()
        .map(|(a, _)| a.places_free)
        .max()
        .unwrap_or(0)
        .max(1);
    for (area, ring) in &rings {
        let path: Vec<String> = ring
            .iter()
            .map(|p| {
                let (x, y) = project(*p);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let opacity = 0.15 + 0.85 * f64::from(area.places_free) / f64::from(most);
        let (cx, cy) = ring
            .iter()
            .map(|p| project(*p))
            .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
        let n = ring.len().max(1) as f64;
        svg.push_str(&format!(
            "<polygon points=\"{}\" fill=\"#2a7\" fill-opacity=\"{opacity:.2}\" stroke=\"#155\" \
             stroke-width=\"1\"><title>{} places, {} waiting</title></polygon>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{}/{}</text>",
            path.join(" "),
            area.places_free,
            area.requests_waiting,
            cx / n,
            cy / n + 4.0,
            area.places_free,
            area.requests_waiting,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use entraide_core::AccountId;
    use entraide_core::shelter::{NewOffer, OfferForm, OfferStatus};

    fn offer(lat: f64, lon: f64, capacity: i64) -> Offer {
        NewOffer::parse(
            OfferForm {
                lat,
                lon,
                address: "somewhere in Paris".into(),
                capacity,
                ..OfferForm::default()
            },
            Utc::now(),
        )
        .unwrap()
        .into_offer(OfferId::new(), AccountId::new(), Utc::now())
    }

    fn query(lat: f64, lon: f64, party: u32) -> Query {
        Query {
            from: Point::new(lon, lat).unwrap(),
            party,
            needs: Needs::default(),
            now: Utc::now(),
            limit: 10,
            radius_m: SEARCH_RADIUS_M,
        }
    }

    /// The same answer the slow way: every offer, filtered, sorted by haversine distance.
    fn brute_force(offers: &[Offer], q: &Query) -> Vec<OfferId> {
        let mut fit: Vec<(f64, OfferId)> = offers
            .iter()
            .filter(|o| o.is_open(q.now) && o.places_free() >= q.party && o.features.fits(q.needs))
            .map(|o| (entraide_geo::distance_m(q.from, o.point), o.id))
            .filter(|(d, _)| *d <= q.radius_m)
            .collect();
        fit.sort_by(|a, b| a.0.total_cmp(&b.0));
        fit.into_iter().take(q.limit).map(|(_, id)| id).collect()
    }

    #[test]
    fn nearest_first_filtered_by_party_and_needs_as_brute_force_finds() {
        // A deterministic scatter over Paris, with varied capacities, features and states.
        let mut offers = Vec::new();
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64
        };
        for i in 0..2000 {
            let mut o = offer(48.80 + next() * 0.12, 2.25 + next() * 0.2, 1 + (i % 6));
            o.features.children = i % 3 == 0;
            o.features.pets = i % 5 == 0;
            o.taken = (i % 4).min(o.capacity as i64) as u32;
            if i % 11 == 0 {
                o.status = OfferStatus::Paused;
            }
            if i % 13 == 0 {
                o.hidden = true;
            }
            if i % 17 == 0 {
                o.until = Some(Utc::now() - chrono::Duration::minutes(1));
            }
            offers.push(o);
        }
        let index = OfferIndex::load(offers.clone());
        for (party, needs) in [(1, ""), (3, "children"), (2, "pets,children"), (5, "")] {
            let mut q = query(48.8631, 2.3708, party);
            q.needs = Needs::parse(needs).unwrap();
            let got: Vec<_> = index.nearest(&q).iter().map(|h| h.offer_id).collect();
            assert_eq!(
                got,
                brute_force(&offers, &q),
                "party {party}, needs {needs}"
            );
            assert!(!got.is_empty());
        }
    }

    #[test]
    fn changes_are_followed() {
        let a = offer(48.8631, 2.3708, 3);
        let mut b = offer(48.8700, 2.3800, 3);
        let mut index = OfferIndex::load([a.clone(), b.clone()]);
        let q = query(48.8631, 2.3708, 3);
        assert_eq!(index.nearest(&q).len(), 2);
        // A paused offer leaves the index; resumed, it comes back.
        b.status = OfferStatus::Paused;
        index.upsert(&b);
        assert_eq!(index.len(), 1);
        b.status = OfferStatus::Open;
        b.taken = 1;
        index.upsert(&b);
        assert_eq!(index.len(), 2);
        // With a place taken, it no longer fits a party of 3, but fits 2.
        let hits = index.nearest(&q);
        assert_eq!(hits.iter().map(|h| h.offer_id).collect::<Vec<_>>(), [a.id]);
        assert_eq!(index.nearest(&query(48.8631, 2.3708, 2)).len(), 2);
        // Moving an offer moves it in the tree too.
        b.point = Point::new(2.3708, 48.8632).unwrap();
        index.upsert(&b);
        assert_eq!(index.len(), 2);
        index.remove(a.id);
        let hits = index.nearest(&query(48.8631, 2.3708, 1));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].distance_m < 20.0);
    }

    #[test]
    fn results_carry_the_public_point_only() {
        let a = offer(48.8631, 2.3708, 3);
        let index = OfferIndex::load([a.clone()]);
        let hit = &index.nearest(&query(48.86, 2.37, 1))[0];
        assert_eq!(hit.public_point, a.public_point());
        assert_ne!(hit.public_point, a.point);
        let d = entraide_geo::distance_m(Point::new(2.37, 48.86).unwrap(), a.point);
        assert!(
            (hit.distance_m - d).abs() < 0.5,
            "{} vs {d}",
            hit.distance_m
        );
    }

    #[test]
    fn the_radius_bounds_the_search() {
        let far = offer(45.7640, 4.8357, 3);
        let index = OfferIndex::load([far]);
        assert!(index.nearest(&query(48.8631, 2.3708, 1)).is_empty());
    }

    #[test]
    fn capacity_sums_by_area() {
        let a = offer(48.8631, 2.3708, 3);
        let b = offer(48.8632, 2.3709, 2);
        let c = offer(45.7640, 4.8357, 4);
        let index = OfferIndex::load([a.clone(), b, c]);
        let waiting = HashMap::from([(a.id, 2)]);
        let areas = capacity_by_area(&index, Utc::now(), &waiting);
        assert_eq!(areas.len(), 2);
        let paris = areas.iter().find(|x| x.offers == 2).unwrap();
        assert_eq!((paris.places_free, paris.requests_waiting), (5, 2));
        let svg = capacity_svg(&areas, 640, 480);
        assert_eq!(svg.matches("<polygon").count(), 2);
        assert!(svg.contains("5 places, 2 waiting"), "{svg}");
        assert!(!svg.contains("NaN"));
    }
}
