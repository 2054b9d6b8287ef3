use super::*;
use entraide_core::MarkOrigin;
use entraide_store::{CrisisStats, MarkActionKind, StoreError};

pub async fn the_latest_answer_wins_whatever_the_arrival_order(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let t = now();

    let mut trapped = answer(&c, &ana, SafetyStatus::NeedHelp, t + secs(10));
    trapped.action = MarkAction::Own {
        status: SafetyStatus::NeedHelp,
        message: Some("stuck in a café".into()),
    };
    let standing = store.mark(trapped).await.unwrap().standing.unwrap();
    assert_eq!(standing.status, SafetyStatus::NeedHelp);
    assert_eq!(standing.message.as_deref(), Some("stuck in a café"));
    assert_eq!(standing.origin, MarkOrigin::Own);
    assert_eq!(standing.marked_by, None);
    assert_eq!(standing.at, t + secs(10));

    // Sent earlier, delivered later (a phone back online): kept in the history only.
    let standing = store
        .mark(answer(&c, &ana, SafetyStatus::Safe, t + secs(5)))
        .await
        .unwrap()
        .standing
        .unwrap();
    assert_eq!(standing.status, SafetyStatus::NeedHelp);
    assert_eq!(standing.at, t + secs(10));
    let stats = store.crisis_stats(c.id).await.unwrap();
    assert_eq!((stats.safe, stats.need_help), (0, 1));

    let standing = store
        .mark(answer(&c, &ana, SafetyStatus::Safe, t + secs(20)))
        .await
        .unwrap()
        .standing
        .unwrap();
    assert_eq!(standing.status, SafetyStatus::Safe);
    assert_eq!(standing.message, None);
    let stats = store.crisis_stats(c.id).await.unwrap();
    assert_eq!((stats.safe, stats.need_help), (1, 0));

    let history = store.mark_history(c.id, ana.id).await.unwrap();
    let lines: Vec<_> = history.iter().map(|e| (e.action, e.status, e.at)).collect();
    assert_eq!(
        lines,
        [
            (MarkActionKind::Own, Some(SafetyStatus::Safe), t + secs(5)),
            (
                MarkActionKind::Own,
                Some(SafetyStatus::NeedHelp),
                t + secs(10)
            ),
            (MarkActionKind::Own, Some(SafetyStatus::Safe), t + secs(20)),
        ]
    );
    assert_eq!(history[1].message.as_deref(), Some("stuck in a café"));
    assert!(history.iter().all(|e| e.by.is_none()));
}

pub async fn a_contact_cannot_mark_over_an_own_answer(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    befriend(&store, &ana, &bob).await;
    let t = now();
    store
        .mark(answer(&c, &ana, SafetyStatus::NeedHelp, t))
        .await
        .unwrap();

    let err = store
        .mark(on_behalf(&c, &ana, &bob, t + secs(60)))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let statuses = store.contact_statuses(c.id, bob.id).await.unwrap();
    assert_eq!(statuses[0].status, Some(SafetyStatus::NeedHelp));
    assert_eq!(statuses[0].marked_by, None);
    assert_eq!(
        store.mark_history(c.id, ana.id).await.unwrap().len(),
        1,
        "a refused mark leaves no history"
    );

    // Only "safe" may be said on someone's behalf.
    let cleo = person(&store, "cleo", "Cléo").await;
    let mut worried = on_behalf(&c, &cleo, &bob, t);
    worried.action = MarkAction::OnBehalf {
        by: bob.id,
        status: SafetyStatus::NeedHelp,
    };
    let err = store.mark(worried).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(store.mark_history(c.id, cleo.id).await.unwrap().is_empty());
}

