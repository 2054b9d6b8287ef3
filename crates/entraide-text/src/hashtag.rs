//! The hashtag scan: twitter-text's `validHashtag` pattern and its end check, run by hand.
//!
//! The pattern is `(boundary)(#|＃)(?!\uFE0F|\u20E3)(alnum* alpha alnum*)`, applied left to
//! right with each match consuming its text, and a match is then dropped (still consumed) when
//! another hash sign or `://` follows it. Written out:
//! - the body is the longest run of hashtag characters after the hash, and needs a letter or mark;
//! - the character before the hash must be a non-word character (see [`may_precede_hashtag`])
//!   that the previous match did not consume, so in `#a#b` neither is a tag, while `#a##b`
//!   yields `b`;
//! - a hash followed by U+FE0F or U+20E3 is the keycap emoji #️⃣, not a tag.

use crate::Found;
use crate::chars::{TagChar, may_precede_hashtag, tag_char};
use crate::url::may_precede_hash_in_url;

const FULLWIDTH_HASH: &[u8] = "＃".as_bytes();

/// Appends the hashtags of `text` to `out`, before any URL check. Returns whether one of them
/// could lie inside a URL, so the caller can skip URL detection for the usual post.
pub(crate) fn scan<'a, T: Found<'a>>(text: &'a str, out: &mut Vec<T>) -> bool {
    let bytes = text.as_bytes();
    let mut search = 0;
    // End of the previous match (accepted or dropped): its characters cannot be a boundary.
    let mut consumed = 0;
    // Code points are counted only between hashtags, lazily: (byte offset, code points before it).
    let mut counted = (0, 0);
    let mut maybe_in_url = false;
    // '＃' is EF BC 83 in UTF-8; searching for its lead byte keeps the search vectorised.
    while let Some(found) = memchr::memchr2(b'#', FULLWIDTH_HASH[0], &bytes[search..]) {
        let hash = search + found;
        let hash_len = if bytes[hash] == b'#' {
            1
        } else if bytes[hash..].starts_with(FULLWIDTH_HASH) {
            FULLWIDTH_HASH.len()
        } else {
            search = hash + 1;
            continue;
        };
        search = hash + hash_len;

        let before = text[..hash].chars().next_back();
        if let Some(b) = before
            && (hash - b.len_utf8() < consumed || !may_precede_hashtag(b))
        {
            continue;
        }
        let body_start = hash + hash_len;
        let rest = &text[body_start..];
        if rest.starts_with(['\u{FE0F}', '\u{20E3}']) {
            continue;
        }
        let mut has_alpha = false;
        let mut body_len = rest.len();
        for (i, c) in rest.char_indices() {
            match tag_char(c) {
                TagChar::Alpha => has_alpha = true,
                TagChar::Other => {}
                TagChar::Outside => {
                    body_len = i;
                    break;
                }
            }
        }
        if !has_alpha {
            continue;
        }
        let end = body_start + body_len;
        consumed = end;
        search = end;
        let after = &bytes[end..];
        if after.starts_with(b"#") || after.starts_with(FULLWIDTH_HASH) || after.starts_with(b"://")
        {
            continue;
        }

        let tag = &text[body_start..end];
        // A full-width hash is a host-name character for twitter-text, so it may be inside a
        // link's host whatever precedes it.
        maybe_in_url |= before.is_some_and(|b| hash_len > 1 || may_precede_hash_in_url(b));
        out.push(T::found(tag, || {
            let start_cp = counted.1 + text[counted.0..hash].chars().count();
            let end_cp = start_cp + 1 + tag.chars().count();
            counted = (end, end_cp);
            (start_cp, end_cp)
        }));
    }
    maybe_in_url
}

/// Byte range of a hashtag (its body, a slice of `text`), hash sign included.
pub(crate) fn byte_range(text: &str, tag: &str) -> (usize, usize) {
    let body = tag.as_ptr() as usize - text.as_ptr() as usize;
    let hash_len = if text.as_bytes()[body - 1] == b'#' {
        1
    } else {
        FULLWIDTH_HASH.len()
    };
    (body - hash_len, body + tag.len())
}
