//! Where the links are, found the way twitter-text finds them.
//!
//! twitter-text drops every hashtag that overlaps a URL it extracted (`example.fr/#abri` is a
//! link to a page anchor, not a tag), so hashtag conformance needs its URL extractor: the same
//! domain, path and query rules, the bare domains with a known TLD, the t.co special case, the
//! IDNA label-length check, and the same scanning order (a rejected match still consumes its
//! text). Only spans are produced; nothing is allocated.
//!
//! The scan is written by hand rather than with a regex engine: twitter-text's pattern relies on
//! backtracking order (greedy subdomains giving back labels until a TLD fits) that is simpler to
//! state directly, and the hot path rarely gets here (see `may_precede_hash_in_url`).

use crate::punycode;
use crate::tld::{lower1, tld_end};

/// A link's byte range in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Whether `c` can be the character just before an ASCII `#` that lies inside a URL. Such a `#`
/// can only be in a URL's path or query, so the character before it is a path or query character
/// (or a parenthesis of a balanced group). Hashtags after anything else, such as a space, never
/// overlap a URL, and the URL scan is skipped for them. (The full-width `＃` is different: it is a
/// host-name character, so it can sit inside a link's host after almost anything.)
pub(crate) fn may_precede_hash_in_url(c: char) -> bool {
    is_path_char(c) || (c.is_ascii() && is_query_char(c as u8)) || matches!(c, '(' | ')')
}

/// twitter-text's `punct` (note: without `"` and `` ` ``), spaces, non-characters and
/// directional marks: none of them can be in a host name.
fn is_domain_char(c: char) -> bool {
    !matches!(
        c,
        '!' | '\''
            | '#'
            | '%'
            | '&'
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | '\\'
            | '-'
            | '.'
            | '/'
            | ':'
            | ';'
            | '<'
            | '='
            | '>'
            | '?'
            | '@'
            | '['
            | ']'
            | '^'
            | '_'
            | '{'
            | '|'
            | '}'
            | '~'
            | '$'
            | '\u{09}'..='\u{0D}'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{FFFE}'
            | '\u{FEFF}'
            | '\u{FFFF}'
            | '\u{202A}'..='\u{202E}'
            | '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// A URL may not start right after a letter or digit (`foo.com` inside `xfoo.com`), after `@`
/// (an e-mail or a mention), after `$` (a cashtag) or after `#` (a hashtag).
fn may_precede_url(c: char) -> bool {
    !(c.is_ascii_alphanumeric()
        || matches!(
            c,
            '@' | '＠' | '$' | '#' | '＃' | '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}'
        ))
}

/// twitter-text's Latin letters with diacritics, allowed in paths and in bare domains
/// (`ELPAÍS.com`).
fn is_latin_accent(c: char) -> bool {
    matches!(c,
        '\u{C0}'..='\u{D6}'
        | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{24F}'
        | '\u{253}'
        | '\u{254}'
        | '\u{256}'
        | '\u{257}'
        | '\u{259}'
        | '\u{25B}'
        | '\u{263}'
        | '\u{268}'
        | '\u{26F}'
        | '\u{272}'
        | '\u{289}'
        | '\u{28B}'
        | '\u{2BB}'
        | '\u{300}'..='\u{36F}'
        | '\u{1E00}'..='\u{1EFF}')
}

/// Whether `c` or one of its case variants is in `set`: twitter-text's patterns are
/// case-insensitive, and some listed letters have a case partner outside the listed ranges.
fn in_set_ignoring_case(c: char, set: impl Fn(char) -> bool) -> bool {
    let mut upper = c.to_uppercase();
    let upper = match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    };
    set(c) || set(lower1(c)) || set(upper)
}

/// Non-ASCII letters allowed in paths: Cyrillic, as in `/Русские_слова`, and accented Latin.
fn is_path_letter(c: char) -> bool {
    in_set_ignoring_case(c, |c| {
        matches!(c, '\u{400}'..='\u{4FF}') || is_latin_accent(c)
    })
}

/// The punctuation allowed in a path, at its end, in a query and at its end (twitter-text's
/// `validGeneralUrlPathChars`, `validUrlPathEndingChars`, `validUrlQueryChars`,
/// `validUrlQueryEndingChars`), as bit sets: every hashtag's preceding character is tested
/// against them, and a shift beats searching a string.
const PATH_PUNCT: u128 = ascii_set(b"!*';:=+,.$/%#[]-_~@|&");
const PATH_ENDING_PUNCT: u128 = ascii_set(b"+-=_#/");
const QUERY_PUNCT: u128 = ascii_set(b"!?*'@();:&=+$/%#[]-_.,~|");
const QUERY_ENDING_PUNCT: u128 = ascii_set(b"-_&=#/");

const fn ascii_set(chars: &[u8]) -> u128 {
    let mut set = 0;
    let mut i = 0;
    while i < chars.len() {
        set |= 1 << chars[i];
        i += 1;
    }
    set
}

fn in_set(set: u128, b: u8) -> bool {
    b < 128 && (set >> b) & 1 == 1
}

/// twitter-text's `validGeneralUrlPathChars`.
fn is_path_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || in_set(PATH_PUNCT, c as u8)
    } else {
        c == '\u{2013}' || is_path_letter(c)
    }
}

