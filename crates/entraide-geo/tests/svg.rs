use entraide_geo::{Point, Zone, zone_svg};
use serde_json::json;

fn p(lon: f64, lat: f64) -> Point {
    Point::new(lon, lat).unwrap()
}

fn circle() -> Zone {
    Zone::from_json(&json!({"center": [2.3708, 48.8631], "radius_m": 1500})).unwrap()
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"))
}

/// The user-unit numbers of a path's `d`, as (x, y) pairs.
fn path_points(d: &str) -> Vec<(f64, f64)> {
    let numbers: Vec<f64> = d
        .split(|c: char| c == ' ' || c.is_ascii_alphabetic())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    numbers.chunks(2).map(|c| (c[0], c[1])).collect()
}

#[test]
fn circle_svg_is_small_well_formed_and_self_contained() {
    let markers = [p(2.3708, 48.8631), p(2.3631, 48.8675)];
    let svg = zone_svg(&circle(), "Paris <11e> & \"Bataclan\"", 400, 300, &markers);
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.ends_with("</svg>"));
    assert!(svg.len() < 4096, "{} bytes", svg.len());
    assert!(svg.contains("<title>Paris &lt;11e&gt; &amp; &quot;Bataclan&quot;</title>"));
    for external in [
        "href",
        "<image",
        "url(",
        "@import",
        "@font-face",
        "http://",
        "https://",
    ] {
        // The namespace URI identifies the language; it is never fetched.
        let rest = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!rest.contains(external), "{external} in {svg}");
    }

    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("viewBox"), Some("0 0 400 300"));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(root.attribute("role"), Some("img"));
    let title = root.first_element_child().unwrap();
    assert_eq!(title.tag_name().name(), "title");
    assert_eq!(title.text(), Some("Paris <11e> & \"Bataclan\""));

    let class = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(c))
            .count()
    };
    assert_eq!(class("zone"), 1);
    assert_eq!(class("marker"), 1);
    assert_eq!(class("scale"), 1);
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(circles, 2);
    let label = doc
        .descendants()
        .find(|n| n.has_tag_name("text"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(label.ends_with(" m") || label.ends_with(" km"), "{label}");
}

#[test]
fn drawing_fits_the_view_with_a_margin_and_the_scale_is_true() {
    let (w, h) = (400.0, 300.0);
    let svg = zone_svg(&circle(), "t", 400, 300, &[]);
    let doc = parse(&svg);
    let zone_path = doc
        .descendants()
        .find(|n| n.has_tag_name("path") && n.parent().unwrap().attribute("class") == Some("zone"))
        .unwrap();
    let points = path_points(zone_path.attribute("d").unwrap());
    assert_eq!(points.len(), 64);
    let (min_x, max_x) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (min_y, max_y) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    // The height limits a circle in a wide view: 10% margin above and below, centred across.
    assert!(
        (min_y - 0.1 * h).abs() < 0.6 && (max_y - 0.9 * h).abs() < 0.6,
        "{min_y} {max_y}"
    );
    assert!(((min_x + max_x) / 2.0 - w / 2.0).abs() < 0.6);
    // Scaled by cos(latitude), a circle stays round.
    assert!(((max_x - min_x) / (max_y - min_y) - 1.0).abs() < 0.01);

    // The scale bar's label matches its length: the circle is 3000 m across.
    let label = doc
        .descendants()
        .find(|n| n.has_tag_name("text"))
        .and_then(|n| n.text())
        .unwrap();
    let metres: f64 = match label.split_once(' ') {
        Some((n, "m")) => n.parse().unwrap(),
        Some((n, "km")) => n.parse::<f64>().unwrap() * 1000.0,
        _ => panic!("{label}"),
    };
    let bar = doc
        .descendants()
        .find(|n| n.has_tag_name("path") && n.parent().unwrap().attribute("class") == Some("scale"))
        .unwrap();
    let d = bar.attribute("d").unwrap();
    let h_at = d.find('H').unwrap();
    let x0: f64 = d[1..].split(' ').next().unwrap().parse().unwrap();
    let x1: f64 = d[h_at + 1..].split('V').next().unwrap().parse().unwrap();
    let units_per_metre = (max_y - min_y) / 3000.0;
    let expected = metres * units_per_metre;
    assert!(
        ((x1 - x0) - expected).abs() / expected < 0.02,
        "{d} vs {expected}"
    );
}

#[test]
fn polygons_with_holes_and_multiple_parts() {
    let zone = Zone::from_json(&json!({
        "type": "MultiPolygon",
        "coordinates": [
            [
                [[2.0, 48.0], [2.2, 48.0], [2.2, 48.2], [2.0, 48.2], [2.0, 48.0]],
                [[2.05, 48.05], [2.1, 48.05], [2.1, 48.1], [2.05, 48.05]]
            ],
            [[[2.3, 48.0], [2.4, 48.0], [2.4, 48.1], [2.3, 48.0]]]
        ]
    }))
    .unwrap();
    let svg = zone_svg(&zone, "Zone", 640, 480, &[p(2.35, 48.2)]);
    let doc = parse(&svg);
    let paths: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("path") && n.parent().unwrap().attribute("class") == Some("zone")
        })
        .collect();
    assert_eq!(paths.len(), 2);
    // The hole is a second subpath of the first polygon, cut out by the even-odd rule.
    assert_eq!(paths[0].attribute("d").unwrap().matches('M').count(), 2);
    let zone_group = paths[0].parent().unwrap();
    assert_eq!(zone_group.attribute("fill-rule"), Some("evenodd"));
    // Every coordinate has at most one decimal and lies inside the view.
    for path in &paths {
        for (x, y) in path_points(path.attribute("d").unwrap()) {
            assert!((0.0..=640.0).contains(&x) && (0.0..=480.0).contains(&y));
            assert_eq!((x * 10.0).round(), x * 10.0);
        }
    }
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

#[test]
fn degenerate_inputs_still_give_valid_svg() {
    let empty = Zone::Polygons(geo::MultiPolygon(vec![]));
    for svg in [
        zone_svg(&empty, "", 0, 0, &[]),
        zone_svg(&empty, "\u{1}control", 100, 100, &[p(2.0, 48.0)]),
        zone_svg(&circle(), "far marker", 300, 200, &[p(-73.98, 40.75)]),
        zone_svg(
            &Zone::from_json(&json!({"center": [179.99, 0.0], "radius_m": 5000})).unwrap(),
            "antimeridian",
            300,
            200,
            &[p(-179.99, 0.01)],
        ),
    ] {
        parse(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }
}
