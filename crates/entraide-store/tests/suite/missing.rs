//! The missing-persons registry (issue 4).

use super::{active_crisis, answer, now, person, secs, sorted};
use entraide_core::{
    AccountId, LastSeen, MissingId, MissingNoteId, NoteAuthor, NoteDetails, NoteOrigin, NoteStatus,
    PersonDetails, ReporterContact, SafetyStatus, Timestamp,
};
use entraide_geo::Point;
use entraide_store::{
    DynStore, FeedWindow, ImportItem, ImportOutcome, MissingNote, MissingRecord, NoteVisibility,
    StoreError,
};

fn record(full_name: &str, source_date: Timestamp) -> MissingRecord {
    MissingRecord {
        id: MissingId::new(),
        pfif_id: None,
        person: PersonDetails {
            full_name: full_name.into(),
            given_name: full_name.split(' ').next().map(str::to_owned),
            alternate_names: vec![format!("{full_name} (alias)")],
            sex: Some("female".into()),
            age: Some("30-35".into()),
            home_country: Some("FR".into()),
            profile_urls: vec!["https://example.org/p".into()],
            ..PersonDetails::default()
        },
        reporter: ReporterContact {
            email: Some("family@example.org".into()),
            phone: Some("+33 6 00 00 00 00".into()),
        },
        reporter_account: None,
        last_seen: LastSeen {
            place: Some("Rue de Charonne".into()),
            point: Some(Point::new(2.3801, 48.8534).unwrap()),
            at: Some(source_date - secs(3600)),
        },
        source_date,
        entry_date: source_date,
        expiry_date: None,
        expired: false,
        verified: false,
        linked_account: None,
        status: None,
        linked_records: Vec::new(),
    }
}

fn note(record: MissingId, status: Option<NoteStatus>, source_date: Timestamp) -> MissingNote {
    MissingNote {
        id: MissingNoteId::new(),
        pfif_id: None,
        record,
        details: NoteDetails {
            status,
            text: Some("Seen near the café".into()),
            author_made_contact: Some(false),
            ..NoteDetails::default()
        },
        origin: NoteOrigin::Person,
        author: NoteAuthor {
            account: None,
            anonymous: false,
        },
        hidden: false,
        flags: 0,
        source_date,
        entry_date: source_date,
    }
}

async fn one(store: &DynStore, id: MissingId) -> MissingRecord {
    let mut found = store.missing_records(&[id]).await.unwrap();
    assert_eq!(found.len(), 1, "record {id} not found");
    found.remove(0)
}

