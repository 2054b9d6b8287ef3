//! Validation errors: which field is wrong and why, in words a person can act on.

use serde::Serialize;

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: String,
    /// What is wrong, in English: the API's words.
    pub message: String,
    /// The rule broken and its values, when it has one: what the pages put in the reader's
    /// language, and what an API client may too. Serialized flat beside `message`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
}

impl Invalid {
    /// A refusal said only in English: the API's own parameters, which no page shows.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            rule: None,
        }
    }

    /// A refusal a person may meet on a page: its words come from the rule.
    pub fn broke(field: impl Into<String>, rule: Rule) -> Self {
        Self {
            field: field.into(),
            message: rule.to_string(),
            rule: Some(rule),
        }
    }
}

/// The rules a person can break on a page, with what each needs to be said. The English
/// here is the API's; the pages' words in each language are in the server's translation
/// tables, under `invalid.<rule>`, with `{name}` standing for each value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    #[error("is required")]
    Required,
    #[error("must be at least {min} characters")]
    TooShort { min: usize },
    #[error("must be at most {max} characters (got {got})")]
    TooLong { max: usize, got: usize },
    #[error("must be at most {max} characters")]
    AtMost { max: usize },
    #[error("must not contain control characters")]
    ControlCharacters,
    #[error("must be {min} to {max} characters")]
    HandleLength { min: usize, max: usize },
    #[error("may contain only letters a-z, digits, '_', '.' and '-'")]
    HandleCharacters,
    #[error("{handle:?} is reserved; choose another")]
    HandleReserved { handle: String },
    #[error("is not an email address (expected name@example.org)")]
    Email,
    #[error("must be 1 to {max} characters, e.g. attack, flood, fire")]
    KindLength { max: usize },
    #[error("must be a single word (letters, digits, '_' or '-')")]
    KindWord,
    /// A zone that is not valid GeoJSON or a valid circle; `detail` says where and why, in
    /// English (a GeoJSON path is no one's language).
    #[error("{detail}")]
    Area { detail: String },
    /// Coordinates out of range or not numbers; `detail` names which, in English.
    #[error("{detail}")]
    Coordinates { detail: String },
    #[error("must be after starts_at")]
    EndsBeforeStart,
    #[error("must be a number of metres, 0 or more")]
    Accuracy,
    #[error("must be in the future")]
    Future,
    #[error("must be within {days} days")]
    WithinDays { days: i64 },
    #[error("must be in the future and at most {days} days away")]
    FutureWithinDays { days: u32 },
    #[error("must be a number of places from 1 to {max}")]
    Capacity { max: u32 },
    #[error("must be a number of people from 1 to {max}")]
    Party { max: u32 },
    #[error("{code:?} is not a language code like \"fr\" or \"en\"")]
    LanguageCode { code: String },
    #[error("at most {max} languages")]
    TooManyLanguages { max: usize },
    #[error("at most {max} names")]
    TooManyNames { max: usize },
    #[error("at most {max} URLs")]
    TooManyUrls { max: usize },
    #[error("must be an http:// or https:// URL with a host and no spaces")]
    Url,
    #[error("must be female, male or other")]
    Sex,
    #[error("must be YYYY, YYYY-MM or YYYY-MM-DD")]
    DateOfBirth,
    #[error("must be a number of years or a range (30-35)")]
    Age,
    #[error("must be a two-letter ISO 3166-1 code (FR)")]
    CountryCode,
    #[error("a note needs a text or a status")]
    EmptyNote,
    #[error("only responders and verified sources may report a person believed dead")]
    DeathNotVerified,
    #[error("a call for witnesses needs where (coordinates) and when the person was last seen")]
    CallNeedsLastSeen,
    #[error("the photo is larger than {megabytes} MB")]
    PhotoTooLarge { megabytes: usize },
    #[error("not an image")]
    NotAnImage,
    #[error("not a JPEG, PNG or WebP image")]
    PhotoFormat,
    #[error("the image could not be read (damaged, or too large)")]
    PhotoUnreadable,
    #[error("one can only mark someone else safe, not another status")]
    OnlySafe,
    #[error("is your own handle: a contact is someone else")]
    OwnHandle,
}

impl Rule {
    /// The rule's name (as the API spells it) and each value it carries, as text: the
    /// translation tables key the words by the name, and `{value}` in them stands for a value.
    pub fn parts(&self) -> (String, Vec<(String, String)>) {
        tagged_parts(self, "rule")
    }

