//! The pages' words in French and English. Each language is a TOML table embedded in the
//! binary and parsed once; a key missing from one table fails the tests, not a page.

use crate::error::AppError;
use axum::http::header;
use axum::http::request::Parts;
use entraide_core::{Invalid, Refusal};
use std::collections::HashMap;
use std::sync::LazyLock;

pub const LANG_COOKIE: &str = "lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

type Table = HashMap<String, String>;

static TABLES: LazyLock<[Table; 2]> = LazyLock::new(|| {
    [
        flatten(include_str!("../../i18n/en.toml")),
        flatten(include_str!("../../i18n/fr.toml")),
    ]
});

/// "En cours" as it sits inside a sentence: "en cours".
fn lower_first(words: &str) -> String {
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// `[section] key = "..."` becomes `section.key`, so call sites name a word the way the
/// file groups it.
fn flatten(source: &str) -> Table {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Table) {
        for (key, value) in table {
            let key = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(inner) => walk(&key, inner, out),
                toml::Value::String(s) => {
                    out.insert(key, s.clone());
                }
                other => panic!("i18n: {key} must be a string, not {other}"),
            }
        }
    }
    let table: toml::Table = source
        .parse()
        .expect("the embedded translation tables are valid TOML");
    let mut out = Table::new();
    walk("", &table, &mut out);
    out
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The other language, for the switch on every page.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }

    fn table(self) -> &'static Table {
        &TABLES[self as usize]
    }

    /// The words for `key`. An unknown key shows itself rather than failing the page: the
    /// tests catch it before anyone reads it.
    pub fn t(self, key: &str) -> &str {
        self.table().get(key).map_or(key, String::as_str)
    }

    /// Like [`t`](Self::t), replacing each `{name}` with its value.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// What is wrong with a field, in this language: the words of the rule it breaks, or the
    /// English of a refusal that has none (the API's own parameters, which no form sends).
    pub fn invalid(self, e: &Invalid) -> String {
        match &e.rule {
            Some(rule) => self.named("invalid", rule.parts(), None),
            None => e.message.clone(),
        }
    }

    /// Why what is stored refused a write, in this language. A status in it is said in the
    /// words the pages show that status with, lower-cased to sit inside a sentence.
    pub fn refusal(self, r: &Refusal) -> String {
        let status_key = match r {
            Refusal::CrisisIs { crisis_status }
            | Refusal::CrisisNotAsking { crisis_status }
            | Refusal::OfferNeedsActiveCrisis { crisis_status } => {
                Some(super::crisis::crisis_status_key(*crisis_status))
            }
            Refusal::OfferIs { offer_status } => {
                Some(super::shelter::offer_status_key(*offer_status))
            }
            Refusal::RequestIs { request_status } => {
                Some(super::shelter::status_key(*request_status))
            }
            _ => None,
        };
        let status = status_key.map(|key| lower_first(self.t(key)));
        self.named("refusal", r.parts(), status.as_deref())
    }

    /// The words of a rule, refusal or denial, found under `section` by its name, with each
    /// of its values put in, and `{status}` standing for `status` if given.
    fn named(
        self,
        section: &str,
        (name, values): (String, Vec<(String, String)>),
        status: Option<&str>,
    ) -> String {
        let mut args: Vec<(&str, &str)> = values
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        args.extend(status.map(|status| ("status", status)));
        self.tf(&format!("{section}.{name}"), &args)
    }

    /// Why an operation failed, in this language; only what the API alone can be told (a
    /// JSON body it could not read, a resource no form names) stays in its English.
    pub fn error(self, e: &AppError) -> String {
        match e {
            AppError::Unauthenticated => self.t("error.sign_in_first").to_owned(),
            AppError::WrongCredentials => self.t("error.wrong_credentials").to_owned(),
            AppError::RateLimited => self.t("error.rate_limited_detail").to_owned(),
            AppError::Internal(_) => self.t("error.internal_detail").to_owned(),
            AppError::FormUnreadable => self.t("error.form_unreadable").to_owned(),
            AppError::TooLarge(bytes) => {
                self.tf("error.too_large", &[("bytes", &bytes.to_string())])
            }
            AppError::Conflict(refusal) => self.refusal(refusal),
            AppError::Forbidden(denial) => self.named("denial", denial.parts(), None),
            AppError::NotFound(what) => {
                // "account @alice": the form beside it shows whose.
                let what = what
                    .split_once(" @")
                    .map_or(what.as_str(), |(what, _)| what);
                let key = format!("not_found.{}", what.replace([' ', '-'], "_"));
                if self.knows(&key) {
                    self.t(&key).to_owned()
                } else {
                    e.to_string()
                }
            }
            AppError::Invalid(invalids) => invalids
                .0
                .iter()
                .map(|i| format!("{}: {}", i.field, self.invalid(i)))
                .collect::<Vec<_>>()
                .join("; "),
            AppError::BadRequest(_) => e.to_string(),
        }
    }

    /// Whether `key` names words in the tables: flash keys arrive in a cookie, and only
    /// known ones are shown.
    pub fn knows(self, key: &str) -> bool {
        self.table().contains_key(key)
    }

    /// The `lang` cookie if set, else the preferred of French and English in
    /// Accept-Language, else English.
    pub fn of_request(parts: &Parts) -> Lang {
        if let Some(lang) = crate::auth::cookie(parts, LANG_COOKIE).and_then(|c| Lang::parse(&c)) {
            return lang;
        }
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        preferred(accept)
    }
}

