use entraide_geo::{GeoError, Point, Zone, distance_m};
use serde_json::{Value, json};

fn p(lon: f64, lat: f64) -> Point {
    Point::new(lon, lat).unwrap()
}

/// (lon, lat), as in GeoJSON.
const BATACLAN: (f64, f64) = (2.3708, 48.8631);
const EIFFEL_TOWER: (f64, f64) = (2.2945, 48.8584);

/// Roughly Paris's 11th arrondissement: République, Belleville, Père-Lachaise, Nation, Bastille.
fn paris_11e() -> Value {
    json!({
        "type": "Polygon",
        "coordinates": [[
            [2.3631, 48.8675], [2.3766, 48.8722], [2.3872, 48.8625],
            [2.3958, 48.8483], [2.3692, 48.8532], [2.3631, 48.8675]
        ]]
    })
}

fn square(lon: f64, lat: f64, size: f64) -> Value {
    json!([[
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat]
    ]])
}

fn polygon(coords: Value) -> Value {
    json!({"type": "Polygon", "coordinates": coords})
}

fn zone(v: Value) -> Zone {
    Zone::from_json(&v).unwrap_or_else(|e| panic!("{e} for {v}"))
}

#[track_caller]
fn rejects(v: Value, expected: &[&str]) -> String {
    let GeoError(message) = Zone::from_json(&v).expect_err("should be rejected");
    for part in expected {
        assert!(
            message.contains(part),
            "message {message:?} should mention {part:?}"
        );
    }
    message
}

// --- parsing valid zones ---

#[test]
fn parses_polygon() {
    let z = zone(paris_11e());
    let Zone::Polygons(mp) = &z else {
        panic!("{z:?}")
    };
    assert_eq!(mp.0.len(), 1);
    assert_eq!(mp.0[0].exterior().0.len(), 6);
}

#[test]
fn parses_multipolygon() {
    let z = zone(json!({
        "type": "MultiPolygon",
        "coordinates": [square(2.0, 48.0, 0.1), square(3.0, 48.0, 0.1)]
    }));
    let Zone::Polygons(mp) = &z else {
        panic!("{z:?}")
    };
    assert_eq!(mp.0.len(), 2);
    assert!(z.contains(p(2.05, 48.05)));
    assert!(z.contains(p(3.05, 48.05)));
    assert!(!z.contains(p(2.5, 48.05)));
}

#[test]
fn parses_feature() {
    let z = zone(json!({
        "type": "Feature",
        "properties": {"name": "11e"},
        "geometry": paris_11e()
    }));
    assert_eq!(z, zone(paris_11e()));
}

#[test]
fn parses_circle() {
    let z = zone(json!({"center": [2.3708, 48.8631], "radius_m": 500}));
    assert_eq!(
        z,
        Zone::Circle {
            center: p(2.3708, 48.8631),
            radius_m: 500.0
        }
    );
}

#[test]
fn accepts_altitude_and_ignores_foreign_members() {
    let z = zone(json!({
        "type": "Polygon",
        "bbox": [2.0, 48.0, 2.1, 48.1],
        "coordinates": [[[2.0, 48.0, 35.0], [2.1, 48.0, 35.0], [2.1, 48.1, 40.0], [2.0, 48.0, 35.0]]]
    }));
    assert!(z.contains(p(2.07, 48.03)));
}

#[test]
fn accepts_overlapping_parts_and_repeated_positions() {
    zone(json!({
        "type": "MultiPolygon",
        "coordinates": [square(2.0, 48.0, 0.1), square(2.05, 48.05, 0.1)]
    }));
    zone(polygon(json!([[
        [2.0, 48.0],
        [2.1, 48.0],
        [2.1, 48.0],
        [2.1, 48.1],
        [2.0, 48.1],
        [2.0, 48.0]
    ]])));
}

