//! Hashtags in posts, found exactly as twitter-text finds them, and the key they are counted under.
//!
//! # Why this crate exists
//!
//! On 13 November 2015, #PorteOuverte and #RechercheParis became the way Parisians offered
//! shelter and searched for the missing, and they trended *near Paris* within the hour. entraide's
//! trend engine reads a stream of posts and counts tags per place and time window, so everything
//! downstream depends on one question: which tags does this post carry? Archived datasets and
//! researchers use Twitter's own answer, twitter-text, so ours has to be the same, case for case:
//! a tag Twitter did not see would make our counts disagree with every published study of that
//! night. The conformance file twitter-text ships (`extract.yml`) is the judge, and the tests read
//! it at test time.
//!
//! The same extraction runs in the server, in the CLI, and on the hot streaming path that must
//! keep up with millions of posts per second on one core. So there is no I/O, no regex compiled
//! per call, and [`hashtags_into`] reuses the caller's vector: extraction allocates nothing. The
//! scan is hand-written over the bytes and characters; a post without `#` or `＃` costs one
//! vectorised byte search.
//!
//! # The rules, in short
//!
//! - A tag starts with `#` or the full-width `＃` and runs over letters, marks, decimal digits,
//!   `_` and a few in-word joiners (ZWNJ, ZWJ, the katakana middle dot, the Catalan middle dot…);
//!   it needs at least one letter or mark, so `#2015` is not a tag.
//! - The character before the hash must not be a letter, digit, `_` or `&` (`foo#bar`, `&#39;`),
//!   but emoji are fine: `🙏#PrayForParis` counts.
//! - A tag directly followed by another hash sign or by `://` is not a tag (`#a#b`, `#http://…`).
//! - A tag that overlaps a link is not a tag (`example.fr/#abri`): links are found with
//!   twitter-text's own URL rules and its list of top-level domains, embedded in the binary.
//!
//! Positions are code-point indices, as in twitter-text's conformance data and in Twitter's API
//! entities, so they line up with archived datasets whatever the language of the post.
//!
//! # Counting
//!
//! People type the same tag in many ways. [`tag_key`] folds #PorteOuverte, #porteouverte and the
//! full-width #ＰｏｒｔｅＯｕｖｅｒｔｅ into one key, so the trend engine counts one tag, while
//! [`Hashtag::tag`] keeps the raw spelling so results can show the most common one.

mod chars;
mod hashtag;
mod punycode;
mod tld;
mod url;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// A hashtag found in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hashtag<'a> {
    /// The tag as written, without its hash sign: a slice of the text, so extraction copies
    /// nothing and results can show the spelling people actually used.
    pub tag: &'a str,
    /// Code-point index of the hash sign (`#` or `＃`) in the text.
    pub start: usize,
    /// Code-point index just after the tag (exclusive).
    pub end: usize,
}

/// What extraction yields for each tag: a [`Hashtag`] with its positions, or only the tag.
pub(crate) trait Found<'a> {
    /// The tag `tag` (a slice of the text), with `positions` giving its code-point range
    /// when wanted: computing it is most of the cost of a tag.
    fn found(tag: &'a str, positions: impl FnOnce() -> (usize, usize)) -> Self;
    fn tag(&self) -> &'a str;
}

impl<'a> Found<'a> for Hashtag<'a> {
    fn found(tag: &'a str, positions: impl FnOnce() -> (usize, usize)) -> Self {
        let (start, end) = positions();
        Hashtag { tag, start, end }
    }

    fn tag(&self) -> &'a str {
        self.tag
    }
}

impl<'a> Found<'a> for &'a str {
    fn found(tag: &'a str, _: impl FnOnce() -> (usize, usize)) -> Self {
        tag
    }

    fn tag(&self) -> &'a str {
        self
    }
}

/// All hashtags of `text`, in order.
///
/// ```
/// let tags = entraide_text::hashtags("Abri dispo ＃PorteOuverte, rue Oberkampf #Paris11 https://example.fr/#abri");
/// let raw: Vec<&str> = tags.iter().map(|t| t.tag).collect();
/// assert_eq!(raw, ["PorteOuverte", "Paris11"]);
/// assert_eq!((tags[0].start, tags[0].end), (11, 24));
/// ```
pub fn hashtags(text: &str) -> Vec<Hashtag<'_>> {
    let mut out = Vec::new();
    hashtags_into(text, &mut out);
    out
}

/// Same as [`hashtags`], into `out` (cleared first): a stream worker keeps one vector and
/// extracts every post into it, so extraction allocates nothing once the vector has grown to the
/// largest number of tags in a post.
pub fn hashtags_into<'a>(text: &'a str, out: &mut Vec<Hashtag<'a>>) {
    extract_into(text, out);
}

