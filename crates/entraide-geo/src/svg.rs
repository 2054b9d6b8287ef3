//! A small map of a zone, drawn as inline SVG on the server.
//!
//! No tiles, images or fonts are referenced: the map must arrive with the page over a congested
//! network and must not tell a third party who is looking at which crisis.

use std::f64::consts::PI;
use std::fmt::Write;

use geo::{Coord, Polygon};

use crate::{EARTH_RADIUS_M, Point, Zone, circle};

/// Share of each side of the view left empty around the drawing, so strokes and markers on the edge
/// of the zone are not clipped.
const MARGIN: f64 = 0.10;

/// Half the extent (in degrees) used when everything to draw is a single position, so the map still
/// shows roughly a neighbourhood instead of dividing by zero.
const MIN_HALF_EXTENT_DEG: f64 = 0.005;

/// An inline SVG (a complete `<svg ...>...</svg>` string, with viewBox, width="100%", role="img" and
/// a `<title>` element holding `title` XML-escaped) showing the zone filled semi-transparent with a
/// stroke, optional small circle markers at `markers`, a scale bar labelled in m or km, and nothing
/// external (no images, no fonts, no tiles).
///
/// Projection: equirectangular scaled by cos(mean latitude), fitted with a 10% margin on each side
/// into a viewBox of `width` x `height` user units. The fit includes the markers, so none is left
/// off the map. Coordinates are rounded to 1 decimal to keep the SVG small (a circle is about 1 KB).
/// Default colours are presentation attributes; pages restyle them with CSS on the classes `zone`,
/// `marker` and `scale` (the attributes sit on `<g>` elements, so CSS on the class wins).
pub fn zone_svg(zone: &Zone, title: &str, width: u32, height: u32, markers: &[Point]) -> String {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let polygons: Vec<Polygon<f64>> = match zone {
        Zone::Circle { center, radius_m } => {
            vec![circle::polygon(*center, *radius_m, circle::Fit::Inscribed)]
        }
        Zone::Polygons(mp) => mp.0.clone(),
    };
    // A circle near the antimeridian is drawn with longitudes past ±180; bring markers next to it.
    let ref_lon = zone.centroid().lon;
    let markers: Vec<Coord<f64>> = markers
        .iter()
        .map(|m| Coord {
            x: ref_lon + (m.lon - ref_lon + 180.0).rem_euclid(360.0) - 180.0,
            y: m.lat,
        })
        .collect();
    let rings = || {
        polygons
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    };
    let all = rings()
        .flat_map(|r| r.0.iter().copied())
        .chain(markers.iter().copied());
    let proj = Projection::fit(all, w, h);

    let mut svg = String::with_capacity(2048);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         role=\"img\"><title>{}</title>",
        xml_escape(title),
        width = width.max(1),
        height = height.max(1),
    );
    svg.push_str(
        "<g class=\"zone\" fill=\"#d32f2f\" fill-opacity=\"0.25\" stroke=\"#b71c1c\" \
         stroke-width=\"2\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">",
    );
    // One path per polygon: even-odd filling then cuts the holes out without also cancelling the
    // overlap of two polygons of a MultiPolygon.
    for polygon in &polygons {
        svg.push_str("<path d=\"");
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            push_ring(&mut svg, &proj, &ring.0);
        }
        svg.push_str("\"/>");
    }
    svg.push_str("</g>");

    if !markers.is_empty() {
        let r = fmt_num((w.min(h) * 0.015).max(2.0));
        svg.push_str("<g class=\"marker\" fill=\"#0d47a1\" stroke=\"#fff\" stroke-width=\"1\">");
        for m in &markers {
            let (x, y) = proj.apply(*m);
            let _ = write!(
                svg,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{r}\"/>",
                fmt_num(x),
                fmt_num(y)
            );
        }
        svg.push_str("</g>");
    }

    push_scale_bar(&mut svg, &proj, w, h);
    svg.push_str("</svg>");
    svg
}

/// Equirectangular: x grows with longitude times cos(mean latitude), so shapes keep their proportions
/// around the zone; y grows southwards as SVG expects.
struct Projection {
    min_lon: f64,
    max_lat: f64,
    cos_lat: f64,
    /// User units per degree of latitude.
    scale: f64,
    offset_x: f64,
    offset_y: f64,
}

