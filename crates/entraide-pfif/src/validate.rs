//! The strict PFIF 1.4 check that exported records must pass.

use chrono::NaiveDate;

use crate::model::{Note, Person, parse_time};

/// A field that would make an export fail a strict PFIF 1.4 check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{record_id}: {field} {problem}")]
pub struct FieldError {
    /// The person's or note's id (possibly empty, which is itself reported).
    pub record_id: String,
    /// The PFIF 1.4 name of the field.
    pub field: &'static str,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("is required")]
    Missing,
    #[error("is {found:?}, not {expected}")]
    Malformed {
        expected: &'static str,
        found: String,
    },
}

/// Checks a person and its nested notes against PFIF 1.4: required fields present,
/// times as `YYYY-MM-DDThh:mm:ssZ`, `sex` one of female, male, other, `age` as `N` or
/// `N-M`, `date_of_birth` as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, `home_country` an assigned
/// ISO 3166-1 alpha-2 code, record ids as `domain/name`, e-mail addresses and http(s) URLs
/// well formed. An expiry placeholder (a person with an expiry date and nothing but the
/// placeholder fields) only needs those fields. Values are checked as the writer would
/// write them, trimmed. An empty result means the person can be exported.
pub fn validate_strict(person: &Person) -> Vec<FieldError> {
    let mut check = Check::new(&person.person_record_id);
    let p = person;
    check.required(
        "person_record_id",
        Some(&p.person_record_id),
        Rule::RecordId,
    );
    check.required("entry_date", p.entry_date.as_deref(), Rule::Time);
    check.optional("expiry_date", p.expiry_date.as_deref(), Rule::Time);
    check.required("source_date", p.source_date.as_deref(), Rule::Time);
    if !is_placeholder(p) {
        check.required("full_name", p.full_name.as_deref(), Rule::Text);
        check.optional("author_email", p.author_email.as_deref(), Rule::Email);
        check.optional("source_url", p.source_url.as_deref(), Rule::Url);
        check.optional("sex", p.sex.as_deref(), Rule::Sex);
        check.optional(
            "date_of_birth",
            p.date_of_birth.as_deref(),
            Rule::DateOfBirth,
        );
        check.optional("age", p.age.as_deref(), Rule::Age);
        check.optional("home_country", p.home_country.as_deref(), Rule::Country);
        check.optional("photo_url", p.photo_url.as_deref(), Rule::Url);
        for url in &p.profile_urls {
            check.optional("profile_urls", Some(url), Rule::Url);
        }
    }
    let mut errors = check.errors;
    for note in &p.notes {
        errors.extend(note_errors(note, Some(&p.person_record_id)));
    }
    errors
}

/// Checks a note against PFIF 1.4 (see [`validate_strict`]).
pub fn validate_note_strict(note: &Note) -> Vec<FieldError> {
    note_errors(note, None)
}

fn note_errors(n: &Note, enclosing_person: Option<&str>) -> Vec<FieldError> {
    let mut check = Check::new(&n.note_record_id);
    check.required("note_record_id", Some(&n.note_record_id), Rule::RecordId);
    match enclosing_person {
        // A nested note without a person id is written with its person's.
        Some(enclosing) if n.person_record_id.is_empty() => {
            check.required("person_record_id", Some(enclosing), Rule::RecordId)
        }
        Some(enclosing) if n.person_record_id.trim() != enclosing.trim() => {
            check.errors.push(FieldError {
                record_id: n.note_record_id.clone(),
                field: "person_record_id",
                problem: Problem::Malformed {
                    expected: "the id of the person the note is nested in",
                    found: n.person_record_id.clone(),
                },
            })
        }
        _ => check.required(
            "person_record_id",
            Some(&n.person_record_id),
            Rule::RecordId,
        ),
    }
    check.optional(
        "linked_person_record_id",
        n.linked_person_record_id.as_deref(),
        Rule::RecordId,
    );
    check.required("entry_date", n.entry_date.as_deref(), Rule::Time);
    check.required("author_name", n.author_name.as_deref(), Rule::Text);
    check.optional("author_email", n.author_email.as_deref(), Rule::Email);
    check.required("source_date", n.source_date.as_deref(), Rule::Time);
    check.optional(
        "email_of_found_person",
        n.email_of_found_person.as_deref(),
        Rule::Email,
    );
    check.optional("photo_url", n.photo_url.as_deref(), Rule::Url);
    check.errors
}

/// Whether a person is nothing but the placeholder of an expired record.
fn is_placeholder(p: &Person) -> bool {
    let content = [
        &p.author_name,
        &p.author_email,
        &p.author_phone,
        &p.source_name,
        &p.source_url,
        &p.full_name,
        &p.given_name,
        &p.family_name,
        &p.description,
        &p.sex,
        &p.date_of_birth,
        &p.age,
        &p.home_street,
        &p.home_neighborhood,
        &p.home_city,
        &p.home_state,
        &p.home_postal_code,
        &p.home_country,
        &p.photo_url,
    ];
    p.expiry_date.is_some()
        && content.iter().all(|field| field.is_none())
        && p.alternate_names.is_empty()
        && p.profile_urls.is_empty()
        && p.notes.is_empty()
}

