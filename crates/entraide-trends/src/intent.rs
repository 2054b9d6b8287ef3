//! What people using a tag want: shelter, news of someone missing, safety, or to show
//! solidarity. Pages link each intent to its feature, and a burst of crisis intents in an area
//! is evidence for proposing a crisis.
//!
//! The words come from a TOML file (French and English to start), shipped embedded in the
//! binary ([`Lexicon::default`]) and replaceable by a deployment ([`Lexicon::from_toml`]).

use entraide_text::tag_key;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The lexicon entraide ships.
pub const DEFAULT_LEXICON: &str = include_str!("../data/lexicon.toml");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// Offering or looking for a place to stay (#PorteOuverte).
    Shelter,
    /// Looking for someone (#RechercheParis).
    Missing,
    /// Danger, or being safe (#ParisAttacks, #StaySafe).
    Safety,
    /// Support from afar (#PrayForParis).
    Solidarity,
}

impl Intent {
    pub const ALL: [Intent; 4] = [
        Intent::Shelter,
        Intent::Missing,
        Intent::Safety,
        Intent::Solidarity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Shelter => "shelter",
            Intent::Missing => "missing",
            Intent::Safety => "safety",
            Intent::Solidarity => "solidarity",
        }
    }

    /// Whether a burst of this intent in an area says that a crisis is happening there
    /// (solidarity comes from everywhere, so it does not).
    pub fn signals_crisis(self) -> bool {
        matches!(self, Intent::Shelter | Intent::Missing | Intent::Safety)
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tags and keywords → intent.
#[derive(Clone, Debug)]
pub struct Lexicon {
    /// Counting key of an exact tag → its intent.
    tags: HashMap<String, Intent>,
    /// Folded keyword and its intent, in file order (first match wins).
    keywords: Vec<(String, Intent)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    intent: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: Intent,
    /// Documentation for people editing the file; matching ignores it, since a tag has no
    /// reliable language.
    #[allow(dead_code)]
    lang: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

impl Lexicon {
    /// Reads a lexicon in the format of [`DEFAULT_LEXICON`]. Errors name the line and say what
    /// is wrong (an unknown intent lists the four accepted).
    pub fn from_toml(text: &str) -> Result<Lexicon, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut lexicon = Lexicon {
            tags: HashMap::new(),
            keywords: Vec::new(),
        };
        for entry in file.intent {
            for tag in &entry.tags {
                let tag = tag.strip_prefix(['#', '＃']).unwrap_or(tag);
                if tag.is_empty() {
                    return Err(format!("an empty tag in the {} intent", entry.name));
                }
                // The first listing of a tag wins, as for keywords.
                lexicon.tags.entry(tag_key(tag)).or_insert(entry.name);
            }
            for keyword in &entry.keywords {
                if keyword.chars().count() < 3 {
                    return Err(format!(
                        "keyword {keyword:?} of the {} intent is shorter than 3 characters: it would match inside too many tags",
                        entry.name
                    ));
                }
                lexicon.keywords.push((tag_key(keyword), entry.name));
            }
        }
        Ok(lexicon)
    }

    /// The intent of a tag (any spelling, with or without `#`).
    pub fn intent_of(&self, tag: &str) -> Option<Intent> {
        self.intent_of_key(&tag_key(tag.strip_prefix(['#', '＃']).unwrap_or(tag)))
    }

    /// The intent of a counting key (see [`entraide_text::tag_key`]).
    pub fn intent_of_key(&self, key: &str) -> Option<Intent> {
        self.tags.get(key).copied().or_else(|| {
            self.keywords
                .iter()
                .find(|(k, _)| key.contains(k.as_str()))
                .map(|(_, i)| *i)
        })
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::from_toml(DEFAULT_LEXICON).expect("the shipped lexicon is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_lexicon_knows_the_tags_of_that_night_in_any_spelling() {
        let l = Lexicon::default();
        assert_eq!(l.intent_of("#PorteOuverte"), Some(Intent::Shelter));
        assert_eq!(l.intent_of("porteouverte"), Some(Intent::Shelter));
        assert_eq!(
            l.intent_of("ＰｏｒｔｅＯｕｖｅｒｔｅ"),
            Some(Intent::Shelter)
        );
        assert_eq!(l.intent_of("RechercheParis"), Some(Intent::Missing));
        assert_eq!(l.intent_of("PrayForParis"), Some(Intent::Solidarity));
        assert_eq!(l.intent_of("ParisAttacks"), Some(Intent::Safety));
        assert_eq!(l.intent_of("OpenDoor"), Some(Intent::Shelter));
        // By keyword, without being listed.
        assert_eq!(l.intent_of("RechercheNice"), Some(Intent::Missing));
        assert_eq!(l.intent_of("PrayForNice"), Some(Intent::Solidarity));
        assert_eq!(l.intent_of("FRAALL"), None);
        assert_eq!(l.intent_of("vendredi"), None);
    }

    #[test]
    fn a_deployment_can_replace_it_and_bad_files_say_why() {
        let l = Lexicon::from_toml(
            r##"
[[intent]]
name = "shelter"
lang = "es"
tags = ["#PuertaAbierta"]
keywords = ["refugio"]
"##,
        )
        .unwrap();
        assert_eq!(l.intent_of("puertaabierta"), Some(Intent::Shelter));
        assert_eq!(l.intent_of("RefugioMadrid"), Some(Intent::Shelter));
        assert_eq!(l.intent_of("PorteOuverte"), None, "replaced, not merged");

        let e = Lexicon::from_toml("[[intent]]\nname = \"food\"\ntags = [\"x\"]\n").unwrap_err();
        assert!(e.contains("food") && e.contains("shelter"), "{e}");
        let e = Lexicon::from_toml("[[intent]]\nname = \"missing\"\nkeywords = [\"ab\"]\n")
            .unwrap_err();
        assert!(e.contains("shorter than 3"), "{e}");
        assert!(Lexicon::from_toml("[[intent]]\nname = \"missing\"\ncolour = 1\n").is_err());
    }
}
