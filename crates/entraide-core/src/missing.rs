//! Missing persons (issue 4): what a record and a note hold, how they are validated, and
//! who may say what about a person. The fields are PFIF 1.4's, so a record goes to and
//! comes from other registries without losing anything.

use crate::error::{Invalid, Invalids, Rule, text};
use crate::{AccountId, Timestamp};
use entraide_geo::Point;
use serde::{Deserialize, Serialize};

crate::uuid_id!(
    /// A missing-person record. Records imported from PFIF get an id derived from their
    /// PFIF id, so importing the same file twice finds the same records.
    MissingId
);

crate::uuid_id!(
    /// A note on a missing-person record.
    MissingNoteId
);

/// What a note says about the person (PFIF 1.4's note statuses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteStatus {
    InformationSought,
    IsNoteAuthor,
    BelievedAlive,
    BelievedMissing,
    BelievedDead,
}

impl NoteStatus {
    pub const ALL: [NoteStatus; 5] = [
        NoteStatus::InformationSought,
        NoteStatus::IsNoteAuthor,
        NoteStatus::BelievedAlive,
        NoteStatus::BelievedMissing,
        NoteStatus::BelievedDead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteStatus::InformationSought => "information_sought",
            NoteStatus::IsNoteAuthor => "is_note_author",
            NoteStatus::BelievedAlive => "believed_alive",
            NoteStatus::BelievedMissing => "believed_missing",
            NoteStatus::BelievedDead => "believed_dead",
        }
    }
}

impl std::str::FromStr for NoteStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        NoteStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                Invalid::new(
                    "status",
                    format!(
                        "unknown status {s:?}: expected information_sought, is_note_author, believed_alive, believed_missing or believed_dead"
                    ),
                )
            })
    }
}

/// Whose word a note is: decides which statuses it may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteOrigin {
    /// Anyone with an account (or an anonymous witness).
    Person,
    /// A responder or an admin.
    Responder,
    /// A source a responder vouched for: a PFIF import by a responder, or another registry.
    VerifiedSource,
    /// Written by entraide when a linked person marked themselves safe.
    SafetyCheck,
}

impl NoteOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteOrigin::Person => "person",
            NoteOrigin::Responder => "responder",
            NoteOrigin::VerifiedSource => "verified_source",
            NoteOrigin::SafetyCheck => "safety_check",
        }
    }

    /// Whether a note of this origin may carry `status`. A death is announced only by
    /// responders or verified sources: anyone else's "believed dead" is how trolls hurt
    /// families (Person Finder's issue #85), and would change the record's status.
    pub fn may_say(self, status: NoteStatus) -> Result<(), Invalid> {
        match (self, status) {
            (NoteOrigin::Person | NoteOrigin::SafetyCheck, NoteStatus::BelievedDead) => {
                Err(Invalid::broke("status", Rule::DeathNotVerified))
            }
            _ => Ok(()),
        }
    }
}

impl std::str::FromStr for NoteOrigin {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        [
            NoteOrigin::Person,
            NoteOrigin::Responder,
            NoteOrigin::VerifiedSource,
            NoteOrigin::SafetyCheck,
        ]
        .into_iter()
        .find(|origin| origin.as_str() == s)
        .ok_or_else(|| Invalid::new("origin", format!("unknown note origin {s:?}")))
    }
}

/// The public fields of a person record (PFIF 1.4's person fields, less the record's
/// dates and the reporter's contact, which live beside them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonDetails {
    pub full_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub alternate_names: Vec<String>,
    /// female, male or other.
    pub sex: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    pub date_of_birth: Option<String>,
    /// N or N-M years.
    pub age: Option<String>,
    pub description: Option<String>,
    pub home_street: Option<String>,
    pub home_neighborhood: Option<String>,
    pub home_city: Option<String>,
    pub home_state: Option<String>,
    pub home_postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub home_country: Option<String>,
    pub photo_url: Option<String>,
    pub profile_urls: Vec<String>,
    /// The reporter's name as they want it shown (PFIF author_name).
    pub author_name: Option<String>,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
}

