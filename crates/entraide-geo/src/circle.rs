//! Spherical circles: their bounding box and their polygon approximation.

use geo::{Coord, LineString, Polygon};

use crate::{BBox, EARTH_RADIUS_M, Point, distance_m};

/// Sides of the polygon standing in for a circle: at 64 the polygon departs from the circle by at
/// most 0.12% of the radius (1.2 m on 1 km), far below the accuracy of a phone's position.
pub(crate) const SIDES: usize = 64;

/// How the polygon relates to the true circle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Fit {
    /// Vertices on the circle: the polygon lies inside it. Used for drawing.
    Inscribed,
    /// Edges outside the circle: the polygon covers it. Used for intersection tests, because missing
    /// someone who is in a crisis zone is worse than prompting someone just outside it.
    Circumscribed,
}

/// Position reached going `dist_m` from `from` along initial `bearing` (radians, clockwise from north),
/// on the sphere. The longitude is *not* wrapped into [-180, 180], so a circle crossing the
/// antimeridian stays one connected ring.
fn destination(from: Point, bearing: f64, dist_m: f64) -> Coord<f64> {
    let delta = dist_m / EARTH_RADIUS_M;
    let (lat1, lon1) = (from.lat.to_radians(), from.lon.to_radians());
    let lat2 = (lat1.sin() * delta.cos() + lat1.cos() * delta.sin() * bearing.cos())
        .clamp(-1.0, 1.0)
        .asin();
    let dlon =
        (bearing.sin() * delta.sin() * lat1.cos()).atan2(delta.cos() - lat1.sin() * lat2.sin());
    Coord {
        x: (lon1 + dlon).to_degrees(),
        y: lat2.to_degrees(),
    }
}

/// The circle's vertices in bearing order, longitudes unwrapped.
fn ring_at(center: Point, r: f64) -> Vec<Coord<f64>> {
    (0..SIDES)
        .map(|i| {
            let bearing = std::f64::consts::TAU * i as f64 / SIDES as f64;
            destination(center, bearing, r)
        })
        .collect()
}

/// The smallest distance from `center` to points along the ring's edges, as a share of `radius_m`.
fn worst_edge_ratio(center: Point, radius_m: f64, ring: &[Coord<f64>]) -> f64 {
    let mut worst = f64::INFINITY;
    for (i, a) in ring.iter().enumerate() {
        let b = ring[(i + 1) % ring.len()];
        // Around a pole consecutive vertices may be a whole turn apart in unwrapped longitude.
        let dx = (b.x - a.x + 180.0).rem_euclid(360.0) - 180.0;
        for t in [0.25, 0.5, 0.75] {
            let q = Point {
                lon: (a.x + dx * t + 180.0).rem_euclid(360.0) - 180.0,
                lat: a.y + (b.y - a.y) * t,
            };
            worst = worst.min(distance_m(center, q) / radius_m);
        }
    }
    worst
}

/// Which pole, if any, lies inside the circle: +1 north, -1 south, 0 neither.
fn pole_inside(center: Point, radius_m: f64) -> i8 {
    if distance_m(
        center,
        Point {
            lon: 0.0,
            lat: 90.0,
        },
    ) <= radius_m
    {
        1
    } else if distance_m(
        center,
        Point {
            lon: 0.0,
            lat: -90.0,
        },
    ) <= radius_m
    {
        -1
    } else {
        0
    }
}

