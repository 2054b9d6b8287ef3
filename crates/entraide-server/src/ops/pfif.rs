//! PFIF interchange for the missing-persons registry: records read by `entraide-pfif` go
//! into the store in batches (each batch one transaction), and the store's records come
//! out as PFIF 1.4 that passes the strict check.

use crate::error::AppResult;
use crate::state::AppState;
use entraide_core::{
    LastSeen, MissingId, MissingNoteId, NoteAuthor, NoteDetails, NoteOrigin, NoteStatus,
    PersonDetails, ReporterContact, Timestamp,
};
use entraide_pfif::{Note, Person, Record, RecordError};
use entraide_store::{FeedWindow, ImportItem, ImportOutcome, MissingNote, MissingRecord};
use uuid::Uuid;

/// Records per store transaction (`entraide bench missing` uses it too): large enough that
/// commits (each an fsync, and a checkpoint of what the batch wrote) don't dominate an
/// import, small enough that a batch's memory stays around ten megabytes whatever the
/// file's size.
pub const IMPORT_BATCH: usize = 10_000;

/// What an import did, and the records it refused (which, and why).
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    pub added: u64,
    pub replaced: u64,
    pub unchanged: u64,
    pub errors: Vec<String>,
}

impl ImportSummary {
    pub fn records_read(&self) -> u64 {
        self.added + self.replaced + self.unchanged
    }
}

/// Our id for a PFIF id: the record's own uuid if it is one of ours (`<domain>/person.<uuid>`),
/// else a uuid derived from the PFIF id, so importing the same record twice finds it.
fn local_id(domain: &str, kind: &str, pfif_id: &str) -> (Uuid, Option<String>) {
    let own = pfif_id
        .strip_prefix(domain)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.strip_prefix(kind))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.parse::<Uuid>().ok());
    match own {
        Some(id) => (id, None),
        None => {
            let name = format!("pfif:{kind}:{pfif_id}");
            (
                Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()),
                Some(pfif_id.to_owned()),
            )
        }
    }
}

fn time(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(entraide_pfif::parse_time)
}

/// PFIF allows what our checks refuse (an "unknown" sex, a country name, a long postal
/// code): such a field is dropped, not the record; only a record without a name is refused.
fn lenient(mut person: PersonDetails) -> Result<PersonDetails, String> {
    loop {
        match person.clone().validate() {
            Ok(valid) => return Ok(valid),
            Err(invalids) => {
                for invalid in &invalids.0 {
                    let p = &mut person;
                    let field = match invalid.field.as_str() {
                        "alternate_names" => {
                            p.alternate_names.clear();
                            continue;
                        }
                        "profile_urls" => {
                            p.profile_urls.clear();
                            continue;
                        }
                        "given_name" => &mut p.given_name,
                        "family_name" => &mut p.family_name,
                        "sex" => &mut p.sex,
                        "date_of_birth" => &mut p.date_of_birth,
                        "age" => &mut p.age,
                        "description" => &mut p.description,
                        "home_street" => &mut p.home_street,
                        "home_neighborhood" => &mut p.home_neighborhood,
                        "home_city" => &mut p.home_city,
                        "home_state" => &mut p.home_state,
                        "home_postal_code" => &mut p.home_postal_code,
                        "home_country" => &mut p.home_country,
                        "photo_url" => &mut p.photo_url,
                        "author_name" => &mut p.author_name,
                        "source_name" => &mut p.source_name,
                        "source_url" => &mut p.source_url,
                        other => return Err(format!("{other} {}", invalid.message)),
                    };
                    *field = None;
                }
            }
        }
    }
}

