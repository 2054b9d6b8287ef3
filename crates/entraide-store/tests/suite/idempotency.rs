use super::*;
use entraide_store::{IdempotencyClaim, IdempotencyKey, NewSession, StoredResponse};

fn key(scope: &str, key: &str) -> IdempotencyKey {
    IdempotencyKey {
        scope: scope.into(),
        key: key.into(),
    }
}

pub async fn a_key_is_claimed_once_then_replays_its_response(store: DynStore) {
    let k = key("account:1", "retry-me");
    let (fingerprint, other_request) = ([1u8; 32], [2u8; 32]);
    let t = now();

    assert_eq!(
        store
            .claim_idempotency_key(&k, &fingerprint, t)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        store
            .claim_idempotency_key(&k, &fingerprint, t)
            .await
            .unwrap(),
        IdempotencyClaim::InProgress
    );
    assert_eq!(
        store
            .claim_idempotency_key(&k, &other_request, t)
            .await
            .unwrap(),
        IdempotencyClaim::Mismatch
    );

    let response = StoredResponse {
        status: 201,
        content_type: "application/json".into(),
        body: br#"{"id":"0199","status":"proposed"}"#.to_vec(),
    };
    store.complete_idempotency_key(&k, &response).await.unwrap();
    assert_eq!(
        store
            .claim_idempotency_key(&k, &fingerprint, t + secs(1))
            .await
            .unwrap(),
        IdempotencyClaim::Completed(response.clone())
    );
    assert_eq!(
        store
            .claim_idempotency_key(&k, &other_request, t)
            .await
            .unwrap(),
        IdempotencyClaim::Mismatch
    );
    // Releasing a completed key would make the next retry run the request twice.
    store.release_idempotency_key(&k).await.unwrap();
    assert_eq!(
        store
            .claim_idempotency_key(&k, &fingerprint, t)
            .await
            .unwrap(),
        IdempotencyClaim::Completed(response)
    );

    // The same key from someone else is another key.
    let theirs = key("account:2", "retry-me");
    assert_eq!(
        store
            .claim_idempotency_key(&theirs, &other_request, t)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
}

pub async fn a_released_key_runs_again(store: DynStore) {
    let k = key("anonymous", "sign-up-1");
    let t = now();
    assert_eq!(
        store
            .claim_idempotency_key(&k, &[3u8; 32], t)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    store.release_idempotency_key(&k).await.unwrap();
    assert_eq!(
        store
            .claim_idempotency_key(&k, &[3u8; 32], t)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
}

pub async fn purge_forgets_expired_sessions_and_old_keys(store: DynStore) {
    let ana = person(&store, "ana", "Ana").await;
    let t = now();
    let session = |token_hash, created_at, expires_at| NewSession {
        token_hash,
        account: ana.id,
        csrf_token: "csrf".into(),
        created_at,
        expires_at,
    };
    let (live, expired) = ([1u8; 32], [2u8; 32]);
    store
        .create_session(session(live, t, t + secs(3600)))
        .await
        .unwrap();
    store
        .create_session(session(expired, t - secs(7200), t - secs(1)))
        .await
        .unwrap();
    let (old, recent) = (key("a", "old"), key("a", "recent"));
    store
        .claim_idempotency_key(&old, &[9u8; 32], t - secs(2 * 86_400))
        .await
        .unwrap();
    store
        .claim_idempotency_key(&recent, &[9u8; 32], t - secs(60))
        .await
        .unwrap();

    store.purge(t, t - secs(86_400)).await.unwrap();

    assert!(store.session(&live, t).await.unwrap().is_some());
    // Asked as of a time when it was still live: only its deletion can hide it.
    assert!(
        store
            .session(&expired, t - secs(3600))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .claim_idempotency_key(&old, &[9u8; 32], t)
            .await
            .unwrap(),
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        store
            .claim_idempotency_key(&recent, &[9u8; 32], t)
            .await
            .unwrap(),
        IdempotencyClaim::InProgress
    );
}
