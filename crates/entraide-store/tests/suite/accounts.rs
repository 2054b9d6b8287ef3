use super::*;
use entraide_store::{NewSession, StoreError};

pub async fn accounts_are_found_by_id_and_by_handle_with_their_hash(store: DynStore) {
    let mut new = new_account("marie", "Marie Dupont");
    new.role = Role::Responder;
    let account = store.create_account(new.clone()).await.unwrap();
    assert_eq!(
        account,
        Account {
            id: new.id,
            handle: handle("marie"),
            display_name: "Marie Dupont".into(),
            role: Role::Responder,
            created_at: new.created_at,
        }
    );
    assert_eq!(store.account(new.id).await.unwrap(), Some(account.clone()));
    let (found, hash) = store
        .account_by_handle(&handle("marie"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, account);
    assert_eq!(hash, new.password_hash);
    assert!(
        store
            .account_by_handle(&handle("nobody"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.account(AccountId::new()).await.unwrap().is_none());
}

pub async fn a_taken_handle_is_a_conflict(store: DynStore) {
    let first = person(&store, "marie", "Marie Dupont").await;
    let err = store
        .create_account(new_account("marie", "Another Marie"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let (still, _) = store
        .account_by_handle(&handle("marie"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still, first);
}

pub async fn sessions_live_until_they_expire_or_are_deleted(store: DynStore) {
    let marie = person(&store, "marie", "Marie Dupont").await;
    let t = now();
    let token_hash = [7u8; 32];
    store
        .create_session(NewSession {
            token_hash,
            account: marie.id,
            csrf_token: "csrf-token".into(),
            created_at: t,
            expires_at: t + secs(3600),
        })
        .await
        .unwrap();

    let session = store
        .session(&token_hash, t + secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.account, marie);
    assert_eq!(session.csrf_token, "csrf-token");
    assert_eq!(session.expires_at, t + secs(3600));
    assert!(
        store
            .session(&token_hash, t + secs(3600))
            .await
            .unwrap()
            .is_none(),
        "expired at its expiry time"
    );
    assert!(
        store
            .session(&token_hash, t + secs(7200))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store.session(&[8u8; 32], t).await.unwrap().is_none(),
        "another token"
    );

    store.delete_session(&token_hash).await.unwrap();
    assert!(
        store
            .session(&token_hash, t + secs(60))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn an_email_is_set_replaced_read_by_its_account_and_forgotten(store: DynStore) {
    let marie = person(&store, "marie", "Marie Dupont").await;
    let paul = person(&store, "paul", "Paul Martin").await;
    let nobody_yet = person(&store, "ines", "Inès Haddad").await;
    assert_eq!(store.account_email(marie.id).await.unwrap(), None);

    store
        .set_account_email(marie.id, Some("marie@example.org".into()), now())
        .await
        .unwrap();
    store
        .set_account_email(paul.id, Some("paul@example.org".into()), now())
        .await
        .unwrap();
    store
        .set_account_email(marie.id, Some("m.dupont@example.org".into()), now())
        .await
        .unwrap();
    assert_eq!(
        store.account_email(marie.id).await.unwrap().as_deref(),
        Some("m.dupont@example.org"),
        "a second address replaces the first"
    );

    let mut found = store
        .account_emails(&[marie.id, nobody_yet.id, paul.id, AccountId::new()])
        .await
        .unwrap();
    found.sort();
    let mut expected = vec![
        (marie.id, "m.dupont@example.org".to_string()),
        (paul.id, "paul@example.org".to_string()),
    ];
    expected.sort();
    assert_eq!(found, expected, "only the accounts with an address");

    store
        .set_account_email(marie.id, None, now())
        .await
        .unwrap();
    assert_eq!(store.account_email(marie.id).await.unwrap(), None);
    assert_eq!(store.account_emails(&[marie.id]).await.unwrap(), Vec::new());
    // The account itself carries no address: only account_email reads it.
    assert_eq!(store.account(paul.id).await.unwrap(), Some(paul.clone()));
}

pub async fn an_email_for_an_unknown_account_is_not_found(store: DynStore) {
    let err = store
        .set_account_email(AccountId::new(), Some("ghost@example.org".into()), now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound("account")), "{err:?}");
}
