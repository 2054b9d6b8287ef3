//! The H3 cell of a post's place, remembering the cells posts fell in lately.
//!
//! Finding a point's cell projects it onto an icosahedron face (trigonometry, then the
//! aperture-7 digits of every resolution): about a fifth of the engine's time per located post.
//! Posts cluster in cities, so most of them land in a cell seen a moment ago. For such a
//! cell we keep a disk around its centre that lies surely inside it; a point in that disk —
//! about nine in ten of a cell's points, the disk filling ~90% of a hexagon — gets its cell
//! from one multiplication and a comparison. A point outside it is tested against the cell's
//! boundary, each edge pulled in by the same margin (six products), and only the rest — a
//! thin band along the edges, and cells not yet cached — asks H3. The answer is always exactly
//! H3's; the tests below check it around cities, a pentagon, an icosahedron face edge, the
//! antimeridian, high latitudes, and on either side of cells' corners and edges.
//!
//! Cached cells are looked up by a grid square of the point (0.01°, about 1 km), in a table
//! of fixed size; on the simulated night of `entraide bench trends`, nine located posts in
//! ten are answered from it (four in five with the disks alone). A square gets a cell only
//! the second time it is seen, so a stream of scattered points, none near another, pays a
//! table probe per point and never the cell's boundary (which costs a few H3 lookups).

use h3o::{CellIndex, LatLng, Resolution};
use std::collections::HashMap;

/// Slots of the table, a power of two: 32 768 slots of 96 bytes, 3 MiB per engine, hold the
/// squares of a few dozen big cities with few collisions (at 8 192, squares sharing a slot
/// kept evicting each other, and a third of the points missed).
const SLOTS: usize = 32_768;

/// Cell boundaries kept at most (about 200 bytes each): the cells of a few dozen cities.
const MAX_POLYGONS: usize = 16_384;

/// Squares per degree of latitude and of longitude.
const SQUARES_PER_DEGREE: f64 = 100.0;

/// The disk kept is this fraction of the distance from the cell's centre to its nearest edge.
/// It absorbs the error of measuring in a flat frame around the centre (H3 edges are straight
/// in a gnomonic projection, and a degree of longitude shrinks along the cell): below a
/// thousandth of the distance up to [`MAX_LATITUDE`], against the two hundredths given up.
const SAFETY: f64 = 0.98;

/// Beyond this latitude cells are not cached: the flat frame around a cell's centre would
/// distort too much near the poles.
const MAX_LATITUDE: f64 = 80.0;

/// A cell and the disk of points surely inside it, in a flat frame around its centre where
/// `x` is degrees of longitude times the cosine of the centre's latitude, and `y` degrees of
/// latitude.
#[derive(Clone, Copy, Debug)]
struct Disk {
    cell: CellIndex,
    lat: f64,
    lng: f64,
    cos_lat: f64,
    radius_squared: f64,
}

impl Disk {
    /// `None` for a cell too near a pole or astride the antimeridian, where the flat frame
    /// fails.
    fn around(cell: CellIndex) -> Option<Self> {
        let centre = LatLng::from(cell);
        let (lat, lng) = (centre.lat(), centre.lng());
        if lat.abs() > MAX_LATITUDE {
            return None;
        }
        let cos_lat = lat.to_radians().cos();
        let boundary = cell.boundary();
        let mut vertices = Vec::with_capacity(boundary.len());
        for v in boundary.iter() {
            let dlng = v.lng() - lng;
            if dlng.abs() > 90.0 {
                return None;
            }
            vertices.push((dlng * cos_lat, v.lat() - lat));
        }
        let nearest_edge = vertices
            .iter()
            .zip(vertices.iter().cycle().skip(1))
            .map(|(&a, &b)| distance_to_segment(a, b))
            .fold(f64::INFINITY, f64::min);
        let radius = nearest_edge * SAFETY;
        Some(Self {
            cell,
            lat,
            lng,
            cos_lat,
            radius_squared: radius * radius,
        })
    }

    fn holds(&self, lat: f64, lng: f64) -> bool {
        let x = (lng - self.lng) * self.cos_lat;
        let y = lat - self.lat;
        x * x + y * y < self.radius_squared
    }
}

/// A cell's boundary in its [`Disk`]'s flat frame, each edge pulled in toward the centre like
/// the disk ([`SAFETY`]): a point of the cell outside its disk (a corner, a tenth of the
/// cell) is found inside it without H3. One edge is (x, y, c) with (x, y) its outward normal
/// and c its distance from the centre: a point p is inside when x·p.x + y·p.y < c for all.
#[derive(Debug)]
struct Polygon {
    edges: Box<[(f64, f64, f64)]>,
}