/// How the reporter can be reached: responders see it, the public never does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReporterContact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Where and when the person was last seen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastSeen {
    pub place: Option<String>,
    pub point: Option<Point>,
    pub at: Option<Timestamp>,
}

/// PFIF 1.4's note fields other than its ids and dates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoteDetails {
    pub status: Option<NoteStatus>,
    pub author_made_contact: Option<bool>,
    pub last_known_location: Option<String>,
    pub text: Option<String>,
    pub photo_url: Option<String>,
    /// Shown as the author unless the note is anonymous.
    pub author_name: Option<String>,
    /// Private, like the reporter's contact.
    pub author_email: Option<String>,
    pub author_phone: Option<String>,
    pub email_of_found_person: Option<String>,
    pub phone_of_found_person: Option<String>,
}

const NAME_MAX: usize = 200;
const LONG_TEXT_MAX: usize = 5000;
const SHORT_TEXT_MAX: usize = 500;
const URL_MAX: usize = 2000;
const LIST_MAX: usize = 20;

fn optional(
    errors: &mut Invalids,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let value = value.filter(|v| !v.trim().is_empty())?;
    errors.check(text(field, &value, 1, max))
}

/// An http(s) URL with a host: pages show these as links, so no other scheme
/// (`javascript:`, `data:`) and nothing a browser would read differently (spaces, quotes).
fn url(errors: &mut Invalids, field: &str, value: Option<String>) -> Option<String> {
    let value = optional(errors, field, value.map(|v| v.trim().to_string()), URL_MAX)?;
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let well_formed = !value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'));
    match host {
        Some(host) if !host.is_empty() && well_formed => Some(value),
        _ => {
            errors.push(Invalid::broke(field, Rule::Url));
            None
        }
    }
}

fn matches_shape(value: &str, shapes: &[&str]) -> bool {
    // A shape is a pattern where 9 stands for any digit.
    shapes.iter().any(|shape| {
        value.len() == shape.len()
            && value.bytes().zip(shape.bytes()).all(|(v, s)| {
                if s == b'9' {
                    v.is_ascii_digit()
                } else {
                    v == s
                }
            })
    })
}

fn is_age(value: &str) -> bool {
    let number = |n: &str| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit());
    match value.split_once('-') {
        None => number(value),
        Some((low, high)) => {
            number(low) && number(high) && low.parse::<u32>().ok() <= high.parse::<u32>().ok()
        }
    }
}

impl PersonDetails {
    /// Trims every field, drops empty ones and checks the PFIF 1.4 formats, reporting every
    /// field at fault at once.
    pub fn validate(self) -> Result<PersonDetails, Invalids> {
        let mut errors = Invalids::default();
        let full_name = errors
            .check(text("full_name", &self.full_name, 1, NAME_MAX))
            .unwrap_or_default();
        let sex = optional(&mut errors, "sex", self.sex, 10).map(|s| s.to_lowercase());
        if let Some(sex) = &sex
            && !matches!(sex.as_str(), "female" | "male" | "other")
        {
            errors.push(Invalid::broke("sex", Rule::Sex));
        }
        let date_of_birth = optional(&mut errors, "date_of_birth", self.date_of_birth, 10);
        if let Some(dob) = &date_of_birth
            && !matches_shape(dob, &["9999", "9999-99", "9999-99-99"])
        {
            errors.push(Invalid::broke("date_of_birth", Rule::DateOfBirth));
        }
        let age = optional(&mut errors, "age", self.age, 7);
        if let Some(age) = &age
            && !is_age(age)
        {
            errors.push(Invalid::broke("age", Rule::Age));
        }
        let home_country =
            optional(&mut errors, "home_country", self.home_country, 2).map(|c| c.to_uppercase());
        if let Some(country) = &home_country
            && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
        {
            errors.push(Invalid::broke("home_country", Rule::CountryCode));
        }
        if self.alternate_names.len() > LIST_MAX {
            errors.push(Invalid::broke(
                "alternate_names",
                Rule::TooManyNames { max: LIST_MAX },
            ));
        }
        if self.profile_urls.len() > LIST_MAX {
            errors.push(Invalid::broke(
                "profile_urls",
                Rule::TooManyUrls { max: LIST_MAX },
            ));
        }
        let alternate_names = self
            .alternate_names
            .into_iter()
            .filter_map(|n| optional(&mut errors, "alternate_names", Some(n), NAME_MAX))
            .collect();
        let profile_urls = self
            .profile_urls
            .into_iter()
            .filter_map(|u| url(&mut errors, "profile_urls", Some(u)))
            .collect();
        let details = PersonDetails {
            full_name,
            given_name: optional(&mut errors, "given_name", self.given_name, NAME_MAX),
            family_name: optional(&mut errors, "family_name", self.family_name, NAME_MAX),
            alternate_names,
            sex,
            date_of_birth,
            age,
            description: optional(&mut errors, "description", self.description, LONG_TEXT_MAX),
            home_street: optional(&mut errors, "home_street", self.home_street, SHORT_TEXT_MAX),
            home_neighborhood: optional(
                &mut errors,
                "home_neighborhood",
                self.home_neighborhood,
                SHORT_TEXT_MAX,
            ),
            home_city: optional(&mut errors, "home_city", self.home_city, SHORT_TEXT_MAX),
            home_state: optional(&mut errors, "home_state", self.home_state, SHORT_TEXT_MAX),
            home_postal_code: optional(&mut errors, "home_postal_code", self.home_postal_code, 20),
            home_country,
            photo_url: url(&mut errors, "photo_url", self.photo_url),
            profile_urls,
            author_name: optional(&mut errors, "author_name", self.author_name, NAME_MAX),
            source_name: optional(&mut errors, "source_name", self.source_name, NAME_MAX),
            source_url: url(&mut errors, "source_url", self.source_url),
        };
        errors.into_result().map(|()| details)
    }