#[test]
fn accepts_a_straight_edge_split_by_extra_positions() {
    zone(polygon(json!([[
        [0.0, 0.0],
        [1.0, 0.0],
        [2.0, 0.0],
        [2.0, 2.0],
        [0.0, 2.0],
        [0.0, 1.0],
        [0.0, 0.0]
    ]])));
}

#[test]
fn accepts_a_hole_touching_the_outer_ring_at_one_point() {
    zone(polygon(json!([
        [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]],
        [[0.0, 2.0], [2.0, 1.0], [2.0, 3.0], [0.0, 2.0]]
    ])));
}

// --- rejecting invalid zones, each with a message about the problem ---

#[test]
fn rejects_non_objects_and_unknown_types() {
    rejects(json!([2.35, 48.85]), &["expected a JSON object", "Polygon"]);
    rejects(json!({"coordinates": []}), &["missing \"type\"", "Polygon"]);
    rejects(
        json!({"type": "Circle", "coordinates": []}),
        &[
            "unsupported type \"Circle\"",
            "Polygon",
            "MultiPolygon",
            "Feature",
            "radius_m",
        ],
    );
    rejects(json!({"type": 7}), &["type: expected a string"]);
    rejects(
        json!({"type": "polygon"}),
        &["case-sensitive", "\"Polygon\""],
    );
    rejects(
        json!({"type": "Point", "coordinates": [2.35, 48.85]}),
        &["Point has no area", "radius_m"],
    );
    rejects(
        json!({"type": "LineString", "coordinates": [[2.35, 48.85], [2.36, 48.86]]}),
        &["LineString has no area"],
    );
    rejects(
        json!({"type": "FeatureCollection", "features": []}),
        &["FeatureCollection", "MultiPolygon"],
    );
}

#[test]
fn rejects_bad_features() {
    rejects(
        json!({"type": "Feature", "geometry": null, "properties": {}}),
        &["geometry", "null"],
    );
    rejects(json!({"type": "Feature"}), &["geometry: missing"]);
    rejects(
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.3, 48.8]}}),
        &["geometry.type", "Point has no area"],
    );
    rejects(
        json!({"type": "Feature", "geometry": {"type": "Polygon"}}),
        &["geometry.coordinates: missing"],
    );
    rejects(
        json!({"type": "Feature", "geometry": {"center": [2.3, 48.8], "radius_m": 5}}),
        &["geometry.type: missing"],
    );
}

#[test]
fn rejects_missing_or_malformed_coordinates() {
    rejects(json!({"type": "Polygon"}), &["coordinates: missing"]);
    rejects(
        polygon(json!("2.35,48.85")),
        &["coordinates: expected an array"],
    );
    rejects(polygon(json!([])), &["coordinates", "at least one ring"]);
    rejects(
        json!({"type": "MultiPolygon", "coordinates": []}),
        &["coordinates", "at least one polygon"],
    );
    // A Polygon's coordinates sent as a MultiPolygon, and the other way round.
    rejects(
        json!({"type": "MultiPolygon", "coordinates": square(2.0, 48.0, 0.1)}),
        &["coordinates[0][0][0]", "too few levels", "MultiPolygon"],
    );
    rejects(
        json!({"type": "Polygon", "coordinates": [square(2.0, 48.0, 0.1)]}),
        &["coordinates[0][0]", "too many levels", "Polygon"],
    );
}