    /// One rule of each kind, for the tests that check every rule has its words.
    pub fn one_of_each() -> Vec<Rule> {
        let all = vec![
            Rule::Required,
            Rule::TooShort { min: 8 },
            Rule::TooLong { max: 64, got: 70 },
            Rule::AtMost { max: 254 },
            Rule::ControlCharacters,
            Rule::HandleLength { min: 3, max: 32 },
            Rule::HandleCharacters,
            Rule::HandleReserved {
                handle: "admin".into(),
            },
            Rule::Email,
            Rule::KindLength { max: 32 },
            Rule::KindWord,
            Rule::Area {
                detail: "coordinates[0]: the ring is not closed".into(),
            },
            Rule::Coordinates {
                detail: "latitude 91 is out of range [-90, 90]".into(),
            },
            Rule::EndsBeforeStart,
            Rule::Accuracy,
            Rule::Future,
            Rule::WithinDays { days: 30 },
            Rule::FutureWithinDays { days: 365 },
            Rule::Capacity { max: 50 },
            Rule::Party { max: 20 },
            Rule::LanguageCode { code: "x1".into() },
            Rule::TooManyLanguages { max: 10 },
            Rule::TooManyNames { max: 20 },
            Rule::TooManyUrls { max: 20 },
            Rule::Url,
            Rule::Sex,
            Rule::DateOfBirth,
            Rule::Age,
            Rule::CountryCode,
            Rule::EmptyNote,
            Rule::DeathNotVerified,
            Rule::CallNeedsLastSeen,
            Rule::PhotoTooLarge { megabytes: 5 },
            Rule::NotAnImage,
            Rule::PhotoFormat,
            Rule::PhotoUnreadable,
            Rule::OnlySafe,
            Rule::OwnHandle,
        ];
        // Adding a rule without a sample here fails to compile, not silently.
        for rule in &all {
            match rule {
                Rule::Required
                | Rule::TooShort { .. }
                | Rule::TooLong { .. }
                | Rule::AtMost { .. }
                | Rule::ControlCharacters
                | Rule::HandleLength { .. }
                | Rule::HandleCharacters
                | Rule::HandleReserved { .. }
                | Rule::Email
                | Rule::KindLength { .. }
                | Rule::KindWord
                | Rule::Area { .. }
                | Rule::Coordinates { .. }
                | Rule::EndsBeforeStart
                | Rule::Accuracy
                | Rule::Future
                | Rule::WithinDays { .. }
                | Rule::FutureWithinDays { .. }
                | Rule::Capacity { .. }
                | Rule::Party { .. }
                | Rule::LanguageCode { .. }
                | Rule::TooManyLanguages { .. }
                | Rule::TooManyNames { .. }
                | Rule::TooManyUrls { .. }
                | Rule::Url
                | Rule::Sex
                | Rule::DateOfBirth
                | Rule::Age
                | Rule::CountryCode
                | Rule::EmptyNote
                | Rule::DeathNotVerified
                | Rule::CallNeedsLastSeen
                | Rule::PhotoTooLarge { .. }
                | Rule::NotAnImage
                | Rule::PhotoFormat
                | Rule::PhotoUnreadable
                | Rule::OnlySafe
                | Rule::OwnHandle => {}
            }
        }
        all
    }
}

/// The name serde tags `value` with under `tag`, and each of its other fields as text: how a
/// rule or a refusal is looked up in the translation tables and its values put in the words.
pub fn tagged_parts(value: &impl Serialize, tag: &str) -> (String, Vec<(String, String)>) {
    let serde_json::Value::Object(mut fields) =
        serde_json::to_value(value).expect("a tagged enum serializes")
    else {
        unreachable!("a tagged enum serializes as an object, its name under its tag")
    };
    let name = match fields.remove(tag) {
        Some(serde_json::Value::String(name)) => name,
        _ => unreachable!("serde tags every variant with its name"),
    };
    let values = fields
        .into_iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(text) => (key, text),
            other => (key, other.to_string()),
        })
        .collect();
    (name, values)
}

/// Every field that failed, so a form can show them all at once rather than one per try.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalids(pub Vec<Invalid>);

impl Invalids {
    /// Runs a validation and keeps its error, if any, returning the value otherwise.
    pub fn check<T>(&mut self, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: Invalid) {
        self.0.push(e);
    }

    pub fn into_result(self) -> Result<(), Invalids> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<Invalid> for Invalids {
    fn from(e: Invalid) -> Self {
        Self(vec![e])
    }
}

/// Checks a free-text field's length in characters (not bytes: names are not ASCII).
pub fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if chars < min {
        return Err(Invalid::broke(
            field,
            if min == 1 {
                Rule::Required
            } else {
                Rule::TooShort { min }
            },
        ));
    }
    if chars > max {
        return Err(Invalid::broke(field, Rule::TooLong { max, got: chars }));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::broke(field, Rule::ControlCharacters));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_broken_rule_is_english_for_the_api_and_named_with_its_values() {
        let e = text("display_name", &"x".repeat(70), 1, 64).unwrap_err();
        assert_eq!(
            e.to_string(),
            "display_name: must be at most 64 characters (got 70)"
        );
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({
                "field": "display_name",
                "message": "must be at most 64 characters (got 70)",
                "rule": "too_long",
                "max": 64,
                "got": 70
            })
        );
        let plain = Invalid::new("limit", "must be from 1 to 100");
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            json!({"field": "limit", "message": "must be from 1 to 100"})
        );
    }

    #[test]
    fn a_rule_names_itself_and_its_values_as_text() {
        let (name, values) = Rule::HandleReserved {
            handle: "admin".into(),
        }
        .parts();
        assert_eq!(name, "handle_reserved");
        assert_eq!(values, [("handle".to_string(), "admin".to_string())]);
        let (name, values) = Rule::Required.parts();
        assert_eq!((name.as_str(), values.len()), ("required", 0));
    }
}
