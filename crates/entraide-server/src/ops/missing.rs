//! The missing-persons registry (issue 4): who may report, write, moderate and follow, and
//! keeping the name search in step with the store.

use crate::error::{AppError, AppResult, Denial};
use crate::state::AppState;
use entraide_bus::Invalidation;
use entraide_core::Refusal;
use entraide_core::{
    AccountId, Event, LastSeen, MissingId, MissingNoteId, NoteAuthor, NoteDetails, NoteOrigin,
    NoteStatus, PersonDetails, ReporterContact, Rule, Timestamp,
};
use entraide_names::Hit;
use entraide_store::{Account, MissingNote, MissingRecord, NoteVisibility, StoreError};

/// How far from the last-seen place, and how long before or after the last-seen time, a
/// reported location makes someone a possible witness.
pub const WITNESS_RADIUS_M: f64 = 500.0;
pub const WITNESS_WINDOW: chrono::TimeDelta = chrono::TimeDelta::hours(2);

/// The longest search result list one request may ask for.
pub const MAX_SEARCH_RESULTS: usize = 100;

/// What a reporter gives.
pub struct NewReport {
    pub person: PersonDetails,
    pub reporter: ReporterContact,
    pub last_seen: LastSeen,
    pub expiry_date: Option<Timestamp>,
}

/// What a note's writer gives.
pub struct NewNote {
    pub details: NoteDetails,
    pub anonymous: bool,
}

/// A record as a viewer may see it: notes filtered, private fields only for responders.
pub struct MissingView {
    pub record: MissingRecord,
    pub notes: Vec<MissingNote>,
    /// Responders see the reporter's contact, hidden notes and anonymous authors.
    pub privileged: bool,
}

impl MissingView {
    /// When the person described last marked themselves safe, as far as this record
    /// shows: what searchers read as "marked safe at T".
    pub fn marked_safe_at(&self) -> Option<Timestamp> {
        self.notes
            .iter()
            .filter(|n| n.origin == NoteOrigin::SafetyCheck && !n.hidden)
            .map(|n| n.source_date)
            .max()
    }
}

fn is_responder(viewer: Option<&Account>) -> bool {
    viewer.is_some_and(|a| a.role.is_responder())
}

impl AppState {
    /// Fills the name index from the store: done once when serving starts.
    pub async fn load_missing_index(&self) -> AppResult<()> {
        let entries = self.store.missing_names().await?;
        let mut index = entraide_names::NameIndex::new();
        for (id, names) in &entries {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            index.insert(*id, &names);
        }
        *self.missing_index.write().expect("index lock poisoned") = index;
        tracing::info!(
            records = entries.len(),
            "missing-person search index loaded"
        );
        Ok(())
    }

    /// Reads these records again into the name index (dropping those gone or expired).
    pub async fn reindex_missing(&self, ids: &[MissingId]) -> AppResult<()> {
        let records = self.store.missing_records(ids).await?;
        let mut index = self.missing_index.write().expect("index lock poisoned");
        for id in ids {
            index.remove(*id);
        }
        for record in records.iter().filter(|r| !r.expired) {
            index.insert(record.id, &record.person.names());
        }
        Ok(())
    }

    /// After a committed change to these records' names or life: this instance's index
    /// now, the other instances' through the bus.
    pub async fn missing_changed(&self, ids: &[MissingId]) -> AppResult<()> {
        self.reindex_missing(ids).await?;
        for id in ids {
            self.bus.invalidate(Invalidation::MissingRecord(*id));
        }
        Ok(())
    }

