use super::*;
use entraide_core::safety::LOCATION_FRESHNESS;

pub async fn the_latest_location_wins_even_when_an_older_one_arrives_late(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    let t = now();
    assert!(store.latest_location(ana.id).await.unwrap().is_none());

    let bataclan = at(48.8631, 2.3708, 20.0, t);
    store.record_location(ana.id, bataclan).await.unwrap();
    assert_eq!(store.latest_location(ana.id).await.unwrap(), Some(bataclan));

    let republique = at(48.8674, 2.3636, 35.5, t + secs(60));
    store.record_location(ana.id, republique).await.unwrap();
    assert_eq!(
        store.latest_location(ana.id).await.unwrap(),
        Some(republique)
    );

    let stale = at(45.7640, 4.8357, 10.0, t - secs(60));
    store.record_location(ana.id, stale).await.unwrap();
    assert_eq!(
        store.latest_location(ana.id).await.unwrap(),
        Some(republique)
    );
}

pub async fn latest_locations_are_found_by_box_and_freshness(store: DynStore) {
    let t = now();
    let since = t - LOCATION_FRESHNESS;
    let inside = person(&store, "inside", "Inside").await;
    let edge_of_time = person(&store, "edge", "Edge").await;
    let stale = person(&store, "stale", "Stale").await;
    let moved_away = person(&store, "moved", "Moved").await;
    let lyon = person(&store, "lyon", "Lyon").await;

    let here = at(48.8631, 2.3708, 20.0, t);
    store.record_location(inside.id, here).await.unwrap();
    // Exactly as old as the freshness limit: still counts.
    store
        .record_location(edge_of_time.id, at(48.8600, 2.3750, 20.0, since))
        .await
        .unwrap();
    store
        .record_location(stale.id, at(48.8631, 2.3708, 20.0, since - secs(1)))
        .await
        .unwrap();
    store
        .record_location(moved_away.id, at(48.8631, 2.3708, 20.0, t - secs(600)))
        .await
        .unwrap();
    store
        .record_location(moved_away.id, at(45.7640, 4.8357, 20.0, t))
        .await
        .unwrap();
    store
        .record_location(lyon.id, at(45.7640, 4.8357, 20.0, t))
        .await
        .unwrap();

    let found = store
        .latest_locations_in(paris_11th().bbox(), since)
        .await
        .unwrap();
    let mut ids: Vec<_> = found.iter().map(|(id, _)| *id).collect();
    ids.sort();
    assert_eq!(ids, sorted(vec![inside.id, edge_of_time.id]));
    let (_, location) = found.iter().find(|(id, _)| *id == inside.id).unwrap();
    assert_eq!(*location, here);
}

pub async fn a_home_is_set_read_replaced_and_cleared(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    assert!(store.home(ana.id).await.unwrap().is_none());

    store.set_home(ana.id, Some(paris_11th())).await.unwrap();
    assert_eq!(store.home(ana.id).await.unwrap(), Some(paris_11th()));

    let square = Zone::from_json(&serde_json::json!({
        "type": "Polygon",
        "coordinates": [[[2.36, 48.86], [2.37, 48.86], [2.37, 48.87], [2.36, 48.87], [2.36, 48.86]]]
    }))
    .unwrap();
    store.set_home(ana.id, Some(square.clone())).await.unwrap();
    assert_eq!(store.home(ana.id).await.unwrap(), Some(square));

    store.set_home(ana.id, None).await.unwrap();
    assert!(store.home(ana.id).await.unwrap().is_none());
    assert!(
        store
            .homes_in(paris_11th().bbox())
            .await
            .unwrap()
            .is_empty(),
        "a cleared home is not found"
    );
}

pub async fn homes_are_found_by_box(store: DynStore) {
    let near = person(&store, "near", "Near").await;
    let overlapping = person(&store, "overlap", "Overlapping").await;
    let far = person(&store, "far", "Far").await;
    store
        .set_home(
            near.id,
            Some(Zone::Circle {
                center: Point::new(2.3800, 48.8600).unwrap(),
                radius_m: 300.0,
            }),
        )
        .await
        .unwrap();
    // Centred outside the crisis box, but reaching into it.
    let big = Zone::Circle {
        center: Point::new(2.3708, 48.9000).unwrap(),
        radius_m: 5000.0,
    };
    store
        .set_home(overlapping.id, Some(big.clone()))
        .await
        .unwrap();
    store
        .set_home(
            far.id,
            Some(Zone::Circle {
                center: Point::new(4.8357, 45.7640).unwrap(),
                radius_m: 300.0,
            }),
        )
        .await
        .unwrap();

    let found = store.homes_in(paris_11th().bbox()).await.unwrap();
    let mut ids: Vec<_> = found.iter().map(|(id, _)| *id).collect();
    ids.sort();
    assert_eq!(ids, sorted(vec![near.id, overlapping.id]));
    let (_, zone) = found.iter().find(|(id, _)| *id == overlapping.id).unwrap();
    assert_eq!(*zone, big);
}
