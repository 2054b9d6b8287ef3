//! What the trends need of the store: who to tell of a crisis proposed from a burst of posts.

use super::{new_account, person};
use entraide_core::Role;
use entraide_store::DynStore;

pub async fn responders_and_admins_are_listed_and_people_are_not(store: DynStore) {
    assert_eq!(store.responder_ids().await.unwrap(), vec![]);
    person(&store, "marie", "Marie").await;
    let responder = store
        .create_account(entraide_store::NewAccount {
            role: Role::Responder,
            ..new_account("resp", "Resp")
        })
        .await
        .unwrap();
    let admin = store
        .create_account(entraide_store::NewAccount {
            role: Role::Admin,
            ..new_account("chief", "Chief")
        })
        .await
        .unwrap();
    let mut expected = vec![responder.id, admin.id];
    expected.sort();
    assert_eq!(store.responder_ids().await.unwrap(), expected);
}