pub async fn a_mark_on_ones_behalf_stands_until_confirmed(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    befriend(&store, &ana, &bob).await;
    let t = now();

    let standing = store
        .mark(on_behalf(&c, &ana, &bob, t))
        .await
        .unwrap()
        .standing
        .unwrap();
    assert_eq!(standing.status, SafetyStatus::Safe);
    assert_eq!(standing.origin, MarkOrigin::OnBehalf { by: bob.id });
    assert_eq!(standing.marked_by, Some(handle("bob")));
    let statuses = store.contact_statuses(c.id, bob.id).await.unwrap();
    assert_eq!(statuses[0].marked_by, Some(handle("bob")));

    let confirmed = MarkWrite {
        crisis: c.id,
        account: ana.id,
        action: MarkAction::Confirm,
        at: t + secs(30),
    };
    let standing = store.mark(confirmed).await.unwrap().standing.unwrap();
    assert_eq!(standing.status, SafetyStatus::Safe);
    assert_eq!(standing.origin, MarkOrigin::Own);
    assert_eq!(standing.marked_by, None);
    assert_eq!(standing.at, t + secs(30));
    let statuses = store.contact_statuses(c.id, bob.id).await.unwrap();
    assert_eq!(
        (statuses[0].status, statuses[0].marked_by.clone()),
        (Some(SafetyStatus::Safe), None)
    );

    let history = store.mark_history(c.id, ana.id).await.unwrap();
    let lines: Vec<_> = history
        .iter()
        .map(|e| (e.action, e.status, e.by, e.at))
        .collect();
    assert_eq!(
        lines,
        [
            (
                MarkActionKind::OnBehalf,
                Some(SafetyStatus::Safe),
                Some(bob.id),
                t
            ),
            (
                MarkActionKind::Confirm,
                Some(SafetyStatus::Safe),
                None,
                t + secs(30)
            ),
        ]
    );
    // Now it is her own answer: nobody can mark over it.
    let err = store
        .mark(on_behalf(&c, &ana, &bob, t + secs(60)))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

pub async fn a_rejected_mark_leaves_nothing_standing(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    befriend(&store, &ana, &bob).await;
    let t = now();
    store.mark(on_behalf(&c, &ana, &bob, t)).await.unwrap();

    let rejected = MarkWrite {
        crisis: c.id,
        account: ana.id,
        action: MarkAction::Reject,
        at: t + secs(5),
    };
    assert_eq!(store.mark(rejected).await.unwrap().standing, None);
    let statuses = store.contact_statuses(c.id, bob.id).await.unwrap();
    assert_eq!(statuses[0].status, None);
    assert_eq!(store.crisis_stats(c.id).await.unwrap().safe, 0);
    let history = store.mark_history(c.id, ana.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[1].action, history[1].status),
        (MarkActionKind::Reject, None)
    );

    // Another contact may try again; the person can still answer for themselves.
    store
        .mark(on_behalf(&c, &ana, &bob, t + secs(10)))
        .await
        .unwrap();
    let standing = store
        .mark(answer(&c, &ana, SafetyStatus::NotInArea, t + secs(20)))
        .await
        .unwrap()
        .standing
        .unwrap();
    assert_eq!(
        (standing.status, standing.origin),
        (SafetyStatus::NotInArea, MarkOrigin::Own)
    );
}