    /// Stores a report. `id` derives from the request's idempotency key: a retry finds the
    /// record it made.
    pub async fn report_missing(
        &self,
        me: &Account,
        id: MissingId,
        report: NewReport,
    ) -> AppResult<MissingId> {
        let now = chrono::Utc::now();
        let person = report.person.validate()?;
        let reporter = report.reporter.validate()?;
        let last_seen = report.last_seen.validate()?;
        let latest_expiry = now + chrono::Duration::days(self.config.missing_expiry_days.into());
        let expiry_date = match report.expiry_date {
            None => latest_expiry,
            Some(t) if t > now && t <= latest_expiry => t,
            Some(_) => {
                return Err(entraide_core::Invalid::broke(
                    "expiry_date",
                    Rule::FutureWithinDays {
                        days: self.config.missing_expiry_days,
                    },
                )
                .into());
            }
        };
        let record = MissingRecord {
            id,
            pfif_id: None,
            person,
            reporter,
            reporter_account: Some(me.id),
            last_seen,
            source_date: now,
            entry_date: now,
            expiry_date: Some(expiry_date),
            expired: false,
            verified: false,
            linked_account: None,
            status: None,
            linked_records: Vec::new(),
        };
        match self.store.create_missing(&record).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Ok(id),
            Err(e) => return Err(e.into()),
        }
        self.missing_changed(&[id]).await?;
        Ok(id)
    }

    /// A live record, or not found (expired ones are hidden from everyone).
    pub async fn live_missing(&self, id: MissingId) -> AppResult<MissingRecord> {
        self.store
            .missing_records(&[id])
            .await?
            .into_iter()
            .find(|r| !r.expired)
            .ok_or_else(|| AppError::not_found("missing-person record"))
    }

    pub async fn view_missing(
        &self,
        viewer: Option<&Account>,
        id: MissingId,
    ) -> AppResult<MissingView> {
        let record = self.live_missing(id).await?;
        let privileged = is_responder(viewer);
        let mut notes = self.store.missing_notes(id).await?;
        if !privileged {
            notes.retain(|n| !n.hidden);
        }
        Ok(MissingView {
            record,
            notes,
            privileged,
        })
    }

    /// Adds a note, then tells the record's followers (not the writer).
    pub async fn add_missing_note(
        &self,
        me: &Account,
        record: MissingId,
        id: MissingNoteId,
        new: NewNote,
    ) -> AppResult<(MissingNoteId, Option<NoteStatus>)> {
        let origin = if me.role.is_responder() {
            NoteOrigin::Responder
        } else {
            NoteOrigin::Person
        };
        let details = new.details.validate(origin)?;
        let now = chrono::Utc::now();
        let note = MissingNote {
            id,
            pfif_id: None,
            record,
            details,
            origin,
            author: NoteAuthor {
                account: Some(me.id),
                anonymous: new.anonymous,
            },
            hidden: false,
            flags: 0,
            source_date: now,
            entry_date: now,
        };
        self.write_missing_note(note, Some(me.id)).await
    }

    /// Stores a note and tells the followers (live, in their inbox, and by mail to those
    /// who gave an address); a retried note (same id) answers as the first time did and
    /// tells no one again.
    pub async fn write_missing_note(
        &self,
        note: MissingNote,
        writer: Option<AccountId>,
    ) -> AppResult<(MissingNoteId, Option<NoteStatus>)> {
        let status = match self.store.add_missing_note(&note).await {
            Ok(status) => status,
            Err(StoreError::Conflict(_)) => {
                return Ok((note.id, self.live_missing(note.record).await?.status));
            }
            Err(e) => return Err(e.into()),
        };
        let record = self.live_missing(note.record).await?;
        let mut followers = self.store.missing_subscribers(note.record).await?;
        followers.retain(|f| Some(*f) != writer);
        self.tell(
            &followers,
            Event::MissingNote {
                record_id: note.record,
                full_name: record.person.full_name,
                status: note.details.status,
                text: note.details.text,
                at: note.entry_date,
            },
        )
        .await?;
        if !note.hidden {
            // Queued, not sent: the mail task reads the note again before it goes.
            self.mailer.note_added(note.record, note.id, followers);
        }
        Ok((note.id, status))
    }

    pub async fn flag_missing_note(&self, me: &Account, note: MissingNoteId) -> AppResult<u32> {
        Ok(self
            .store
            .flag_missing_note(note, me.id, chrono::Utc::now())
            .await?)
    }

    pub async fn set_missing_note_visibility(
        &self,
        me: &Account,
        note: MissingNoteId,
        visibility: NoteVisibility,
    ) -> AppResult<MissingId> {
        if !me.role.is_responder() {
            return Err(AppError::Forbidden(Denial::RespondersOnly));
        }
        Ok(self
            .store
            .set_missing_note_visibility(note, visibility)
            .await?)
    }

    pub async fn verify_missing(
        &self,
        me: &Account,
        id: MissingId,
        verified: bool,
    ) -> AppResult<()> {
        if !me.role.is_responder() {
            return Err(AppError::Forbidden(Denial::RespondersOnly));
        }
        Ok(self.store.set_missing_verified(id, verified).await?)
    }

    pub async fn link_missing(&self, me: &Account, a: MissingId, b: MissingId) -> AppResult<()> {
        if !me.role.is_responder() {
            return Err(AppError::Forbidden(Denial::RespondersOnly));
        }
        Ok(self.store.link_missing(a, b).await?)
    }

    pub async fn follow_missing(&self, me: &Account, id: MissingId, follow: bool) -> AppResult<()> {
        if follow {
            self.store
                .subscribe_missing(id, me.id, chrono::Utc::now())
                .await?;
        } else {
            self.store.unsubscribe_missing(id, me.id).await?;
        }
        Ok(())
    }

    /// A deletion request, from the reporter, the person described, or a responder: the
    /// record is wiped at once and leaves the search.
    pub async fn delete_missing(&self, me: &Account, id: MissingId) -> AppResult<()> {
        let record = self.live_missing(id).await?;
        let entitled = me.role.is_responder()
            || record.reporter_account == Some(me.id)
            || record.linked_account == Some(me.id);
        if !entitled {
            return Err(AppError::Forbidden(Denial::DeleteRecord));
        }
        self.store.delete_missing(id, chrono::Utc::now()).await?;
        self.missing_changed(&[id]).await
    }

    /// Wipes the records whose expiry passed: run by housekeeping.
    pub async fn expire_missing(&self) -> AppResult<usize> {
        let expired = self.store.expire_missing(chrono::Utc::now()).await?;
        self.missing_changed(&expired).await?;
        Ok(expired.len())
    }

    /// Ranked matches for a query, with their records, best first.
    pub async fn search_missing(
        &self,
        query: &str,
        limit: usize,
    ) -> AppResult<Vec<(MissingRecord, f32)>> {
        let hits: Vec<Hit<MissingId>> = self
            .missing_index
            .read()
            .expect("index lock poisoned")
            .search(query, limit.clamp(1, MAX_SEARCH_RESULTS));
        let ids: Vec<MissingId> = hits.iter().map(|h| h.key).collect();
        let mut records = self.store.missing_records(&ids).await?;
        let mut ranked = Vec::with_capacity(hits.len());
        for hit in hits {
            if let Some(at) = records.iter().position(|r| r.id == hit.key && !r.expired) {
                ranked.push((records.swap_remove(at), hit.score));
            }
        }
        Ok(ranked)
    }

    /// "This is me": the signed-in person ties a record to their own account, so their
    /// Safety Check answers reach it. A record already tied to someone else stays theirs.
    pub async fn claim_missing(&self, me: &Account, id: MissingId) -> AppResult<()> {
        self.tie_missing(id, me.id).await
    }

    /// A mutual contact of the person described ties the record to that person's account.
    /// Never by name alone: the link is someone's word that they know the person.
    pub async fn link_missing_to_contact(
        &self,
        me: &Account,
        id: MissingId,
        handle: &str,
    ) -> AppResult<()> {
        let refused = || AppError::Forbidden(Denial::not_mutual_contact(handle));
        let person = self
            .account_by_handle(handle)
            .await
            .map_err(|_| refused())?;
        if person.id == me.id || !self.store.are_mutual_contacts(me.id, person.id).await? {
            return Err(refused());
        }
        self.tie_missing(id, person.id).await
    }

    async fn tie_missing(&self, id: MissingId, account: AccountId) -> AppResult<()> {
        let record = self.live_missing(id).await?;
        match record.linked_account {
            Some(linked) if linked == account => Ok(()),
            Some(_) => Err(AppError::Conflict(Refusal::RecordLinkedElsewhere)),
            None => Ok(self.store.set_missing_account(id, Some(account)).await?),
        }
    }

    /// The Safety Check hook: `person` marked themselves safe at `at`; each record tied to
    /// them (`records`, read with the mark) gets a believed_alive note from Safety Check
    /// (once per mark, even if retried).
    pub(crate) async fn marked_safe_in_registry(
        &self,
        person: &Account,
        records: &[MissingId],
        crisis: entraide_core::CrisisId,
        at: Timestamp,
    ) -> AppResult<()> {
        for &record in records {
            let name = format!(
                "safety-check\n{record}\n{crisis}\n{}",
                at.timestamp_micros()
            );
            let note = MissingNote {
                id: MissingNoteId(uuid::Uuid::new_v5(
                    &uuid::Uuid::NAMESPACE_URL,
                    name.as_bytes(),
                )),
                pfif_id: None,
                record,
                details: NoteDetails {
                    status: Some(NoteStatus::BelievedAlive),
                    author_made_contact: Some(true),
                    author_name: Some("Safety Check".into()),
                    ..NoteDetails::default()
                }
                .validate(NoteOrigin::SafetyCheck)?,
                origin: NoteOrigin::SafetyCheck,
                author: NoteAuthor {
                    account: Some(person.id),
                    anonymous: false,
                },
                hidden: false,
                flags: 0,
                source_date: at,
                entry_date: chrono::Utc::now(),
            };
            self.write_missing_note(note, Some(person.id)).await?;
        }
        Ok(())
    }

    /// A call for witnesses: the people whose location history (locations they chose to
    /// share) puts them within `WITNESS_RADIUS_M` of the last-seen place within
    /// `WITNESS_WINDOW` of the last-seen time are asked, live and in their inbox. The
    /// reporter or a responder calls it; who was asked is never shown, only how many.
    pub async fn call_witnesses(&self, me: &Account, id: MissingId) -> AppResult<usize> {
        let record = self.live_missing(id).await?;
        if !me.role.is_responder() && record.reporter_account != Some(me.id) {
            return Err(AppError::Forbidden(Denial::CallWitnesses));
        }
        let (Some(point), Some(at)) = (record.last_seen.point, record.last_seen.at) else {
            return Err(entraide_core::Invalid::broke("last_seen", Rule::CallNeedsLastSeen).into());
        };
        let area = entraide_geo::Zone::Circle {
            center: point,
            radius_m: WITNESS_RADIUS_M,
        };
        let mut witnesses: Vec<AccountId> = self
            .store
            .locations_between(area.bbox(), at - WITNESS_WINDOW, at + WITNESS_WINDOW)
            .await?
            .into_iter()
            .filter(|(account, location)| {
                area.contains(location.point)
                    && Some(*account) != record.reporter_account
                    && Some(*account) != record.linked_account
            })
            .map(|(account, _)| account)
            .collect();
        witnesses.sort();
        witnesses.dedup();
        self.tell(
            &witnesses,
            Event::WitnessCall {
                record_id: id,
                full_name: record.person.full_name,
                place: record.last_seen.place,
                last_seen_at: at,
            },
        )
        .await?;
        Ok(witnesses.len())
    }
}