fn person_record(domain: &str, p: &Person, now: Timestamp) -> Result<MissingRecord, String> {
    let (id, pfif_id) = local_id(domain, "person", &p.person_record_id);
    // An expired record travels as its placeholder: ids and dates, no name.
    let expired = p.is_expired_at(now);
    let full_name = p.full_name.clone().unwrap_or_else(|| {
        [p.given_name.as_deref(), p.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    });
    let details = PersonDetails {
        full_name,
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        alternate_names: p.alternate_names.clone(),
        sex: p.sex.clone(),
        date_of_birth: p.date_of_birth.clone(),
        age: p.age.clone(),
        description: p.description.clone(),
        home_street: p.home_street.clone(),
        home_neighborhood: p.home_neighborhood.clone(),
        home_city: p.home_city.clone(),
        home_state: p.home_state.clone(),
        home_postal_code: p.home_postal_code.clone(),
        home_country: p.home_country.clone(),
        photo_url: p.photo_url.clone(),
        profile_urls: p.profile_urls.clone(),
        author_name: p.author_name.clone(),
        source_name: p.source_name.clone(),
        source_url: p.source_url.clone(),
    };
    let person = if expired {
        PersonDetails::default()
    } else {
        lenient(details)?
    };
    let entry_date = time(p.entry_date.as_deref());
    Ok(MissingRecord {
        id: MissingId(id),
        pfif_id,
        person,
        reporter: ReporterContact {
            email: p.author_email.clone(),
            phone: p.author_phone.clone(),
        },
        reporter_account: None,
        last_seen: LastSeen::default(),
        // Of two copies of a record, the newer source wins; without a source date, the
        // copy counts as written when it entered the source's repository.
        source_date: time(p.source_date.as_deref()).or(entry_date).unwrap_or(now),
        entry_date: now,
        // An unreadable expiry date counts as passed, as entraide-pfif judges it.
        expiry_date: p
            .expiry_date
            .as_deref()
            .map(|text| entraide_pfif::parse_time(text).unwrap_or(now)),
        expired: false,
        verified: false,
        linked_account: None,
        status: None,
        linked_records: Vec::new(),
    })
}

fn note_record(domain: &str, n: &Note, now: Timestamp) -> Result<MissingNote, String> {
    let (id, pfif_id) = local_id(domain, "note", &n.note_record_id);
    let (record, _) = local_id(domain, "person", &n.person_record_id);
    let status = n
        .status
        .map(|s| s.as_str().parse::<NoteStatus>())
        .transpose()
        .map_err(|e| e.to_string())?;
    let details = NoteDetails {
        status,
        author_made_contact: n.author_made_contact,
        last_known_location: n.last_known_location.clone(),
        text: n.text.clone(),
        photo_url: n.photo_url.clone(),
        author_name: n.author_name.clone(),
        author_email: n.author_email.clone(),
        author_phone: n.author_phone.clone(),
        email_of_found_person: n.email_of_found_person.clone(),
        phone_of_found_person: n.phone_of_found_person.clone(),
    };
    let details = match details.clone().validate(NoteOrigin::VerifiedSource) {
        Ok(valid) => valid,
        // A note with neither text nor status still records that someone wrote: keep it.
        Err(_) => NoteDetails {
            photo_url: None,
            ..details
        },
    };
    let entry_date = time(n.entry_date.as_deref());
    Ok(MissingNote {
        id: MissingNoteId(id),
        pfif_id,
        record: MissingId(record),
        details,
        origin: NoteOrigin::VerifiedSource,
        author: NoteAuthor {
            account: None,
            anonymous: false,
        },
        hidden: false,
        flags: 0,
        source_date: time(n.source_date.as_deref()).or(entry_date).unwrap_or(now),
        entry_date: now,
    })
}

/// What a PFIF document is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PfifFormat {
    /// PFIF 1.1 to 1.4.
    Xml,
    /// Person Finder's CSV.
    Csv,
}

impl AppState {
    /// Imports a PFIF document ([`AppState::import_pfif`]). With `authorized_domain`, only
    /// records whose ids are under it are kept (a source writes its own records only); a
    /// CSV's ids without a domain get that domain, or the registry's own.
    pub async fn import_pfif_document(
        &self,
        input: impl std::io::BufRead,
        format: PfifFormat,
        authorized_domain: Option<String>,
        progress: impl FnMut(u64),
    ) -> AppResult<ImportSummary> {
        match format {
            PfifFormat::Csv => {
                let domain = authorized_domain.unwrap_or_else(|| self.config.pfif_domain.clone());
                let reader = entraide_pfif::CsvReader::new(input).authorized_domain(domain);
                self.import_pfif(reader, progress).await
            }
            PfifFormat::Xml => {
                let reader = entraide_pfif::Reader::new(input);
                let reader = match authorized_domain {
                    Some(domain) => reader.authorized_domain(domain),
                    None => reader,
                };
                self.import_pfif(reader, progress).await
            }
        }
    }