pub async fn confirming_or_rejecting_no_mark_on_ones_behalf_is_not_found(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let t = now();
    let confirm = MarkWrite {
        crisis: c.id,
        account: ana.id,
        action: MarkAction::Confirm,
        at: t,
    };
    let reject = MarkWrite {
        action: MarkAction::Reject,
        ..confirm.clone()
    };
    assert!(matches!(
        store.mark(confirm.clone()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.mark(reject.clone()).await,
        Err(StoreError::NotFound(_))
    ));

    store
        .mark(answer(&c, &ana, SafetyStatus::Safe, t))
        .await
        .unwrap();
    assert!(matches!(
        store.mark(confirm).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.mark(reject).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.mark_history(c.id, ana.id).await.unwrap().len(), 1);
}

pub async fn a_mark_in_an_unknown_crisis_is_not_found(store: DynStore) {
    let c = crisis(CrisisStatus::Active, now());
    let ana = person(&store, "ana", "Ana").await;
    let err = store
        .mark(answer(&c, &ana, SafetyStatus::Safe, now()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn answering_unasked_counts_as_asked(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let t = now();
    store
        .mark(answer(&c, &ana, SafetyStatus::Safe, t))
        .await
        .unwrap();
    assert_eq!(store.prompted(c.id).await.unwrap(), [ana.id]);
    assert!(
        store
            .add_prompts(c.id, &[ana.id], t + secs(1))
            .await
            .unwrap()
            .is_empty(),
        "not asked after answering"
    );
    let prompts = store.prompts_for(ana.id).await.unwrap();
    assert_eq!(prompts.len(), 1);
    assert_eq!(
        prompts[0].mark.as_ref().map(|m| m.status),
        Some(SafetyStatus::Safe)
    );
}

pub async fn only_mutual_contacts_statuses_are_listed(store: DynStore) {
    let c = active_crisis(&store).await;
    let me = person(&store, "moi", "Moi").await;
    let bob = person(&store, "bob", "Bob").await;
    let alice = person(&store, "alice", "Alice").await;
    let chloe = person(&store, "chloe", "Chloé").await;
    let asked = person(&store, "asked", "Asked By Me").await;
    let asking = person(&store, "asking", "Asking Me").await;
    let stranger = person(&store, "stranger", "Stranger").await;
    befriend(&store, &me, &bob).await;
    befriend(&store, &alice, &me).await;
    befriend(&store, &me, &chloe).await;
    store.request_contact(me.id, asked.id, now()).await.unwrap();
    store
        .request_contact(asking.id, me.id, now())
        .await
        .unwrap();
    let t = now();
    for p in [&bob, &asked, &asking, &stranger] {
        store
            .mark(answer(&c, p, SafetyStatus::Safe, t))
            .await
            .unwrap();
    }
    let mut help = answer(&c, &chloe, SafetyStatus::NeedHelp, t + secs(1));
    help.action = MarkAction::Own {
        status: SafetyStatus::NeedHelp,
        message: Some("rue de Charonne".into()),
    };
    store.mark(help).await.unwrap();
    // Marks in another crisis are not this crisis's statuses.
    let other = active_crisis(&store).await;
    store
        .mark(answer(&other, &alice, SafetyStatus::Safe, t))
        .await
        .unwrap();

    let statuses = store.contact_statuses(c.id, me.id).await.unwrap();
    let seen: Vec<_> = statuses
        .iter()
        .map(|s| (s.handle.as_str(), s.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("alice", None),
            ("bob", Some(SafetyStatus::Safe)),
            ("chloe", Some(SafetyStatus::NeedHelp))
        ]
    );
    assert_eq!(statuses[0].display_name, "Alice");
    assert_eq!(statuses[0].updated_at, None);
    assert_eq!(statuses[1].updated_at, Some(t));
    assert_eq!(statuses[2].message.as_deref(), Some("rue de Charonne"));
    assert_eq!(statuses[2].updated_at, Some(t + secs(1)));

    assert!(
        store
            .contact_statuses(c.id, stranger.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .contact_statuses(c.id, asked.id)
            .await
            .unwrap()
            .is_empty(),
        "a pending request shows nothing"
    );
}

pub async fn stats_count_current_statuses_and_everyone_asked(store: DynStore) {
    let c = active_crisis(&store).await;
    let other = active_crisis(&store).await;
    let t = now();
    let mut people = Vec::new();
    for i in 0..7 {
        people.push(person(&store, &format!("person{i}"), &format!("Person {i}")).await);
    }
    let ids: Vec<_> = people.iter().map(|p| p.id).collect();
    store.add_prompts(c.id, &ids[..6], t).await.unwrap();
    let answers = [
        SafetyStatus::Safe,
        SafetyStatus::Safe,
        SafetyStatus::NeedHelp,
        SafetyStatus::NotInArea,
    ];
    for (p, status) in people.iter().zip(answers) {
        store.mark(answer(&c, p, status, t)).await.unwrap();
    }
    // A change of answer moves a person between counts.
    store
        .mark(answer(&c, &people[2], SafetyStatus::Safe, t + secs(1)))
        .await
        .unwrap();
    // Answering unasked adds to the asked.
    store
        .mark(answer(&c, &people[6], SafetyStatus::NeedHelp, t))
        .await
        .unwrap();
    store
        .mark(answer(&other, &people[0], SafetyStatus::NeedHelp, t))
        .await
        .unwrap();

    assert_eq!(
        store.crisis_stats(c.id).await.unwrap(),
        CrisisStats {
            safe: 3,
            need_help: 1,
            not_in_area: 1,
            asked: 7
        }
    );
    assert_eq!(
        store.crisis_stats(CrisisId::new()).await.unwrap(),
        CrisisStats::default(),
        "an unknown crisis counts nothing"
    );
}

pub async fn responders_see_who_needs_help_with_their_last_location(store: DynStore) {
    let c = active_crisis(&store).await;
    let located = person(&store, "located", "Located").await;
    let unlocated = person(&store, "unlocated", "Unlocated").await;
    let safe = person(&store, "safe", "Safe").await;
    let recovered = person(&store, "recovered", "Recovered").await;
    let t = now();
    let place = at(48.8631, 2.3708, 15.0, t - secs(300));
    store.record_location(located.id, place).await.unwrap();

    let mut help = answer(&c, &located, SafetyStatus::NeedHelp, t + secs(2));
    help.action = MarkAction::Own {
        status: SafetyStatus::NeedHelp,
        message: Some("injured, 2nd floor".into()),
    };
    store.mark(help).await.unwrap();
    store
        .mark(answer(&c, &unlocated, SafetyStatus::NeedHelp, t + secs(1)))
        .await
        .unwrap();
    store
        .mark(answer(&c, &safe, SafetyStatus::Safe, t))
        .await
        .unwrap();
    store
        .mark(answer(&c, &recovered, SafetyStatus::NeedHelp, t))
        .await
        .unwrap();
    store
        .mark(answer(&c, &recovered, SafetyStatus::Safe, t + secs(3)))
        .await
        .unwrap();

    let list = store.need_help(c.id).await.unwrap();
    let mut handles: Vec<_> = list.iter().map(|n| n.handle.as_str()).collect();
    handles.sort();
    assert_eq!(handles, ["located", "unlocated"]);
    let first = list
        .iter()
        .find(|n| n.handle.as_str() == "located")
        .unwrap();
    assert_eq!(first.display_name, "Located");
    assert_eq!(first.message.as_deref(), Some("injured, 2nd floor"));
    assert_eq!(first.updated_at, t + secs(2));
    assert_eq!(first.last_location, Some(place));
    let second = list
        .iter()
        .find(|n| n.handle.as_str() == "unlocated")
        .unwrap();
    assert_eq!(second.last_location, None);
    assert_eq!(second.message, None);
}

pub async fn a_mark_comes_back_as_it_was_stored(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    befriend(&store, &ana, &bob).await;
    // Finer than the database keeps: what mark() returns (and the server tells contacts
    // at once) must be what later reads return.
    let precise = now() + chrono::TimeDelta::nanoseconds(123_456_789);
    let standing = store
        .mark(answer(&c, &ana, SafetyStatus::Safe, precise))
        .await
        .unwrap()
        .standing
        .unwrap();
    let statuses = store.contact_statuses(c.id, bob.id).await.unwrap();
    assert_eq!(statuses[0].updated_at, Some(standing.at));
    assert_eq!(
        store.mark_history(c.id, ana.id).await.unwrap()[0].at,
        standing.at
    );
    assert!((standing.at - precise).abs() < chrono::TimeDelta::microseconds(1));
}

pub async fn a_mark_names_the_mutual_contacts_to_tell_and_only_them(store: DynStore) {
    let c = active_crisis(&store).await;
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    let cleo = person(&store, "cleo", "Cléo").await;
    let pending = person(&store, "pending", "Pending").await;
    let former = person(&store, "former", "Former").await;
    befriend(&store, &ana, &bob).await;
    befriend(&store, &cleo, &ana).await;
    befriend(&store, &ana, &former).await;
    assert!(store.remove_contact(former.id, ana.id).await.unwrap());
    store
        .request_contact(ana.id, pending.id, now())
        .await
        .unwrap();

    let marked = store
        .mark(answer(&c, &ana, SafetyStatus::Safe, now()))
        .await
        .unwrap();
    assert_eq!(
        sorted(marked.contacts),
        sorted(vec![bob.id, cleo.id]),
        "a pending request or an ended link is told nothing"
    );

    // Several marks sharing one commit each get their own contacts.
    let (by_ana, by_pending) = tokio::join!(
        store.mark(answer(&c, &ana, SafetyStatus::NeedHelp, now())),
        store.mark(answer(&c, &pending, SafetyStatus::Safe, now())),
    );
    assert_eq!(
        sorted(by_ana.unwrap().contacts),
        sorted(vec![bob.id, cleo.id])
    );
    assert!(by_pending.unwrap().contacts.is_empty());
}