    /// Every name the person may be searched by.
    pub fn names(&self) -> Vec<&str> {
        let mut names = vec![self.full_name.as_str()];
        let given_family = [self.given_name.as_deref(), self.family_name.as_deref()];
        names.extend(given_family.into_iter().flatten());
        names.extend(self.alternate_names.iter().map(String::as_str));
        names
    }
}

impl ReporterContact {
    pub fn validate(self) -> Result<ReporterContact, Invalids> {
        let mut errors = Invalids::default();
        let contact = ReporterContact {
            email: optional(&mut errors, "reporter_email", self.email, SHORT_TEXT_MAX),
            phone: optional(&mut errors, "reporter_phone", self.phone, 50),
        };
        errors.into_result().map(|()| contact)
    }
}

impl LastSeen {
    pub fn validate(self) -> Result<LastSeen, Invalids> {
        let mut errors = Invalids::default();
        let last_seen = LastSeen {
            place: optional(&mut errors, "last_seen_place", self.place, SHORT_TEXT_MAX),
            ..self
        };
        errors.into_result().map(|()| last_seen)
    }
}

impl NoteDetails {
    /// Checks the fields and that `origin` may carry the status.
    pub fn validate(self, origin: NoteOrigin) -> Result<NoteDetails, Invalids> {
        let mut errors = Invalids::default();
        if let Some(status) = self.status {
            errors.check(origin.may_say(status));
        }
        let details = NoteDetails {
            status: self.status,
            author_made_contact: self.author_made_contact,
            last_known_location: optional(
                &mut errors,
                "last_known_location",
                self.last_known_location,
                SHORT_TEXT_MAX,
            ),
            text: optional(&mut errors, "text", self.text, LONG_TEXT_MAX),
            photo_url: url(&mut errors, "photo_url", self.photo_url),
            author_name: optional(&mut errors, "author_name", self.author_name, NAME_MAX),
            author_email: optional(
                &mut errors,
                "author_email",
                self.author_email,
                SHORT_TEXT_MAX,
            ),
            author_phone: optional(&mut errors, "author_phone", self.author_phone, 50),
            email_of_found_person: optional(
                &mut errors,
                "email_of_found_person",
                self.email_of_found_person,
                SHORT_TEXT_MAX,
            ),
            phone_of_found_person: optional(
                &mut errors,
                "phone_of_found_person",
                self.phone_of_found_person,
                50,
            ),
        };
        if details.status.is_none() && details.text.is_none() {
            errors.push(Invalid::broke("text", Rule::EmptyNote));
        }
        errors.into_result().map(|()| details)
    }
}