/// twitter-text's `validUrlPathEndingChars` (parentheses aside): a path does not end on `.`,
/// `,` or `!`, so `see http://example.com/path.` keeps the period out.
fn is_path_end_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || in_set(PATH_ENDING_PUNCT, c as u8)
    } else {
        is_path_letter(c)
    }
}

/// twitter-text's `validUrlQueryChars`.
fn is_query_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || in_set(QUERY_PUNCT, b)
}

/// twitter-text's `validUrlQueryEndingChars`.
fn is_query_end_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || in_set(QUERY_ENDING_PUNCT, b)
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

fn starts_with_ci(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// One match of twitter-text's URL pattern, before its post-processing.
struct RawUrl {
    /// Character before the URL (the character itself when the URL starts at its second UTF-16
    /// unit), `None` at the start of the text.
    before: Option<char>,
    start: usize,
    protocol_len: usize,
    domain_end: usize,
    has_path: bool,
    end: usize,
}

impl RawUrl {
    fn domain_start(&self) -> usize {
        self.start + self.protocol_len
    }
}

/// Links of a text in order, as twitter-text's `extractUrlsWithIndices` returns them.
pub(crate) struct Urls<'a> {
    text: &'a str,
    /// Where the pattern resumes, like a JavaScript regex's `lastIndex`.
    last_index: usize,
    /// Bare domains still to report from the current protocol-less match.
    bare: Option<BareDomains>,
}

impl<'a> Urls<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Urls {
            text,
            last_index: 0,
            bare: None,
        }
    }
}

impl Iterator for Urls<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        let text = self.text;
        loop {
            if let Some(bare) = &mut self.bare {
                if let Some(span) = bare.next(text) {
                    return Some(span);
                }
                self.bare = None;
            }
            let raw = find_raw(text, self.last_index)?;
            self.last_index = raw.end;
            if !is_valid_url(text, &raw) {
                continue;
            }
            if raw.protocol_len == 0 {
                // After these, a bare domain is the tail of something else (`my_site.com`,
                // `/files/notes.com`), not a link.
                if matches!(raw.before, Some('-' | '_' | '.' | '/')) {
                    continue;
                }
                self.bare = Some(BareDomains::new(text, &raw));
                continue;
            }
            match tco_end(&text[raw.start..raw.end]) {
                Tco::Other => {
                    return Some(Span {
                        start: raw.start,
                        end: raw.end,
                    });
                }
                Tco::Slug(len) => {
                    return Some(Span {
                        start: raw.start,
                        end: raw.start + len,
                    });
                }
                Tco::TooLong => continue,
            }
        }
    }
}

