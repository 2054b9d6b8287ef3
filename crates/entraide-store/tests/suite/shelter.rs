use super::*;
use entraide_core::Refusal;
use entraide_core::shelter::{
    Features, NewOffer, Offer, OfferEdit, OfferForm, OfferId, OfferStatus, Report, ReportTarget,
    RequestId, RequestStatus, ShelterRequest, new_request,
};
use entraide_store::StoreError;

fn offer_of(host: &Account, capacity: i64) -> Offer {
    let t = now();
    NewOffer::parse(
        OfferForm {
            lat: 48.8650,
            lon: 2.3750,
            address: "12 rue Oberkampf, 75011 Paris, 3rd floor".into(),
            capacity,
            until: Some(t + secs(86_400)),
            features: Features {
                children: true,
                languages: vec!["en".into(), "fr".into()],
                ..Features::default()
            },
            note: Some("Sofa and mattress".into()),
            contact: Some("+33 6 00 00 00 00".into()),
            crisis_id: None,
        },
        t,
    )
    .unwrap()
    .into_offer(OfferId::new(), host.id, t)
}

fn ask(offer: &Offer, guest: &Account, party: i64) -> ShelterRequest {
    new_request(
        RequestId::new(),
        offer.id,
        guest.id,
        party,
        Some("Two of us, near République"),
        now(),
    )
    .unwrap()
}

async fn offered(store: &DynStore, host: &Account, capacity: i64) -> Offer {
    let o = offer_of(host, capacity);
    store.create_offer(&o).await.unwrap();
    o
}

async fn asked(store: &DynStore, offer: &Offer, guest: &Account, party: i64) -> ShelterRequest {
    let r = ask(offer, guest, party);
    store.create_shelter_request(&r).await.unwrap();
    r
}