impl Polygon {
    /// `None` if the boundary is not convex around the centre in the flat frame (a cell
    /// astride an icosahedron edge may not be): the edges' half-planes would not be the cell.
    fn of(disk: &Disk) -> Option<Self> {
        let vertices: Vec<(f64, f64)> = disk
            .cell
            .boundary()
            .iter()
            .map(|v| ((v.lng() - disk.lng) * disk.cos_lat, v.lat() - disk.lat))
            .collect();
        let mut edges = Vec::with_capacity(vertices.len());
        let mut turn = 0.0;
        for (i, &(ax, ay)) in vertices.iter().enumerate() {
            let (bx, by) = vertices[(i + 1) % vertices.len()];
            let (cx, cy) = vertices[(i + 2) % vertices.len()];
            // Every corner turns the same way, or the polygon is not convex.
            let cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
            if cross == 0.0 || (turn != 0.0 && cross.signum() != turn) {
                return None;
            }
            turn = cross.signum();
            let length = (bx - ax).hypot(by - ay);
            // Perpendicular to the edge; which side is outward depends on the turning sense.
            let (nx, ny) = ((by - ay) / length * turn, -(bx - ax) / length * turn);
            let distance = nx * ax + ny * ay;
            if distance <= 0.0 {
                return None;
            }
            edges.push((nx, ny, distance * SAFETY));
        }
        Some(Self {
            edges: edges.into_boxed_slice(),
        })
    }

    fn holds(&self, disk: &Disk, lat: f64, lng: f64) -> bool {
        let x = (lng - disk.lng) * disk.cos_lat;
        let y = lat - disk.lat;
        self.edges.iter().all(|&(nx, ny, c)| nx * x + ny * y < c)
    }
}

