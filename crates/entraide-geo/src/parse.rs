//! Reading zones from JSON, with messages that say where the problem is and how to fix it.
//!
//! Zones come from responders' tools, CAP alerts and other registries, often drawn by hand or
//! converted in a hurry, so every check names its JSON path and what it found.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::{Map, Value};

use crate::{GeoError, MAX_POSITIONS, MAX_RADIUS_M, Point, Zone};

mod topology;

const ACCEPTED: &str = "accepted: a GeoJSON \"Polygon\" or \"MultiPolygon\" geometry, a \"Feature\" \
     whose geometry is one of those, or a circle {\"center\": [lon, lat], \"radius_m\": N}";

const CIRCLE_SHAPE: &str = "a circle is {\"center\": [lon, lat], \"radius_m\": N}";

pub(crate) fn zone_from_json(value: &Value) -> Result<Zone, GeoError> {
    let Some(obj) = value.as_object() else {
        return Err(GeoError(format!(
            "expected a JSON object, got {}; {ACCEPTED}",
            describe(value)
        )));
    };
    let mut parser = Parser {
        positions: 0,
        geometry_type: "",
    };
    match obj.get("type") {
        None if obj.contains_key("center") || obj.contains_key("radius_m") => parse_circle(obj),
        None => Err(GeoError(format!("missing \"type\"; {ACCEPTED}"))),
        Some(Value::String(t)) if t == "Feature" => match obj.get("geometry") {
            None => Err(GeoError::at(
                "geometry",
                "missing; a Feature zone needs a Polygon or MultiPolygon geometry",
            )),
            Some(Value::Object(geometry)) => parser.geometry(geometry, "geometry."),
            Some(other) => Err(GeoError::at(
                "geometry",
                format!(
                    "expected a Polygon or MultiPolygon geometry object, got {}",
                    describe(other)
                ),
            )),
        },
        Some(_) => parser.geometry(obj, ""),
    }
}

struct Parser {
    positions: usize,
    /// For hints when the nesting depth does not match the declared type.
    geometry_type: &'static str,
}

