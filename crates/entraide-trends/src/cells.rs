//! The H3 cell of a post's place, remembering the cells posts fell in lately.
//!
//! Finding a point's cell projects it onto an icosahedron face (trigonometry, then the
//! aperture-7 digits of every resolution): about a fifth of the engine's time per located post.
//! Posts cluster in cities, so most of them land in a cell seen a moment ago. For such a
//! cell we keep a disk around its centre that lies surely inside it; a point in that disk —
//! about nine in ten of a cell's points, the disk filling ~90% of a hexagon — gets its cell
//! from one multiplication and a comparison, and the others from H3 as before. The answer is
//! always exactly H3's; the test below checks it around cities, a pentagon, an icosahedron
//! face edge, the antimeridian and high latitudes.
//!
//! Cached cells are looked up by a grid square of the point (0.01°, about 1 km), in a table
//! of fixed size; on the simulated night of `entraide bench trends`, three located posts in
//! four are answered from it. A square gets a cell only the second time it is seen, so a stream of
//! scattered points, none near another, pays a table probe per point and never the cell's
//! boundary (which costs a few H3 lookups).

use h3o::{CellIndex, LatLng, Resolution};

/// Slots of the table, a power of two: 32 768 slots of 96 bytes, 3 MiB per engine, hold the
/// squares of a few dozen big cities with few collisions (at 8 192, squares sharing a slot
/// kept evicting each other, and a third of the points missed).
const SLOTS: usize = 32_768;

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
}

impl CellFinder {
    pub fn new(resolution: Resolution) -> Self {
        Self {
            resolution,
            slots: vec![Slot::Empty; SLOTS].into_boxed_slice(),
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
                match second {
                    Some(disk) if disk.holds(lat, lng) => disk.cell,
                    Some(_) => point.to_cell(self.resolution),
                    None => {
                        let cell = point.to_cell(self.resolution);
                        *second = Disk::around(cell);
                        cell
                    }
                }
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
