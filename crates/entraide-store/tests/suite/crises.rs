use super::*;
use entraide_store::StoreError;

/// `Crisis` has no `PartialEq` (nothing in the domain compares whole crises).
fn assert_same(found: &Crisis, expected: &Crisis) {
    assert_eq!(found.id, expected.id);
    assert_eq!(found.title, expected.title);
    assert_eq!(found.description, expected.description);
    assert_eq!(found.kind, expected.kind);
    assert_eq!(found.zone, expected.zone);
    assert_eq!(found.status, expected.status);
    assert_eq!(found.starts_at, expected.starts_at);
    assert_eq!(found.expires_at, expected.expires_at);
    assert_eq!(found.created_by, expected.created_by);
    assert_eq!(found.created_at, expected.created_at);
    assert_eq!(found.updated_at, expected.updated_at);
}

pub async fn a_crisis_is_stored_whole_under_its_own_id(store: DynStore) {
    let responder = person(&store, "secours", "Protection civile").await;
    let t = now();
    let mut c = crisis(CrisisStatus::Proposed, t);
    c.created_by = Some(responder.id);
    c.expires_at = Some(t + secs(86_400));
    c.zone = Zone::from_json(&serde_json::json!({
        "type": "MultiPolygon",
        "coordinates": [
            [[[2.36, 48.86], [2.37, 48.86], [2.37, 48.87], [2.36, 48.87], [2.36, 48.86]]],
            [[[2.34, 48.87], [2.35, 48.87], [2.35, 48.88], [2.34, 48.87]]]
        ]
    }))
    .unwrap();
    store.create_crisis(&c).await.unwrap();
    assert_same(&store.crisis(c.id).await.unwrap().unwrap(), &c);
    assert!(store.crisis(CrisisId::new()).await.unwrap().is_none());

    let mut retry = crisis(CrisisStatus::Active, t + secs(1));
    retry.id = c.id;
    let err = store.create_crisis(&retry).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_same(&store.crisis(c.id).await.unwrap().unwrap(), &c);
}

pub async fn crises_are_listed_by_status_newest_first(store: DynStore) {
    let t = now();
    let oldest = crisis(CrisisStatus::Active, t);
    let middle = crisis(CrisisStatus::Proposed, t + secs(1));
    let newest = crisis(CrisisStatus::Active, t + secs(2));
    // Stored out of order: the order comes from their times, not from arrival.
    for c in [&middle, &newest, &oldest] {
        store.create_crisis(c).await.unwrap();
    }
    let ids = |list: Vec<Crisis>| list.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.crises(Some(CrisisStatus::Active)).await.unwrap()),
        [newest.id, oldest.id]
    );
    assert_eq!(
        ids(store.crises(Some(CrisisStatus::Proposed)).await.unwrap()),
        [middle.id]
    );
    assert!(
        store
            .crises(Some(CrisisStatus::Closed))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ids(store.crises(None).await.unwrap()),
        [newest.id, middle.id, oldest.id]
    );
}

pub async fn a_status_moves_only_from_the_status_expected(store: DynStore) {
    let t = now();
    let c = crisis(CrisisStatus::Proposed, t);
    store.create_crisis(&c).await.unwrap();

    store
        .set_crisis_status(
            c.id,
            CrisisStatus::Proposed,
            CrisisStatus::Active,
            t + secs(5),
        )
        .await
        .unwrap();
    let found = store.crisis(c.id).await.unwrap().unwrap();
    assert_eq!(found.status, CrisisStatus::Active);
    assert_eq!(found.updated_at, t + secs(5));
    assert_eq!(found.created_at, t);

    // A second responder pressing "activate" on the page they loaded earlier.
    let err = store
        .set_crisis_status(
            c.id,
            CrisisStatus::Proposed,
            CrisisStatus::Active,
            t + secs(6),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .set_crisis_status(
            c.id,
            CrisisStatus::Proposed,
            CrisisStatus::Retracted,
            t + secs(6),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        store.crisis(c.id).await.unwrap().unwrap().status,
        CrisisStatus::Active
    );
    assert_eq!(
        store.crisis(c.id).await.unwrap().unwrap().updated_at,
        t + secs(5)
    );

    let err = store
        .set_crisis_status(
            CrisisId::new(),
            CrisisStatus::Proposed,
            CrisisStatus::Active,
            t,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn people_are_prompted_once(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    let cleo = person(&store, "cleo", "Cléo").await;
    let t = now();

    assert_eq!(
        store.add_prompts(c.id, &[ana.id, bob.id], t).await.unwrap(),
        [ana.id, bob.id]
    );
    assert_eq!(
        store
            .add_prompts(c.id, &[bob.id, cleo.id, cleo.id], t + secs(1))
            .await
            .unwrap(),
        [cleo.id]
    );
    assert!(
        store
            .add_prompts(c.id, &[ana.id], t + secs(2))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        sorted(store.prompted(c.id).await.unwrap()),
        sorted(vec![ana.id, bob.id, cleo.id])
    );
    assert_eq!(store.crisis_stats(c.id).await.unwrap().asked, 3);

    // Another crisis asks afresh.
    let other = active_crisis(&store).await;
    assert_eq!(
        store.add_prompts(other.id, &[ana.id], t).await.unwrap(),
        [ana.id]
    );
    assert_eq!(store.prompted(other.id).await.unwrap(), [ana.id]);
}

pub async fn my_prompts_come_newest_first_with_my_answer(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    let first = active_crisis(&store).await;
    let second = active_crisis(&store).await;
    let unrelated = active_crisis(&store).await;
    let t = now();
    store.add_prompts(first.id, &[ana.id], t).await.unwrap();
    store
        .add_prompts(second.id, &[ana.id], t + secs(60))
        .await
        .unwrap();
    store
        .mark(answer(&first, &ana, SafetyStatus::Safe, t + secs(120)))
        .await
        .unwrap();
    store
        .mark(answer(
            &unrelated,
            &person(&store, "bob", "Bob").await,
            SafetyStatus::Safe,
            t,
        ))
        .await
        .unwrap();

    let prompts = store.prompts_for(ana.id).await.unwrap();
    assert_eq!(prompts.len(), 2);
    assert_same(&prompts[0].crisis, &second);
    assert_eq!(prompts[0].asked_at, t + secs(60));
    assert!(prompts[0].mark.is_none());
    assert_same(&prompts[1].crisis, &first);
    assert_eq!(prompts[1].asked_at, t);
    let mark = prompts[1].mark.as_ref().unwrap();
    assert_eq!(mark.status, SafetyStatus::Safe);
    assert_eq!(mark.at, t + secs(120));
}