/// The circle as a lon/lat polygon.
///
/// Around a pole, a ring of points in lon/lat does not enclose the pole, so the cap is drawn as the
/// region between the circle's edge and the pole's own line (lat = ±90) from -180 to 180; elsewhere
/// the ring is in unwrapped longitudes (it may reach past ±180, see [`shifted_copies`]).
pub(crate) fn polygon(center: Point, radius_m: f64, fit: Fit) -> Polygon<f64> {
    let r = match fit {
        Fit::Inscribed => radius_m,
        Fit::Circumscribed => {
            // Pushing the vertices out by 1/cos(pi/n) would be enough on a flat map, but the edges are
            // straight in lon/lat, which bends them inwards on the sphere (up to 1% of a 1000 km
            // radius near the poles). Measure how far they dip and push out by twice that.
            let flat = radius_m / (std::f64::consts::PI / SIDES as f64).cos();
            let dip = 1.0 - worst_edge_ratio(center, radius_m, &ring_at(center, flat));
            flat * (1.0 + 2.0 * dip.max(0.0))
        }
    };
    let mut ring = ring_at(center, r);
    let pole = pole_inside(center, r);
    if pole == 0 {
        ring.push(ring[0]);
        return Polygon::new(LineString::new(ring), vec![]);
    }
    for c in &mut ring {
        c.x = (c.x + 180.0).rem_euclid(360.0) - 180.0;
    }
    ring.sort_by(|a, b| a.x.total_cmp(&b.x));
    // Latitude of the edge at the antimeridian, interpolated across the seam between the last and
    // first points so the cap closes without a step.
    let (first, last) = (ring[0], ring[ring.len() - 1]);
    let gap = first.x + 360.0 - last.x;
    let t = if gap > 0.0 {
        (180.0 - last.x) / gap
    } else {
        0.5
    };
    let seam_lat = last.y + (first.y - last.y) * t;
    let pole_lat = 90.0 * f64::from(pole);
    let mut cap = Vec::with_capacity(ring.len() + 5);
    cap.push(Coord {
        x: -180.0,
        y: seam_lat,
    });
    cap.extend(ring);
    cap.push(Coord {
        x: 180.0,
        y: seam_lat,
    });
    cap.push(Coord {
        x: 180.0,
        y: pole_lat,
    });
    cap.push(Coord {
        x: -180.0,
        y: pole_lat,
    });
    cap.push(cap[0]);
    Polygon::new(LineString::new(cap), vec![])
}

/// The circle polygon plus, when it reaches past ±180°, the copy shifted by 360° that lands on the
/// other side of the antimeridian, so tests against polygons there still see the overlap.
pub(crate) fn shifted_copies(poly: Polygon<f64>) -> Vec<Polygon<f64>> {
    use geo::{BoundingRect, Translate};
    let Some(rect) = poly.bounding_rect() else {
        return vec![poly];
    };
    let mut out = Vec::with_capacity(2);
    if rect.max().x > 180.0 {
        out.push(poly.translate(-360.0, 0.0));
    }
    if rect.min().x < -180.0 {
        out.push(poly.translate(360.0, 0.0));
    }
    out.push(poly);
    out
}

