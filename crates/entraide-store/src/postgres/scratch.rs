use super::PostgresStore;
use crate::*;
use chrono::{Duration, SubsecRound, Utc};
use entraide_core::*;

async fn fresh() -> PostgresStore {
    let name = format!("scratch_{}", uuid::Uuid::new_v4().simple());
    let (c, conn) = tokio_postgres::connect(
        "postgres://postgres@127.0.0.1/postgres",
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    PostgresStore::connect(&format!("postgres://postgres@127.0.0.1/{name}"))
        .await
        .unwrap()
}

async fn person(s: &PostgresStore, h: &str) -> Account {
    s.create_account(NewAccount {
        id: AccountId::new(),
        handle: Handle::parse(h).unwrap(),
        display_name: h.to_uppercase(),
        password_hash: "x".into(),
        role: Role::Person,
        created_at: Utc::now().trunc_subsecs(6),
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn flow() {
    let s = fresh().await;
    let a = person(&s, "alice").await;
    let b = person(&s, "bob").await;
    assert!(matches!(
        s.create_account(NewAccount {
            id: AccountId::new(),
            handle: Handle::parse("alice").unwrap(),
            display_name: "x".into(),
            password_hash: "x".into(),
            role: Role::Person,
            created_at: Utc::now()
        })
        .await,
        Err(StoreError::Conflict(_))
    ));
    let now = Utc::now().trunc_subsecs(6);
    assert_eq!(
        s.request_contact(a.id, b.id, now).await.unwrap(),
        ContactState::Outgoing
    );
    assert_eq!(
        s.request_contact(b.id, a.id, now).await.unwrap(),
        ContactState::Mutual
    );
    assert!(s.are_mutual_contacts(a.id, b.id).await.unwrap());
    let zone = entraide_geo::Zone::from_json(
        &serde_json::json!({"center": [2.37, 48.86], "radius_m": 1500}),
    )
    .unwrap();
    let crisis = Crisis {
        id: CrisisId::new(),
        title: "t".into(),
        description: "".into(),
        kind: CrisisKind::from_trusted("attack".into()),
        zone: zone.clone(),
        status: CrisisStatus::Proposed,
        starts_at: now,
        expires_at: None,
        created_by: Some(a.id),
        created_at: now,
        updated_at: now,
    };
    s.create_crisis(&crisis).await.unwrap();
    assert!(matches!(
        s.create_crisis(&crisis).await,
        Err(StoreError::Conflict(_))
    ));
    s.set_crisis_status(crisis.id, CrisisStatus::Proposed, CrisisStatus::Active, now)
        .await
        .unwrap();
    assert!(matches!(
        s.set_crisis_status(crisis.id, CrisisStatus::Proposed, CrisisStatus::Active, now)
            .await,
        Err(StoreError::Conflict(_))
    ));
    s.record_location(a.id, Location::parse(48.86, 2.37, 10.0, now).unwrap())
        .await
        .unwrap();
    let found = s
        .latest_locations_in(zone.bbox(), now - Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    s.set_home(b.id, Some(zone.clone())).await.unwrap();
    assert_eq!(s.homes_in(zone.bbox()).await.unwrap().len(), 1);
    assert_eq!(
        s.add_prompts(crisis.id, &[a.id, b.id, a.id], now)
            .await
            .unwrap(),
        vec![a.id, b.id]
    );
    assert_eq!(
        s.add_prompts(crisis.id, &[a.id], now).await.unwrap(),
        vec![]
    );
    // on behalf then confirm
    let t1 = now + Duration::seconds(1);
    let m = s
        .mark(MarkWrite {
            crisis: crisis.id,
            account: a.id,
            action: MarkAction::OnBehalf {
                by: b.id,
                status: SafetyStatus::Safe,
            },
            at: t1,
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.marked_by.as_ref().unwrap().as_str(), "bob");
    let m = s
        .mark(MarkWrite {
            crisis: crisis.id,
            account: a.id,
            action: MarkAction::Confirm,
            at: t1 + Duration::seconds(1),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.origin, MarkOrigin::Own);
    assert!(matches!(
        s.mark(MarkWrite {
            crisis: crisis.id,
            account: a.id,
            action: MarkAction::Reject,
            at: t1
        })
        .await,
        Err(StoreError::NotFound("mark to reject"))
    ));
    assert!(matches!(
        s.mark(MarkWrite {
            crisis: crisis.id,
            account: a.id,
            action: MarkAction::OnBehalf {
                by: b.id,
                status: SafetyStatus::Safe
            },
            at: t1 + Duration::seconds(5)
        })
        .await,
        Err(StoreError::Conflict(_))
    ));
    // concurrent own marks
    let mut tasks = Vec::new();
    let s = std::sync::Arc::new(s);
    for i in 0..200 {
        let s = s.clone();
        let who = if i % 2 == 0 { a.id } else { b.id };
        tasks.push(tokio::spawn(async move {
            s.mark(MarkWrite {
                crisis: crisis.id,
                account: who,
                action: MarkAction::Own {
                    status: SafetyStatus::NeedHelp,
                    message: Some(format!("m{i}")),
                },
                at: now + Duration::seconds(10 + i),
            })
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // unknown crisis in a batch
    let bad = s
        .mark(MarkWrite {
            crisis: CrisisId::new(),
            account: a.id,
            action: MarkAction::Own {
                status: SafetyStatus::Safe,
                message: None,
            },
            at: now,
        })
        .await;
    assert!(
        matches!(bad, Err(StoreError::NotFound("crisis"))),
        "{bad:?}"
    );
    println!("{:?}", s.write_stats());
    let st = s.contact_statuses(crisis.id, b.id).await.unwrap();
    println!("{st:?}");
    assert_eq!(st[0].message.as_deref(), Some("m198"));
    println!("{:?}", s.crisis_stats(crisis.id).await.unwrap());
    println!("{:?}", s.need_help(crisis.id).await.unwrap());
    println!("{:?}", s.mark_history(crisis.id, a.id).await.unwrap().len());
    s.notify(
        &[a.id],
        &Event::CrisisActivated {
            crisis_id: crisis.id,
            title: "t".into(),
        },
        now,
    )
    .await
    .unwrap();
    let inbox = s.inbox(a.id, 5).await.unwrap();
    println!("{inbox:?}");
    println!("{:?}", s.prompts_for(a.id).await.unwrap().len());
    let key = IdempotencyKey {
        scope: "s".into(),
        key: "k".into(),
    };
    assert_eq!(
        s.claim_idempotency_key(&key, &[1; 32], now).await.unwrap(),
        IdempotencyClaim::Claimed
    );
    assert_eq!(
        s.claim_idempotency_key(&key, &[1; 32], now).await.unwrap(),
        IdempotencyClaim::InProgress
    );
    assert_eq!(
        s.claim_idempotency_key(&key, &[2; 32], now).await.unwrap(),
        IdempotencyClaim::Mismatch
    );
    let resp = StoredResponse {
        status: 201,
        content_type: "application/json".into(),
        body: b"{}".to_vec(),
    };
    s.complete_idempotency_key(&key, &resp).await.unwrap();
    assert_eq!(
        s.claim_idempotency_key(&key, &[1; 32], now).await.unwrap(),
        IdempotencyClaim::Completed(resp)
    );
    s.purge(now, now + Duration::seconds(1)).await.unwrap();
    assert_eq!(
        s.claim_idempotency_key(&key, &[1; 32], now).await.unwrap(),
        IdempotencyClaim::Claimed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances() {
    let name = format!("scratch_{}", uuid::Uuid::new_v4().simple());
    let (c, conn) = tokio_postgres::connect(
        "postgres://postgres@127.0.0.1/postgres",
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1/{name}");
    let stores: Vec<_> = futures_join(&url).await;
    let s0 = &stores[0];
    let now = Utc::now().trunc_subsecs(6);
    let mut people = Vec::new();
    for i in 0..500 {
        people.push(person(s0, &format!("p{i:04}")).await.id);
    }
    let zone = entraide_geo::Zone::from_json(
        &serde_json::json!({"center": [2.37, 48.86], "radius_m": 1500}),
    )
    .unwrap();
    let crisis = Crisis {
        id: CrisisId::new(),
        title: "t".into(),
        description: "".into(),
        kind: CrisisKind::from_trusted("attack".into()),
        zone,
        status: CrisisStatus::Active,
        starts_at: now,
        expires_at: None,
        created_by: None,
        created_at: now,
        updated_at: now,
    };
    s0.create_crisis(&crisis).await.unwrap();
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    let n = 20_000;
    for i in 0..n {
        let s = stores[i % stores.len()].clone();
        let who = people[(i * 7919) % people.len()];
        tasks.push(tokio::spawn(async move {
            s.mark(MarkWrite {
                crisis: crisis.id,
                account: who,
                action: MarkAction::Own {
                    status: SafetyStatus::Safe,
                    message: None,
                },
                at: now + Duration::milliseconds(i as i64),
            })
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let el = started.elapsed();
    println!("{n} marks in {el:?}: {:.0}/s", n as f64 / el.as_secs_f64());
    for s in &stores {
        println!("{:?}", s.write_stats());
    }
    let stats = s0.crisis_stats(crisis.id).await.unwrap();
    assert_eq!(stats.safe, 500);
}

async fn futures_join(url: &str) -> Vec<std::sync::Arc<PostgresStore>> {
    let mut handles = Vec::new();
    for _ in 0..4 {
        let url = url.to_string();
        handles.push(tokio::spawn(async move {
            PostgresStore::connect(&url).await.unwrap()
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(std::sync::Arc::new(h.await.unwrap()));
    }
    out
}