/// The tags [`hashtags_into`] finds, as written and without their hash sign, into `out`
/// (cleared first): for counting, which needs no positions. Counting the code points before
/// each tag costs a pass over the text, about a twentieth of the trend engine's time per post.
pub fn hashtag_tags_into<'a>(text: &'a str, out: &mut Vec<&'a str>) {
    extract_into(text, out);
}

fn extract_into<'a, T: Found<'a>>(text: &'a str, out: &mut Vec<T>) {
    out.clear();
    let maybe_in_url = hashtag::scan(text, out);
    // Every URL has a dot in its host; twitter-text makes the same shortcut.
    if maybe_in_url && memchr::memchr(b'.', text.as_bytes()).is_some() {
        drop_overlapping_urls(text, out);
    }
}

/// twitter-text's `removeOverlappingEntities` for hashtags and URLs: entities are taken in order
/// of start, and one that starts before the end of the last one kept is dropped. So a URL hides
/// the tags inside it, but a tag that starts before a URL wins over it, and that URL then hides
/// nothing.
fn drop_overlapping_urls<'a, T: Found<'a>>(text: &'a str, tags: &mut Vec<T>) {
    let mut urls = url::Urls::new(text);
    let mut next_url = urls.next();
    let mut kept_end = 0;
    tags.retain(|tag| {
        let (start, end) = hashtag::byte_range(text, tag.tag());
        while let Some(u) = next_url.filter(|u| u.start < start) {
            if u.start >= kept_end {
                kept_end = u.end;
            }
            next_url = urls.next();
        }
        let keep = start >= kept_end;
        if keep {
            kept_end = end;
        }
        keep
    });
}