pub async fn a_record_comes_back_as_it_was_stored(store: DynStore) {
    let reporter = person(&store, "claire", "Claire").await;
    let r = MissingRecord {
        reporter_account: Some(reporter.id),
        expiry_date: Some(now() + secs(86_400)),
        ..record("Marie Dupont", now())
    };
    store.create_missing(&r).await.unwrap();
    assert_eq!(one(&store, r.id).await, r);
    assert!(matches!(
        store.create_missing(&r).await,
        Err(StoreError::Conflict(_))
    ));
    let unknown_reporter = MissingRecord {
        reporter_account: Some(AccountId::new()),
        ..record("Jean Martin", now())
    };
    assert!(matches!(
        store.create_missing(&unknown_reporter).await,
        Err(StoreError::NotFound("account"))
    ));
    assert!(
        store
            .missing_records(&[MissingId::new()])
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn the_status_is_the_latest_visible_notes(store: DynStore) {
    let t = now();
    let r = record("Marie Dupont", t);
    store.create_missing(&r).await.unwrap();
    let missing = note(r.id, Some(NoteStatus::BelievedMissing), t + secs(10));
    let text_only = note(r.id, None, t + secs(20));
    let alive = note(r.id, Some(NoteStatus::BelievedAlive), t + secs(30));
    // Arrival order is not the order that counts: an older note arriving late doesn't win.
    assert_eq!(
        store.add_missing_note(&alive).await.unwrap(),
        Some(NoteStatus::BelievedAlive)
    );
    assert_eq!(
        store.add_missing_note(&missing).await.unwrap(),
        Some(NoteStatus::BelievedAlive)
    );
    assert_eq!(
        store.add_missing_note(&text_only).await.unwrap(),
        Some(NoteStatus::BelievedAlive)
    );
    // A troll's note, hidden by a responder, never counts, however recent.
    let troll = MissingNote {
        origin: NoteOrigin::Responder,
        ..note(r.id, Some(NoteStatus::BelievedDead), t + secs(40))
    };
    assert_eq!(
        store.add_missing_note(&troll).await.unwrap(),
        Some(NoteStatus::BelievedDead)
    );
    assert_eq!(
        store
            .set_missing_note_visibility(troll.id, NoteVisibility::Hidden)
            .await
            .unwrap(),
        r.id
    );
    assert_eq!(
        one(&store, r.id).await.status,
        Some(NoteStatus::BelievedAlive)
    );
    let hidden_then_added = MissingNote {
        hidden: true,
        ..note(r.id, Some(NoteStatus::BelievedMissing), t + secs(50))
    };
    assert_eq!(
        store.add_missing_note(&hidden_then_added).await.unwrap(),
        Some(NoteStatus::BelievedAlive)
    );
    store
        .set_missing_note_visibility(troll.id, NoteVisibility::Visible)
        .await
        .unwrap();
    assert_eq!(
        one(&store, r.id).await.status,
        Some(NoteStatus::BelievedDead)
    );

    let notes = store.missing_notes(r.id).await.unwrap();
    let ids: Vec<_> = notes.iter().map(|n| n.id).collect();
    assert_eq!(
        ids,
        [
            missing.id,
            text_only.id,
            alive.id,
            troll.id,
            hidden_then_added.id
        ]
    );
    assert_eq!(notes[2], alive);
    assert!(notes[4].hidden);
    assert!(matches!(
        store
            .set_missing_note_visibility(MissingNoteId::new(), NoteVisibility::Hidden)
            .await,
        Err(StoreError::NotFound("note"))
    ));
}

pub async fn a_note_needs_a_live_record_and_its_own_id(store: DynStore) {
    let r = record("Marie Dupont", now());
    store.create_missing(&r).await.unwrap();
    let n = note(r.id, None, now());
    store.add_missing_note(&n).await.unwrap();
    assert!(matches!(
        store.add_missing_note(&n).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .add_missing_note(&note(MissingId::new(), None, now()))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn anonymous_notes_keep_their_author_for_responders(store: DynStore) {
    let witness = person(&store, "witness", "Witness").await;
    let r = record("Marie Dupont", now());
    store.create_missing(&r).await.unwrap();
    let n = MissingNote {
        author: NoteAuthor {
            account: Some(witness.id),
            anonymous: true,
        },
        ..note(r.id, None, now())
    };
    store.add_missing_note(&n).await.unwrap();
    let stored = &store.missing_notes(r.id).await.unwrap()[0];
    assert_eq!(stored.author, n.author);
}

pub async fn a_note_is_flagged_once_per_account(store: DynStore) {
    let (a, b) = (
        person(&store, "alice", "Alice").await,
        person(&store, "bruno", "Bruno").await,
    );
    let r = record("Marie Dupont", now());
    store.create_missing(&r).await.unwrap();
    let n = note(r.id, None, now());
    store.add_missing_note(&n).await.unwrap();
    assert_eq!(store.flag_missing_note(n.id, a.id, now()).await.unwrap(), 1);
    assert_eq!(store.flag_missing_note(n.id, a.id, now()).await.unwrap(), 1);
    assert_eq!(store.flag_missing_note(n.id, b.id, now()).await.unwrap(), 2);
    assert_eq!(store.missing_notes(r.id).await.unwrap()[0].flags, 2);
    assert!(matches!(
        store
            .flag_missing_note(MissingNoteId::new(), a.id, now())
            .await,
        Err(StoreError::NotFound("note"))
    ));
}

pub async fn verification_links_and_accounts(store: DynStore) {
    let marie = person(&store, "marie", "Marie").await;
    let (a, b) = (record("Marie Dupont", now()), record("Marie Dupond", now()));
    for r in [&a, &b] {
        store.create_missing(r).await.unwrap();
    }
    store.set_missing_verified(a.id, true).await.unwrap();
    assert!(one(&store, a.id).await.verified);
    store.link_missing(a.id, b.id).await.unwrap();
    store.link_missing(b.id, a.id).await.unwrap();
    assert_eq!(one(&store, a.id).await.linked_records, [b.id]);
    assert_eq!(one(&store, b.id).await.linked_records, [a.id]);
    assert!(matches!(
        store.link_missing(a.id, a.id).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.link_missing(a.id, MissingId::new()).await,
        Err(StoreError::NotFound(_))
    ));

    store
        .set_missing_account(b.id, Some(marie.id))
        .await
        .unwrap();
    assert_eq!(one(&store, b.id).await.linked_account, Some(marie.id));
    // A mark of hers names the records tied to her, for the registry to hear of it.
    let c = active_crisis(&store).await;
    let marked = store
        .mark(answer(&c, &marie, SafetyStatus::Safe, now()))
        .await
        .unwrap();
    assert_eq!(marked.linked_records, [b.id]);
    store.set_missing_account(b.id, None).await.unwrap();
    let marked = store
        .mark(answer(&c, &marie, SafetyStatus::Safe, now()))
        .await
        .unwrap();
    assert!(marked.linked_records.is_empty());
    assert!(matches!(
        store.set_missing_verified(MissingId::new(), true).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn subscriptions_are_kept_once(store: DynStore) {
    let (a, b) = (
        person(&store, "alice", "Alice").await,
        person(&store, "bruno", "Bruno").await,
    );
    let r = record("Marie Dupont", now());
    store.create_missing(&r).await.unwrap();
    store.subscribe_missing(r.id, a.id, now()).await.unwrap();
    store.subscribe_missing(r.id, a.id, now()).await.unwrap();
    store.subscribe_missing(r.id, b.id, now()).await.unwrap();
    assert_eq!(
        sorted(store.missing_subscribers(r.id).await.unwrap()),
        sorted(vec![a.id, b.id])
    );
    assert!(store.unsubscribe_missing(r.id, a.id).await.unwrap());
    assert!(!store.unsubscribe_missing(r.id, a.id).await.unwrap());
    assert_eq!(store.missing_subscribers(r.id).await.unwrap(), [b.id]);
    assert!(matches!(
        store.subscribe_missing(MissingId::new(), a.id, now()).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn expiry_and_deletion_leave_only_a_placeholder(store: DynStore) {
    let t = now();
    let follower = person(&store, "alice", "Alice").await;
    let expiring = MissingRecord {
        expiry_date: Some(t + secs(60)),
        ..record("Marie Dupont", t)
    };
    let kept = MissingRecord {
        expiry_date: Some(t + secs(3600)),
        ..record("Jean Martin", t)
    };
    let deleted = record("Paul Durand", t);
    for r in [&expiring, &kept, &deleted] {
        store.create_missing(r).await.unwrap();
    }
    store
        .add_missing_note(&note(expiring.id, Some(NoteStatus::BelievedMissing), t))
        .await
        .unwrap();
    store
        .subscribe_missing(expiring.id, follower.id, t)
        .await
        .unwrap();
    store.link_missing(expiring.id, kept.id).await.unwrap();

    assert!(store.expire_missing(t).await.unwrap().is_empty());
    assert_eq!(
        store.expire_missing(t + secs(60)).await.unwrap(),
        [expiring.id]
    );
    assert!(store.expire_missing(t + secs(60)).await.unwrap().is_empty());
    let placeholder = one(&store, expiring.id).await;
    assert!(placeholder.expired);
    assert_eq!(placeholder.person, PersonDetails::default());
    assert_eq!(placeholder.reporter, ReporterContact::default());
    assert_eq!(placeholder.last_seen, LastSeen::default());
    assert_eq!(placeholder.status, None);
    assert_eq!(placeholder.source_date, t);
    assert!(store.missing_notes(expiring.id).await.unwrap().is_empty());
    assert!(
        store
            .missing_subscribers(expiring.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(one(&store, kept.id).await.linked_records.is_empty());
    assert!(matches!(
        store.add_missing_note(&note(expiring.id, None, t)).await,
        Err(StoreError::NotFound(_))
    ));

    store.delete_missing(deleted.id, t + secs(1)).await.unwrap();
    let gone = one(&store, deleted.id).await;
    assert!(gone.expired);
    assert_eq!(gone.expiry_date, Some(t + secs(1)));
    assert_eq!(gone.person.full_name, "");
    assert!(matches!(
        store.delete_missing(deleted.id, t).await,
        Err(StoreError::NotFound(_))
    ));

    let names = store.missing_names().await.unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(names[0].0, kept.id);
    assert!(names[0].1.contains(&"Jean Martin".to_string()));
    assert!(names[0].1.contains(&"Jean Martin (alias)".to_string()));
}

pub async fn an_import_keeps_the_newest_version(store: DynStore) {
    let t = now();
    let original = MissingRecord {
        pfif_id: Some("example.org/person.1".into()),
        ..record("Marie Dupont", t)
    };
    let newer = MissingRecord {
        person: PersonDetails {
            full_name: "Marie Dupont-Leroy".into(),
            ..PersonDetails::default()
        },
        source_date: t + secs(60),
        ..original.clone()
    };
    let older = MissingRecord {
        person: PersonDetails {
            full_name: "M. Dupont".into(),
            ..PersonDetails::default()
        },
        source_date: t - secs(60),
        ..original.clone()
    };
    let on_it = MissingNote {
        pfif_id: Some("example.org/note.1".into()),
        origin: NoteOrigin::VerifiedSource,
        ..note(original.id, Some(NoteStatus::BelievedDead), t)
    };
    let orphan = note(MissingId::new(), None, t);
    let outcomes = store
        .import_missing(vec![
            ImportItem::Record(original.clone()),
            ImportItem::Note(on_it.clone()),
            ImportItem::Record(newer.clone()),
            ImportItem::Record(older),
            ImportItem::Note(on_it.clone()),
            ImportItem::Note(orphan),
        ])
        .await
        .unwrap();
    assert_eq!(
        outcomes,
        [
            ImportOutcome::Added,
            ImportOutcome::Added,
            ImportOutcome::Replaced,
            ImportOutcome::Unchanged,
            ImportOutcome::Unchanged,
            ImportOutcome::UnknownRecord,
        ]
    );
    let stored = one(&store, original.id).await;
    assert_eq!(stored.person.full_name, "Marie Dupont-Leroy");
    assert_eq!(stored.pfif_id.as_deref(), Some("example.org/person.1"));
    assert_eq!(stored.status, Some(NoteStatus::BelievedDead));
    assert_eq!(store.missing_notes(original.id).await.unwrap(), [on_it]);

    // A deleted record is not brought back by a newer copy.
    store.delete_missing(original.id, t).await.unwrap();
    let later = MissingRecord {
        source_date: t + secs(120),
        ..newer
    };
    assert_eq!(
        store
            .import_missing(vec![ImportItem::Record(later)])
            .await
            .unwrap(),
        [ImportOutcome::Unchanged]
    );
    assert!(one(&store, original.id).await.expired);
}

pub async fn a_failed_import_batch_writes_nothing(store: DynStore) {
    let t = now();
    let kept = MissingRecord {
        pfif_id: Some("example.org/person.1".into()),
        ..record("Marie Dupont", t)
    };
    store.create_missing(&kept).await.unwrap();
    let first = record("Jean Martin", t);
    let on_first = note(first.id, Some(NoteStatus::BelievedAlive), t);
    // Another id with a PFIF id already held: the batch fails as a whole.
    let clash = MissingRecord {
        pfif_id: kept.pfif_id.clone(),
        ..record("Paul Durand", t)
    };
    let newer_kept = MissingRecord {
        source_date: t + secs(60),
        person: PersonDetails {
            full_name: "Marie Dupont-Leroy".into(),
            ..PersonDetails::default()
        },
        ..kept.clone()
    };
    let failed = store
        .import_missing(vec![
            ImportItem::Record(first.clone()),
            ImportItem::Note(on_first),
            ImportItem::Record(newer_kept.clone()),
            ImportItem::Record(clash.clone()),
        ])
        .await;
    assert!(matches!(failed, Err(StoreError::Conflict(_))), "{failed:?}");
    let found = store
        .missing_records(&[first.id, clash.id, kept.id])
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "only the record stored before: {found:?}");
    assert_eq!(found[0].person.full_name, "Marie Dupont");
    assert!(store.missing_notes(first.id).await.unwrap().is_empty());

    // The same batch without the clash goes through whole.
    assert_eq!(
        store
            .import_missing(vec![
                ImportItem::Record(first.clone()),
                ImportItem::Record(newer_kept),
            ])
            .await
            .unwrap(),
        [ImportOutcome::Added, ImportOutcome::Replaced]
    );
}

pub async fn feeds_page_by_entry_date(store: DynStore) {
    let t = now();
    let records: Vec<MissingRecord> = (0..5)
        .map(|i| MissingRecord {
            entry_date: t + secs(i),
            ..record(&format!("Person {i}"), t)
        })
        .collect();
    for r in &records {
        store.create_missing(r).await.unwrap();
        store
            .add_missing_note(&MissingNote {
                entry_date: r.entry_date,
                ..note(r.id, None, t)
            })
            .await
            .unwrap();
    }
    let hidden = MissingNote {
        hidden: true,
        entry_date: t + secs(10),
        ..note(records[0].id, None, t)
    };
    store.add_missing_note(&hidden).await.unwrap();

    let window = |min: Option<Timestamp>, skip, max| FeedWindow {
        min_entry_date: min,
        skip,
        max_results: max,
    };
    let names = |rs: Vec<MissingRecord>| -> Vec<String> {
        rs.into_iter().map(|r| r.person.full_name).collect()
    };
    assert_eq!(
        names(store.missing_feed(window(None, 0, 2)).await.unwrap()),
        ["Person 0", "Person 1"]
    );
    assert_eq!(
        names(
            store
                .missing_feed(window(Some(t + secs(2)), 1, 10))
                .await
                .unwrap()
        ),
        ["Person 3", "Person 4"]
    );
    let notes = store
        .missing_note_feed(window(Some(t + secs(3)), 0, 10))
        .await
        .unwrap();
    let about: Vec<MissingId> = notes.iter().map(|n| n.record).collect();
    assert_eq!(about, [records[3].id, records[4].id]);
}

pub async fn locations_are_found_by_box_and_time(store: DynStore) {
    let t = now();
    let (near, late, far) = (
        person(&store, "near", "Near").await,
        person(&store, "late", "Late").await,
        person(&store, "far", "Far").await,
    );
    store
        .record_location(near.id, super::at(48.8696, 2.3700, 20.0, t))
        .await
        .unwrap();
    store
        .record_location(late.id, super::at(48.8697, 2.3701, 20.0, t + secs(7200)))
        .await
        .unwrap();
    store
        .record_location(far.id, super::at(43.2965, 5.3698, 20.0, t))
        .await
        .unwrap();
    let bbox = entraide_geo::BBox {
        min_lon: 2.36,
        min_lat: 48.86,
        max_lon: 2.38,
        max_lat: 48.88,
    };
    let found = store
        .locations_between(bbox, t - secs(3600), t + secs(3600))
        .await
        .unwrap();
    let who: Vec<AccountId> = found.iter().map(|(a, _)| *a).collect();
    assert_eq!(who, [near.id]);
    assert_eq!(found[0].1.at, t);
    let inclusive = store
        .locations_between(bbox, t, t + secs(7200))
        .await
        .unwrap();
    assert_eq!(inclusive.len(), 2);
}
