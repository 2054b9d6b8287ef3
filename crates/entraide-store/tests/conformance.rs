//! The store conformance suite: every test of `suite/` runs on SQLite (a fresh database in a
//! temporary directory) and on PostgreSQL (a fresh database on the server named by
//! `ENTRAIDE_TEST_POSTGRES`, e.g. `postgres://postgres@127.0.0.1:5432/postgres`, dropped
//! afterwards). Without that variable the PostgreSQL half says it is skipped, and passes.

mod suite;

use entraide_store::{Database, DynStore};
use std::future::Future;

/// For each `module { test, ... }` of the suite, one `#[tokio::test]` per backend, named
/// `sqlite::module::test` and `postgres::module::test`.
macro_rules! conformance {
    ($($module:ident { $($test:ident),* $(,)? })*) => {
        mod sqlite {
            $(mod $module {
                $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    crate::harness::on_sqlite(crate::suite::$module::$test).await;
                })*
            })*
        }
        mod postgres {
            $(mod $module {
                $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    crate::harness::on_postgres(crate::suite::$module::$test).await;
                })*
            })*
        }
    };
}

conformance! {
    accounts {
        accounts_are_found_by_id_and_by_handle_with_their_hash,
        a_taken_handle_is_a_conflict,
        sessions_live_until_they_expire_or_are_deleted,
    }
    contacts {
        a_request_is_pending_until_accepted,
        crossed_requests_make_a_mutual_link,
        only_a_pending_request_can_be_accepted,
        either_side_removes_the_link_for_both,
        contacts_are_listed_by_display_name,
    }
    places {
        the_latest_location_wins_even_when_an_older_one_arrives_late,
        latest_locations_are_found_by_box_and_freshness,
        a_home_is_set_read_replaced_and_cleared,
        homes_are_found_by_box,
    }
    crises {
        a_crisis_is_stored_whole_under_its_own_id,
        crises_are_listed_by_status_newest_first,
        a_status_moves_only_from_the_status_expected,
        people_are_prompted_once,
        my_prompts_come_newest_first_with_my_answer,
    }
    safety {
        the_latest_answer_wins_whatever_the_arrival_order,
        a_contact_cannot_mark_over_an_own_answer,
        a_mark_on_ones_behalf_stands_until_confirmed,
        a_rejected_mark_leaves_nothing_standing,
        confirming_or_rejecting_no_mark_on_ones_behalf_is_not_found,
        a_mark_in_an_unknown_crisis_is_not_found,
        answering_unasked_counts_as_asked,
        only_mutual_contacts_statuses_are_listed,
        stats_count_current_statuses_and_everyone_asked,
        responders_see_who_needs_help_with_their_last_location,
    }
    inbox {
        the_inbox_holds_my_notifications_and_my_contacts_changes,
        an_ended_contact_stops_showing_in_the_inbox,
    }
    idempotency {
        a_key_is_claimed_once_then_replays_its_response,
        a_released_key_runs_again,
        purge_forgets_expired_sessions_and_old_keys,
    }
    writes {
        concurrent_marks_are_all_acknowledged_and_share_commits,
        a_refused_mark_does_not_undo_the_others,
        concurrent_writers_lose_no_update,
    }
}

mod harness {
    use super::*;

    pub async fn on_sqlite<Fut: Future<Output = ()>>(test: impl FnOnce(DynStore) -> Fut) {
        let dir = tempfile::tempdir().unwrap();
        let store = entraide_store::open(&Database::Sqlite(dir.path().to_path_buf())).await.unwrap();
        test(store).await;
    }

