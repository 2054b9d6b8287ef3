//! Records being assembled from the fields of one version, and the rules that turn them
//! into PFIF 1.4 records or errors. Shared by the XML and CSV readers.

use std::collections::VecDeque;

use crate::error::{Reason, RecordError, RecordKind};
use crate::model::{Note, Person, Record, Version};

pub(crate) type Item = Result<Record, RecordError>;

/// Where a person element's text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PersonField {
    PersonRecordId,
    EntryDate,
    ExpiryDate,
    AuthorName,
    AuthorEmail,
    AuthorPhone,
    SourceName,
    SourceDate,
    SourceUrl,
    FullName,
    GivenName,
    FamilyName,
    AlternateNames,
    Description,
    /// Before 1.4: free text, in practice a labelled description.
    Other,
    Sex,
    DateOfBirth,
    Age,
    HomeStreet,
    HomeNeighborhood,
    HomeCity,
    HomeState,
    HomePostalCode,
    HomeCountry,
    PhotoUrl,
    ProfileUrls,
}

/// The person field an element of `version` names, after the renames between versions.
/// Names a version did not define are not fields (PFIF says to ignore them).
pub(crate) fn person_field(version: Version, name: &str) -> Option<PersonField> {
    use PersonField as F;
    use Version::{V1_1, V1_2, V1_3, V1_4};
    Some(match name {
        "person_record_id" => F::PersonRecordId,
        "entry_date" => F::EntryDate,
        "author_name" => F::AuthorName,
        "author_email" => F::AuthorEmail,
        "author_phone" => F::AuthorPhone,
        "source_name" => F::SourceName,
        "source_date" => F::SourceDate,
        "source_url" => F::SourceUrl,
        "home_street" => F::HomeStreet,
        "home_neighborhood" => F::HomeNeighborhood,
        "home_city" => F::HomeCity,
        "home_state" => F::HomeState,
        "photo_url" => F::PhotoUrl,
        // 1.2 renamed home_zip to home_postal_code and added sex, date_of_birth, age and
        // home_country.
        "home_zip" if version == V1_1 => F::HomePostalCode,
        "home_postal_code" if version >= V1_2 => F::HomePostalCode,
        "sex" if version >= V1_2 => F::Sex,
        "date_of_birth" if version >= V1_2 => F::DateOfBirth,
        "age" if version >= V1_2 => F::Age,
        "home_country" if version >= V1_2 => F::HomeCountry,
        // 1.3 added full_name and expiry_date.
        "full_name" if version >= V1_3 => F::FullName,
        "expiry_date" if version >= V1_3 => F::ExpiryDate,
        // 1.4 renamed first_name, last_name and other, and added alternate_names and
        // profile_urls.
        "first_name" if version <= V1_3 => F::GivenName,
        "last_name" if version <= V1_3 => F::FamilyName,
        "other" if version <= V1_3 => F::Other,
        "given_name" if version == V1_4 => F::GivenName,
        "family_name" if version == V1_4 => F::FamilyName,
        "description" if version == V1_4 => F::Description,
        "alternate_names" if version == V1_4 => F::AlternateNames,
        "profile_urls" if version == V1_4 => F::ProfileUrls,
        _ => return None,
    })
}

/// Where a note element's text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteField {
    NoteRecordId,
    PersonRecordId,
    LinkedPersonRecordId,
    EntryDate,
    AuthorName,
    AuthorEmail,
    AuthorPhone,
    SourceDate,
    /// `found` before 1.4; kept apart only to name it as the source did in errors.
    Found,
    AuthorMadeContact,
    Status,
    EmailOfFoundPerson,
    PhoneOfFoundPerson,
    LastKnownLocation,
    Text,
    PhotoUrl,
}