#[test]
fn rejects_bad_positions() {
    let with_position = |pos: Value| polygon(json!([[[2.0, 48.0], pos, [2.1, 48.1], [2.0, 48.0]]]));
    rejects(
        with_position(json!([2.1])),
        &["coordinates[0][1]", "2 or 3 numbers", "[2.1]"],
    );
    rejects(
        with_position(json!([2.1, 48.0, 1.0, 2.0])),
        &["coordinates[0][1]", "2 or 3 numbers"],
    );
    rejects(
        with_position(json!([2.1, "48.0"])),
        &["coordinates[0][1][1]", "expected a number", "\"48.0\""],
    );
    rejects(
        with_position(json!({"lon": 2.1})),
        &["coordinates[0][1]", "position"],
    );
    rejects(
        with_position(json!([200.0, 48.0])),
        &["coordinates[0][1]", "longitude 200", "[-180, 180]"],
    );
    rejects(
        with_position(json!([2.1, -91.0])),
        &["coordinates[0][1]", "latitude -91", "[-90, 90]"],
    );
    rejects(
        with_position(json!([35.2, 139.7])),
        &["latitude 139.7", "swapped"],
    );
    rejects(
        json!({"center": [2.0, 95.0], "radius_m": 10}),
        &["center", "latitude 95"],
    );
}

#[test]
fn rejects_short_and_open_rings() {
    rejects(
        polygon(json!([[[2.0, 48.0], [2.1, 48.0], [2.0, 48.0]]])),
        &["coordinates[0]", "3 positions", "at least 4"],
    );
    let message = rejects(
        polygon(json!([[
            [2.35, 48.85],
            [2.37, 48.85],
            [2.37, 48.87],
            [2.36, 48.86]
        ]])),
        &[],
    );
    assert_eq!(
        message,
        "coordinates[0]: ring is not closed (first position [2.35, 48.85] differs from last \
         [2.36, 48.86]); repeat the first position at the end"
    );
    rejects(
        json!({"type": "MultiPolygon", "coordinates": [
            square(2.0, 48.0, 0.1),
            [[[3.0, 48.0], [3.1, 48.0], [3.1, 48.1], [3.0, 48.1]]]
        ]}),
        &["coordinates[1][0]", "not closed"],
    );
}

#[test]
fn rejects_polygons_without_area_or_crossing_themselves() {
    rejects(
        polygon(json!([[
            [2.0, 48.0],
            [2.1, 48.0],
            [2.2, 48.0],
            [2.0, 48.0]
        ]])),
        &["coordinates[0]", "zero area"],
    );
    rejects(
        polygon(json!([[
            [2.0, 48.0],
            [2.1, 48.0],
            [2.1, 48.0],
            [2.0, 48.0]
        ]])),
        &["coordinates[0]", "fewer than 3 distinct positions"],
    );
    // A bow tie: the two diagonals cross at [1, 1].
    rejects(
        polygon(json!([[
            [0.0, 0.0],
            [2.0, 2.0],
            [2.0, 0.0],
            [0.0, 2.0],
            [0.0, 0.0]
        ]])),
        &["coordinates[0]", "crosses", "[1, 1]"],
    );
    // A spike running back along itself (where it turns back, it also touches itself).
    let message = rejects(
        polygon(json!([[
            [0.0, 0.0],
            [2.0, 0.0],
            [2.0, 2.0],
            [2.0, 3.0],
            [2.0, 1.0],
            [0.0, 0.0]
        ]])),
        &["coordinates[0]"],
    );
    assert!(
        message.contains("runs back over itself") || message.contains("touches itself at [2, 1]"),
        "{message}"
    );
    // A ring touching itself (an "inverted hole").
    rejects(
        polygon(json!([[
            [0.0, 0.0],
            [4.0, 0.0],
            [4.0, 4.0],
            [2.0, 4.0],
            [3.0, 2.0],
            [1.0, 2.0],
            [2.0, 4.0],
            [0.0, 4.0],
            [0.0, 0.0]
        ]])),
        &["coordinates[0]", "touches itself", "[2, 4]"],
    );
}

