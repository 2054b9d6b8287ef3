//! Top-level domains, for telling `example.fr/#tag` (a link) from `fin.de#tag` (words).
//!
//! The list is twitter-text's (`tlds.yml`), committed as `data/tlds.txt` and compiled into the
//! binary: the library never reads files at run time. See the crate README for how to regenerate
//! it; `tests/tlds.rs` checks it still matches the conformance file.

use std::sync::OnceLock;

struct Tlds {
    /// ASCII-only TLDs, sorted, for a binary search on the run of letters after a dot.
    ascii: Vec<&'static str>,
    /// TLDs with non-ASCII letters (`みんな`, `рф`, `vermögensberatung`), checked one by one: they
    /// are few, and only tried when a non-ASCII character follows the dot's ASCII letters.
    other: Vec<&'static str>,
    /// Longest ASCII TLD, in bytes: longer runs of letters cannot be a TLD.
    ascii_max: usize,
}

fn tlds() -> &'static Tlds {
    static TLDS: OnceLock<Tlds> = OnceLock::new();
    TLDS.get_or_init(|| {
        let (mut ascii, other): (Vec<_>, Vec<_>) = include_str!("../data/tlds.txt")
            .lines()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .partition(|t| t.is_ascii());
        ascii.sort_unstable();
        let ascii_max = ascii.iter().map(|t| t.len()).max().unwrap_or(0);
        Tlds {
            ascii,
            other,
            ascii_max,
        }
    })
}

/// Whether a TLD may end at byte `end` of `hay`: twitter-text rejects `domain.com-foo`,
/// `john.doe.gov@mail.com` and `tar.bz2` by looking at the next character.
fn ends_tld(hay: &str, end: usize) -> bool {
    hay.as_bytes()
        .get(end)
        .is_none_or(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'@' | b'+' | b'-')))
}

/// The simple lowercase of `c`, or `c` itself when lowercasing would change its length: TLDs
/// match case-insensitively (`MLB.tv`, `twitter.РФ`) one character at a time.
pub(crate) fn lower1(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// If a TLD starts at byte `p` of `hay`, the byte where it ends.
///
/// twitter-text lists the TLDs longest first in its alternation, so when two match (`嘉里` and
/// `嘉里大酒店`) the longest wins; after the list it accepts any punycode label (`xn--p1ai`).
pub(crate) fn tld_end(hay: &str, p: usize) -> Option<usize> {
    let t = tlds();
    let bytes = &hay.as_bytes()[p..];
    let run = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let mut best = None;
    if run > 0 && run <= t.ascii_max && ends_tld(hay, p + run) {
        let mut lowered = [0u8; 64];
        let lowered = &mut lowered[..run];
        lowered.copy_from_slice(&bytes[..run]);
        lowered.make_ascii_lowercase();
        if t.ascii
            .binary_search_by(|tld| tld.as_bytes().cmp(lowered))
            .is_ok()
        {
            best = Some(p + run);
        }
    }
    if bytes.get(run).is_some_and(|b| !b.is_ascii()) {
        for tld in &t.other {
            if let Some(len) = prefix_len_ci(&hay[p..], tld)
                && ends_tld(hay, p + len)
                && best.is_none_or(|b| p + len > b)
            {
                best = Some(p + len);
            }
        }
    }
    best.or_else(|| punycode_tld_end(bytes).map(|len| p + len))
}

/// Length in bytes of the prefix of `s` equal to `tld` ignoring case, if there is one.
fn prefix_len_ci(s: &str, tld: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    for want in tld.chars() {
        let (_, c) = chars.next()?;
        if lower1(c) != want {
            return None;
        }
    }
    Some(chars.next().map_or(s.len(), |(i, _)| i))
}

/// `xn--` then letters, digits and hyphens: twitter-text accepts any punycode TLD, with no check
/// of what follows.
fn punycode_tld_end(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 5 || !bytes[..4].eq_ignore_ascii_case(b"xn--") {
        return None;
    }
    let run = bytes[4..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    (run > 0).then_some(4 + run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_whole_tlds_only() {
        assert_eq!(tld_end("a.com", 2), Some(5));
        assert_eq!(tld_end("a.COM/x", 2), Some(5));
        assert_eq!(tld_end("a.comm", 2), None);
        assert_eq!(tld_end("a.com-b", 2), None);
        assert_eq!(tld_end("a.gov@b", 2), None);
        assert_eq!(tld_end("a.bz2", 2), None);
    }

    #[test]
    fn non_ascii_tlds_may_run_into_more_letters() {
        assert_eq!(tld_end("x.みんなです", 2), Some(2 + "みんな".len()));
        assert_eq!(tld_end("x.嘉里大酒店", 2), Some(2 + "嘉里大酒店".len()));
        assert_eq!(tld_end("x.РФ", 2), Some(2 + "РФ".len()));
        assert_eq!(
            tld_end("x.vermögensberatung", 2),
            Some(2 + "vermögensberatung".len())
        );
    }

    #[test]
    fn punycode_tld() {
        assert_eq!(tld_end("x.xn--p1ai/", 2), Some(10));
        assert_eq!(tld_end("x.xn--", 2), None);
    }
}
