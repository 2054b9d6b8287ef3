//! What concurrency must not break: many marks share commits, none is lost, and a refused
//! write takes nobody else's down with it.

use super::*;
use entraide_store::{ContactState, StoreError};
use std::collections::HashSet;

async fn people(store: &DynStore, n: usize) -> Vec<Account> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                person(&store, &format!("person{i:04}"), &format!("Person {i}")).await
            })
        })
        .collect();
    let mut accounts = Vec::with_capacity(n);
    for task in tasks {
        accounts.push(task.await.unwrap());
    }
    accounts
}

pub async fn concurrent_marks_are_all_acknowledged_and_share_commits(store: DynStore) {
    let c = active_crisis(&store).await;
    let everyone = people(&store, 500).await;
    assert_eq!(
        store.write_stats().marks,
        0,
        "only safety marks are counted"
    );
    let t = now();
    let tasks: Vec<_> = everyone
        .iter()
        .map(|p| {
            let (store, write) = (store.clone(), answer(&c, p, SafetyStatus::Safe, t));
            tokio::spawn(async move { store.mark(write).await })
        })
        .collect();
    for task in tasks {
        let standing = task.await.unwrap().unwrap().standing.unwrap();
        assert_eq!(standing.status, SafetyStatus::Safe);
    }
    let stats = store.write_stats();
    assert_eq!(stats.marks, 500);
    assert!(
        stats.commits >= 1 && stats.commits < 500,
        "marks did not share commits: {stats:?}"
    );
    assert_eq!(store.crisis_stats(c.id).await.unwrap().safe, 500);
}

pub async fn a_refused_mark_does_not_undo_the_others(store: DynStore) {
    let c = active_crisis(&store).await;
    let everyone = people(&store, 100).await;
    let helper = person(&store, "helper", "Helper").await;
    let t = now();
    // Half have answered themselves: a mark on their behalf must be refused.
    for p in everyone.iter().step_by(2) {
        store
            .mark(answer(&c, p, SafetyStatus::NeedHelp, t))
            .await
            .unwrap();
    }
    let tasks: Vec<_> = everyone
        .iter()
        .map(|p| {
            let (store, write) = (store.clone(), on_behalf(&c, p, &helper, t + secs(1)));
            tokio::spawn(async move { store.mark(write).await })
        })
        .collect();
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => refused += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(refused, 50);
    let stats = store.crisis_stats(c.id).await.unwrap();
    assert_eq!((stats.safe, stats.need_help), (50, 50));
    for p in everyone.iter().skip(1).step_by(2) {
        let history = store.mark_history(c.id, p.id).await.unwrap();
        assert_eq!(history.len(), 1, "{}", p.handle);
    }
}

pub async fn concurrent_writers_lose_no_update(store: DynStore) {
    let c = active_crisis(&store).await;
    let everyone = people(&store, 60).await;
    let ids: Vec<_> = everyone.iter().map(|p| p.id).collect();
    let t = now();

    // Eight responders' sweeps asking the same people at once: each person is told once.
    let sweeps: Vec<_> = (0..8)
        .map(|_| {
            let (store, ids) = (store.clone(), ids.clone());
            tokio::spawn(async move { store.add_prompts(c.id, &ids, t).await.unwrap() })
        })
        .collect();
    let mut told = Vec::new();
    for sweep in sweeps {
        told.extend(sweep.await.unwrap());
    }
    assert_eq!(told.len(), ids.len(), "someone was told twice or never");
    assert_eq!(
        told.into_iter().collect::<HashSet<_>>(),
        ids.iter().copied().collect()
    );

    // One person changing their answer twenty times, the writes racing: the latest stands
    // and every one is in the history.
    let (ana, friend) = (&everyone[0], &everyone[1]);
    befriend(&store, friend, ana).await;
    let answers: Vec<_> = (0..20)
        .map(|i| {
            let status = if i % 2 == 0 {
                SafetyStatus::NeedHelp
            } else {
                SafetyStatus::Safe
            };
            let (store, write) = (store.clone(), answer(&c, ana, status, t + secs(i)));
            tokio::spawn(async move { store.mark(write).await.unwrap() })
        })
        .collect();
    for a in answers {
        a.await.unwrap();
    }
    let statuses = store.contact_statuses(c.id, friend.id).await.unwrap();
    assert_eq!(statuses[0].status, Some(SafetyStatus::Safe));
    assert_eq!(statuses[0].updated_at, Some(t + secs(19)));
    assert_eq!(store.mark_history(c.id, ana.id).await.unwrap().len(), 20);

    // Two people asking each other at the same moment end up mutual, seen from both sides.
    for pair in everyone[2..].chunks(2) {
        let (a, b) = (pair[0].id, pair[1].id);
        let (s1, s2) = (store.clone(), store.clone());
        let (x, y) = tokio::join!(
            tokio::spawn(async move { s1.request_contact(a, b, t).await.unwrap() }),
            tokio::spawn(async move { s2.request_contact(b, a, t).await.unwrap() })
        );
        let mut results = [x.unwrap(), y.unwrap()];
        results.sort_by_key(|s| s.as_str());
        assert_eq!(results, [ContactState::Mutual, ContactState::Outgoing]);
        assert!(store.are_mutual_contacts(a, b).await.unwrap());
        assert!(store.are_mutual_contacts(b, a).await.unwrap());
    }
}
