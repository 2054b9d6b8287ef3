//! Shape checks on a polygon whose positions are already valid.
//!
//! A ring that crosses itself has no well-defined inside, so "is this person in the zone?" would get
//! an answer that depends on the algorithm rather than on what the responder meant. These checks
//! follow the OGC simple-feature rules for polygons. geo's own `Validation` compares every segment
//! with every other one, which at the 10 000-position limit is slow enough to stall a server that is
//! being sent such zones; the sweep below only compares segments whose x ranges overlap, and it also
//! reports *where* the problem is.

use geo::algorithm::sweep::{Cross, Intersections};
use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, Line, LineIntersection, LineString, Polygon};

use crate::GeoError;

#[derive(Clone, Copy, Debug)]
struct Segment {
    ring: usize,
    index: usize,
    /// Segments in this ring, to know that the last and the first are neighbours.
    ring_len: usize,
    line: Line<f64>,
}

impl Cross for Segment {
    type Scalar = f64;
    fn line(&self) -> Line<f64> {
        self.line
    }
}

const HOLE_RULE: &str = "holes (rings after the first) must lie inside the first ring without \
                         crossing it or each other";

pub(crate) fn check_polygon(polygon: &Polygon<f64>, path: &str) -> Result<(), GeoError> {
    let rings: Vec<Vec<Coord<f64>>> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(without_repeats)
        .collect();
    for (i, ring) in rings.iter().enumerate() {
        let ring_path = format!("{path}[{i}]");
        if ring.len() < 4 {
            return Err(GeoError::at(
                &ring_path,
                "ring has fewer than 3 distinct positions, so it encloses no area",
            ));
        }
        if all_on_one_line(ring) {
            return Err(GeoError::at(
                &ring_path,
                "ring has zero area (its positions all lie on one line)",
            ));
        }
    }
    // With no crossings and not all on one line, a ring always encloses some area.
    check_crossings(&rings, path)?;
    check_holes(polygon, path)
}

/// Repeated consecutive positions are legal GeoJSON but make zero-length segments, which would look
/// like a ring touching itself.
fn without_repeats(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out
}

fn all_on_one_line(ring: &[Coord<f64>]) -> bool {
    // Exact orientation tests: a float cross product can call a thin sliver a line, or a line not.
    let (a, b) = (ring[0], ring[1]);
    ring[2..]
        .iter()
        .all(|&c| RobustKernel::orient2d(a, b, c) == Orientation::Collinear)
}

fn check_crossings(rings: &[Vec<Coord<f64>>], path: &str) -> Result<(), GeoError> {
    let segments = rings.iter().enumerate().flat_map(|(ring, coords)| {
        let ring_len = coords.len() - 1;
        coords
            .windows(2)
            .enumerate()
            .map(move |(index, w)| Segment {
                ring,
                index,
                ring_len,
                line: Line::new(w[0], w[1]),
            })
    });
    for (a, b, hit) in Intersections::from_iter(segments) {
        if a.ring == b.ring {
            let neighbours =
                (a.index + 1) % a.ring_len == b.index || (b.index + 1) % b.ring_len == a.index;
            // Neighbouring segments always meet at their shared position; anything more is a fault.
            if neighbours && matches!(hit, LineIntersection::SinglePoint { .. }) {
                continue;
            }
            let ring_path = format!("{path}[{}]", a.ring);
            let message = match hit {
                LineIntersection::SinglePoint { intersection, .. } => format!(
                    "ring crosses or touches itself at {}; a ring must be a simple loop (draw \
                     separate areas as separate polygons of a MultiPolygon)",
                    show(intersection)
                ),
                LineIntersection::Collinear { intersection } => format!(
                    "ring runs back over itself between {} and {}; a ring must be a simple loop",
                    show(intersection.start),
                    show(intersection.end)
                ),
            };
            return Err(GeoError::at(&ring_path, message));
        }
        let (first, second) = if a.ring < b.ring { (a, b) } else { (b, a) };
        let ring_path = format!("{path}[{}]", second.ring);
        match hit {
            // Rings may touch at a single position (OGC allows it), but not cross or share an edge.
            LineIntersection::SinglePoint {
                intersection,
                is_proper: true,
            } => {
                return Err(GeoError::at(
                    &ring_path,
                    format!(
                        "ring crosses ring {} of the same polygon at {}; {HOLE_RULE}",
                        first.ring,
                        show(intersection)
                    ),
                ));
            }
            LineIntersection::Collinear { intersection }
                if intersection.start != intersection.end =>
            {
                return Err(GeoError::at(
                    &ring_path,
                    format!(
                        "ring shares an edge with ring {} of the same polygon, between {} and {}; \
                         {HOLE_RULE}",
                        first.ring,
                        show(intersection.start),
                        show(intersection.end)
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// With no crossings left, a hole is misplaced exactly when one of its positions lies strictly
/// outside the first ring or strictly inside another hole.
fn check_holes(polygon: &Polygon<f64>, path: &str) -> Result<(), GeoError> {
    use geo::BoundingRect;
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    let holes: Vec<Polygon<f64>> = polygon
        .interiors()
        .iter()
        .map(|h| Polygon::new(h.clone(), vec![]))
        .collect();
    for (i, hole) in holes.iter().enumerate() {
        let hole_path = format!("{path}[{}]", i + 1);
        if let Some(c) = hole
            .exterior()
            .coords()
            .find(|c| exterior.coordinate_position(c) == CoordPos::Outside)
        {
            return Err(GeoError::at(
                &hole_path,
                format!(
                    "hole is not inside the first ring ({} lies outside it); {HOLE_RULE}",
                    show(*c)
                ),
            ));
        }
        let bounds = hole.bounding_rect();
        for (j, other) in holes.iter().enumerate() {
            if i == j || !rects_overlap(bounds, other.bounding_rect()) {
                continue;
            }
            if let Some(c) = hole
                .exterior()
                .coords()
                .find(|c| other.coordinate_position(c) == CoordPos::Inside)
            {
                return Err(GeoError::at(
                    &hole_path,
                    format!(
                        "hole lies inside hole {path}[{}] ({} is within it); {HOLE_RULE}",
                        j + 1,
                        show(*c)
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn rects_overlap(a: Option<geo::Rect<f64>>, b: Option<geo::Rect<f64>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.min().x <= b.max().x
                && b.min().x <= a.max().x
                && a.min().y <= b.max().y
                && b.min().y <= a.max().y
        }
        _ => false,
    }
}

/// A computed position, rounded to about 10 cm so messages stay readable.
fn show(c: Coord<f64>) -> String {
    let r = |v: f64| (v * 1e6).round() / 1e6;
    format!("[{}, {}]", r(c.x), r(c.y))
}