/// The note field an element of `version` names, after the renames between versions.
pub(crate) fn note_field(version: Version, name: &str) -> Option<NoteField> {
    use NoteField as F;
    use Version::{V1_2, V1_3, V1_4};
    Some(match name {
        "note_record_id" => F::NoteRecordId,
        "entry_date" => F::EntryDate,
        "author_name" => F::AuthorName,
        "author_email" => F::AuthorEmail,
        "author_phone" => F::AuthorPhone,
        "source_date" => F::SourceDate,
        "email_of_found_person" => F::EmailOfFoundPerson,
        "phone_of_found_person" => F::PhoneOfFoundPerson,
        "last_known_location" => F::LastKnownLocation,
        "text" => F::Text,
        // 1.2 let notes stand outside their person and added links and statuses.
        "person_record_id" if version >= V1_2 => F::PersonRecordId,
        "linked_person_record_id" if version >= V1_2 => F::LinkedPersonRecordId,
        "status" if version >= V1_2 => F::Status,
        // 1.4 renamed found to author_made_contact and gave notes a photo.
        "found" if version <= V1_3 => F::Found,
        "author_made_contact" if version == V1_4 => F::AuthorMadeContact,
        "photo_url" if version == V1_4 => F::PhotoUrl,
        _ => return None,
    })
}

