use super::*;
use entraide_store::{ContactState, StoreError};

async fn states(store: &DynStore, me: &Account) -> Vec<(Handle, ContactState)> {
    store
        .contacts(me.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.handle, c.state))
        .collect()
}

pub async fn a_request_is_pending_until_accepted(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    let t = now();

    assert_eq!(
        store.request_contact(ana.id, bob.id, t).await.unwrap(),
        ContactState::Outgoing
    );
    assert_eq!(
        states(&store, &ana).await,
        [(handle("bob"), ContactState::Outgoing)]
    );
    assert_eq!(
        states(&store, &bob).await,
        [(handle("ana"), ContactState::Incoming)]
    );
    assert!(!store.are_mutual_contacts(ana.id, bob.id).await.unwrap());
    assert!(!store.are_mutual_contacts(bob.id, ana.id).await.unwrap());
    assert!(store.mutual_contact_ids(ana.id).await.unwrap().is_empty());
    // Asking again changes nothing.
    assert_eq!(
        store
            .request_contact(ana.id, bob.id, t + secs(5))
            .await
            .unwrap(),
        ContactState::Outgoing
    );

    store
        .accept_contact(bob.id, ana.id, t + secs(10))
        .await
        .unwrap();
    let seen_by_ana = store.contacts(ana.id).await.unwrap();
    assert_eq!(seen_by_ana.len(), 1);
    assert_eq!(seen_by_ana[0].id, bob.id);
    assert_eq!(seen_by_ana[0].display_name, "Bob");
    assert_eq!(seen_by_ana[0].state, ContactState::Mutual);
    assert_eq!(seen_by_ana[0].since, t + secs(10));
    assert_eq!(
        states(&store, &bob).await,
        [(handle("ana"), ContactState::Mutual)]
    );
    assert!(store.are_mutual_contacts(ana.id, bob.id).await.unwrap());
    assert!(store.are_mutual_contacts(bob.id, ana.id).await.unwrap());
    assert_eq!(store.mutual_contact_ids(ana.id).await.unwrap(), [bob.id]);
    assert_eq!(store.mutual_contact_ids(bob.id).await.unwrap(), [ana.id]);
}

pub async fn crossed_requests_make_a_mutual_link(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    store.request_contact(ana.id, bob.id, now()).await.unwrap();
    assert_eq!(
        store.request_contact(bob.id, ana.id, now()).await.unwrap(),
        ContactState::Mutual
    );
    assert_eq!(
        states(&store, &ana).await,
        [(handle("bob"), ContactState::Mutual)]
    );
    assert_eq!(
        states(&store, &bob).await,
        [(handle("ana"), ContactState::Mutual)]
    );
}

pub async fn only_a_pending_request_can_be_accepted(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    let err = store
        .accept_contact(bob.id, ana.id, now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert!(store.contacts(bob.id).await.unwrap().is_empty());

    // The one who asked cannot accept on the other's behalf.
    store.request_contact(ana.id, bob.id, now()).await.unwrap();
    let err = store
        .accept_contact(ana.id, bob.id, now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert!(!store.are_mutual_contacts(ana.id, bob.id).await.unwrap());
}

pub async fn either_side_removes_the_link_for_both(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    let bob = person(&store, "bob", "Bob").await;
    let cleo = person(&store, "cleo", "Cléo").await;
    befriend(&store, &ana, &bob).await;
    store.request_contact(ana.id, cleo.id, now()).await.unwrap();

    assert!(store.remove_contact(bob.id, ana.id).await.unwrap());
    assert!(!store.are_mutual_contacts(ana.id, bob.id).await.unwrap());
    assert_eq!(
        states(&store, &ana).await,
        [(handle("cleo"), ContactState::Outgoing)]
    );
    assert!(store.contacts(bob.id).await.unwrap().is_empty());
    assert!(
        !store.remove_contact(ana.id, bob.id).await.unwrap(),
        "nothing left to remove"
    );

    // A pending request is withdrawn (or declined) the same way, from either side.
    assert!(store.remove_contact(cleo.id, ana.id).await.unwrap());
    assert!(store.contacts(ana.id).await.unwrap().is_empty());
    assert!(store.contacts(cleo.id).await.unwrap().is_empty());
}

pub async fn contacts_are_listed_by_display_name(store: DynStore) {
    let me = person(&store, "moi", "Moi").await;
    let zoe = person(&store, "zoe", "Zoé").await;
    let ana = person(&store, "ana", "Ana").await;
    let marc = person(&store, "marc", "Marc").await;
    befriend(&store, &me, &zoe).await;
    befriend(&store, &me, &ana).await;
    store.request_contact(marc.id, me.id, now()).await.unwrap();
    assert_eq!(
        states(&store, &me).await,
        [
            (handle("ana"), ContactState::Mutual),
            (handle("marc"), ContactState::Incoming),
            (handle("zoe"), ContactState::Mutual),
        ]
    );
}
