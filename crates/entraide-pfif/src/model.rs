//! The PFIF 1.4 data model: person and note records, whatever version they came from.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};

/// A PFIF version this crate reads. Only 1.4 is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V1_1,
    V1_2,
    V1_3,
    V1_4,
}

impl Version {
    pub const ALL: [Version; 4] = [Version::V1_1, Version::V1_2, Version::V1_3, Version::V1_4];

    /// The XML namespace that identifies this version in a document.
    pub fn namespace(self) -> &'static str {
        match self {
            Version::V1_1 => "http://zesty.ca/pfif/1.1",
            Version::V1_2 => "http://zesty.ca/pfif/1.2",
            Version::V1_3 => "http://zesty.ca/pfif/1.3",
            Version::V1_4 => "http://zesty.ca/pfif/1.4",
        }
    }

    pub fn from_namespace(namespace: &str) -> Option<Version> {
        Version::ALL
            .into_iter()
            .find(|v| v.namespace() == namespace)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.namespace()["http://zesty.ca/pfif/".len()..])
    }
}

/// A note's `status` (PFIF 1.2 and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    InformationSought,
    IsNoteAuthor,
    BelievedAlive,
    BelievedMissing,
    BelievedDead,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::InformationSought,
        Status::IsNoteAuthor,
        Status::BelievedAlive,
        Status::BelievedMissing,
        Status::BelievedDead,
    ];

    /// The value as spelt in PFIF.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InformationSought => "information_sought",
            Status::IsNoteAuthor => "is_note_author",
            Status::BelievedAlive => "believed_alive",
            Status::BelievedMissing => "believed_missing",
            Status::BelievedDead => "believed_dead",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the five PFIF statuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Status, UnknownStatus> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// A person record with every PFIF 1.4 field.
///
/// Text fields hold the source's text, trimmed, and `None` when absent or empty. Dates and
/// times (`entry_date`, `expiry_date`, `source_date`) stay text too: the files other
/// repositories send carry impossible dates (`1234-56-78T90:12:34Z` in Person Finder's own
/// test data), and refusing the whole record over them would lose the names that matter
/// most. Use [`parse_time`] for a typed value and [`crate::validate_strict`] before export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// `domain/local-id`; the readers never yield a person without one.
    pub person_record_id: String,
    pub entry_date: Option<String>,
    pub expiry_date: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub source_name: Option<String>,
    pub source_date: Option<String>,
    pub source_url: Option<String>,
    /// May hold several lines, one per script or spelling.
    pub full_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// One name per line in PFIF.
    pub alternate_names: Vec<String>,
    pub description: Option<String>,
    pub sex: Option<String>,
    pub date_of_birth: Option<String>,
    pub age: Option<String>,
    pub home_street: Option<String>,
    pub home_neighborhood: Option<String>,
    pub home_city: Option<String>,
    pub home_state: Option<String>,
    pub home_postal_code: Option<String>,
    pub home_country: Option<String>,
    pub photo_url: Option<String>,
    /// One URL per line in PFIF.
    pub profile_urls: Vec<String>,
    /// Notes that were nested in this `<person>` element.
    pub notes: Vec<Note>,
}

impl Person {
    /// Whether PFIF's data expiry applies at `now`, so that only a placeholder may be shown.
    /// An expiry date that cannot be read counts as passed: expiry protects people's data,
    /// and a record whose end of life is unknown must not be published by mistake.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expiry_date
            .as_deref()
            .is_some_and(|expiry| parse_time(expiry).is_none_or(|expiry| expiry <= now))
    }
}

/// A note record with every PFIF 1.4 field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Note {
    /// `domain/local-id`; the readers never yield a note without one.
    pub note_record_id: String,
    /// The person the note is about; filled from the enclosing `<person>` for nested notes.
    pub person_record_id: String,
    pub linked_person_record_id: Option<String>,
    pub entry_date: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub source_date: Option<String>,
    /// `found` before PFIF 1.4.
    pub author_made_contact: Option<bool>,
    pub status: Option<Status>,
    pub email_of_found_person: Option<String>,
    pub phone_of_found_person: Option<String>,
    pub last_known_location: Option<String>,
    pub text: Option<String>,
    pub photo_url: Option<String>,
}

/// One record read from a PFIF document or a CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
// A person is about twice a note's size; boxing it would cost an allocation per record on
// the import path to save a few hundred bytes of a value that is moved once.
#[allow(clippy::large_enum_variant)]
pub enum Record {
    /// A person, with the notes nested in it.
    Person(Person),
    /// A note that stood on its own (top level in the document, or a CSV row without a person).
    Note(Note),
}

/// Reads a PFIF time, which must be exactly `YYYY-MM-DDThh:mm:ssZ` (UTC) and a real instant.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 20
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            19 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    // chrono alone would accept variants (signs, longer years), hence the shape check first.
    if !shape_ok {
        return None;
    }
    NaiveDateTime::parse_from_str(&text[..19], "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|naive| naive.and_utc())
}

/// Writes a time the way PFIF wants it, to the second.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_must_have_the_exact_pfif_shape() {
        let t = parse_time("2000-01-16T02:07:57Z").expect("valid");
        assert_eq!(format_time(t), "2000-01-16T02:07:57Z");
        for bad in [
            "2000-01-16T02:07:57",
            "2000-01-16 02:07:57Z",
            "2000-01-16T02:07:57.5Z",
            "2000-01-16T02:07:57+00:00",
            "+200-01-16T02:07:57Z",
            "1234-56-78T90:12:34Z",
            "2001-02-29T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_refused() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        }
        assert_eq!(
            "believed_undead".parse::<Status>(),
            Err(UnknownStatus("believed_undead".into()))
        );
    }

    #[test]
    fn versions_come_from_their_namespace() {
        for version in Version::ALL {
            assert_eq!(Version::from_namespace(version.namespace()), Some(version));
        }
        assert_eq!(Version::V1_3.to_string(), "1.3");
        assert_eq!(Version::from_namespace("http://zesty.ca/pfif/1.5"), None);
    }

    #[test]
    fn expiry_is_inclusive_and_unreadable_expiry_counts_as_passed() {
        let now = parse_time("2020-01-01T00:00:00Z").unwrap();
        let mut person = Person::default();
        assert!(!person.is_expired_at(now));
        person.expiry_date = Some("2020-01-01T00:00:00Z".into());
        assert!(person.is_expired_at(now));
        person.expiry_date = Some("2020-01-01T00:00:01Z".into());
        assert!(!person.is_expired_at(now));
        person.expiry_date = Some("soon".into());
        assert!(person.is_expired_at(now));
    }
}