/// The next match of the URL pattern at or after byte `from`.
///
/// twitter-text's pattern runs on UTF-16, so a character outside the BMP is two units, and the
/// second one, a lone surrogate, can start a host name after the first: in `🙏.şt.co/x` the host
/// is "(low surrogate).şt.co", preceded by a high surrogate rather than by the `.` that would
/// disqualify a bare `şt.co`. That start is tried too, in the same order.
fn find_raw(text: &str, from: usize) -> Option<RawUrl> {
    let mut q = from;
    // Starts below this byte cannot begin a bare domain (see `domain_end`).
    let mut no_domain_before = 0;
    while q < text.len() {
        let c = char_at(text, q)?;
        if c.len_utf16() == 2
            && let Some(url) = match_at(text, q, Some(c), &mut no_domain_before)
        {
            return Some(url);
        }
        // Same order as the pattern's alternatives: a preceding character first, then `^`.
        if may_precede_url(c)
            && let Some(url) = match_at(text, q + c.len_utf8(), Some(c), &mut no_domain_before)
        {
            return Some(url);
        }
        if q == 0
            && let Some(url) = match_at(text, 0, None, &mut no_domain_before)
        {
            return Some(url);
        }
        q += c.len_utf8();
    }
    None
}

/// The URL pattern anchored at byte `s`.
fn match_at(
    text: &str,
    s: usize,
    before: Option<char>,
    no_domain_before: &mut usize,
) -> Option<RawUrl> {
    let bytes = text.as_bytes();
    let rest = &bytes[s..];
    let protocol_len = if starts_with_ci(rest, b"https://") {
        8
    } else if starts_with_ci(rest, b"http://") {
        7
    } else {
        0
    };
    if protocol_len > 0 {
        // Without the protocol, `http:` is not a label followed by a dot, so no fallback.
        let domain_end = domain_end(text, s + protocol_len, &mut 0)?;
        return Some(finish(text, s, before, protocol_len, domain_end));
    }
    if s < *no_domain_before {
        return None;
    }
    let domain_end = domain_end(text, s, no_domain_before)?;
    Some(finish(text, s, before, 0, domain_end))
}

/// Scans one label (host-name characters, `-` and `_`) from `pos`; returns where it stops.
fn label_end(text: &str, pos: usize) -> usize {
    text[pos..]
        .char_indices()
        .find(|&(_, c)| !(is_domain_char(c) || c == '-' || c == '_'))
        .map_or(text.len(), |(i, _)| pos + i)
}

/// twitter-text's `validDomain` from byte `d`: labels ending with dots (subdomains may hold `_`,
/// the last label may not; none may start or end with `-` or `_`), then a TLD. As in the
/// pattern, the most labels are tried first, giving them back one by one until a TLD fits.
///
/// On failure, `no_domain_before` is raised past the starts that are bound to fail the same way,
/// so a long run of words or of dotted labels is not rescanned from every character.
fn domain_end(text: &str, d: usize, no_domain_before: &mut usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = d;
    loop {
        let e = label_end(text, pos);
        let dotted = bytes.get(e) == Some(&b'.');
        let valid = e > pos
            && dotted
            && !matches!(bytes[pos], b'-' | b'_')
            && !matches!(bytes[e - 1], b'-' | b'_');
        if !valid {
            if pos == d && !dotted {
                // Every start inside this run reaches the same non-dot.
                *no_domain_before = e;
            }
            break;
        }
        pos = e + 1;
    }
    // `pos` is just after the last dot; walk the candidate TLD positions back to the first label.
    let mut tld_anywhere = false;
    let mut tld_start = pos;
    while tld_start > d {
        let label_stop = tld_start - 1;
        let label_start = text[d..label_stop].rfind('.').map_or(d, |i| d + i + 1);
        if let Some(end) = tld_end(text, tld_start) {
            if !text[label_start..label_stop].contains('_') {
                return Some(end);
            }
            tld_anywhere = true;
        }
        tld_start = label_start;
    }
    if pos > d && !tld_anywhere {
        // A later start inside these labels has the same TLD positions or fewer, none of which
        // holds a TLD.
        *no_domain_before = pos;
    }
    None
}

