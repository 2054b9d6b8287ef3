//! Areas, distances and server-drawn maps for entraide.
//!
//! # Why this crate exists
//!
//! Almost every decision entraide makes in a crisis is a place question. Safety Check prompts people
//! whose recent location or home area lies in the crisis zone; shelter offers are ranked by distance;
//! tag bursts only count "near" the area they come from. So crisis zones and home areas ([`Zone`]) are
//! checked against people's locations ([`Point`]) many times a second, and the checks have to be
//! predictable: a validated zone never panics later, and every rejected zone comes with a message a
//! responder can act on at 2 a.m. ([`GeoError`]).
//!
//! Maps are drawn here, on the server, as small inline SVG ([`zone_svg`]). Map tiles would need the
//! internet, and during a crisis the network is congested and third-party tile servers may be slow,
//! blocked or tracking people who are in danger. An SVG of a few kilobytes arrives with the page itself
//! and works with no scripts and no external requests.
//!
//! # Conventions
//!
//! Positions are WGS84 in GeoJSON order (RFC 7946): `[lon, lat]`. Polygon edges are straight lines in
//! lon/lat (as RFC 7946 says); areas crossing the antimeridian must be split into a MultiPolygon, as
//! the RFC also asks. Circles are true spherical circles (haversine).

mod circle;
mod parse;
mod svg;
mod zone;

use serde::{Deserialize, Serialize};

/// Re-exported so users build [`Zone::Polygons`] with the same `geo` version as this crate.
pub use geo;
pub use svg::zone_svg;
pub use zone::Zone;

/// Mean Earth radius (IUGG), in metres: the haversine distance uses a sphere, and this radius keeps
/// its error under about 0.5% anywhere.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Largest circle radius accepted, in metres (1000 km): a bigger "zone" is not a crisis area but a
/// continent, and would prompt far more people than a responder means to.
pub const MAX_RADIUS_M: f64 = 1_000_000.0;

/// Most positions accepted in one zone: enough for a detailed district boundary, small enough that
/// validating and testing a zone stays cheap for a server under load.
pub const MAX_POSITIONS: usize = 10_000;

/// A problem with geographic input, worded for the person who sent it.
///
/// The message names where the problem is (a JSON path such as `coordinates[0][3]`) and what was
/// found, e.g. `coordinates[0]: ring is not closed (first position [2.35, 48.85] differs from last
/// [2.36, 48.86])`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct GeoError(pub String);

impl GeoError {
    pub(crate) fn at(path: &str, message: impl std::fmt::Display) -> GeoError {
        if path.is_empty() {
            GeoError(message.to_string())
        } else {
            GeoError(format!("{path}: {message}"))
        }
    }
}

/// A validated WGS84 position. GeoJSON order: lon first.
///
/// Deserializing (`{"lon": .., "lat": ..}`) validates too, so a stored or received point can be
/// trusted like one made with [`Point::new`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPoint")]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

#[derive(Deserialize)]
struct RawPoint {
    lon: f64,
    lat: f64,
}

impl TryFrom<RawPoint> for Point {
    type Error = GeoError;
    fn try_from(raw: RawPoint) -> Result<Point, GeoError> {
        Point::new(raw.lon, raw.lat)
    }
}

impl Point {
    /// Checks that `lon` is in [-180, 180] and `lat` in [-90, 90], both finite.
    pub fn new(lon: f64, lat: f64) -> Result<Point, GeoError> {
        check_coordinate("longitude", lon, 180.0)?;
        check_coordinate("latitude", lat, 90.0)?;
        Ok(Point { lon, lat })
    }
}

fn check_coordinate(name: &str, value: f64, limit: f64) -> Result<(), GeoError> {
    if !value.is_finite() {
        return Err(GeoError(format!("{name} {value} is not a finite number")));
    }
    if !(-limit..=limit).contains(&value) {
        return Err(GeoError(format!(
            "{name} {value} is out of range [-{limit}, {limit}]"
        )));
    }
    Ok(())
}