    pub async fn on_postgres<Fut>(test: impl FnOnce(DynStore) -> Fut + Send + 'static)
    where
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Ok(admin_url) = std::env::var("ENTRAIDE_TEST_POSTGRES") else {
            const SKIPPED: &str =
                "skipped: set ENTRAIDE_TEST_POSTGRES=postgres://… to run the PostgreSQL conformance suite";
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| println!("{SKIPPED}"));
            eprintln!("{SKIPPED}");
            return;
        };
        let name = format!("entraide_test_{}", uuid::Uuid::new_v4().simple());
        let admin = admin(&admin_url).await;
        admin.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        let url = with_database(&admin_url, &name);
        // On its own task, so that a failing test still lets the database be dropped.
        let outcome = tokio::spawn(async move {
            let store = entraide_store::open(&Database::Postgres(url)).await.unwrap();
            test(store).await;
        })
        .await;
        admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
        if let Err(e) = outcome {
            match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => panic!("{e}"),
            }
        }
    }

    async fn admin(url: &str) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to ENTRAIDE_TEST_POSTGRES: {e}"));
        tokio::spawn(connection);
        client
    }

    /// The admin URL with its database replaced by `name`, in either form libpq accepts.
    fn with_database(admin_url: &str, name: &str) -> String {
        match admin_url.split_once("://") {
            Some((scheme, rest)) => {
                let (location, query) = match rest.split_once('?') {
                    Some((location, query)) => (location, Some(query)),
                    None => (rest, None),
                };
                let authority = location.split('/').next().unwrap_or_default();
                let query = query.map(|q| format!("?{q}")).unwrap_or_default();
                format!("{scheme}://{authority}/{name}{query}")
            }
            None => format!("{admin_url} dbname={name}"),
        }
    }

    #[test]
    fn the_database_is_swapped_in_both_url_forms() {
        assert_eq!(with_database("postgres://u:p@h:5432/postgres", "t"), "postgres://u:p@h:5432/t");
        assert_eq!(with_database("postgresql://h?sslmode=disable", "t"), "postgresql://h/t?sslmode=disable");
        assert_eq!(with_database("host=h user=u dbname=postgres", "t"), "host=h user=u dbname=postgres dbname=t");
    }
}

/// What only the embedded backend can be asked: its files on disk.
mod sqlite_only {
    use super::suite::*;
    use entraide_core::SafetyStatus;
    use entraide_store::sqlite::SqliteStore;
    use entraide_store::{DynStore, Store};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn acknowledged_marks_survive_closing_and_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let store: DynStore = std::sync::Arc::new(SqliteStore::open(dir.path()).await.unwrap());
        let c = active_crisis(&store).await;
        let mut everyone = Vec::new();
        for i in 0..50 {
            everyone.push(person(&store, &format!("person{i}"), "Someone").await);
        }
        let t = now();
        let tasks: Vec<_> = everyone
            .iter()
            .map(|p| {
                let (store, write) = (store.clone(), answer(&c, p, SafetyStatus::Safe, t));
                tokio::spawn(async move { store.mark(write).await.unwrap() })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        drop(store);

        let reopened = SqliteStore::open(dir.path()).await.unwrap();
        assert_eq!(reopened.crisis_stats(c.id).await.unwrap().safe, 50);
        assert_eq!(reopened.mark_history(c.id, everyone[49].id).await.unwrap().len(), 1);
        assert_eq!(reopened.write_stats().marks, 0, "counters start afresh");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_processes_opening_one_database_at_once_both_work() {
        let dir = tempfile::tempdir().unwrap();
        // `entraide admin create` starting while the server starts on the same directory.
        let (a, b) = tokio::join!(SqliteStore::open(dir.path()), SqliteStore::open(dir.path()));
        let (a, b): (DynStore, DynStore) = (std::sync::Arc::new(a.unwrap()), std::sync::Arc::new(b.unwrap()));
        let made_by_a = person(&a, "ana", "Ana").await;
        let made_by_b = person(&b, "bob", "Bob").await;
        assert_eq!(b.account(made_by_a.id).await.unwrap(), Some(made_by_a));
        assert_eq!(a.account(made_by_b.id).await.unwrap(), Some(made_by_b));
        // And a third opening finds nothing left to migrate.
        let c: DynStore = std::sync::Arc::new(SqliteStore::open(dir.path()).await.unwrap());
        assert!(c.account_by_handle(&handle("bob")).await.unwrap().is_some());
    }
}
