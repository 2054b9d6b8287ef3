//! Photos of missing-person records and notes (issue 4).

use super::{now, person, secs};
use entraide_core::{
    LastSeen, MissingId, MissingNoteId, NoteAuthor, NoteDetails, NoteOrigin, PersonDetails,
    ReporterContact,
};
use entraide_store::{DynStore, MissingNote, MissingPhoto, MissingRecord, StoreError};

fn record() -> MissingRecord {
    MissingRecord {
        id: MissingId::new(),
        pfif_id: None,
        person: PersonDetails {
            full_name: "Marie Dupont".into(),
            ..PersonDetails::default()
        },
        reporter: ReporterContact::default(),
        reporter_account: None,
        last_seen: LastSeen::default(),
        source_date: now(),
        entry_date: now(),
        expiry_date: None,
        expired: false,
        verified: false,
        linked_account: None,
        status: None,
        linked_records: Vec::new(),
    }
}

fn photo(
    record: MissingId,
    note: Option<MissingNoteId>,
    by: &entraide_store::Account,
    byte: u8,
) -> MissingPhoto {
    MissingPhoto {
        id: uuid::Uuid::new_v4(),
        record,
        note,
        uploaded_by: by.id,
        content_type: "image/jpeg".into(),
        display: vec![byte; 300],
        thumbnail: vec![byte; 30],
        uploaded_at: now(),
    }
}

pub async fn a_photo_is_stored_replaced_and_wiped_with_its_record(store: DynStore) {
    let reporter = person(&store, "claire", "Claire").await;
    let r = record();
    store.create_missing(&r).await.unwrap();
    let first = photo(r.id, None, &reporter, 1);
    store.put_missing_photo(&first).await.unwrap();
    assert_eq!(
        store.missing_photo(first.id).await.unwrap(),
        Some(first.clone())
    );

    // A new photo of the record replaces the old one; a note's photo sits beside it.
    let second = photo(r.id, None, &reporter, 2);
    store.put_missing_photo(&second).await.unwrap();
    assert_eq!(store.missing_photo(first.id).await.unwrap(), None);
    let n = MissingNote {
        id: MissingNoteId::new(),
        pfif_id: None,
        record: r.id,
        details: NoteDetails::default(),
        origin: NoteOrigin::Person,
        author: NoteAuthor {
            account: None,
            anonymous: false,
        },
        hidden: false,
        flags: 0,
        source_date: now(),
        entry_date: now() + secs(1),
    };
    store.add_missing_note(&n).await.unwrap();
    let of_note = MissingPhoto {
        uploaded_at: now() + secs(1),
        ..photo(r.id, Some(n.id), &reporter, 3)
    };
    store.put_missing_photo(&of_note).await.unwrap();
    assert_eq!(
        store.missing_photo_ids(r.id).await.unwrap(),
        vec![(None, second.id), (Some(n.id), of_note.id)]
    );

    // Unknown record, or a note of another record: nothing stored.
    let stray = photo(MissingId::new(), None, &reporter, 4);
    assert!(matches!(
        store.put_missing_photo(&stray).await,
        Err(StoreError::NotFound(_))
    ));
    let other = record();
    store.create_missing(&other).await.unwrap();
    let wrong_note = photo(other.id, Some(n.id), &reporter, 5);
    assert!(matches!(
        store.put_missing_photo(&wrong_note).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.missing_photo(wrong_note.id).await.unwrap(), None);

    // A deletion request takes the photos with it.
    store.delete_missing(r.id, now()).await.unwrap();
    assert!(store.missing_photo_ids(r.id).await.unwrap().is_empty());
    assert_eq!(store.missing_photo(second.id).await.unwrap(), None);
    assert!(matches!(
        store
            .put_missing_photo(&photo(r.id, None, &reporter, 6))
            .await,
        Err(StoreError::NotFound(_))
    ));
}
