//! From a name as typed (any script, any case, accents) to the lowercase ASCII words we index.
//!
//! Transliteration is deunicode's (Мария → Mariia, Παπαδόπουλος → Papadopoulos, Hélène →
//! Helene, Straße → Strasse, Øre → Ore, œ → oe); we never keep hand tables of letters. A
//! record's Greek or Cyrillic words are also filed under any_ascii's romanisation when it
//! differs (Юрий → iurii and yuriy, Мария → mariia and mariya, Ελένη → elene and eleni):
//! registries romanise these scripts in several ways, and a searcher types one.

/// The words of one name, lowercase ASCII letters and digits. Parts joined by a hyphen, an
/// apostrophe or a dot are separate words ("Jean-Pierre" → jean, pierre); with `joined`, the
/// part-less form is added too ("N'Diaye" → n, diaye, ndiaye), so a record is found whichever
/// way the searcher writes it.
///
/// A query (`joined` false) drops apostrophes instead of splitting at them: "N'Diaye" is the
/// one word ndiaye, and so is "Васильев" (deunicode writes its soft sign as an apostrophe).
pub(crate) fn words(name: &str, joined: bool) -> Vec<String> {
    marked_words(name, joined)
        .into_iter()
        .map(|(word, _)| word)
        .collect()
}

/// As [`words`], in order, each with whether it is another form of the words before it
/// rather than a word as written: the part-less form of a compound (true for "jeanpierre"
/// after "jean", "pierre"), or, with `joined`, a Greek or Cyrillic word's second
/// romanisation. A record's words as written serve to rank by how closely a whole name
/// matches the query.
pub(crate) fn marked_words(name: &str, joined: bool) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for group in name.split(is_separator) {
        let mut ascii = deunicode::deunicode(group);
        if !joined {
            ascii.retain(|c| !is_apostrophe(c));
        }
        // deunicode may write one letter as two words (some scripts' syllables).
        for ascii_group in ascii.split(is_separator) {
            push_parts(&mut out, ascii_group, joined, false);
        }
        if joined && group.chars().any(is_greek_or_cyrillic) {
            for other_group in any_ascii::any_ascii(group).split(is_separator) {
                push_parts(&mut out, other_group, true, true);
            }
        }
    }
    out
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == ';' || c == '/'
}

/// Pushes the lowercase parts of one ASCII word (split at anything but letters and digits)
/// and, with `joined`, the parts run together; the parts themselves count as words as
/// written unless `other_form`.
fn push_parts(out: &mut Vec<(String, bool)>, group: &str, joined: bool, other_form: bool) {
    let mut parts = 0;
    let mut whole = String::new();
    for part in group.split(|c: char| !c.is_ascii_alphanumeric()) {
        if part.is_empty() {
            continue;
        }
        let part = part.to_ascii_lowercase();
        whole.push_str(&part);
        parts += 1;
        push_unique(out, part, other_form);
    }
    if joined && parts > 1 {
        push_unique(out, whole, true);
    }
}

/// Greek (with its extended, polytonic block) or Cyrillic (with its supplement).
fn is_greek_or_cyrillic(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' | '\u{0400}'..='\u{052F}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '"' | '`')
}

fn push_unique(words: &mut Vec<(String, bool)>, word: String, joined: bool) {
    if !words.iter().any(|(known, _)| *known == word) {
        words.push((word, joined));
    }
}