impl Projection {
    fn fit(coords: impl Iterator<Item = Coord<f64>>, w: f64, h: f64) -> Projection {
        let (mut min_lon, mut min_lat) = (f64::INFINITY, f64::INFINITY);
        let (mut max_lon, mut max_lat) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for c in coords {
            min_lon = min_lon.min(c.x);
            max_lon = max_lon.max(c.x);
            min_lat = min_lat.min(c.y);
            max_lat = max_lat.max(c.y);
        }
        if min_lon > max_lon {
            (min_lon, max_lon, min_lat, max_lat) = (0.0, 0.0, 0.0, 0.0);
        }
        let cos_lat = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.01);
        if (max_lon - min_lon) * cos_lat < 1e-9 && max_lat - min_lat < 1e-9 {
            min_lon -= MIN_HALF_EXTENT_DEG / cos_lat;
            max_lon += MIN_HALF_EXTENT_DEG / cos_lat;
            min_lat -= MIN_HALF_EXTENT_DEG;
            max_lat += MIN_HALF_EXTENT_DEG;
        }
        let span_x = (max_lon - min_lon) * cos_lat;
        let span_y = max_lat - min_lat;
        let usable = 1.0 - 2.0 * MARGIN;
        // A zero span (all points on one parallel or meridian) puts no limit on that axis.
        let limit = |avail: f64, span: f64| {
            if span > 0.0 {
                avail * usable / span
            } else {
                f64::INFINITY
            }
        };
        let scale = limit(w, span_x).min(limit(h, span_y));
        Projection {
            min_lon,
            max_lat,
            cos_lat,
            scale,
            offset_x: (w - span_x * scale) / 2.0,
            offset_y: (h - span_y * scale) / 2.0,
        }
    }

    fn apply(&self, c: Coord<f64>) -> (f64, f64) {
        (
            self.offset_x + (c.x - self.min_lon) * self.cos_lat * self.scale,
            self.offset_y + (self.max_lat - c.y) * self.scale,
        )
    }

    fn metres_per_unit(&self) -> f64 {
        (PI / 180.0) * EARTH_RADIUS_M / self.scale
    }
}

/// Appends `M x y x y ... Z`, dropping positions that round to the previous one: a detailed outline
/// collapses to the few hundred points the view can show.
fn push_ring(svg: &mut String, proj: &Projection, coords: &[Coord<f64>]) {
    let closed = coords.len() > 1 && coords.first() == coords.last();
    let coords = if closed {
        &coords[..coords.len() - 1]
    } else {
        coords
    };
    let mut previous: Option<(String, String)> = None;
    for (i, c) in coords.iter().enumerate() {
        let (x, y) = proj.apply(*c);
        let point = (fmt_num(x), fmt_num(y));
        if previous.as_ref() == Some(&point) {
            continue;
        }
        svg.push_str(if i == 0 { "M" } else { " " });
        let _ = write!(svg, "{} {}", point.0, point.1);
        previous = Some(point);
    }
    svg.push('Z');
}

/// A bar about a quarter of the width, rounded to 1, 2 or 5 times a power of ten so it reads at a
/// glance.
fn push_scale_bar(svg: &mut String, proj: &Projection, w: f64, h: f64) {
    let per_unit = proj.metres_per_unit();
    if !(per_unit.is_finite() && per_unit > 0.0) {
        return;
    }
    let target_m = w * 0.25 * per_unit;
    let magnitude = 10f64.powf(target_m.log10().floor());
    let nice_m = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|f| f * magnitude)
        .find(|m| *m <= target_m)
        .unwrap_or(magnitude);
    let length = nice_m / per_unit;
    let label = if nice_m >= 1000.0 {
        format!("{} km", fmt_num(nice_m / 1000.0))
    } else if nice_m >= 1.0 {
        format!("{} m", fmt_num(nice_m))
    } else {
        // Only for absurdly large views of a tiny area; keep the label honest rather than "0 m".
        format!("{nice_m:.2} m")
    };
    let x0 = w * 0.04;
    let y0 = h * 0.95;
    let tick = (h * 0.02).max(3.0);
    let font = (h * 0.045).max(8.0);
    let _ = write!(
        svg,
        "<g class=\"scale\" fill=\"#222\" stroke=\"#222\" stroke-width=\"1.5\">\
         <path fill=\"none\" d=\"M{x0} {yt}V{y0}H{x1}V{yt}\"/>\
         <text x=\"{x0}\" y=\"{ty}\" font-size=\"{font}\" font-family=\"sans-serif\" \
         stroke=\"none\">{label}</text></g>",
        x0 = fmt_num(x0),
        yt = fmt_num(y0 - tick),
        y0 = fmt_num(y0),
        x1 = fmt_num(x0 + length),
        ty = fmt_num(y0 - tick - font * 0.3),
        font = fmt_num(font),
    );
}

/// One decimal, no trailing ".0", no "-0".
fn fmt_num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Escapes markup characters, and drops control characters that XML 1.0 forbids outright (one in a
/// crisis title would make the whole page's SVG unreadable).
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(fmt_num(12.34), "12.3");
        assert_eq!(fmt_num(12.0), "12");
        assert_eq!(fmt_num(-0.04), "0");
        assert_eq!(fmt_num(-3.25), "-3.3");
    }

    #[test]
    fn escaping() {
        assert_eq!(
            xml_escape("A & B <c> \"d\" 'e'\u{1}"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }
}