/// A lon/lat rectangle, used to pre-filter points and zones cheaply (e.g. in a spatial index or an SQL
/// `WHERE`) before the exact test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// Edges count as inside.
    pub fn contains(&self, p: Point) -> bool {
        (self.min_lon..=self.max_lon).contains(&p.lon)
            && (self.min_lat..=self.max_lat).contains(&p.lat)
    }

    /// The whole world, for shapes a single box cannot describe (across the antimeridian or a pole).
    const WORLD: BBox = BBox {
        min_lon: -180.0,
        min_lat: -90.0,
        max_lon: 180.0,
        max_lat: 90.0,
    };

    /// A box that contains nothing (min > max), for a zone with no area at all.
    const EMPTY: BBox = BBox {
        min_lon: f64::INFINITY,
        min_lat: f64::INFINITY,
        max_lon: f64::NEG_INFINITY,
        max_lat: f64::NEG_INFINITY,
    };
}

/// Great-circle distance in metres (haversine, mean Earth radius 6_371_008.8 m).
pub fn distance_m(a: Point, b: Point) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    // Rounding can push h a hair outside [0, 1] for antipodal points; sqrt/asin would then give NaN.
    2.0 * EARTH_RADIUS_M * h.clamp(0.0, 1.0).sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lon: f64, lat: f64) -> Point {
        Point::new(lon, lat).unwrap()
    }

    #[test]
    fn point_validation_names_the_coordinate_and_value() {
        assert!(Point::new(2.35, 48.85).is_ok());
        assert!(Point::new(-180.0, -90.0).is_ok());
        assert!(Point::new(180.0, 90.0).is_ok());
        let e = Point::new(200.0, 10.0).unwrap_err().to_string();
        assert!(e.contains("longitude") && e.contains("200"), "{e}");
        let e = Point::new(10.0, -91.5).unwrap_err().to_string();
        assert!(e.contains("latitude") && e.contains("-91.5"), "{e}");
        let e = Point::new(f64::NAN, 0.0).unwrap_err().to_string();
        assert!(e.contains("longitude") && e.contains("finite"), "{e}");
        let e = Point::new(0.0, f64::INFINITY).unwrap_err().to_string();
        assert!(e.contains("latitude") && e.contains("finite"), "{e}");
    }

    #[test]
    fn point_serde_round_trips_and_validates() {
        let pt = p(2.3708, 48.8631);
        let json = serde_json::to_value(pt).unwrap();
        assert_eq!(json, serde_json::json!({"lon": 2.3708, "lat": 48.8631}));
        assert_eq!(serde_json::from_value::<Point>(json).unwrap(), pt);
        let err = serde_json::from_value::<Point>(serde_json::json!({"lon": 2.0, "lat": 95.0}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("latitude 95"), "{err}");
    }

    #[test]
    fn distance_paris_lyon() {
        // Notre-Dame de Paris to Place Bellecour, Lyon: about 392 km as the crow flies.
        let paris = p(2.3499, 48.8530);
        let lyon = p(4.8320, 45.7578);
        let d = distance_m(paris, lyon);
        assert!((d - 392_000.0).abs() < 2_000.0, "{d}");
        assert_eq!(distance_m(paris, paris), 0.0);
        assert!((distance_m(paris, lyon) - distance_m(lyon, paris)).abs() < 1e-6);
    }

    #[test]
    fn distance_extremes_are_finite() {
        let half_circumference = std::f64::consts::PI * EARTH_RADIUS_M;
        let d = distance_m(p(0.0, 0.0), p(180.0, 0.0));
        assert!((d - half_circumference).abs() < 1.0, "{d}");
        let d = distance_m(p(0.0, 90.0), p(0.0, -90.0));
        assert!((d - half_circumference).abs() < 1.0, "{d}");
        // Across the antimeridian the short way round.
        let d = distance_m(p(179.9, 0.0), p(-179.9, 0.0));
        assert!(d < 25_000.0, "{d}");
    }

    #[test]
    fn bbox_contains_is_inclusive() {
        let b = BBox {
            min_lon: 2.0,
            min_lat: 48.0,
            max_lon: 3.0,
            max_lat: 49.0,
        };
        assert!(b.contains(p(2.0, 48.0)));
        assert!(b.contains(p(3.0, 49.0)));
        assert!(b.contains(p(2.5, 48.5)));
        assert!(!b.contains(p(3.01, 48.5)));
        assert!(!BBox::EMPTY.contains(p(0.0, 0.0)));
        assert!(BBox::WORLD.contains(p(-180.0, 90.0)));
    }
}