/// The key a tag is counted under: NFKC, then Unicode lowercase.
///
/// NFKC folds compatibility forms that people type without meaning a different tag: full-width
/// Latin from Japanese and Chinese keyboards (`ＰｏｒｔｅＯｕｖｅｒｔｅ`), half-width katakana,
/// ligatures (`ﬁ`). Lowercasing then merges `#PorteOuverte` and `#porteouverte`. Lowercase is
/// Unicode's default, not locale-aware, because a tag has no reliable language:
/// - Turkish `İ` (U+0130) becomes `i̇` (`i` + combining dot), so `#İstanbul` and `#istanbul` stay
///   apart, and dotless `ı` stays `ı`; merging them would need the post's language.
/// - German `ß` stays `ß` and `ẞ` becomes `ß`, but `STRASSE` becomes `strasse`, not `straße`:
///   that equivalence would need case folding, which also merges words that differ.
/// - Greek final sigma is respected: `#ΟΔΟΣ` becomes `οδος`, like the word typed in lowercase.
///
/// Pass the tag without its hash sign, as in [`Hashtag::tag`].
pub fn tag_key(tag: &str) -> String {
    if tag.is_ascii() {
        return tag.to_ascii_lowercase();
    }
    if is_nfkc_quick(tag.chars()) == IsNormalized::Yes {
        return tag.to_lowercase();
    }
    tag.nfkc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<&str> {
        hashtags(text).into_iter().map(|h| h.tag).collect()
    }

    #[test]
    fn porte_ouverte_spellings_share_a_key() {
        let key = tag_key("PorteOuverte");
        assert_eq!(key, "porteouverte");
        assert_eq!(tag_key("porteouverte"), key);
        assert_eq!(tag_key("PORTEOUVERTE"), key);
        assert_eq!(tag_key("ＰｏｒｔｅＯｕｖｅｒｔｅ"), key);
        // And the full-width form is found as a tag in the first place, after a full-width hash.
        assert_eq!(
            tags("＃ＰｏｒｔｅＯｕｖｅｒｔｅ"),
            ["ＰｏｒｔｅＯｕｖｅｒｔｅ"]
        );
    }

    #[test]
    fn tag_key_keeps_accents_and_folds_compatibility_forms() {
        assert_eq!(tag_key("RechercheParis"), "rechercheparis");
        assert_eq!(tag_key("Été"), "été");
        // Decomposed é (e + U+0301) and precomposed é count as one tag.
        assert_eq!(tag_key("E\u{301}te\u{301}"), tag_key("Été"));
        assert_eq!(tag_key("ｻｯｶｰ"), "サッカー");
        assert_eq!(tag_key("ﬁnance"), "finance");
    }

    #[test]
    fn tag_key_turkish_is_not_locale_aware() {
        assert_eq!(tag_key("İstanbul"), "i\u{307}stanbul");
        assert_ne!(tag_key("İstanbul"), tag_key("istanbul"));
        assert_eq!(tag_key("ISPARTA"), "isparta");
        assert_eq!(tag_key("ılık"), "ılık");
    }

    #[test]
    fn tag_key_german_sharp_s_is_lowercased_not_folded() {
        assert_eq!(tag_key("Straße"), "straße");
        assert_eq!(tag_key("STRAẞE"), "straße");
        assert_eq!(tag_key("STRASSE"), "strasse");
        assert_ne!(tag_key("STRASSE"), tag_key("Straße"));
    }

    #[test]
    fn tag_key_greek_final_sigma() {
        assert_eq!(tag_key("ΟΔΟΣ"), "οδος");
    }

    #[test]
    fn hashtags_into_reuses_the_vector() {
        let mut out = Vec::with_capacity(8);
        let capacity = out.capacity();
        let ptr = out.as_ptr();
        hashtags_into("#PorteOuverte #RechercheParis #PrayForParis", &mut out);
        assert_eq!(out.len(), 3);
        hashtags_into("rien ici", &mut out);
        assert!(out.is_empty(), "stale results must be cleared");
        hashtags_into("#PorteOuverte 🙏#Paris", &mut out);
        let raw: Vec<&str> = out.iter().map(|h| h.tag).collect();
        assert_eq!(raw, ["PorteOuverte", "Paris"]);
        assert_eq!(out.capacity(), capacity);
        assert_eq!(out.as_ptr(), ptr, "no reallocation");
    }

    #[test]
    fn indices_are_code_points() {
        let text = "🙏 Abri : #PorteOuverte";
        let h = hashtags(text)[0];
        let chars: Vec<char> = text.chars().collect();
        let slice: String = chars[h.start..h.end].iter().collect();
        assert_eq!(slice, "#PorteOuverte");
    }

    #[test]
    fn hashtags_in_links_are_not_tags() {
        assert!(tags("https://example.fr/#PorteOuverte").is_empty());
        assert!(tags("voir example.fr/abri/#PorteOuverte").is_empty());
        assert!(tags("https://example.fr/?q=1&x=/#abri").is_empty());
        // No path: twitter-text keeps only the domain as the link, so the tag stands.
        assert_eq!(tags("example.fr?x=#abri"), ["abri"]);
        // Not a TLD, not a link.
        assert_eq!(tags("fichier.txt/#abri"), ["abri"]);
    }

    #[test]
    fn a_tag_that_starts_before_a_link_wins_over_it() {
        // `a.com/#tag` is a link, but `#éa` overlaps it and starts first, so the link is dropped
        // and no longer hides `#tag`.
        assert_eq!(tags("#éa.com/#tag"), ["éa", "tag"]);
    }

    /// Quirks of twitter-text's URL extractor that decide whether a tag is hidden; each was
    /// checked against twitter-text 3.1.0 itself.
    #[test]
    fn twitter_text_url_quirks_that_hide_or_show_tags() {
        // A balanced group ends a path segment only right after an ending character.
        assert!(tags("x.com/a(#www)").is_empty());
        assert_eq!(tags("x.com/a;(#www)"), ["www"]);
        // The pattern runs on UTF-16: the emoji's second half starts a host, so `şt.co/#tag` is a
        // link here although `.şt.co` after a space is not.
        assert!(tags("🙏.şt.co/#tag").is_empty());
        assert_eq!(tags("x .şt.co/#tag"), ["tag"]);
        // A bare domain is reported where its text first occurs, here inside `example.comx`, and
        // the link then runs over the full-width hashtag.
        assert!(tags("ÿexample.comx。＃tag日本example.com/p").is_empty());
    }

    #[test]
    fn consumed_text_is_not_a_boundary() {
        assert!(tags("#a#b").is_empty());
        // `#a` is dropped (a hash follows) but consumed; the second `#` is free to be a boundary.
        assert_eq!(tags("#a##b"), ["b"]);
        assert_eq!(tags("#a ##b"), ["a", "b"]);
        assert!(tags("#️⃣ keycap").is_empty());
    }

    #[test]
    fn long_texts_without_links_stay_linear() {
        let text = format!("{} /#tag", "a.".repeat(20_000));
        assert_eq!(tags(&text), ["tag"]);
        let text = format!("{}. /#tag", "日本語".repeat(20_000));
        assert_eq!(tags(&text), ["tag"]);
        let text = format!("{} /#tag.", "日本語".repeat(20_000));
        assert_eq!(tags(&text), ["tag"]);
        let text = format!("{} /#tag", "-a.".repeat(20_000));
        assert_eq!(tags(&text), ["tag"]);
    }
}