#[test]
fn rejects_misplaced_holes() {
    let outer = json!([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]]);
    rejects(
        polygon(json!([
            outer,
            [[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 5.0]]
        ])),
        &["coordinates[1]", "hole is not inside"],
    );
    rejects(
        polygon(json!([
            outer,
            [[3.0, 1.0], [5.0, 1.0], [5.0, 2.0], [3.0, 1.0]]
        ])),
        &["coordinates[1]", "crosses ring 0"],
    );
    rejects(
        polygon(json!([
            outer,
            [[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0], [1.0, 1.0]],
            [[1.5, 1.5], [2.5, 1.5], [2.5, 2.5], [1.5, 1.5]]
        ])),
        &["coordinates[2]", "inside hole coordinates[1]"],
    );
    rejects(
        polygon(json!([
            outer,
            [[0.0, 0.0], [2.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
        ])),
        &["coordinates[1]", "shares an edge with ring 0"],
    );
}

#[test]
fn rejects_bad_circles() {
    rejects(json!({"radius_m": 10}), &["center: missing", "radius_m"]);
    rejects(json!({"center": [2.3, 48.8]}), &["radius_m: missing"]);
    rejects(
        json!({"center": [2.3, 48.8], "radius_m": "500"}),
        &["radius_m", "expected a number", "\"500\""],
    );
    rejects(
        json!({"center": [2.3, 48.8], "radius_m": 0}),
        &["radius_m", "greater than 0"],
    );
    rejects(
        json!({"center": [2.3, 48.8], "radius_m": -5}),
        &["radius_m", "-5"],
    );
    rejects(
        json!({"center": [2.3, 48.8], "radius_m": 2_000_000}),
        &["radius_m", "2000000", "1000 km"],
    );
    zone(json!({"center": [2.3, 48.8], "radius_m": 1_000_000}));
    rejects(
        json!({"center": "2.3,48.8", "radius_m": 5}),
        &["center", "position"],
    );
    rejects(
        json!({"center": [2.3], "radius_m": 5}),
        &["center", "2 or 3 numbers"],
    );
}

#[test]
fn rejects_too_many_positions() {
    let n = 10_001;
    let ring: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / (n - 1) as f64;
            [2.35 + 0.01 * a.cos(), 48.85 + 0.01 * a.sin()]
        })
        .collect();
    let mut ring = ring;
    ring[n - 1] = ring[0];
    rejects(polygon(json!([ring])), &["too many positions", "10000"]);
}

#[test]
fn accepts_a_detailed_outline_quickly() {
    // 9 999 positions: validation must stay cheap at the limit, since zones arrive over the network.
    let n = 9_999;
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / (n - 1) as f64;
            // A wavy outline, so edges are not all alike.
            let r = 0.01 * (1.0 + 0.1 * (a * 40.0).sin());
            [2.35 + r * a.cos(), 48.85 + r * a.sin()]
        })
        .collect();
    ring[n - 1] = ring[0];
    let start = std::time::Instant::now();
    let z = zone(polygon(json!([ring])));
    assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
    assert!(z.contains(p(2.35, 48.85)));
}

// --- round trip ---

#[test]
fn round_trips_through_json() {
    let zones = [
        paris_11e(),
        json!({"type": "MultiPolygon", "coordinates": [square(2.0, 48.0, 0.1), square(3.0, 48.0, 0.1)]}),
        polygon(json!([
            [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]],
            [[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [1.0, 1.0]]
        ])),
        json!({"center": [2.3708, 48.8631], "radius_m": 1234.5}),
        json!({"center": [-179.99, -89.5], "radius_m": 1_000_000}),
    ];
    for v in zones {
        let z = zone(v.clone());
        let back = z.to_json();
        assert_eq!(Zone::from_json(&back).unwrap(), z, "{back}");
        // Through text as well, as it is stored and sent.
        let text = serde_json::to_string(&back).unwrap();
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(Zone::from_json(&reparsed).unwrap(), z);
    }
    assert_eq!(zone(paris_11e()).to_json(), paris_11e());
    let feature = json!({"type": "Feature", "properties": null, "geometry": paris_11e()});
    assert_eq!(zone(feature).to_json(), paris_11e());
}

// --- contains ---

