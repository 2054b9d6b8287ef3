//! Which characters may form a hashtag, as twitter-text defines them.
//!
//! twitter-text builds its hashtag character class from Unicode general categories, not from a
//! script list: letters (`L*`) and marks (`M*`) count as "alpha", decimal digits (`Nd`) and a short
//! list of joiners and punctuation used inside words count as "alphanumeric". Marks must count,
//! or Indic, Thai and Hebrew tags would be cut in the middle of a syllable.

use unicode_properties::{GeneralCategory as Gc, UnicodeGeneralCategory};

/// How a character takes part in a hashtag body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagChar {
    /// A letter or a mark: a hashtag needs at least one, so `#2015` is not a tag.
    Alpha,
    /// A decimal digit or one of the in-word joiners: allowed, but not enough on its own.
    Other,
    /// Ends the hashtag.
    Outside,
}

/// Classifies `c` for the hashtag body. ASCII, by far the most common case in the stream, is
/// answered without a table lookup.
#[inline]
pub(crate) fn tag_char(c: char) -> TagChar {
    if c.is_ascii() {
        return if c.is_ascii_alphabetic() {
            TagChar::Alpha
        } else if c.is_ascii_digit() || c == '_' {
            TagChar::Other
        } else {
            TagChar::Outside
        };
    }
    match c.general_category() {
        Gc::UppercaseLetter
        | Gc::LowercaseLetter
        | Gc::TitlecaseLetter
        | Gc::ModifierLetter
        | Gc::OtherLetter
        | Gc::NonspacingMark
        | Gc::SpacingMark
        | Gc::EnclosingMark => TagChar::Alpha,
        Gc::DecimalNumber => TagChar::Other,
        _ if is_special(c) => TagChar::Other,
        _ => TagChar::Outside,
    }
}

/// twitter-text's extra in-word characters (beyond `_`, handled with ASCII): they are punctuation
/// or format characters that real tags use inside words.
fn is_special(c: char) -> bool {
    matches!(
        c,
        '\u{200C}' // zero-width non-joiner: Persian and Indic words are spelled with it
            | '\u{200D}' // zero-width joiner: Sinhala conjuncts, among others
            | '\u{A67E}' // Cyrillic kavyka
            | '\u{05BE}' // Hebrew maqaf (word hyphen)
            | '\u{05F3}' // Hebrew geresh (abbreviations)
            | '\u{05F4}' // Hebrew gershayim (abbreviations)
            | '\u{FF5E}' // full-width tilde, as in Japanese show names (メ～テレ)
            | '\u{301C}' // wave dash, same use
            | '\u{309B}' // katakana-hiragana voiced sound mark
            | '\u{309C}' // katakana-hiragana semi-voiced sound mark
            | '\u{30A0}' // katakana-hiragana double hyphen
            | '\u{30FB}' // katakana middle dot
            | '\u{3003}' // ditto mark
            | '\u{0F0B}' // Tibetan intersyllabic tsheg
            | '\u{0F0C}' // Tibetan delimiter tsheg bstar
            | '\u{00B7}' // middle dot, as in Catalan il·lusió
    )
}

/// Whether `c` may stand right before a hash sign that starts a hashtag. twitter-text requires a
/// non-word character there (so `foo#bar` and `&#123;` are not tags), but lets the emoji
/// variation selectors through even though they are marks, so `✌️#tag` still works.
#[inline]
pub(crate) fn may_precede_hashtag(c: char) -> bool {
    matches!(c, '\u{FE0E}' | '\u{FE0F}') || (c != '&' && tag_char(c) == TagChar::Outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_path_agrees_with_the_general_categories() {
        for b in 0u8..128 {
            let c = char::from(b);
            let by_category = match c.general_category() {
                Gc::UppercaseLetter | Gc::LowercaseLetter => TagChar::Alpha,
                Gc::DecimalNumber => TagChar::Other,
                _ if c == '_' => TagChar::Other,
                _ => TagChar::Outside,
            };
            assert!(tag_char(c) == by_category, "{c:?}");
        }
    }
}
