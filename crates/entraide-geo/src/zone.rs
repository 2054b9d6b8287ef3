use geo::{BoundingRect, Centroid, Coord, Intersects, LineString, MultiPolygon, Polygon};
use serde_json::{Value, json};

use crate::{BBox, GeoError, Point, circle, distance_m, parse};

/// A crisis zone or a home area.
///
/// Build one with [`Zone::from_json`], which validates it; zones built directly from the variants are
/// trusted as they are.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    /// One or more polygons (with holes), edges straight in lon/lat as in GeoJSON.
    Polygons(MultiPolygon<f64>),
    /// Everything within `radius_m` metres (great-circle) of `center`.
    Circle { center: Point, radius_m: f64 },
}

impl Zone {
    /// Accepts a GeoJSON geometry object `{"type":"Polygon"|"MultiPolygon","coordinates":...}`
    /// (RFC 7946, `[lon, lat]`), also a GeoJSON Feature whose geometry is one of those, or
    /// `{"center":[lon,lat],"radius_m":N}`.
    ///
    /// Rejects, with a message naming the JSON path: other types (saying which are accepted), missing
    /// coordinates, positions that are not 2 or 3 numbers, coordinates out of range, rings with fewer
    /// than 4 positions or not closed, rings with zero area, rings that cross or touch themselves,
    /// holes outside their polygon or crossing it, radii that are not in (0, 1 000 000] metres, and
    /// more than [`MAX_POSITIONS`](crate::MAX_POSITIONS) positions. Altitudes are accepted and
    /// dropped. Polygons of one MultiPolygon may overlap: that only means a place is listed twice.
    pub fn from_json(value: &Value) -> Result<Zone, GeoError> {
        parse::zone_from_json(value)
    }

    /// GeoJSON geometry for polygons (a "Polygon" when there is one, else a "MultiPolygon");
    /// `{"center":[lon,lat],"radius_m":N}` for circles. `from_json(&to_json(z)) == z` for valid zones.
    pub fn to_json(&self) -> Value {
        match self {
            Zone::Circle { center, radius_m } => json!({
                "center": [center.lon, center.lat],
                "radius_m": radius_m,
            }),
            Zone::Polygons(mp) if mp.0.len() == 1 => json!({
                "type": "Polygon",
                "coordinates": polygon_json(&mp.0[0]),
            }),
            Zone::Polygons(mp) => json!({
                "type": "MultiPolygon",
                "coordinates": mp.0.iter().map(polygon_json).collect::<Vec<_>>(),
            }),
        }
    }

    /// Whether `p` is in the zone. The boundary counts as inside: someone standing on the line of a
    /// crisis zone should be asked whether they are safe.
    pub fn contains(&self, p: Point) -> bool {
        match self {
            Zone::Circle { center, radius_m } => distance_m(*center, p) <= *radius_m,
            Zone::Polygons(mp) => mp.intersects(&Coord { x: p.lon, y: p.lat }),
        }
    }

    /// Whether the two zones share at least one point (touching counts).
    ///
    /// Circle against circle is exact. Circle against polygons uses a 64-sided polygon drawn just
    /// *outside* the circle (at most 0.12% of the radius beyond it), so an answer can only err
    /// towards "yes": prompting one extra person beats missing one in the zone.
    pub fn intersects(&self, other: &Zone) -> bool {
        match (self, other) {
            (
                Zone::Circle {
                    center: c1,
                    radius_m: r1,
                },
                Zone::Circle {
                    center: c2,
                    radius_m: r2,
                },
            ) => distance_m(*c1, *c2) <= r1 + r2,
            (Zone::Polygons(a), Zone::Polygons(b)) => a.intersects(b),
            (Zone::Polygons(mp), Zone::Circle { center, radius_m })
            | (Zone::Circle { center, radius_m }, Zone::Polygons(mp)) => {
                circle_meets_polygons(*center, *radius_m, mp)
            }
        }
    }

    /// A box that surely contains the zone, for cheap pre-filtering (see [`BBox`]). A circle crossing
    /// the antimeridian or covering a pole gets all longitudes, since one box cannot wrap around.
    pub fn bbox(&self) -> BBox {
        match self {
            Zone::Circle { center, radius_m } => circle::bbox(*center, *radius_m),
            Zone::Polygons(mp) => match mp.bounding_rect() {
                Some(r) => BBox {
                    min_lon: r.min().x,
                    min_lat: r.min().y,
                    max_lon: r.max().x,
                    max_lat: r.max().y,
                },
                None => BBox::EMPTY,
            },
        }
    }

    /// The centre of the zone: a circle's center, or the area-weighted centroid of the polygons (in
    /// lon/lat, which is what a map needs). For a concave shape it may lie outside the zone.
    pub fn centroid(&self) -> Point {
        match self {
            Zone::Circle { center, .. } => *center,
            Zone::Polygons(mp) => {
                let c = mp
                    .centroid()
                    .map(|c| (c.x(), c.y()))
                    .filter(|(x, y)| x.is_finite() && y.is_finite());
                let (lon, lat) = c.unwrap_or_else(|| {
                    // Only reachable for a zone built by hand with no area at all.
                    let b = self.bbox();
                    if b.min_lon <= b.max_lon {
                        ((b.min_lon + b.max_lon) / 2.0, (b.min_lat + b.max_lat) / 2.0)
                    } else {
                        (0.0, 0.0)
                    }
                });
                Point {
                    lon: lon.clamp(-180.0, 180.0),
                    lat: lat.clamp(-90.0, 90.0),
                }
            }
        }
    }
}

fn circle_meets_polygons(center: Point, radius_m: f64, mp: &MultiPolygon<f64>) -> bool {
    // The center inside is the common case and needs no polygon.
    if mp.intersects(&Coord {
        x: center.lon,
        y: center.lat,
    }) {
        return true;
    }
    let disc = circle::polygon(center, radius_m, circle::Fit::Circumscribed);
    circle::shifted_copies(disc)
        .iter()
        .any(|d| mp.intersects(d))
}

fn polygon_json(p: &Polygon<f64>) -> Vec<Vec<[f64; 2]>> {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(ring_json)
        .collect()
}

fn ring_json(ring: &LineString<f64>) -> Vec<[f64; 2]> {
    ring.0.iter().map(|c| [c.x, c.y]).collect()
}