#[derive(Debug, Clone, Copy)]
enum Rule {
    Text,
    Time,
    RecordId,
    Sex,
    Age,
    DateOfBirth,
    Country,
    Email,
    Url,
}

impl Rule {
    fn accepts(self, value: &str) -> bool {
        match self {
            Rule::Text => true,
            Rule::Time => parse_time(value).is_some(),
            Rule::RecordId => is_record_id(value),
            Rule::Sex => matches!(value, "female" | "male" | "other"),
            Rule::Age => is_age(value),
            Rule::DateOfBirth => is_date_of_birth(value),
            Rule::Country => COUNTRIES.binary_search(&value).is_ok(),
            Rule::Email => is_email(value),
            Rule::Url => is_url(value),
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Rule::Text => "text",
            Rule::Time => "a UTC time as YYYY-MM-DDThh:mm:ssZ",
            Rule::RecordId => "a record id as domain/name",
            Rule::Sex => "female, male or other",
            Rule::Age => "an age as N or N-M",
            Rule::DateOfBirth => "a date as YYYY, YYYY-MM or YYYY-MM-DD",
            Rule::Country => "an ISO 3166-1 alpha-2 country code",
            Rule::Email => "an e-mail address",
            Rule::Url => "an http or https URL",
        }
    }
}

struct Check<'a> {
    record_id: &'a str,
    errors: Vec<FieldError>,
}

impl<'a> Check<'a> {
    fn new(record_id: &'a str) -> Check<'a> {
        Check {
            record_id,
            errors: Vec::new(),
        }
    }

    fn required(&mut self, field: &'static str, value: Option<&str>, rule: Rule) {
        if value.is_none_or(|value| value.trim().is_empty()) {
            self.push(field, Problem::Missing);
        } else {
            self.optional(field, value, rule);
        }
    }

    fn optional(&mut self, field: &'static str, value: Option<&str>, rule: Rule) {
        let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
            return;
        };
        if !rule.accepts(value) {
            self.push(
                field,
                Problem::Malformed {
                    expected: rule.expected(),
                    found: value.to_owned(),
                },
            );
        }
    }

    fn push(&mut self, field: &'static str, problem: Problem) {
        self.errors.push(FieldError {
            record_id: self.record_id.to_owned(),
            field,
            problem,
        });
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_age(value: &str) -> bool {
    match value.split_once('-') {
        None => is_digits(value),
        Some((low, high)) => {
            is_digits(low)
                && is_digits(high)
                && matches!((low.parse::<u32>(), high.parse::<u32>()), (Ok(l), Ok(h)) if l <= h)
        }
    }
}

fn is_date_of_birth(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let shape = parts.len() <= 3
        && parts
            .iter()
            .zip([4, 2, 2])
            .all(|(part, len)| part.len() == len && is_digits(part));
    if !shape {
        return false;
    }
    let year: i32 = parts[0].parse().unwrap_or(0);
    let month: u32 = parts.get(1).map_or(Ok(1), |m| m.parse()).unwrap_or(0);
    let day: u32 = parts.get(2).map_or(Ok(1), |d| d.parse()).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, month, day).is_some()
}

/// A DNS name: dot-separated labels of letters, digits and inner hyphens.
fn is_domain(domain: &str) -> bool {
    domain.len() <= 253
        && domain.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn has_no_space_or_control(text: &str) -> bool {
    !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// PFIF record ids are `domain/local-id`, the domain naming the record's home repository.
fn is_record_id(id: &str) -> bool {
    id.split_once('/').is_some_and(|(domain, local)| {
        is_domain(domain) && !local.is_empty() && has_no_space_or_control(local)
    })
}

fn is_email(address: &str) -> bool {
    address.rsplit_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !local.contains('@')
            && has_no_space_or_control(local)
            && domain.contains('.')
            && is_domain(domain)
    })
}

/// Photos and profiles are fetched by other repositories and shown to people, so only
/// absolute web URLs will do.
fn is_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && has_no_space_or_control(url)
}