/// Distance from the origin to the segment from `a` to `b`.
fn distance_to_segment(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length_squared = dx * dx + dy * dy;
    let t = if length_squared > 0.0 {
        (-(a.0 * dx + a.1 * dy) / length_squared).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (a.0 + t * dx, a.1 + t * dy);
    (x * x + y * y).sqrt()
}

#[derive(Clone, Copy, Debug, Default)]
enum Slot {
    #[default]
    Empty,
    /// The square was seen once: the next point in it caches its cell.
    Seen(u64),
    /// The cells of the first two points of the square that met no disk: a square about a
    /// fifth the size of a cell usually overlaps one or two.
    Cached(u64, Disk, Option<Disk>),
    /// The square's cell cannot be cached (see [`Disk::around`]).
    Uncached(u64),
}

/// Points to cells at one resolution, exactly as [`LatLng::to_cell`], faster for points near
/// earlier ones.
#[derive(Debug)]
pub struct CellFinder {
    resolution: Resolution,
    slots: Box<[Slot]>,
    /// Boundaries of cached cells, made the first time a point misses a cell's disk (`None`
    /// when not convex), and dropped all at once past [`MAX_POLYGONS`].
    polygons: HashMap<CellIndex, Option<Polygon>, foldhash::fast::RandomState>,
}

impl CellFinder {
    pub fn new(resolution: Resolution) -> Self {
        Self {
            resolution,
            slots: vec![Slot::Empty; SLOTS].into_boxed_slice(),
            polygons: HashMap::default(),
        }
    }

    pub fn cell(&mut self, point: LatLng) -> CellIndex {
        let (lat, lng) = (point.lat(), point.lng());
        let square = square_of(lat, lng);
        let slot = &mut self.slots[slot_of(square)];
        match slot {
            Slot::Cached(held, first, second) if *held == square => {
                if first.holds(lat, lng) {
                    return first.cell;
                }
                if let Some(disk) = second
                    && disk.holds(lat, lng)
                {
                    return disk.cell;
                }
                // Outside both disks: in a corner of one of the cells, or in a third cell.
                let (first, second) = (*first, *second);
                for disk in std::iter::once(first).chain(second) {
                    if self
                        .polygon(&disk)
                        .is_some_and(|polygon| polygon.holds(&disk, lat, lng))
                    {
                        return disk.cell;
                    }
                }
                let cell = point.to_cell(self.resolution);
                if second.is_none()
                    && let Slot::Cached(_, _, second) = &mut self.slots[slot_of(square)]
                {
                    *second = Disk::around(cell);
                }
                cell
            }
            Slot::Uncached(held) if *held == square => point.to_cell(self.resolution),
            Slot::Seen(held) if *held == square => {
                let cell = point.to_cell(self.resolution);
                *slot = match Disk::around(cell) {
                    Some(disk) => Slot::Cached(square, disk, None),
                    None => Slot::Uncached(square),
                };
                cell
            }
            _ => {
                // Another square's cells give way: the table follows where posts come from.
                *slot = Slot::Seen(square);
                point.to_cell(self.resolution)
            }
        }
    }

    /// The boundary of `disk`'s cell, made on first use.
    fn polygon(&mut self, disk: &Disk) -> Option<&Polygon> {
        if self.polygons.len() >= MAX_POLYGONS && !self.polygons.contains_key(&disk.cell) {
            self.polygons.clear();
        }
        self.polygons
            .entry(disk.cell)
            .or_insert_with(|| Polygon::of(disk))
            .as_ref()
    }
}

/// The grid square of a point, as one number: its row, then its column in the low 32 bits.
fn square_of(lat: f64, lng: f64) -> u64 {
    // Latitude -90..90 and longitude -180..180 in hundredths: 18 001 rows, 36 001 columns.
    let row = ((lat + 90.0) * SQUARES_PER_DEGREE) as u64;
    let column = ((lng + 180.0) * SQUARES_PER_DEGREE) as u64;
    (row << 32) | column
}

fn slot_of(square: u64) -> usize {
    // Fibonacci hashing: neighbouring squares land in unrelated slots.
    (square.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - SLOTS.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64, so the test sees the same points every run.
    fn rng(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Points clustered around places of every kind — cities, a pentagon, an icosahedron face
    /// Points walked from cells' centres out past their corners and the middles of their
    /// edges, each asked twice so their square is cached: those near an edge are answered by
    /// the cell's boundary (not its disk), and those just across it must not be.
    #[test]
    fn points_near_cell_edges_are_exactly_h3s() {
        let mut next = rng(0xed9e);
        let mut finder = CellFinder::new(Resolution::Seven);
        let mut by_polygon = 0;
        for (clat, clng) in [
            (48.8566, 2.3522),
            (-33.8688, 151.2093),
            (64.1466, -21.9426),
            (10.0, 25.0),
        ] {
            for _ in 0..100 {
                let start = LatLng::new(clat + (next() - 0.5) * 0.3, clng + (next() - 0.5) * 0.3)
                    .expect("in range");
                let cell = start.to_cell(Resolution::Seven);
                let centre = LatLng::from(cell);
                let boundary: Vec<LatLng> = cell.boundary().iter().copied().collect();
                let targets = boundary
                    .iter()
                    .zip(boundary.iter().cycle().skip(1))
                    .flat_map(|(a, b)| {
                        [
                            (a.lat(), a.lng()),
                            ((a.lat() + b.lat()) / 2.0, (a.lng() + b.lng()) / 2.0),
                        ]
                    });
                for (tlat, tlng) in targets {
                    for t in [
                        0.9, 0.9, 0.95, 0.97, 0.985, 0.995, 1.0, 1.005, 1.01, 1.03, 0.98,
                    ] {
                        let lat = centre.lat() + t * (tlat - centre.lat());
                        let lng = centre.lng() + t * (tlng - centre.lng());
                        let point = LatLng::new(lat, lng).expect("in range");
                        let expected = point.to_cell(Resolution::Seven);
                        for _ in 0..2 {
                            assert_eq!(finder.cell(point), expected, "{point:?}");
                        }
                        if let Slot::Cached(_, first, _) =
                            finder.slots[slot_of(square_of(lat, lng))]
                            && !first.holds(lat, lng)
                            && finder.polygons.get(&first.cell).is_some_and(|p| {
                                p.as_ref().is_some_and(|p| p.holds(&first, lat, lng))
                            })
                        {
                            by_polygon += 1;
                        }
                    }
                }
            }
        }
        // The boundaries answered many points, so the test tested them.
        assert!(by_polygon > 2_000, "{by_polygon} answered by a boundary");
    }

    /// edge, the antimeridian, high latitudes — each seen many times over, so nearly every
    /// point meets a cached cell, and points scattered over the globe: every answer is H3's.
    #[test]
    fn every_cell_is_exactly_h3s() {
        let pentagon = LatLng::from(
            CellIndex::base_cells()
                .find(|c| c.is_pentagon())
                .expect("H3 has pentagons")
                .center_child(Resolution::Seven)
                .expect("a finer resolution"),
        );
        let centres = [
            (48.8566, 2.3522),
            (45.7640, 4.8357),
            (-33.8688, 151.2093),
            (64.1466, -21.9426),
            (79.9, 15.0),
            (0.0, 179.99),
            (pentagon.lat(), pentagon.lng()),
            // Near the edge between two icosahedron faces.
            (10.0, 25.0),
        ];
        let mut next = rng(0x5eed);
        // Res-9 cells are smaller than a square, so fewer points meet their square's cell.
        for (resolution, least_cached) in [(Resolution::Seven, 20_000), (Resolution::Nine, 2_000)] {
            let mut finder = CellFinder::new(resolution);
            let mut cached = 0;
            for round in 0..40_000 {
                let (clat, clng) = centres[round % centres.len()];
                let (lat, lng) = if round % 10 == 9 {
                    (next() * 180.0 - 90.0, next() * 360.0 - 180.0)
                } else {
                    (clat + (next() - 0.5) * 0.1, clng + (next() - 0.5) * 0.1)
                };
                let lng = if lng > 180.0 { lng - 360.0 } else { lng };
                let point = LatLng::new(lat, lng).expect("in range");
                let found = finder.cell(point);
                assert_eq!(
                    found,
                    point.to_cell(resolution),
                    "{point:?} at {resolution:?}"
                );
                if let Slot::Cached(_, first, second) = finder.slots[slot_of(square_of(lat, lng))]
                    && (first.holds(lat, lng) || second.is_some_and(|d| d.holds(lat, lng)))
                {
                    cached += 1;
                }
            }
            // Most clustered points were answered from the cache, so the test tested it.
            assert!(cached > least_cached, "{cached} cached at {resolution:?}");
        }
    }
}