/// The first of French and English with the highest weight (`q`) in an Accept-Language
/// value; other languages don't count, since we can only offer these two.
fn preferred(accept_language: &str) -> Lang {
    let mut best: Option<(Lang, f32)> = None;
    for entry in accept_language.split(',') {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let Some(lang) = Lang::parse(primary) else {
            continue;
        };
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    best.map_or(Lang::En, |(lang, _)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Denial;
    use std::collections::BTreeSet;

    #[test]
    fn both_tables_have_exactly_the_same_keys() {
        let en: BTreeSet<_> = Lang::En.table().keys().collect();
        let fr: BTreeSet<_> = Lang::Fr.table().keys().collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        let only_fr: Vec<_> = fr.difference(&en).collect();
        assert!(
            only_en.is_empty() && only_fr.is_empty(),
            "only in en.toml: {only_en:?}; only in fr.toml: {only_fr:?}"
        );
    }

    /// A refusal a page can show has words in both languages, and they say every value
    /// the rule carries (a limit left out would leave the reader guessing).
    #[test]
    fn every_rule_has_words_that_say_its_values() {
        for rule in entraide_core::Rule::one_of_each() {
            let (name, values) = rule.parts();
            let invalid = Invalid::broke("field", rule.clone());
            for lang in [Lang::En, Lang::Fr] {
                assert!(lang.knows(&format!("invalid.{name}")), "{lang:?} {name}");
                let words = lang.invalid(&invalid);
                assert!(!words.contains('{'), "{lang:?} {name}: {words}");
                for (value_name, value) in &values {
                    assert!(
                        words.contains(value.as_str()),
                        "{lang:?} {name} leaves out {value_name}: {words}"
                    );
                }
            }
        }
        // A refusal without a rule keeps its English.
        let plain = Invalid::new("limit", "must be from 1 to 100");
        assert_eq!(Lang::Fr.invalid(&plain), "must be from 1 to 100");
    }

    #[test]
    fn every_refusal_has_words_that_say_its_values() {
        for refusal in Refusal::one_of_each() {
            let (name, values) = refusal.parts();
            let english = Lang::En.refusal(&refusal);
            for lang in [Lang::En, Lang::Fr] {
                assert!(lang.knows(&format!("refusal.{name}")), "{lang:?} {name}");
                let words = lang.refusal(&refusal);
                assert!(!words.contains('{'), "{lang:?} {name}: {words}");
                for (value_name, value) in &values {
                    if value_name.ends_with("_status") {
                        // Said in words, checked below.
                        continue;
                    }
                    assert!(
                        words.contains(value.as_str()),
                        "{lang:?} {name} leaves out {value_name}: {words}"
                    );
                }
                if lang == Lang::Fr {
                    assert_ne!(words, english, "{name} is not translated");
                }
            }
        }
        let closed = Refusal::CrisisIs {
            crisis_status: entraide_core::CrisisStatus::Closed,
        };
        assert_eq!(
            Lang::Fr.refusal(&closed),
            "cette crise est terminée : elle ne peut pas changer ainsi"
        );
        assert_eq!(
            Lang::En.error(&AppError::Conflict(closed)),
            "this crisis is closed: it can't change that way"
        );
        let paused = Refusal::OfferIs {
            offer_status: entraide_core::shelter::OfferStatus::Paused,
        };
        assert_eq!(
            Lang::Fr.refusal(&paused),
            "cette offre est en pause : elle ne peut pas changer ainsi"
        );
    }

    #[test]
    fn every_denial_and_failure_has_words_in_both_languages() {
        let mut failures: Vec<AppError> = Denial::one_of_each()
            .into_iter()
            .map(AppError::Forbidden)
            .collect();
        failures.extend([
            AppError::Unauthenticated,
            AppError::Internal("disk full".into()),
            AppError::FormUnreadable,
            AppError::TooLarge(65_536),
        ]);
        for e in &failures {
            let (en, fr) = (Lang::En.error(e), Lang::Fr.error(e));
            for words in [&en, &fr] {
                assert!(!words.contains('{'), "{e:?}: {words}");
            }
            assert_ne!(en, fr, "{e:?} is not translated");
        }
        let not_contact = AppError::Forbidden(Denial::not_mutual_contact(" Bob "));
        assert_eq!(
            Lang::Fr.error(&not_contact),
            "@bob n'est pas votre contact mutuel"
        );
        assert_eq!(not_contact.to_string(), "@bob is not your mutual contact");
        assert_eq!(
            Lang::Fr.error(&AppError::TooLarge(65_536)),
            "l'envoi dépasse les 65536 octets acceptés"
        );
        // What went wrong inside stays in the log, in any language.
        assert!(
            !Lang::Fr
                .error(&AppError::Internal("disk full".into()))
                .contains("disk")
        );
    }

    #[test]
    fn what_was_not_found_is_said_in_the_language_when_known() {
        let account = AppError::not_found("account @alice");
        assert_eq!(Lang::Fr.error(&account), "personne n'a cet identifiant");
        assert_eq!(Lang::En.error(&account), "nobody has this handle");
        assert_eq!(
            Lang::Fr.error(&AppError::WrongCredentials),
            "identifiant ou mot de passe incorrect"
        );
        assert_eq!(
            Lang::Fr.error(&AppError::RateLimited),
            "trop de tentatives : attendez un instant et réessayez"
        );
        let unknown = AppError::not_found("idempotency key");
        assert_eq!(Lang::Fr.error(&unknown), "idempotency key not found");
    }

    #[test]
    fn placeholders_match_between_languages() {
        let names = |s: &str| -> BTreeSet<String> {
            s.split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}'))
                .map(|(name, _)| name.to_string())
                .collect()
        };
        for (key, en) in Lang::En.table() {
            let fr = &Lang::Fr.table()[key];
            assert_eq!(names(en), names(fr), "placeholders of {key}");
        }
    }

    /// Every key the pages ask for exists: each string literal of the pages' source shaped
    /// like a key (`section.word`) is looked up.
    #[test]
    fn every_key_used_by_the_pages_exists() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("layout.rs"),
            include_str!("accounts.rs"),
            include_str!("contacts.rs"),
            include_str!("me.rs"),
            include_str!("crisis.rs"),
            include_str!("responder.rs"),
            include_str!("trends.rs"),
            include_str!("../mail.rs"),
        ];
        let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        let mut missing = Vec::new();
        let mut used = 0;
        for source in sources {
            for literal in source.split('"').skip(1).step_by(2) {
                let Some((section, rest)) = literal.split_once('.') else {
                    continue;
                };
                if word(section) && word(rest) {
                    used += 1;
                    if !Lang::En.knows(literal) {
                        missing.push(literal.to_string());
                    }
                }
            }
        }
        assert!(
            used > 100,
            "the scan found only {used} keys: has the source changed shape?"
        );
        assert!(
            missing.is_empty(),
            "keys used but not in the tables: {missing:?}"
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_of_ours() {
        assert_eq!(preferred("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"), Lang::Fr);
        assert_eq!(preferred("en-GB,en;q=0.9,fr;q=0.8"), Lang::En);
        assert_eq!(preferred("de-DE,de;q=0.9,fr;q=0.5,en;q=0.4"), Lang::Fr);
        assert_eq!(preferred("en;q=0.3, fr;q=0.7"), Lang::Fr);
        assert_eq!(preferred("fr;q=0"), Lang::En);
        assert_eq!(preferred("de"), Lang::En);
        assert_eq!(preferred(""), Lang::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert!(
            Lang::En
                .tf("flash.contact_requested", &[("handle", "bob")])
                .contains("@bob")
        );
    }
}
