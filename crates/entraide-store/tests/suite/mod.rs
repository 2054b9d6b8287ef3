//! The store contract, as tests that any backend must pass. Each test is an
//! `async fn(DynStore)` run on a fresh, empty store; `conformance.rs` runs each one on
//! every backend.

pub mod accounts;
pub mod contacts;
pub mod crises;
pub mod idempotency;
pub mod inbox;
pub mod missing;
pub mod missing_photos;
pub mod places;
pub mod safety;
pub mod shelter;
pub mod trends;
pub mod writes;

use chrono::SubsecRound;
use entraide_core::{
    AccountId, Crisis, CrisisId, CrisisKind, CrisisStatus, Handle, Location, Role, SafetyStatus,
    Timestamp,
};
use entraide_geo::{Point, Zone};
use entraide_store::{Account, DynStore, MarkAction, MarkWrite, NewAccount};

/// Now, to the microsecond: both backends keep times to the microsecond, so a time that
/// goes in comes back equal only if it had no finer part.
pub fn now() -> Timestamp {
    chrono::Utc::now().trunc_subsecs(6)
}

pub fn secs(n: i64) -> chrono::TimeDelta {
    chrono::TimeDelta::seconds(n)
}

pub fn handle(raw: &str) -> Handle {
    Handle::parse(raw).unwrap()
}

pub fn new_account(handle_: &str, display_name: &str) -> NewAccount {
    NewAccount {
        id: AccountId::new(),
        handle: handle(handle_),
        display_name: display_name.into(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ${handle_}"),
        role: Role::Person,
        created_at: now(),
    }
}

pub async fn person(store: &DynStore, handle_: &str, display_name: &str) -> Account {
    store
        .create_account(new_account(handle_, display_name))
        .await
        .unwrap()
}

/// Makes `a` and `b` mutual contacts, by a request and an accept.
pub async fn befriend(store: &DynStore, a: &Account, b: &Account) {
    store.request_contact(a.id, b.id, now()).await.unwrap();
    store.accept_contact(b.id, a.id, now()).await.unwrap();
}

/// Around the Bataclan, in Paris's 11th arrondissement.
pub fn paris_11th() -> Zone {
    Zone::Circle {
        center: Point::new(2.3708, 48.8631).unwrap(),
        radius_m: 1500.0,
    }
}

pub fn at(lat: f64, lon: f64, accuracy_m: f64, when: Timestamp) -> Location {
    Location::parse(lat, lon, accuracy_m, when).unwrap()
}

pub fn crisis(status: CrisisStatus, created_at: Timestamp) -> Crisis {
    Crisis {
        id: CrisisId::new(),
        title: "Attacks in Paris".into(),
        description: "Shootings in the 10th and 11th arrondissements.".into(),
        kind: CrisisKind::from_trusted("attack".into()),
        zone: paris_11th(),
        status,
        starts_at: created_at,
        expires_at: None,
        created_by: None,
        created_at,
        updated_at: created_at,
    }
}

pub async fn active_crisis(store: &DynStore) -> Crisis {
    let c = crisis(CrisisStatus::Active, now());
    store.create_crisis(&c).await.unwrap();
    c
}

/// A person's own answer.
pub fn answer(
    crisis: &Crisis,
    account: &Account,
    status: SafetyStatus,
    when: Timestamp,
) -> MarkWrite {
    MarkWrite {
        crisis: crisis.id,
        account: account.id,
        action: MarkAction::Own {
            status,
            message: None,
        },
        at: when,
    }
}

pub fn on_behalf(crisis: &Crisis, account: &Account, by: &Account, when: Timestamp) -> MarkWrite {
    MarkWrite {
        crisis: crisis.id,
        account: account.id,
        action: MarkAction::OnBehalf {
            by: by.id,
            status: SafetyStatus::Safe,
        },
        at: when,
    }
}

pub fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}