impl Parser {
    fn geometry(&mut self, obj: &Map<String, Value>, prefix: &str) -> Result<Zone, GeoError> {
        let type_path = format!("{prefix}type");
        let kind = match obj.get("type") {
            None => return Err(GeoError::at(&type_path, format!("missing; {ACCEPTED}"))),
            Some(Value::String(t)) => t.as_str(),
            Some(other) => {
                return Err(GeoError::at(
                    &type_path,
                    format!("expected a string, got {}; {ACCEPTED}", describe(other)),
                ));
            }
        };
        self.geometry_type = match kind {
            "Polygon" => "Polygon",
            "MultiPolygon" => "MultiPolygon",
            _ => return Err(GeoError::at(&type_path, unsupported_type(kind))),
        };
        let coords_path = format!("{prefix}coordinates");
        let Some(coords) = obj.get("coordinates") else {
            return Err(GeoError::at(
                &coords_path,
                format!("missing; a {kind} needs \"coordinates\""),
            ));
        };
        let polygons = if kind == "Polygon" {
            vec![self.polygon(coords, &coords_path)?]
        } else {
            let list = expect_array(coords, &coords_path, "an array of polygons")?;
            if list.is_empty() {
                return Err(GeoError::at(
                    &coords_path,
                    "a MultiPolygon needs at least one polygon",
                ));
            }
            list.iter()
                .enumerate()
                .map(|(i, p)| self.polygon(p, &format!("{coords_path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?
        };
        Ok(Zone::Polygons(MultiPolygon(polygons)))
    }

    fn polygon(&mut self, value: &Value, path: &str) -> Result<Polygon<f64>, GeoError> {
        let rings = expect_array(
            value,
            path,
            "an array of linear rings (each an array of [lon, lat] positions)",
        )?;
        if rings.is_empty() {
            return Err(GeoError::at(
                path,
                "a polygon needs at least one ring (its outer boundary)",
            ));
        }
        let mut rings = rings
            .iter()
            .enumerate()
            .map(|(i, r)| self.ring(r, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        let exterior = rings.remove(0);
        let polygon = Polygon::new(exterior, rings);
        topology::check_polygon(&polygon, path)?;
        Ok(polygon)
    }

    fn ring(&mut self, value: &Value, path: &str) -> Result<LineString<f64>, GeoError> {
        let positions = expect_array(value, path, "a ring: an array of [lon, lat] positions")?;
        let coords = positions
            .iter()
            .enumerate()
            .map(|(i, v)| self.position(v, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        if coords.len() < 4 {
            return Err(GeoError::at(
                path,
                format!(
                    "ring has {} position{}; a ring needs at least 4 (three corners, then the first \
                     position repeated to close it)",
                    coords.len(),
                    if coords.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        let (first, last) = (coords[0], coords[coords.len() - 1]);
        if first != last {
            return Err(GeoError::at(
                path,
                format!(
                    "ring is not closed (first position [{}, {}] differs from last [{}, {}]); \
                     repeat the first position at the end",
                    first.x, first.y, last.x, last.y
                ),
            ));
        }
        Ok(LineString::new(coords))
    }

    fn position(&mut self, value: &Value, path: &str) -> Result<Coord<f64>, GeoError> {
        self.positions += 1;
        if self.positions > MAX_POSITIONS {
            return Err(GeoError(format!(
                "too many positions: more than {MAX_POSITIONS}; simplify the outline (a few hundred \
                 positions describe a crisis zone well)"
            )));
        }
        let point = read_position(value, path, self.geometry_type)?;
        Ok(Coord {
            x: point.lon,
            y: point.lat,
        })
    }
}

fn unsupported_type(kind: &str) -> String {
    match kind {
        "Point" | "MultiPoint" => format!(
            "a {kind} has no area; to use a place as a zone, give it a radius: {CIRCLE_SHAPE}"
        ),
        "LineString" | "MultiLineString" => {
            format!("a {kind} has no area; close it into a Polygon ring; {ACCEPTED}")
        }
        "FeatureCollection" | "GeometryCollection" => format!(
            "a {kind} is not accepted; send a single zone (merge the areas into one MultiPolygon); \
             {ACCEPTED}"
        ),
        "Feature" => format!("a Feature cannot be the geometry of a Feature; {ACCEPTED}"),
        _ => {
            let known = ["Polygon", "MultiPolygon", "Feature"]
                .into_iter()
                .find(|k| k.eq_ignore_ascii_case(kind));
            match known {
                Some(k) => {
                    format!("unsupported type \"{kind}\" (type names are case-sensitive: \"{k}\")")
                }
                None => format!("unsupported type \"{}\"; {ACCEPTED}", truncate(kind)),
            }
        }
    }
}

fn parse_circle(obj: &Map<String, Value>) -> Result<Zone, GeoError> {
    let center = match obj.get("center") {
        None => return Err(GeoError::at("center", format!("missing; {CIRCLE_SHAPE}"))),
        Some(v) => read_position(v, "center", "")?,
    };
    let radius_m = match obj.get("radius_m") {
        None => return Err(GeoError::at("radius_m", format!("missing; {CIRCLE_SHAPE}"))),
        Some(v) => v.as_f64().ok_or_else(|| {
            GeoError::at(
                "radius_m",
                format!("expected a number of metres, got {}", describe(v)),
            )
        })?,
    };
    check_radius(radius_m).map_err(|m| GeoError::at("radius_m", m))?;
    Ok(Zone::Circle { center, radius_m })
}

pub(crate) fn check_radius(radius_m: f64) -> Result<(), String> {
    if !radius_m.is_finite() {
        return Err(format!("{radius_m} is not a finite number of metres"));
    }
    if radius_m <= 0.0 {
        return Err(format!("must be greater than 0 metres, got {radius_m}"));
    }
    if radius_m > MAX_RADIUS_M {
        return Err(format!(
            "{radius_m} m is larger than the limit of {MAX_RADIUS_M} m (1000 km); use a polygon for \
             a larger area"
        ));
    }
    Ok(())
}

/// Reads `[lon, lat]` or `[lon, lat, altitude]` (altitude is checked, then dropped: zones are flat).
fn read_position(value: &Value, path: &str, geometry_type: &str) -> Result<Point, GeoError> {
    let shallow_hint = if geometry_type.is_empty() {
        String::new()
    } else {
        format!(" (are the coordinates nested too few levels deep for a {geometry_type}?)")
    };
    let items = match value {
        Value::Array(items) => items,
        Value::Number(_) => {
            return Err(GeoError::at(
                path,
                format!(
                    "expected a position [lon, lat], got {}{shallow_hint}",
                    describe(value)
                ),
            ));
        }
        _ => {
            return Err(GeoError::at(
                path,
                format!("expected a position [lon, lat], got {}", describe(value)),
            ));
        }
    };
    if !geometry_type.is_empty() && items.iter().any(Value::is_array) {
        return Err(GeoError::at(
            path,
            format!(
                "expected a position [lon, lat], got an array of arrays (are the coordinates \
                 nested too many levels deep for a {geometry_type}?)"
            ),
        ));
    }
    if !(2..=3).contains(&items.len()) {
        return Err(GeoError::at(
            path,
            format!(
                "a position must be 2 or 3 numbers ([lon, lat] or [lon, lat, altitude]), got {}",
                describe(value)
            ),
        ));
    }
    let mut numbers = [0.0; 3];
    for (i, item) in items.iter().enumerate() {
        numbers[i] = item.as_f64().ok_or_else(|| {
            GeoError::at(
                &format!("{path}[{i}]"),
                format!("expected a number, got {}", describe(item)),
            )
        })?;
    }
    let [lon, lat, _altitude] = numbers;
    Point::new(lon, lat).map_err(|e| {
        // Swapped [lat, lon] is the most common mistake with GeoJSON; say so when it fits.
        let swapped = lat.abs() > 90.0 && lon.abs() <= 90.0 && lat.abs() <= 180.0;
        let hint = if swapped {
            " (GeoJSON positions are [lon, lat]; were they swapped?)"
        } else {
            ""
        };
        GeoError::at(path, format!("{}{hint}", e.0))
    })
}

fn expect_array<'a>(value: &'a Value, path: &str, what: &str) -> Result<&'a Vec<Value>, GeoError> {
    value
        .as_array()
        .ok_or_else(|| GeoError::at(path, format!("expected {what}, got {}", describe(value))))
}

/// Names a JSON value briefly, so messages show what was sent without echoing a whole document.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string (\"{}\")", truncate(s)),
        Value::Array(items) if items.len() <= 4 && items.iter().all(Value::is_number) => {
            let shown: Vec<String> = items.iter().map(Value::to_string).collect();
            format!("[{}]", shown.join(", "))
        }
        Value::Array(items) => format!(
            "an array of {} item{}",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ),
        Value::Object(_) => "an object".into(),
    }
}

fn truncate(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX_CHARS).collect();
        format!("{head}…")
    }
}