fn conflict(e: StoreError) -> Refusal {
    match e {
        StoreError::Conflict(why) => why,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

pub async fn an_offer_is_stored_whole_under_its_own_id(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let o = offered(&store, &host, 3).await;
    assert_eq!(store.offer(o.id).await.unwrap(), Some(o.clone()));
    assert_eq!(
        store.offers_by_host(host.id).await.unwrap(),
        std::slice::from_ref(&o)
    );
    assert_eq!(
        store.searchable_offers().await.unwrap(),
        std::slice::from_ref(&o)
    );
    assert!(store.offer(OfferId::new()).await.unwrap().is_none());
    // A retried creation (same id) collides instead of duplicating.
    let mut again = offer_of(&host, 5);
    again.id = o.id;
    conflict(store.create_offer(&again).await.unwrap_err());
    assert_eq!(store.offer(o.id).await.unwrap().unwrap().capacity, 3);
    // An offer by no one is refused.
    let stranger = Account {
        id: AccountId::new(),
        ..host.clone()
    };
    let err = store
        .create_offer(&offer_of(&stranger, 1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn offers_pause_resume_and_close_from_the_expected_status(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let o = offered(&store, &host, 3).await;
    let paused = store
        .set_offer_status(o.id, OfferStatus::Open, OfferStatus::Paused, now())
        .await
        .unwrap();
    assert_eq!(paused.status, OfferStatus::Paused);
    assert!(store.searchable_offers().await.unwrap().is_empty());
    let why = conflict(
        store
            .set_offer_status(o.id, OfferStatus::Open, OfferStatus::Paused, now())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        why,
        Refusal::OfferIs {
            offer_status: OfferStatus::Paused
        }
    );
    store
        .set_offer_status(o.id, OfferStatus::Paused, OfferStatus::Open, now())
        .await
        .unwrap();
    assert_eq!(store.searchable_offers().await.unwrap().len(), 1);
    let err = store
        .set_offer_status(
            OfferId::new(),
            OfferStatus::Open,
            OfferStatus::Closed,
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn accepting_reserves_places_and_cancelling_gives_them_back(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let a = person(&store, "alice", "Alice").await;
    let b = person(&store, "bob", "Bob").await;
    let o = offered(&store, &host, 3).await;
    let ra = asked(&store, &o, &a, 2).await;
    let rb = asked(&store, &o, &b, 2).await;
    assert_eq!(
        store.shelter_request(ra.id).await.unwrap(),
        Some(ra.clone())
    );
    assert_eq!(store.waiting_requests().await.unwrap(), [(o.id, 2)]);

    let (accepted, offer) = store
        .move_shelter_request(ra.id, RequestStatus::Accepted, now())
        .await
        .unwrap();
    assert_eq!(accepted.status, RequestStatus::Accepted);
    assert_eq!((offer.taken, offer.places_free()), (2, 1));
    // Bob's party of 2 no longer fits the one place left: refused, nothing changes.
    let why = conflict(
        store
            .move_shelter_request(rb.id, RequestStatus::Accepted, now())
            .await
            .unwrap_err(),
    );
    assert_eq!(why, Refusal::PlacesGone { free: 1, party: 2 });
    assert_eq!(
        store.shelter_request(rb.id).await.unwrap().unwrap().status,
        RequestStatus::Pending
    );
    // Accepting twice is refused too: the places are held once.
    conflict(
        store
            .move_shelter_request(ra.id, RequestStatus::Accepted, now())
            .await
            .unwrap_err(),
    );
    assert_eq!(store.offer(o.id).await.unwrap().unwrap().taken, 2);

    // Alice cancels: her places come back, and Bob's party fits.
    let (cancelled, offer) = store
        .move_shelter_request(ra.id, RequestStatus::Cancelled, now())
        .await
        .unwrap();
    assert_eq!(cancelled.status, RequestStatus::Cancelled);
    assert_eq!(offer.taken, 0);
    let (_, offer) = store
        .move_shelter_request(rb.id, RequestStatus::Accepted, now())
        .await
        .unwrap();
    assert_eq!(offer.taken, 2);
    // Arrival keeps the places; cancelling after arrival (the guest left) frees them.
    let (arrived, offer) = store
        .move_shelter_request(rb.id, RequestStatus::Arrived, now())
        .await
        .unwrap();
    assert_eq!((arrived.status, offer.taken), (RequestStatus::Arrived, 2));
    let (_, offer) = store
        .move_shelter_request(rb.id, RequestStatus::Cancelled, now())
        .await
        .unwrap();
    assert_eq!(offer.taken, 0);
    // A closed request stays closed.
    conflict(
        store
            .move_shelter_request(ra.id, RequestStatus::Accepted, now())
            .await
            .unwrap_err(),
    );
    let err = store
        .move_shelter_request(RequestId::new(), RequestStatus::Accepted, now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn a_hundred_parallel_accepts_for_three_places_accept_exactly_three(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let o = offered(&store, &host, 3).await;
    let mut requests = Vec::new();
    for i in 0..100 {
        let guest = person(&store, &format!("guest{i}"), &format!("Guest {i}")).await;
        requests.push(asked(&store, &o, &guest, 1).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for r in requests {
        let store = store.clone();
        tasks.spawn(async move {
            store
                .move_shelter_request(r.id, RequestStatus::Accepted, now())
                .await
        });
    }
    let (mut accepted, mut refused) = (0, 0);
    while let Some(outcome) = tasks.join_next().await {
        match outcome.unwrap() {
            Ok((r, offer)) => {
                assert_eq!(r.status, RequestStatus::Accepted);
                assert!(offer.taken <= offer.capacity);
                accepted += 1;
            }
            Err(StoreError::Conflict(why)) => {
                assert_eq!(why, Refusal::PlacesGone { free: 0, party: 1 });
                refused += 1;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((accepted, refused), (3, 97));
    let offer = store.offer(o.id).await.unwrap().unwrap();
    assert_eq!((offer.taken, offer.capacity), (3, 3));
    let statuses = store.requests_for_offer(o.id).await.unwrap();
    assert_eq!(
        statuses
            .iter()
            .filter(|r| r.status == RequestStatus::Accepted)
            .count(),
        3
    );
}

pub async fn capacity_never_goes_below_places_given(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let guest = person(&store, "guest", "Guest").await;
    let o = offered(&store, &host, 4).await;
    let r = asked(&store, &o, &guest, 3).await;
    store
        .move_shelter_request(r.id, RequestStatus::Accepted, now())
        .await
        .unwrap();
    let down = OfferEdit {
        capacity: Some(2),
        ..OfferEdit::default()
    };
    let why = conflict(store.edit_offer(o.id, &down, now()).await.unwrap_err());
    assert_eq!(why, Refusal::CapacityBelowTaken { taken: 3 });
    assert_eq!(store.offer(o.id).await.unwrap().unwrap().capacity, 4);
    let edit = OfferEdit {
        capacity: Some(3),
        note: Some(None),
        until: Some(None),
        ..OfferEdit::default()
    };
    let edited = store.edit_offer(o.id, &edit, now()).await.unwrap();
    assert_eq!((edited.capacity, edited.taken), (3, 3));
    assert_eq!((&edited.note, edited.until), (&None, None));
    assert_eq!(store.offer(o.id).await.unwrap(), Some(edited));
}

pub async fn requests_are_refused_when_the_offer_cannot_take_them(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let guest = person(&store, "guest", "Guest").await;
    let o = offered(&store, &host, 2).await;
    let why = conflict(
        store
            .create_shelter_request(&ask(&o, &guest, 3))
            .await
            .unwrap_err(),
    );
    assert_eq!(why, Refusal::PlacesGone { free: 2, party: 3 });
    let r = asked(&store, &o, &guest, 1).await;
    // One live request per guest and offer.
    let why = conflict(
        store
            .create_shelter_request(&ask(&o, &guest, 1))
            .await
            .unwrap_err(),
    );
    assert_eq!(why, Refusal::AlreadyRequested);
    // The same id again (a retry) is a conflict too, and changes nothing.
    conflict(store.create_shelter_request(&r).await.unwrap_err());
    assert_eq!(
        store.requests_by_guest(guest.id).await.unwrap(),
        std::slice::from_ref(&r)
    );
    store
        .set_offer_status(o.id, OfferStatus::Open, OfferStatus::Paused, now())
        .await
        .unwrap();
    let other = person(&store, "other", "Other").await;
    let why = conflict(
        store
            .create_shelter_request(&ask(&o, &other, 1))
            .await
            .unwrap_err(),
    );
    assert_eq!(why, Refusal::OfferPaused);
    // A paused offer accepts no one either.
    let why = conflict(
        store
            .move_shelter_request(r.id, RequestStatus::Accepted, now())
            .await
            .unwrap_err(),
    );
    assert_eq!(why, Refusal::OfferPaused);
    let err = store
        .create_shelter_request(&ask(&offer_of(&host, 1), &guest, 1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn pending_requests_lapse_after_the_cutoff(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let a = person(&store, "alice", "Alice").await;
    let b = person(&store, "bob", "Bob").await;
    let o = offered(&store, &host, 3).await;
    let mut old = ask(&o, &a, 1);
    old.created_at = now() - secs(30 * 60);
    old.updated_at = old.created_at;
    store.create_shelter_request(&old).await.unwrap();
    let fresh = asked(&store, &o, &b, 1).await;
    let t = now();
    let lapsed = store
        .lapse_shelter_requests(t - secs(20 * 60), t)
        .await
        .unwrap();
    assert_eq!(lapsed.len(), 1);
    assert_eq!(
        (lapsed[0].id, lapsed[0].status),
        (old.id, RequestStatus::Lapsed)
    );
    assert_eq!(
        store
            .shelter_request(fresh.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        RequestStatus::Pending
    );
    // Lapsed once: the next sweep finds nothing, and a lapsed request can't be accepted.
    assert!(
        store
            .lapse_shelter_requests(t - secs(20 * 60), t)
            .await
            .unwrap()
            .is_empty()
    );
    conflict(
        store
            .move_shelter_request(old.id, RequestStatus::Accepted, now())
            .await
            .unwrap_err(),
    );
}

pub async fn reports_hide_an_offer_at_the_threshold(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let o = offered(&store, &host, 3).await;
    let report = |reporter: &Account| Report {
        target: ReportTarget::Offer(o.id),
        reporter: reporter.id,
        reason: "This address is a shop".into(),
        at: now(),
    };
    let r1 = person(&store, "reporter1", "R1").await;
    let r2 = person(&store, "reporter2", "R2").await;
    let r3 = person(&store, "reporter3", "R3").await;
    let out = store.report(&report(&r1), 3).await.unwrap();
    assert_eq!((out.open_reports, out.hid_offer), (1, false));
    // The same person reporting again counts once.
    let out = store.report(&report(&r1), 3).await.unwrap();
    assert_eq!((out.open_reports, out.hid_offer), (1, false));
    store.report(&report(&r2), 3).await.unwrap();
    assert!(!store.offer(o.id).await.unwrap().unwrap().hidden);
    let out = store.report(&report(&r3), 3).await.unwrap();
    assert_eq!((out.open_reports, out.hid_offer), (3, true));
    assert!(store.offer(o.id).await.unwrap().unwrap().hidden);
    assert!(store.searchable_offers().await.unwrap().is_empty());

    // Reports on a person are counted, and never hide anything by themselves.
    let account_report = Report {
        target: ReportTarget::Account(host.id),
        reporter: r1.id,
        reason: "Asks for money".into(),
        at: now(),
    };
    store.report(&account_report, 1).await.unwrap();
    let open = store.open_reports().await.unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].target, ReportTarget::Offer(o.id));
    assert_eq!(open[0].reports, 3);
    assert_eq!(open[1].reasons, ["Asks for money"]);

    // A responder reviews: the reports close, the offer is shown again.
    assert_eq!(
        store
            .resolve_reports(ReportTarget::Offer(o.id), now())
            .await
            .unwrap(),
        3
    );
    let shown = store.set_offer_hidden(o.id, false, now()).await.unwrap();
    assert!(!shown.hidden);
    assert_eq!(store.open_reports().await.unwrap().len(), 1);
    let err = store
        .report(
            &Report {
                target: ReportTarget::Offer(OfferId::new()),
                ..account_report
            },
            3,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn a_hidden_request_gives_its_places_back(store: DynStore) {
    let host = person(&store, "hote", "Hôte").await;
    let guest = person(&store, "guest", "Guest").await;
    let o = offered(&store, &host, 2).await;
    let r = asked(&store, &o, &guest, 2).await;
    store
        .move_shelter_request(r.id, RequestStatus::Accepted, now())
        .await
        .unwrap();
    let (hidden, offer) = store
        .move_shelter_request(r.id, RequestStatus::Hidden, now())
        .await
        .unwrap();
    assert_eq!((hidden.status, offer.taken), (RequestStatus::Hidden, 0));
}

pub async fn hosts_are_approved_once(store: DynStore) {
    let responder = person(&store, "secours", "Secours").await;
    let host = person(&store, "hote", "Hôte").await;
    assert!(!store.host_approved(host.id).await.unwrap());
    store
        .approve_host(host.id, responder.id, now())
        .await
        .unwrap();
    store
        .approve_host(host.id, responder.id, now())
        .await
        .unwrap();
    assert!(store.host_approved(host.id).await.unwrap());
    let err = store
        .approve_host(AccountId::new(), responder.id, now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}