/// A coarse spelling key: two words with the same skeleton are taken as the same name spelt
/// another way. It absorbs the usual differences between romanisations and national spellings
/// (Mariia/Mariya/Maria, Dmitrii/Dmitriy, Aleksandr/Alexandre, Wladimir/Vladimir,
/// Mohammed/Mohamed, Katherine/Catherine, Philippe/Filipe).
pub(crate) fn skeleton(word: &str) -> String {
    let bytes = word.as_bytes();
    let mut mapped = String::with_capacity(bytes.len() + 2);
    let mut i = 0;
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        match (bytes[i], next) {
            (b'p', Some(b'h')) => {
                mapped.push('f');
                i += 1;
            }
            (b'c', Some(b'k')) => {
                mapped.push('k');
                i += 1;
            }
            (b'c', Some(b'h')) => {
                // "ch" is its own sound (Charles, Chloé, Khrushchev's "shch"); keep it apart
                // from "c" → "k" below.
                mapped.push_str("ch");
                i += 1;
            }
            (b'y', _) => mapped.push('i'),
            (b'w', _) => mapped.push('v'),
            (b'q', _) | (b'c', _) => mapped.push('k'),
            (b'x', _) => mapped.push_str("ks"),
            (other, _) => mapped.push(other as char),
        }
        i += 1;
    }
    let mut skeleton = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !skeleton.ends_with(c) {
            skeleton.push(c);
        }
    }
    if skeleton.len() > 3 && skeleton.ends_with('e') {
        skeleton.pop();
    }
    skeleton
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greek_and_cyrillic_words_of_a_record_are_filed_under_both_romanisations() {
        assert_eq!(
            marked_words("Юрий Ελένη", true),
            [
                ("iurii".to_string(), false),
                ("yuriy".to_string(), true),
                ("elene".to_string(), false),
                ("eleni".to_string(), true),
            ]
        );
        // The second form is not a word as written, and a query keeps one form per word.
        assert_eq!(words("Мария Иванова", false), ["mariia", "ivanova"]);
        // Latin names are left to deunicode alone.
        assert_eq!(marked_words("Maria", true), [("maria".to_string(), false)]);
    }

    #[test]
    fn case_and_accents_fold_to_ascii_lowercase() {
        assert_eq!(words("Hélène DUPONT", false), ["helene", "dupont"]);
        assert_eq!(
            words("Straße Ørsted Œuvray Æsa", false),
            ["strasse", "orsted", "oeuvray", "aesa"]
        );
        // A decomposed accent (e + combining acute) folds like the precomposed one.
        assert_eq!(words("E\u{301}lodie", false), ["elodie"]);
        assert_eq!(
            words("Łukasz Şahin Nguyễn", false),
            ["lukasz", "sahin", "nguyen"]
        );
    }

    #[test]
    fn other_scripts_are_transliterated() {
        assert_eq!(words("Мария Иванова", false), ["mariia", "ivanova"]);
        assert_eq!(
            words("Γεώργιος Παπαδόπουλος", false),
            ["georgios", "papadopoulos"]
        );
        assert_eq!(words("محمد", false), ["mhmd"]);
        assert_eq!(words("李明", false), ["li", "ming"]);
    }

    #[test]
    fn compound_names_give_their_parts_and_the_joined_form() {
        assert_eq!(
            words("Jean-Pierre N'Diaye", true),
            ["jean", "pierre", "jeanpierre", "n", "diaye", "ndiaye"]
        );
        assert_eq!(
            words("Jean-Pierre N'Diaye", false),
            ["jean", "pierre", "ndiaye"]
        );
        assert_eq!(words("Васильев", true), ["vasil", "ev", "vasilev"]);
        assert_eq!(words("Васильев", false), ["vasilev"]);
        assert_eq!(words("  Marie,  marie ", false), ["marie"]);
        assert!(words("  -- ' ", true).is_empty());
    }

    #[test]
    fn skeletons_join_spellings_of_one_name() {
        for (a, b) in [
            ("mariia", "maria"),
            ("mariya", "maria"),
            ("dmitrii", "dmitriy"),
            ("aleksandr", "alexandre"),
            ("wladimir", "vladimir"),
            ("mohammed", "mohamed"),
            ("katherine", "catherine"),
            ("philippe", "filipe"),
            ("iaroslav", "yaroslav"),
        ] {
            assert_eq!(skeleton(a), skeleton(b), "{a} / {b}");
        }
        assert_ne!(skeleton("marie"), skeleton("mario"));
        assert_ne!(skeleton("charles"), skeleton("karles"));
    }
}