    /// Imports what a PFIF reader yields, in batches, skipping (and reporting) the records
    /// that can't be read or stored; `progress` is called after each batch with the count
    /// of records handled so far. Streaming: only one batch is held at a time.
    pub async fn import_pfif(
        &self,
        records: impl Iterator<Item = Result<Record, RecordError>>,
        mut progress: impl FnMut(u64),
    ) -> AppResult<ImportSummary> {
        let domain = self.config.pfif_domain.clone();
        let mut summary = ImportSummary::default();
        let mut batch = Vec::with_capacity(IMPORT_BATCH);
        let mut labels: Vec<String> = Vec::with_capacity(IMPORT_BATCH);
        let mut links: Vec<(MissingId, MissingId)> = Vec::new();
        let mut handled = 0u64;
        let mut records = records.peekable();
        while records.peek().is_some() {
            while batch.len() < IMPORT_BATCH {
                let Some(item) = records.next() else { break };
                let now = chrono::Utc::now();
                match item {
                    Err(e) => summary.errors.push(e.to_string()),
                    Ok(Record::Person(p)) => match person_record(&domain, &p, now) {
                        Err(why) => summary
                            .errors
                            .push(format!("person {}: {why}", p.person_record_id)),
                        Ok(record) => {
                            labels.push(format!("person {}", p.person_record_id));
                            batch.push(ImportItem::Record(record));
                            for note in &p.notes {
                                self.queue_note(
                                    &domain,
                                    note,
                                    now,
                                    &mut batch,
                                    &mut labels,
                                    &mut links,
                                    &mut summary,
                                );
                            }
                        }
                    },
                    Ok(Record::Note(n)) => self.queue_note(
                        &domain,
                        &n,
                        now,
                        &mut batch,
                        &mut labels,
                        &mut links,
                        &mut summary,
                    ),
                }
            }
            handled += batch.len() as u64;
            self.store_import_batch(&mut batch, &mut labels, &mut summary)
                .await?;
            progress(handled);
        }
        // Records that came in expired (placeholders) are wiped at once, as housekeeping
        // would: nothing of them may be shown.
        self.expire_missing().await?;
        for (a, b) in links {
            // A link to a record this registry doesn't hold waits for that record's import.
            if let Err(e) = self.store.link_missing(a, b).await
                && !matches!(e, entraide_store::StoreError::NotFound(_))
            {
                return Err(e.into());
            }
        }
        Ok(summary)
    }

    #[allow(clippy::too_many_arguments)]
    fn queue_note(
        &self,
        domain: &str,
        note: &Note,
        now: Timestamp,
        batch: &mut Vec<ImportItem>,
        labels: &mut Vec<String>,
        links: &mut Vec<(MissingId, MissingId)>,
        summary: &mut ImportSummary,
    ) {
        match note_record(domain, note, now) {
            Err(why) => summary
                .errors
                .push(format!("note {}: {why}", note.note_record_id)),
            Ok(record) => {
                if let Some(linked) = &note.linked_person_record_id {
                    let (other, _) = local_id(domain, "person", linked);
                    if other != record.record.0 {
                        links.push((record.record, MissingId(other)));
                    }
                }
                labels.push(format!(
                    "note {} (about {})",
                    note.note_record_id, note.person_record_id
                ));
                batch.push(ImportItem::Note(record));
            }
        }
    }

    async fn store_import_batch(
        &self,
        batch: &mut Vec<ImportItem>,
        labels: &mut Vec<String>,
        summary: &mut ImportSummary,
    ) -> AppResult<()> {
        let records: Vec<MissingId> = batch
            .iter()
            .filter_map(|item| match item {
                ImportItem::Record(r) => Some(r.id),
                ImportItem::Note(_) => None,
            })
            .collect();
        let outcomes = self.store.import_missing(std::mem::take(batch)).await?;
        for (outcome, label) in outcomes.into_iter().zip(labels.drain(..)) {
            match outcome {
                ImportOutcome::Added => summary.added += 1,
                ImportOutcome::Replaced => summary.replaced += 1,
                ImportOutcome::Unchanged => summary.unchanged += 1,
                ImportOutcome::UnknownRecord => summary
                    .errors
                    .push(format!("{label}: no such person in this registry")),
            }
        }
        self.missing_changed(&records).await
    }

    /// Our records (entered since `since`) as PFIF 1.4 persons with their visible notes,
    /// one page at a time. `private` adds the reporters' and authors' contact details
    /// (for an operator's export, never for the public feeds).
    pub async fn pfif_persons(&self, window: FeedWindow, private: bool) -> AppResult<Vec<Person>> {
        let mut persons = Vec::new();
        for record in self.store.missing_feed(window).await? {
            let notes = if record.expired {
                Vec::new()
            } else {
                self.store.missing_notes(record.id).await?
            };
            persons.push(self.to_pfif_person(&record, &notes, private));
        }
        Ok(persons)
    }

    /// Visible notes entered since the window's start, as PFIF 1.4 notes.
    pub async fn pfif_notes(&self, window: FeedWindow, private: bool) -> AppResult<Vec<Note>> {
        let notes = self.store.missing_note_feed(window).await?;
        let ids: Vec<MissingId> = notes.iter().map(|n| n.record).collect();
        let records = self.store.missing_records(&ids).await?;
        Ok(notes
            .iter()
            .filter_map(|n| {
                let record = records.iter().find(|r| r.id == n.record)?;
                strict_note(self.to_pfif_note(record, n, private))
            })
            .collect())
    }

