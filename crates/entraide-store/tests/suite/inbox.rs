use super::*;
use entraide_core::Event;

pub async fn the_inbox_holds_my_notifications_and_where_my_contacts_stand(store: DynStore) {
    let c = active_crisis(&store).await;
    let me = person(&store, "moi", "Moi").await;
    let friend = person(&store, "friend", "Friend").await;
    let helper = person(&store, "helper", "Helper").await;
    let pending = person(&store, "pending", "Pending").await;
    let stranger = person(&store, "stranger", "Stranger").await;
    let cousin = person(&store, "cousin", "Cousin").await;
    befriend(&store, &me, &friend).await;
    befriend(&store, &me, &cousin).await;
    befriend(&store, &friend, &helper).await;
    store
        .request_contact(me.id, pending.id, now())
        .await
        .unwrap();
    let t = now();

    let activated = Event::CrisisActivated {
        crisis_id: c.id,
        title: c.title.clone(),
    };
    store
        .notify(&[me.id, stranger.id], &activated, t + secs(1))
        .await
        .unwrap();
    let question = Event::SafetyQuestion {
        crisis_id: c.id,
        title: c.title.clone(),
    };
    store
        .notify(&[stranger.id], &question, t + secs(2))
        .await
        .unwrap();

    store
        .mark(on_behalf(&c, &friend, &helper, t + secs(3)))
        .await
        .unwrap();
    store
        .mark(MarkWrite {
            crisis: c.id,
            account: friend.id,
            action: MarkAction::Reject,
            at: t + secs(4),
        })
        .await
        .unwrap();
    let mut help = answer(&c, &friend, SafetyStatus::NeedHelp, t + secs(5));
    help.action = MarkAction::Own {
        status: SafetyStatus::NeedHelp,
        message: Some("at the hospital".into()),
    };
    store.mark(help).await.unwrap();
    for (i, p) in [&stranger, &pending, &me].into_iter().enumerate() {
        store
            .mark(answer(&c, p, SafetyStatus::Safe, t + secs(6 + i as i64)))
            .await
            .unwrap();
    }

    store
        .mark(on_behalf(&c, &cousin, &helper, t + secs(10)))
        .await
        .unwrap();

    let contact_status =
        |handle: &str, status, message: Option<&str>, marked_by: Option<&str>, s| {
            Event::ContactStatus {
                crisis_id: c.id,
                handle: handle.into(),
                display_name: format!("{}{}", handle[..1].to_uppercase(), &handle[1..]),
                status: Some(status),
                message: message.map(Into::into),
                marked_by: marked_by.map(Into::into),
                updated_at: t + secs(s),
            }
        };
    // Each contact once, as they stand: the friend's mark on their behalf and its
    // rejection were steps the live stream told; what stands is their own answer.
    let inbox = store.inbox(me.id, 10).await.unwrap();
    let items: Vec<_> = inbox.iter().map(|i| (i.at, i.event.clone())).collect();
    assert_eq!(
        items,
        [
            (
                t + secs(10),
                contact_status("cousin", SafetyStatus::Safe, None, Some("helper"), 10)
            ),
            (
                t + secs(5),
                contact_status(
                    "friend",
                    SafetyStatus::NeedHelp,
                    Some("at the hospital"),
                    None,
                    5
                )
            ),
            (t + secs(1), activated),
        ]
    );

    let newest = store.inbox(me.id, 2).await.unwrap();
    assert_eq!(newest.len(), 2);
    assert_eq!(newest[0].at, t + secs(10));
    assert_eq!(newest[1].at, t + secs(5));

    // The stranger gets what was left for them, and nobody's status: they have no contacts.
    let theirs: Vec<_> = store
        .inbox(stranger.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.event)
        .collect();
    assert_eq!(
        theirs,
        [
            question,
            Event::CrisisActivated {
                crisis_id: c.id,
                title: c.title.clone()
            }
        ]
    );
}

pub async fn an_ended_contact_stops_showing_in_the_inbox(store: DynStore) {
    let c = active_crisis(&store).await;
    let me = person(&store, "moi", "Moi").await;
    let friend = person(&store, "friend", "Friend").await;
    befriend(&store, &me, &friend).await;
    store
        .mark(answer(&c, &friend, SafetyStatus::Safe, now()))
        .await
        .unwrap();
    assert_eq!(store.inbox(me.id, 10).await.unwrap().len(), 1);

    store.remove_contact(me.id, friend.id).await.unwrap();
    assert!(store.inbox(me.id, 10).await.unwrap().is_empty());
}