#[test]
fn contains_polygon_paris_11e() {
    let z = zone(paris_11e());
    assert!(z.contains(p(BATACLAN.0, BATACLAN.1)));
    assert!(!z.contains(p(EIFFEL_TOWER.0, EIFFEL_TOWER.1)));
    // A corner counts as inside, and so does an edge.
    assert!(z.contains(p(2.3631, 48.8675)));
    let sq = zone(polygon(square(2.0, 48.0, 0.1)));
    assert!(sq.contains(p(2.05, 48.0)));
    assert!(!sq.contains(p(2.05, 47.999_999)));
}

#[test]
fn contains_respects_holes() {
    let mut v = paris_11e();
    v["coordinates"].as_array_mut().unwrap().push(json!([
        [2.369, 48.862],
        [2.372, 48.862],
        [2.372, 48.864],
        [2.369, 48.864],
        [2.369, 48.862]
    ]));
    let z = zone(v);
    assert!(!z.contains(p(BATACLAN.0, BATACLAN.1)));
    assert!(
        z.contains(p(2.372, 48.863)),
        "the hole's edge is the zone's boundary"
    );
    assert!(z.contains(p(2.38, 48.858)));
}

#[test]
fn contains_circle() {
    let z = zone(json!({"center": [BATACLAN.0, BATACLAN.1], "radius_m": 1000}));
    assert!(z.contains(p(BATACLAN.0, BATACLAN.1)));
    // République is about 750 m away, the Eiffel Tower about 5.6 km.
    assert!(z.contains(p(2.3631, 48.8675)));
    assert!(!z.contains(p(EIFFEL_TOWER.0, EIFFEL_TOWER.1)));
    let d = distance_m(p(BATACLAN.0, BATACLAN.1), p(EIFFEL_TOWER.0, EIFFEL_TOWER.1));
    let edge = zone(json!({"center": [BATACLAN.0, BATACLAN.1], "radius_m": d}));
    assert!(edge.contains(p(EIFFEL_TOWER.0, EIFFEL_TOWER.1)));
}

// --- intersects ---

#[test]
fn intersects_polygons() {
    let a = zone(polygon(square(0.0, 0.0, 1.0)));
    let overlapping = zone(polygon(square(0.5, 0.5, 1.0)));
    let touching = zone(polygon(square(1.0, 0.0, 1.0)));
    let apart = zone(polygon(square(1.5, 0.0, 1.0)));
    let inside = zone(polygon(square(0.25, 0.25, 0.5)));
    assert!(a.intersects(&overlapping) && overlapping.intersects(&a));
    assert!(a.intersects(&touching));
    assert!(!a.intersects(&apart) && !apart.intersects(&a));
    assert!(a.intersects(&inside) && inside.intersects(&a));
}

#[test]
fn intersects_circles_exactly() {
    let c1 = p(2.35, 48.85);
    let c2 = p(2.45, 48.85);
    let d = distance_m(c1, c2);
    let a = Zone::Circle {
        center: c1,
        radius_m: d / 2.0,
    };
    let just_touching = Zone::Circle {
        center: c2,
        radius_m: d / 2.0 + 1e-6,
    };
    let just_apart = Zone::Circle {
        center: c2,
        radius_m: d / 2.0 - 0.01,
    };
    assert!(a.intersects(&just_touching) && just_touching.intersects(&a));
    assert!(!a.intersects(&just_apart) && !just_apart.intersects(&a));
}