/// Port, path and query after the domain, as far as twitter-text takes them.
fn finish(
    text: &str,
    start: usize,
    before: Option<char>,
    protocol_len: usize,
    domain_end: usize,
) -> RawUrl {
    let bytes = text.as_bytes();
    let mut end = domain_end;
    if bytes.get(end) == Some(&b':') {
        let digits = bytes[end + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 {
            end += 1 + digits;
        }
    }
    let has_path = bytes.get(end) == Some(&b'/');
    if has_path {
        end = path_end(text, end + 1);
    }
    if bytes.get(end) == Some(&b'?') {
        end = query_end(bytes, end + 1).unwrap_or(end);
    }
    RawUrl {
        before,
        start,
        protocol_len,
        domain_end,
        has_path,
        end,
    }
}

/// End of the path whose segments start after its `/` at `pos`.
///
/// twitter-text's path pattern is a repetition of segments, and because of how its pieces are
/// spliced together a segment is either path characters and balanced groups ending on an ending
/// character (`a;b(c)d`), or a balanced group alone (`(c)`). So `/wiki/Primer_(film)` is whole,
/// but `/a;(b)` stops at `/a`: the group follows `;`, which cannot end a segment. The pattern
/// takes segments greedily, one after the other, each as long as it can be.
fn path_end(text: &str, mut pos: usize) -> usize {
    loop {
        if let Some(end) = segment_end(text, pos) {
            pos = end;
        } else if let Some(end) = balanced_parens_end(text, pos) {
            pos = end;
        } else {
            return pos;
        }
    }
}

/// End of the longest "characters and groups, then an ending character" segment at `pos`: just
/// after the last ending character outside the groups.
fn segment_end(text: &str, mut pos: usize) -> Option<usize> {
    let mut end = None;
    loop {
        while let Some(c) = char_at(text, pos).filter(|&c| is_path_char(c)) {
            pos += c.len_utf8();
            if is_path_end_char(c) {
                end = Some(pos);
            }
        }
        match balanced_parens_end(text, pos) {
            Some(after) => pos = after,
            None => return end,
        }
    }
}

fn path_run_end(text: &str, pos: usize) -> usize {
    text[pos..]
        .char_indices()
        .find(|&(_, c)| !is_path_char(c))
        .map_or(text.len(), |(i, _)| pos + i)
}

/// A `(…)` group at `open` as in Wikipedia links (`/Primer_(film)`), with at most one nested
/// group (`/We_Up_(Album_Version_(Edited))`); returns the byte after its `)`.
fn balanced_parens_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let inner = open + 1;
    let run = path_run_end(text, inner);
    match bytes.get(run) {
        Some(b')') if run > inner => Some(run + 1),
        Some(b'(') => {
            let nested = path_run_end(text, run + 1);
            if nested == run + 1 || bytes.get(nested) != Some(&b')') {
                return None;
            }
            let tail = path_run_end(text, nested + 1);
            (bytes.get(tail) == Some(&b')')).then_some(tail + 1)
        }
        _ => None,
    }
}

/// End of a query whose characters start at `pos` (after `?`): the longest run of query
/// characters cut back to its last ending character; `None` if there is no such character.
fn query_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let run = bytes[pos..]
        .iter()
        .take_while(|&&b| is_query_char(b))
        .count();
    bytes[pos..pos + run]
        .iter()
        .rposition(|&b| is_query_end_char(b))
        .map(|i| pos + i + 1)
}

enum Tco {
    /// Not a t.co link: reported as matched.
    Other,
    /// A t.co link: only `https://t.co/slug?query` counts, so `http://t.co/abc's` stops at `abc`.
    Slug(usize),
    /// A slug over 40 characters is not a t.co link at all, and nothing is reported.
    TooLong,
}