/// A box covering the whole circle.
///
/// The latitude extent is exact (radius / Earth radius, in degrees). The longitude extent is the
/// widest point of the circle, asin(sin(d) / cos(lat)), which lies poleward of the center: using
/// d / cos(lat) instead would be too narrow at high latitudes. When the circle covers a pole or
/// crosses the antimeridian a single box cannot hug it, so it spans all longitudes.
pub(crate) fn bbox(center: Point, radius_m: f64) -> BBox {
    // Rounding must never leave a sliver of the circle outside the box.
    const SLACK_DEG: f64 = 1e-9;
    let delta = radius_m / EARTH_RADIUS_M;
    let dlat = delta.to_degrees() + SLACK_DEG;
    let min_lat = (center.lat - dlat).max(-90.0);
    let max_lat = (center.lat + dlat).min(90.0);
    let ratio = delta.sin() / center.lat.to_radians().cos();
    if pole_inside(center, radius_m) != 0 || ratio >= 1.0 {
        return BBox {
            min_lat,
            max_lat,
            ..BBox::WORLD
        };
    }
    let dlon = ratio.asin().to_degrees() + SLACK_DEG;
    let (min_lon, max_lon) = (center.lon - dlon, center.lon + dlon);
    if min_lon < -180.0 || max_lon > 180.0 {
        return BBox {
            min_lat,
            max_lat,
            ..BBox::WORLD
        };
    }
    BBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Intersects};

    fn p(lon: f64, lat: f64) -> Point {
        Point::new(lon, lat).unwrap()
    }

    #[test]
    fn destination_is_at_the_right_distance() {
        let c = p(2.35, 48.85);
        for i in 0..8 {
            let b = i as f64 * 0.8;
            let d = destination(c, b, 10_000.0);
            let d = distance_m(c, p(d.x, d.y));
            assert!((d - 10_000.0).abs() < 0.01, "{d}");
        }
    }

    #[test]
    fn inscribed_inside_circumscribed_covers() {
        let c = p(2.35, 48.85);
        let inner = polygon(c, 5_000.0, Fit::Inscribed);
        let outer = polygon(c, 5_000.0, Fit::Circumscribed);
        assert!(outer.contains(&inner));
        for v in inner.exterior().coords() {
            assert!((distance_m(c, p(v.x, v.y)) - 5_000.0).abs() < 0.01);
        }
    }

    #[test]
    fn circumscribed_edges_stay_outside_the_circle_everywhere() {
        for lat in [-85.0, -60.0, 0.0, 30.0, 48.85, 60.0, 70.0, 80.0, 84.0, 89.0] {
            for r in [50.0, 5_000.0, 100_000.0, 500_000.0, 1_000_000.0] {
                let c = p(10.0, lat);
                let poly = polygon(c, r, Fit::Circumscribed);
                let mut worst = f64::INFINITY;
                for w in poly.exterior().0.windows(2) {
                    // Edges along the pole line or the seam are not part of the circle's edge.
                    if w[0].y.abs() == 90.0 || w[1].y.abs() == 90.0 || w[0].x.abs() == 180.0 {
                        continue;
                    }
                    for k in 0..=50 {
                        let t = f64::from(k) / 50.0;
                        let q = p(
                            w[0].x + (w[1].x - w[0].x) * t,
                            w[0].y + (w[1].y - w[0].y) * t,
                        );
                        worst = worst.min(distance_m(c, q) / r);
                    }
                }
                // Outside, but not wastefully far.
                assert!((1.0..1.03).contains(&worst), "lat {lat} r {r}: {worst}");
            }
        }
    }

    #[test]
    fn bbox_at_60_north_covers_circle() {
        let c = p(10.0, 60.0);
        let r = 200_000.0;
        let b = bbox(c, r);
        for i in 0..3600 {
            let v = destination(c, std::f64::consts::TAU * i as f64 / 3600.0, r);
            assert!(b.contains(p(v.x, v.y)), "{v:?} outside {b:?}");
        }
        // Conservative but not absurd: a naive r / cos(lat) box would be narrower than the truth.
        let naive = (r / EARTH_RADIUS_M).to_degrees() / 60f64.to_radians().cos();
        assert!(b.max_lon - c.lon > naive);
        assert!(b.max_lon - c.lon < naive * 1.05);
    }

    #[test]
    fn bbox_over_pole_and_antimeridian_spans_all_longitudes() {
        let b = bbox(p(0.0, 85.0), 1_000_000.0);
        assert_eq!((b.min_lon, b.max_lon, b.max_lat), (-180.0, 180.0, 90.0));
        let b = bbox(p(179.9, -17.0), 50_000.0);
        assert_eq!((b.min_lon, b.max_lon), (-180.0, 180.0));
        assert!(b.min_lat < -17.4 && b.max_lat > -16.6);
    }

    #[test]
    fn polar_cap_polygon_covers_pole_region() {
        let c = p(20.0, 85.0);
        let cap = polygon(c, 1_000_000.0, Fit::Circumscribed);
        assert!(cap.intersects(&Coord { x: -170.0, y: 89.0 }));
        assert!(cap.intersects(&Coord { x: 20.0, y: 80.0 }));
        assert!(!cap.intersects(&Coord { x: 20.0, y: 70.0 }));
        let cap = polygon(p(0.0, -89.0), 300_000.0, Fit::Inscribed);
        assert!(cap.intersects(&Coord { x: 100.0, y: -89.9 }));
    }

    #[test]
    fn antimeridian_copies() {
        let poly = polygon(p(179.9, 0.0), 50_000.0, Fit::Inscribed);
        let copies = shifted_copies(poly);
        assert_eq!(copies.len(), 2);
        assert!(
            copies
                .iter()
                .any(|c| c.intersects(&Coord { x: -179.9, y: 0.0 }))
        );
    }
}