#[test]
fn intersects_circle_and_polygon() {
    let district = zone(paris_11e());
    let at_bataclan = zone(json!({"center": [BATACLAN.0, BATACLAN.1], "radius_m": 50}));
    let at_eiffel = zone(json!({"center": [EIFFEL_TOWER.0, EIFFEL_TOWER.1], "radius_m": 1000}));
    let covering = zone(json!({"center": [EIFFEL_TOWER.0, EIFFEL_TOWER.1], "radius_m": 20_000}));
    assert!(district.intersects(&at_bataclan) && at_bataclan.intersects(&district));
    assert!(!district.intersects(&at_eiffel) && !at_eiffel.intersects(&district));
    assert!(district.intersects(&covering) && covering.intersects(&district));

    // Center outside, edge reaching in; then the same circle a little too small.
    let square = zone(polygon(square(2.0, 48.0, 0.1)));
    let center = p(1.99, 48.05);
    let gap = distance_m(center, p(2.0, 48.05));
    let reaching = Zone::Circle {
        center,
        radius_m: gap + 5.0,
    };
    let short = Zone::Circle {
        center,
        radius_m: gap - 5.0,
    };
    assert!(square.intersects(&reaching) && reaching.intersects(&square));
    assert!(!square.intersects(&short) && !short.intersects(&square));
}

#[test]
fn intersects_across_the_antimeridian() {
    let fiji_east = zone(polygon(json!([[
        [-180.0, -17.0],
        [-179.8, -17.0],
        [-179.8, -16.8],
        [-180.0, -16.8],
        [-180.0, -17.0]
    ]])));
    let near_seam = zone(json!({"center": [179.95, -16.9], "radius_m": 20_000}));
    let far_from_seam = zone(json!({"center": [179.5, -16.9], "radius_m": 20_000}));
    assert!(fiji_east.intersects(&near_seam));
    assert!(!fiji_east.intersects(&far_from_seam));
    assert!(near_seam.contains(p(-179.95, -16.9)));
}

// --- bbox and centroid ---

#[test]
fn bbox_of_circle_at_60_north_covers_the_circle() {
    let z = zone(json!({"center": [25.0, 60.0], "radius_m": 100_000}));
    let b = z.bbox();
    let mut contained = 0;
    let (mut far_east, mut far_north) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for i in 0..=400 {
        for j in 0..=400 {
            let q = p(22.0 + 6.0 * i as f64 / 400.0, 58.5 + 3.0 * j as f64 / 400.0);
            if z.contains(q) {
                contained += 1;
                assert!(b.contains(q), "{q:?} is in the circle but not in {b:?}");
                far_east = far_east.max(q.lon);
                far_north = far_north.max(q.lat);
            }
        }
    }
    assert!(contained > 1000);
    // Conservative, not wasteful.
    assert!(b.max_lon - far_east < 0.05, "{b:?} vs {far_east}");
    assert!(b.max_lat - far_north < 0.05, "{b:?} vs {far_north}");
}

#[test]
fn bbox_and_centroid_of_polygons() {
    let z = zone(polygon(square(2.0, 48.0, 0.2)));
    let b = z.bbox();
    assert_eq!(
        (b.min_lon, b.min_lat, b.max_lon, b.max_lat),
        (2.0, 48.0, 2.0 + 0.2, 48.0 + 0.2)
    );
    let c = z.centroid();
    assert!(
        (c.lon - 2.1).abs() < 1e-9 && (c.lat - 48.1).abs() < 1e-9,
        "{c:?}"
    );
    let circle = zone(json!({"center": [2.37, 48.86], "radius_m": 100}));
    assert_eq!(circle.centroid(), p(2.37, 48.86));
    assert!(zone(paris_11e()).contains(zone(paris_11e()).centroid()));
}

#[test]
fn bbox_of_circle_over_a_pole() {
    let z = zone(json!({"center": [0.0, 89.0], "radius_m": 500_000}));
    let b = z.bbox();
    assert_eq!((b.min_lon, b.max_lon, b.max_lat), (-180.0, 180.0, 90.0));
    assert!(z.contains(p(180.0, 88.0)));
    let cap_test = zone(polygon(json!([[
        [170.0, 87.0],
        [175.0, 87.0],
        [175.0, 88.0],
        [170.0, 88.0],
        [170.0, 87.0]
    ]])));
    assert!(z.intersects(&cap_test));
}