fn tco_end(url: &str) -> Tco {
    let bytes = url.as_bytes();
    let protocol = if starts_with_ci(bytes, b"https://") {
        8
    } else if starts_with_ci(bytes, b"http://") {
        7
    } else {
        return Tco::Other;
    };
    if !starts_with_ci(&bytes[protocol..], b"t.co/") {
        return Tco::Other;
    }
    let slug_start = protocol + 5;
    let slug = bytes[slug_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if slug == 0 {
        return Tco::Other;
    }
    if slug > 40 {
        return Tco::TooLong;
    }
    let mut end = slug_start + slug;
    if bytes.get(end) == Some(&b'?') {
        end = query_end(bytes, end + 1).unwrap_or(end);
    }
    Tco::Slug(end)
}

/// twitter-text's `isValidUrl`: every label fits DNS's 63 characters once IDNA-encoded, a host
/// that claims to be punycode is ASCII, and the whole link stays under 4096 UTF-16 units.
fn is_valid_url(text: &str, raw: &RawUrl) -> bool {
    let domain = &text[raw.domain_start()..raw.domain_end];
    if domain.starts_with("xn--") && first_bare_domain(domain, 0, domain.len()).is_none() {
        return false;
    }
    if !domain.split('.').all(label_fits_dns) {
        return false;
    }
    // Without a protocol, twitter-text counts its default `https://`.
    let protocol_len = if raw.protocol_len == 0 {
        8
    } else {
        raw.protocol_len
    };
    let url = &text[raw.start..raw.end];
    // UTF-16 is never longer than UTF-8, so most links need no counting.
    url.len() + protocol_len <= 4096
        || url.chars().map(char::len_utf16).sum::<usize>() + protocol_len <= 4096
}

/// Whether a label is 1 to 63 characters once encoded the way punycode.js's `toASCII` does it:
/// ideographic full stops split it further, and non-ASCII parts become `xn--…`.
fn label_fits_dns(label: &str) -> bool {
    const MAX: usize = 63;
    let mut total = 0;
    for (i, part) in label
        .split(['\u{3002}', '\u{FF0E}', '\u{FF61}'])
        .enumerate()
    {
        total += usize::from(i > 0);
        total += if part.is_ascii() {
            part.len()
        } else {
            match punycode::encoded_len(part, MAX) {
                Some(len) => 4 + len,
                None => return false,
            }
        };
        if total > MAX {
            return false;
        }
    }
    total >= 1
}

/// Characters of a bare (protocol-less) domain label: ASCII letters, digits, `-`, and accented
/// Latin letters.
fn is_bare_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || in_set_ignoring_case(c, is_latin_accent)
}

/// The first bare domain (twitter-text's `validAsciiDomain`) in `text[from..to]`, with `to` as
/// the end of the searched text.
fn first_bare_domain(text: &str, from: usize, to: usize) -> Option<Span> {
    let hay = &text[..to];
    let mut a = from;
    while a < to {
        let c = char_at(hay, a)?;
        if !is_bare_label_char(c) {
            a += c.len_utf8();
            continue;
        }
        let mut pos = a;
        let mut first_run_end = None;
        loop {
            let e = hay[pos..]
                .char_indices()
                .find(|&(_, c)| !is_bare_label_char(c))
                .map_or(to, |(i, _)| pos + i);
            first_run_end.get_or_insert(e);
            if e > pos && hay.as_bytes().get(e) == Some(&b'.') {
                pos = e + 1;
            } else {
                break;
            }
        }
        let mut tld_start = pos;
        while tld_start > a {
            if let Some(end) = tld_end(hay, tld_start) {
                return Some(Span { start: a, end });
            }
            tld_start = hay[a..tld_start - 1].rfind('.').map_or(a, |i| a + i + 1);
        }
        // Any later start up to here sees the same dots, or fewer, so it fails too.
        a = if pos > a {
            pos
        } else {
            first_run_end.unwrap_or(to)
        };
    }
    None
}

/// The bare domains inside the host of a protocol-less match (`これは。example.com` yields
/// `example.com`); the last one takes the match's path and query when there is a path.
struct BareDomains {
    domain_end: usize,
    /// End of the whole match, given to the last domain when the match has a path.
    path_end: Option<usize>,
    /// The next domain, found ahead to know which one is the last.
    next: Option<Span>,
    /// Where twitter-text looks for the next domain's text to report its position.
    report_from: usize,
}