    fn person_pfif_id(&self, record: &MissingRecord) -> String {
        crate::api::missing::pfif_person_id(&self.config.pfif_domain, record)
    }

    fn to_pfif_note(&self, record: &MissingRecord, n: &MissingNote, private: bool) -> Note {
        let d = &n.details;
        let fmt = entraide_pfif::format_time;
        Note {
            note_record_id: n
                .pfif_id
                .clone()
                .unwrap_or_else(|| format!("{}/note.{}", self.config.pfif_domain, n.id)),
            person_record_id: self.person_pfif_id(record),
            linked_person_record_id: None,
            entry_date: Some(fmt(n.entry_date)),
            // PFIF requires an author name; an anonymous witness stays anonymous.
            author_name: Some(if n.author.anonymous {
                "anonymous".to_owned()
            } else {
                d.author_name
                    .clone()
                    .unwrap_or_else(|| "anonymous".to_owned())
            }),
            author_email: d
                .author_email
                .clone()
                .filter(|_| private && !n.author.anonymous),
            author_phone: d
                .author_phone
                .clone()
                .filter(|_| private && !n.author.anonymous),
            source_date: Some(fmt(n.source_date)),
            author_made_contact: d.author_made_contact,
            status: d
                .status
                .and_then(|s| s.as_str().parse::<entraide_pfif::Status>().ok()),
            email_of_found_person: d.email_of_found_person.clone().filter(|_| private),
            phone_of_found_person: d.phone_of_found_person.clone().filter(|_| private),
            last_known_location: d.last_known_location.clone(),
            text: d.text.clone(),
            photo_url: d.photo_url.clone(),
        }
    }

    fn to_pfif_person(&self, r: &MissingRecord, notes: &[MissingNote], private: bool) -> Person {
        let fmt = entraide_pfif::format_time;
        let p = &r.person;
        let placeholder = r.expired;
        let text = |v: &Option<String>| v.clone().filter(|_| !placeholder);
        let person = Person {
            person_record_id: self.person_pfif_id(r),
            entry_date: Some(fmt(r.entry_date)),
            expiry_date: r.expiry_date.map(fmt),
            author_name: text(&p.author_name),
            author_email: r.reporter.email.clone().filter(|_| private && !placeholder),
            author_phone: r.reporter.phone.clone().filter(|_| private && !placeholder),
            source_name: text(&p.source_name),
            source_date: Some(fmt(r.source_date)),
            source_url: text(&p.source_url),
            full_name: Some(p.full_name.clone()).filter(|n| !placeholder && !n.is_empty()),
            given_name: text(&p.given_name),
            family_name: text(&p.family_name),
            alternate_names: p.alternate_names.clone(),
            description: text(&p.description),
            sex: text(&p.sex),
            date_of_birth: text(&p.date_of_birth),
            age: text(&p.age),
            home_street: text(&p.home_street),
            home_neighborhood: text(&p.home_neighborhood),
            home_city: text(&p.home_city),
            home_state: text(&p.home_state),
            home_postal_code: text(&p.home_postal_code),
            home_country: text(&p.home_country),
            photo_url: text(&p.photo_url),
            profile_urls: p.profile_urls.clone(),
            notes: notes
                .iter()
                .filter(|n| !n.hidden)
                .map(|n| self.to_pfif_note(r, n, private))
                .collect(),
        };
        strict_person(person)
    }
}

/// Drops the optional fields a strict PFIF 1.4 check refuses (an address that isn't one,
/// a country code not assigned), and the notes it refuses, so an export always passes.
fn strict_person(mut person: Person) -> Person {
    for error in entraide_pfif::validate_strict(&person) {
        if error.record_id != person.person_record_id {
            continue;
        }
        match error.field {
            "author_email" => person.author_email = None,
            "source_url" => person.source_url = None,
            "sex" => person.sex = None,
            "date_of_birth" => person.date_of_birth = None,
            "age" => person.age = None,
            "home_country" => person.home_country = None,
            "photo_url" => person.photo_url = None,
            "profile_urls" => person.profile_urls.clear(),
            _ => {}
        }
    }
    person.notes = std::mem::take(&mut person.notes)
        .into_iter()
        .filter_map(strict_note)
        .collect();
    person
}

fn strict_note(mut note: Note) -> Option<Note> {
    for error in entraide_pfif::validate_note_strict(&note) {
        match error.field {
            "author_email" => note.author_email = None,
            "email_of_found_person" => note.email_of_found_person = None,
            "photo_url" => note.photo_url = None,
            _ => {}
        }
    }
    entraide_pfif::validate_note_strict(&note)
        .is_empty()
        .then_some(note)
}