/// Trimmed text, `None` when nothing is left: PFIF treats an empty element as absent.
fn clean(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The non-empty lines of a multi-valued field (alternate_names, profile_urls).
pub(crate) fn split_lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn outside_domain(domain: Option<&str>, id: &str) -> Option<Reason> {
    let domain = domain?;
    let inside = id
        .strip_prefix(domain)
        .is_some_and(|rest| rest.starts_with('/'));
    (!inside).then(|| Reason::OutsideDomain {
        id: id.to_owned(),
        domain: domain.to_owned(),
    })
}

fn non_empty(id: &str) -> Option<String> {
    (!id.is_empty()).then(|| id.to_owned())
}

/// A person being read.
pub(crate) struct PersonDraft {
    pub(crate) person: Person,
    other: Option<String>,
    problem: Option<Reason>,
    ordinal: u64,
    line: u64,
    pub(crate) notes: Vec<NoteDraft>,
}

impl PersonDraft {
    pub(crate) fn new(ordinal: u64, line: u64) -> PersonDraft {
        PersonDraft {
            person: Person::default(),
            other: None,
            problem: None,
            ordinal,
            line,
            notes: Vec::new(),
        }
    }

    /// Refuses the record; the first reason is the one reported.
    pub(crate) fn fail(&mut self, reason: Reason) {
        self.problem.get_or_insert(reason);
    }

    pub(crate) fn set(&mut self, field: PersonField, raw: &str) {
        use PersonField as F;
        let p = &mut self.person;
        let slot = match field {
            F::PersonRecordId => {
                p.person_record_id = clean(raw).unwrap_or_default();
                return;
            }
            F::AlternateNames => {
                p.alternate_names = split_lines(raw);
                return;
            }
            F::ProfileUrls => {
                p.profile_urls = split_lines(raw);
                return;
            }
            F::Other => &mut self.other,
            F::EntryDate => &mut p.entry_date,
            F::ExpiryDate => &mut p.expiry_date,
            F::AuthorName => &mut p.author_name,
            F::AuthorEmail => &mut p.author_email,
            F::AuthorPhone => &mut p.author_phone,
            F::SourceName => &mut p.source_name,
            F::SourceDate => &mut p.source_date,
            F::SourceUrl => &mut p.source_url,
            F::FullName => &mut p.full_name,
            F::GivenName => &mut p.given_name,
            F::FamilyName => &mut p.family_name,
            F::Description => &mut p.description,
            F::Sex => &mut p.sex,
            F::DateOfBirth => &mut p.date_of_birth,
            F::Age => &mut p.age,
            F::HomeStreet => &mut p.home_street,
            F::HomeNeighborhood => &mut p.home_neighborhood,
            F::HomeCity => &mut p.home_city,
            F::HomeState => &mut p.home_state,
            F::HomePostalCode => &mut p.home_postal_code,
            F::HomeCountry => &mut p.home_country,
            F::PhotoUrl => &mut p.photo_url,
        };
        *slot = clean(raw);
    }

    /// Turns the draft into the person (and the errors of its nested notes), or into its
    /// error followed by its nested notes on their own: a note does not become wrong
    /// because the person around it was.
    pub(crate) fn finish(self, version: Version, domain: Option<&str>, out: &mut VecDeque<Item>) {
        let PersonDraft {
            mut person,
            other,
            problem,
            ordinal,
            line,
            notes,
        } = self;
        if let Some(other) = other
            && person.description.is_none()
        {
            person.description = Some(description_from_other(&other));
        }
        // 1.4 requires full_name, which 1.1 and 1.2 did not have; the given and family
        // names are all there is to build it from.
        if version <= Version::V1_2 && person.full_name.is_none() {
            let parts: Vec<&str> = [&person.given_name, &person.family_name]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if !parts.is_empty() {
                person.full_name = Some(parts.join(" "));
            }
        }

        let id = person.person_record_id.clone();
        let notes: Vec<Result<Note, RecordError>> = notes
            .into_iter()
            .map(|mut note| {
                if note.note.person_record_id.is_empty() {
                    note.note.person_record_id.clone_from(&id);
                } else if !id.is_empty() && note.note.person_record_id != id {
                    note.fail(Reason::WrongPerson {
                        named: note.note.person_record_id.clone(),
                        enclosing: id.clone(),
                    });
                }
                note.finish(domain)
            })
            .collect();

        let problem = problem
            .or_else(|| id.is_empty().then_some(Reason::Missing("person_record_id")))
            .or_else(|| outside_domain(domain, &id));
        match problem {
            None => {
                let mut errors = Vec::new();
                for note in notes {
                    match note {
                        Ok(note) => person.notes.push(note),
                        Err(error) => errors.push(Err(error)),
                    }
                }
                out.push_back(Ok(Record::Person(person)));
                out.extend(errors);
            }
            Some(reason) => {
                out.push_back(Err(RecordError {
                    kind: RecordKind::Person,
                    record_id: non_empty(&id),
                    ordinal,
                    line,
                    reason,
                }));
                out.extend(notes.into_iter().map(|note| note.map(Record::Note)));
            }
        }
    }
}

/// Before 1.4, `other` was free text that Person Finder filled with a `description:`
/// label followed by indented lines; 1.4 replaced it with `description`. A lone label is
/// unwrapped; text carrying other `key:` lines is kept whole so that nothing is lost.
fn description_from_other(other: &str) -> String {
    let mut lines = Vec::new();
    let mut labelled = false;
    for line in other.lines() {
        if let Some(rest) = line.strip_prefix("description:") {
            labelled = true;
            lines.push(rest.trim());
        } else if line
            .split_whitespace()
            .next()
            .is_some_and(|word| word.contains(':') && !line.starts_with(char::is_whitespace))
        {
            return other.to_owned();
        } else {
            lines.push(line.trim());
        }
    }
    if !labelled {
        return other.to_owned();
    }
    lines.join("\n").trim().to_owned()
}

/// A note being read.
pub(crate) struct NoteDraft {
    pub(crate) note: Note,
    problem: Option<Reason>,
    ordinal: u64,
    line: u64,
}

impl NoteDraft {
    pub(crate) fn new(ordinal: u64, line: u64) -> NoteDraft {
        NoteDraft {
            note: Note::default(),
            problem: None,
            ordinal,
            line,
        }
    }

    /// Refuses the record; the first reason is the one reported.
    pub(crate) fn fail(&mut self, reason: Reason) {
        self.problem.get_or_insert(reason);
    }

    pub(crate) fn set(&mut self, field: NoteField, raw: &str) {
        use NoteField as F;
        let n = &mut self.note;
        let slot = match field {
            F::NoteRecordId => {
                n.note_record_id = clean(raw).unwrap_or_default();
                return;
            }
            F::PersonRecordId => {
                n.person_record_id = clean(raw).unwrap_or_default();
                return;
            }
            F::Found | F::AuthorMadeContact => {
                let name = if field == F::Found {
                    "found"
                } else {
                    "author_made_contact"
                };
                match clean(raw).map(|value| parse_boolean(name, value)) {
                    None => n.author_made_contact = None,
                    Some(Ok(value)) => n.author_made_contact = Some(value),
                    Some(Err(reason)) => self.fail(reason),
                }
                return;
            }
            F::Status => {
                match clean(raw).map(|value| value.parse()) {
                    None => n.status = None,
                    Some(Ok(status)) => n.status = Some(status),
                    Some(Err(unknown)) => self.fail(Reason::UnknownStatus(unknown.0)),
                }
                return;
            }
            F::LinkedPersonRecordId => &mut n.linked_person_record_id,
            F::EntryDate => &mut n.entry_date,
            F::AuthorName => &mut n.author_name,
            F::AuthorEmail => &mut n.author_email,
            F::AuthorPhone => &mut n.author_phone,
            F::SourceDate => &mut n.source_date,
            F::EmailOfFoundPerson => &mut n.email_of_found_person,
            F::PhoneOfFoundPerson => &mut n.phone_of_found_person,
            F::LastKnownLocation => &mut n.last_known_location,
            F::Text => &mut n.text,
            F::PhotoUrl => &mut n.photo_url,
        };
        *slot = clean(raw);
    }

    pub(crate) fn finish(self, domain: Option<&str>) -> Result<Note, RecordError> {
        let NoteDraft {
            note,
            problem,
            ordinal,
            line,
        } = self;
        let problem = problem
            .or_else(|| {
                note.note_record_id
                    .is_empty()
                    .then_some(Reason::Missing("note_record_id"))
            })
            .or_else(|| {
                note.person_record_id
                    .is_empty()
                    .then_some(Reason::Missing("person_record_id"))
            })
            .or_else(|| outside_domain(domain, &note.note_record_id));
        match problem {
            None => Ok(note),
            Some(reason) => Err(RecordError {
                kind: RecordKind::Note,
                record_id: non_empty(&note.note_record_id),
                ordinal,
                line,
                reason,
            }),
        }
    }
}

/// xs:boolean, and the capitalised spellings spreadsheets produce.
fn parse_boolean(field: &'static str, value: String) -> Result<bool, Reason> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Reason::NotBoolean { field, value }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_description_label_is_unwrapped() {
        assert_eq!(
            description_from_other("description:\n    lost near the canal\n    wears glasses"),
            "lost near the canal\nwears glasses"
        );
        assert_eq!(description_from_other("description: short"), "short");
    }

    #[test]
    fn other_text_is_kept_whole() {
        let keyed = "description: tall\nshoe_size: 44";
        assert_eq!(description_from_other(keyed), keyed);
        assert_eq!(description_from_other("just words"), "just words");
    }

    #[test]
    fn fields_belong_to_their_versions() {
        use Version::*;
        assert_eq!(
            person_field(V1_1, "home_zip"),
            Some(PersonField::HomePostalCode)
        );
        assert_eq!(person_field(V1_2, "home_zip"), None);
        assert_eq!(
            person_field(V1_3, "first_name"),
            Some(PersonField::GivenName)
        );
        assert_eq!(person_field(V1_4, "first_name"), None);
        assert_eq!(person_field(V1_2, "full_name"), None);
        assert_eq!(person_field(V1_4, "other"), None);
        assert_eq!(note_field(V1_1, "status"), None);
        assert_eq!(note_field(V1_3, "found"), Some(NoteField::Found));
        assert_eq!(note_field(V1_4, "found"), None);
        assert_eq!(
            note_field(V1_4, "author_made_contact"),
            Some(NoteField::AuthorMadeContact)
        );
    }

    #[test]
    fn bad_booleans_and_statuses_refuse_the_note() {
        let mut note = NoteDraft::new(1, 1);
        note.set(NoteField::NoteRecordId, "x.org/n1");
        note.set(NoteField::PersonRecordId, "x.org/p1");
        note.set(NoteField::Found, "TRUE");
        assert_eq!(note.note.author_made_contact, Some(true));
        note.set(NoteField::Found, "maybe");
        let error = note.finish(None).unwrap_err();
        assert_eq!(
            error.reason,
            Reason::NotBoolean {
                field: "found",
                value: "maybe".into()
            }
        );
        assert_eq!(error.record_id.as_deref(), Some("x.org/n1"));

        let mut note = NoteDraft::new(2, 9);
        note.set(NoteField::Status, "believed_undead");
        note.set(NoteField::NoteRecordId, "x.org/n2");
        note.set(NoteField::PersonRecordId, "x.org/p1");
        let error = note.finish(None).unwrap_err();
        assert_eq!(
            error.reason,
            Reason::UnknownStatus("believed_undead".into())
        );
        assert_eq!((error.ordinal, error.line), (2, 9));
    }
}