impl BareDomains {
    fn new(text: &str, raw: &RawUrl) -> Self {
        BareDomains {
            domain_end: raw.domain_end,
            path_end: raw.has_path.then_some(raw.end),
            next: first_bare_domain(text, raw.domain_start(), raw.domain_end),
            report_from: raw.domain_start(),
        }
    }

    fn next(&mut self, text: &str) -> Option<Span> {
        let found = self.next.take()?;
        self.next = first_bare_domain(text, found.end, self.domain_end);
        // twitter-text reports the position of the domain's *text*, searched from the end of the
        // previous report, so an earlier copy that did not match (`example.comx…example.com`)
        // is reported instead. The copy's span, extended by the path, can then cover hashtags.
        let copy = text[self.report_from..self.domain_end]
            .find(&text[found.start..found.end])
            .map_or(found.start, |i| self.report_from + i);
        let mut span = Span {
            start: copy,
            end: copy + (found.end - found.start),
        };
        self.report_from = span.end;
        if self.next.is_none()
            && let Some(end) = self.path_end
        {
            span.end = end;
        }
        Some(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    struct Extract {
        tests: BTreeMap<String, serde_norway::Value>,
    }

    #[derive(Deserialize)]
    struct Case<E> {
        description: String,
        text: String,
        expected: Vec<E>,
    }

    #[derive(Deserialize)]
    struct WithIndices {
        url: String,
        indices: [usize; 2],
    }

    fn urls(text: &str) -> Vec<(String, [usize; 2])> {
        let cp = |byte: usize| text[..byte].chars().count();
        Urls::new(text)
            .map(|s| (text[s.start..s.end].to_owned(), [cp(s.start), cp(s.end)]))
            .collect()
    }

    /// twitter-text's own URL cases: the hashtag rules depend on this extractor, so it is held to
    /// the same file as the hashtags.
    #[test]
    fn url_conformance() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/twitter-text/extract.yml"
        );
        let yaml = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!("cannot read twitter-text's conformance file {path}: {e} (it lives in shared/data beside the repository)")
        });
        let extract: Extract = serde_norway::from_str(&yaml).expect("extract.yml parses");
        let mut failures = Vec::new();
        let mut report = Vec::new();
        for section in ["urls", "tco_urls_with_params"] {
            let cases: Vec<Case<String>> =
                serde_norway::from_value(extract.tests[section].clone()).expect(section);
            let passed = cases
                .iter()
                .filter(|case| {
                    let got: Vec<String> = urls(&case.text).into_iter().map(|(u, _)| u).collect();
                    let ok = got == case.expected;
                    if !ok {
                        failures.push(format!(
                            "{section}: {}: {:?}: got {got:?}, want {:?}",
                            case.description, case.text, case.expected
                        ));
                    }
                    ok
                })
                .count();
            report.push(format!("{section}: {passed}/{} passed", cases.len()));
        }
        for section in ["urls_with_indices", "urls_with_directional_markers"] {
            let cases: Vec<Case<WithIndices>> =
                serde_norway::from_value(extract.tests[section].clone()).expect(section);
            let passed = cases
                .iter()
                .filter(|case| {
                    let got = urls(&case.text);
                    let want: Vec<(String, [usize; 2])> = case
                        .expected
                        .iter()
                        .map(|e| (e.url.clone(), e.indices))
                        .collect();
                    let ok = got == want;
                    if !ok {
                        failures.push(format!(
                            "{section}: {}: {:?}: got {got:?}, want {want:?}",
                            case.description, case.text
                        ));
                    }
                    ok
                })
                .count();
            report.push(format!("{section}: {passed}/{} passed", cases.len()));
        }
        println!("{}", report.join("\n"));
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn hash_inside_a_url_is_seen_as_such() {
        assert!(may_precede_hash_in_url('/'));
        assert!(may_precede_hash_in_url('?'));
        assert!(may_precede_hash_in_url('='));
        assert!(!may_precede_hash_in_url(' '));
        assert!(!may_precede_hash_in_url('\n'));
        assert!(!may_precede_hash_in_url('。'));
    }
}
