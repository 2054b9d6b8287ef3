//! The store conformance suite: every test of `suite/` runs on SQLite (a fresh database in a
//! temporary directory) and on PostgreSQL (a fresh database on the server named by
//! `ENTRAIDE_TEST_POSTGRES`, e.g. `postgres://postgres@127.0.0.1:5432/postgres`, dropped
//! afterwards). Without that variable the PostgreSQL half says it is skipped, and passes.

mod suite;

use entraide_store::scratch::ScratchDatabase;
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
        an_email_is_set_replaced_read_by_its_account_and_forgotten,
        an_email_for_an_unknown_account_is_not_found,
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
        a_mark_comes_back_as_it_was_stored,
        a_mark_names_the_mutual_contacts_to_tell_and_only_them,
    }
    inbox {
        the_inbox_holds_my_notifications_and_where_my_contacts_stand,
        an_ended_contact_stops_showing_in_the_inbox,
    }
    trends {
        responders_and_admins_are_listed_and_people_are_not,
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
    shelter {
        an_offer_is_stored_whole_under_its_own_id,
        offers_pause_resume_and_close_from_the_expected_status,
        accepting_reserves_places_and_cancelling_gives_them_back,
        a_hundred_parallel_accepts_for_three_places_accept_exactly_three,
        capacity_never_goes_below_places_given,
        requests_are_refused_when_the_offer_cannot_take_them,
        pending_requests_lapse_after_the_cutoff,
        reports_hide_an_offer_at_the_threshold,
        a_hidden_request_gives_its_places_back,
        hosts_are_approved_once,
    }
    missing {
        a_record_comes_back_as_it_was_stored,
        the_status_is_the_latest_visible_notes,
        a_note_needs_a_live_record_and_its_own_id,
        anonymous_notes_keep_their_author_for_responders,
        a_note_is_flagged_once_per_account,
        verification_links_and_accounts,
        subscriptions_are_kept_once,
        expiry_and_deletion_leave_only_a_placeholder,
        an_import_keeps_the_newest_version,
        a_failed_import_batch_writes_nothing,
        feeds_page_by_entry_date,
        locations_are_found_by_box_and_time,
    }
    missing_photos {
        a_photo_is_stored_replaced_and_wiped_with_its_record,
    }
}

mod harness {
    use super::*;

    pub async fn on_sqlite<Fut: Future<Output = ()>>(test: impl FnOnce(DynStore) -> Fut) {
        let dir = tempfile::tempdir().unwrap();
        let store = entraide_store::open(&Database::Sqlite(dir.path().to_path_buf()))
            .await
            .unwrap();
        test(store).await;
    }

    pub async fn on_postgres<Fut>(test: impl FnOnce(DynStore) -> Fut + Send + 'static)
    where
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Ok(admin_url) = std::env::var("ENTRAIDE_TEST_POSTGRES") else {
            const SKIPPED: &str = "skipped: set ENTRAIDE_TEST_POSTGRES=postgres://… to run the PostgreSQL conformance suite";
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| println!("{SKIPPED}"));
            eprintln!("{SKIPPED}");
            return;
        };
        let database = ScratchDatabase::create(&admin_url, "entraide_test")
            .await
            .unwrap_or_else(|e| {
                panic!("cannot create a database through ENTRAIDE_TEST_POSTGRES: {e}")
            });
        let url = database.url.clone();
        // On its own task, so that a failing test still lets the database be dropped.
        let outcome = tokio::spawn(async move {
            let store = entraide_store::open(&Database::Postgres(url))
                .await
                .unwrap();
            test(store).await;
        })
        .await;
        database.drop().await.unwrap();
        if let Err(e) = outcome {
            match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => panic!("{e}"),
            }
        }
    }
}