/// The officially assigned ISO 3166-1 alpha-2 codes, sorted for binary search.
const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_person() -> Person {
        Person {
            person_record_id: "example.org/person.1".into(),
            entry_date: Some("2015-11-14T01:02:03Z".into()),
            source_date: Some("2015-11-14T00:00:00Z".into()),
            full_name: Some("Marie Dupont".into()),
            sex: Some("female".into()),
            age: Some("30-35".into()),
            date_of_birth: Some("1983-02".into()),
            home_country: Some("FR".into()),
            author_email: Some("relative@example.fr".into()),
            photo_url: Some("https://example.org/photo/1.jpg".into()),
            profile_urls: vec!["http://social.example/marie".into()],
            ..Person::default()
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&'static str> {
        errors.iter().map(|error| error.field).collect()
    }

    #[test]
    fn a_complete_person_passes() {
        assert_eq!(validate_strict(&valid_person()), vec![]);
    }

    #[test]
    fn required_fields_are_reported() {
        let errors = validate_strict(&Person::default());
        assert_eq!(
            fields(&errors),
            ["person_record_id", "entry_date", "source_date", "full_name"]
        );
        assert!(errors.iter().all(|error| error.problem == Problem::Missing));
    }

    #[test]
    fn each_format_is_checked() {
        /// A field, how to set it, values it accepts, values it refuses.
        type Case = (
            &'static str,
            fn(&mut Person, String),
            &'static [&'static str],
            &'static [&'static str],
        );
        let cases: [Case; 7] = [
            (
                "entry_date",
                |p, v| p.entry_date = Some(v),
                &["2015-11-14T01:02:03Z"],
                &[
                    "2015-11-14T01:02:03",
                    "2015-11-14T01:02:03+01:00",
                    "2015-13-01T00:00:00Z",
                ],
            ),
            (
                "sex",
                |p, v| p.sex = Some(v),
                &["female", "male", "other"],
                &["f", "Female", "unknown"],
            ),
            (
                "age",
                |p, v| p.age = Some(v),
                &["7", "30-35", "40-40"],
                &["thirty", "35-30", "-3", "3-", "1.5"],
            ),
            (
                "date_of_birth",
                |p, v| p.date_of_birth = Some(v),
                &["1970", "1970-01", "1970-01-31", "2000-02-29"],
                &[
                    "70",
                    "1970-1",
                    "1970-13",
                    "1970-02-30",
                    "1970/01/01",
                    "1970-01-01-01",
                ],
            ),
            (
                "home_country",
                |p, v| p.home_country = Some(v),
                &["FR", "US", "SS"],
                &["fr", "FRA", "XX", "UK", "France"],
            ),
            (
                "person_record_id",
                |p, v| p.person_record_id = v,
                &[
                    "example.org/person.1",
                    "test.google.com/person.21009",
                    "localhost/x",
                ],
                &[
                    "1",
                    "/x",
                    "example.org/",
                    "exa mple.org/1",
                    "-bad.org/1",
                    "a.org/x y",
                ],
            ),
            (
                "photo_url",
                |p, v| p.photo_url = Some(v),
                &["https://example.org/a.jpg", "HTTP://example.org"],
                &[
                    "_test_photo_url",
                    "ftp://example.org/a",
                    "https://",
                    "https://a b",
                ],
            ),
        ];
        for (field, set, good, bad) in cases {
            for value in good {
                let mut person = valid_person();
                set(&mut person, value.to_string());
                assert_eq!(validate_strict(&person), vec![], "{field} = {value:?}");
            }
            for value in bad {
                let mut person = valid_person();
                set(&mut person, value.to_string());
                assert_eq!(
                    fields(&validate_strict(&person)),
                    [field],
                    "{field} = {value:?}"
                );
            }
        }
    }

    #[test]
    fn emails_are_checked_on_persons_and_notes() {
        let mut person = valid_person();
        person.author_email = Some("_test_author_email".into());
        person.notes.push(Note {
            note_record_id: "example.org/note.1".into(),
            entry_date: Some("2015-11-14T01:02:03Z".into()),
            source_date: Some("2015-11-14T01:02:03Z".into()),
            author_name: Some("A witness".into()),
            email_of_found_person: Some("someone@".into()),
            ..Note::default()
        });
        let errors = validate_strict(&person);
        assert_eq!(fields(&errors), ["author_email", "email_of_found_person"]);
        assert_eq!(errors[1].record_id, "example.org/note.1");
    }

    #[test]
    fn a_nested_note_must_name_its_own_person() {
        let mut person = valid_person();
        person.notes.push(Note {
            note_record_id: "example.org/note.1".into(),
            person_record_id: "example.org/person.2".into(),
            entry_date: Some("2015-11-14T01:02:03Z".into()),
            source_date: Some("2015-11-14T01:02:03Z".into()),
            author_name: Some("A witness".into()),
            ..Note::default()
        });
        assert_eq!(fields(&validate_strict(&person)), ["person_record_id"]);
    }

    #[test]
    fn a_placeholder_needs_only_its_own_fields() {
        let placeholder = Person {
            person_record_id: "example.org/person.1".into(),
            entry_date: Some("2016-01-01T00:00:00Z".into()),
            expiry_date: Some("2016-01-01T00:00:00Z".into()),
            source_date: Some("2016-01-01T00:00:00Z".into()),
            ..Person::default()
        };
        assert_eq!(validate_strict(&placeholder), vec![]);
        let bare = Person {
            expiry_date: None,
            ..placeholder
        };
        assert_eq!(fields(&validate_strict(&bare)), ["full_name"]);
    }

    #[test]
    fn the_country_list_is_complete_and_sorted() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn errors_read_well() {
        let mut person = valid_person();
        person.age = Some("old".into());
        assert_eq!(
            validate_strict(&person)[0].to_string(),
            "example.org/person.1: age is \"old\", not an age as N or N-M"
        );
    }
}