/// Who stands behind a note, and whether the public may know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAuthor {
    /// The account that wrote it (None for imported notes). Kept even for anonymous
    /// testimony: responders must be able to reach a witness.
    pub account: Option<AccountId>,
    /// The public sees no author.
    pub anonymous: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(full_name: &str) -> PersonDetails {
        PersonDetails {
            full_name: full_name.into(),
            ..PersonDetails::default()
        }
    }

    #[test]
    fn only_responders_and_verified_sources_report_a_death() {
        for origin in [NoteOrigin::Person, NoteOrigin::SafetyCheck] {
            assert!(origin.may_say(NoteStatus::BelievedDead).is_err());
            assert!(origin.may_say(NoteStatus::BelievedAlive).is_ok());
        }
        for origin in [NoteOrigin::Responder, NoteOrigin::VerifiedSource] {
            for status in NoteStatus::ALL {
                assert!(origin.may_say(status).is_ok(), "{origin:?} {status:?}");
            }
        }
        let note = NoteDetails {
            status: Some(NoteStatus::BelievedDead),
            ..NoteDetails::default()
        };
        let refused = note.validate(NoteOrigin::Person).unwrap_err();
        assert_eq!(refused.0[0].field, "status");
    }

    #[test]
    fn pfif_formats_are_checked_and_every_fault_reported() {
        let bad = PersonDetails {
            sex: Some("unknown".into()),
            date_of_birth: Some("12/03/1980".into()),
            age: Some("40-30".into()),
            home_country: Some("France".into()),
            photo_url: Some("javascript:alert(1)".into()),
            ..person(" ")
        };
        let errors = bad.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "full_name",
                "sex",
                "date_of_birth",
                "age",
                "home_country",
                "photo_url"
            ]
        );
        let good = PersonDetails {
            sex: Some("Female".into()),
            date_of_birth: Some("1980-03".into()),
            age: Some("30-35".into()),
            home_country: Some("fr".into()),
            given_name: Some("  ".into()),
            ..person("  Marie Dupont ")
        }
        .validate()
        .unwrap();
        assert_eq!(good.full_name, "Marie Dupont");
        assert_eq!(good.sex.as_deref(), Some("female"));
        assert_eq!(good.home_country.as_deref(), Some("FR"));
        assert_eq!(good.given_name, None);
    }

    #[test]
    fn a_photo_url_is_http_with_a_host() {
        for good in [
            "https://example.org/photo.jpg",
            "http://example.org",
            " https://example.org/a?b=c#d ",
        ] {
            let details = PersonDetails {
                photo_url: Some(good.into()),
                ..person("Marie Dupont")
            };
            assert_eq!(
                details.validate().unwrap().photo_url.as_deref(),
                Some(good.trim())
            );
        }
        for bad in [
            "ftp://example.org/photo.jpg",
            "data:image/png;base64,AAAA",
            "https://",
            "https:///photo.jpg",
            "https://example.org/a photo.jpg",
            "https://example.org/\"onmouseover=\"x",
            "example.org/photo.jpg",
        ] {
            let details = PersonDetails {
                photo_url: Some(bad.into()),
                ..person("Marie Dupont")
            };
            let errors = details.validate().unwrap_err();
            assert_eq!(errors.0[0].field, "photo_url", "{bad}");
        }
    }

    #[test]
    fn a_note_says_something() {
        assert!(
            NoteDetails::default()
                .validate(NoteOrigin::Responder)
                .is_err()
        );
        let note = NoteDetails {
            text: Some("Seen at the station".into()),
            ..NoteDetails::default()
        };
        assert!(note.validate(NoteOrigin::Person).is_ok());
    }

    #[test]
    fn statuses_round_trip() {
        for status in NoteStatus::ALL {
            assert_eq!(status.as_str().parse::<NoteStatus>().unwrap(), status);
        }
        assert!("believed_undead".parse::<NoteStatus>().is_err());
    }
}
