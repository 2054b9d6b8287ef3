//! One post per JSON line, in our shape or as a classic Twitter API v1.1 status.

use chrono::{DateTime, Utc};
use h3o::LatLng;
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// A bounding box wider than this (its diagonal, in km) says "somewhere in a region or a
/// country", which would put a post in a cell it has nothing to do with: we drop the place.
pub const MAX_BBOX_KM: f64 = 100.0;

/// A post, whatever shape it came in.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: String,
    pub text: String,
    /// The post's own time: counting follows it, so an archive replays as it happened.
    pub created_at: DateTime<Utc>,
    pub lang: Option<String>,
    /// Where the post was written, if known closely enough (see [`MAX_BBOX_KM`]).
    pub place: Option<LatLng>,
    pub author: Option<String>,
}

/// Why a line is not a post. The reader adds the line number, which this parser never sees.
#[derive(Debug, Clone, PartialEq)]
pub enum PostError {
    /// Not JSON, or JSON of the wrong shape (serde's message says where).
    Json(String),
    MissingField(&'static str),
    /// `created_at` is neither RFC 3339 nor Twitter's `Fri Nov 13 21:25:03 +0000 2015`.
    BadTime(String),
    /// Coordinates out of range or not numbers.
    BadCoordinates(String),
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(e) => write!(f, "invalid JSON post: {e}"),
            Self::MissingField(name) => write!(f, "missing field `{name}`"),
            Self::BadTime(t) => write!(
                f,
                "`created_at` {t:?} is neither RFC 3339 nor Twitter's format (Fri Nov 13 21:25:03 +0000 2015)"
            ),
            Self::BadCoordinates(c) => write!(f, "invalid coordinates: {c}"),
        }
    }
}

impl std::error::Error for PostError {}

/// Twitter gives `id` as a number (and `id_str` as text); ours is text.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawId {
    Text(String),
    Number(u64),
}

#[derive(Deserialize)]
struct RawUser {
    screen_name: Option<String>,
}

#[derive(Deserialize)]
struct RawPoint {
    /// GeoJSON order: `[lon, lat]`.
    coordinates: [f64; 2],
}

#[derive(Deserialize)]
struct RawBoundingBox {
    /// A GeoJSON polygon: rings of `[lon, lat]`.
    coordinates: Vec<Vec<[f64; 2]>>,
}

#[derive(Deserialize)]
struct RawPlace {
    /// Ours: `[w, s, e, n]`.
    bbox: Option<[f64; 4]>,
    /// Twitter's.
    bounding_box: Option<RawBoundingBox>,
}

/// Every field either shape may carry; unknown fields (a Twitter status has dozens) are skipped.
#[derive(Deserialize)]
struct RawPost {
    id: Option<RawId>,
    id_str: Option<String>,
    text: Option<String>,
    /// Twitter's extended mode puts the untruncated text here.
    full_text: Option<String>,
    created_at: Option<String>,
    lang: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    coordinates: Option<RawPoint>,
    place: Option<RawPlace>,
    author: Option<String>,
    user: Option<RawUser>,
}

/// Parses one JSON line into a [`Post`].
pub fn parse_post(line: &str) -> Result<Post, PostError> {
    if let Some(fields) = scan(line) {
        return Ok(Post {
            created_at: fields.created_at(),
            id: fields.id.into_owned(),
            text: fields.text.into_owned(),
            lang: fields.lang.map(Cow::into_owned),
            place: fields.place,
            author: fields.author.map(Cow::into_owned),
        });
    }
    parse_post_slowly(line)
}

/// What the counting needs of a post, borrowed from its line where it can be.
pub struct Fields<'a> {
    pub id: Cow<'a, str>,
    pub text: Cow<'a, str>,
    /// `created_at` as seconds and nanoseconds since the epoch: the counting needs only its
    /// minute, and a [`DateTime`] costs a calendar computation per post.
    pub seconds: i64,
    pub nanos: u32,
    pub lang: Option<Cow<'a, str>>,
    pub place: Option<LatLng>,
    pub author: Option<Cow<'a, str>>,
}

impl Fields<'_> {
    pub fn created_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.seconds, self.nanos).expect("a four-digit year")
    }
}

/// The fast path: one pass over a flat JSON object in our shape (strings, numbers, `null`;
/// nested values skipped unless they are `coordinates`, `place` or `user`). `None` for
/// anything else — a Twitter status, an error of any kind — which then goes through serde,
/// so the answer (and every error message) is the same as serde's, only faster.
pub fn scan(line: &str) -> Option<Fields<'_>> {
    scan_in_order(line).or_else(|| scan_any_order(line))
}

/// [`scan`] of a line written as we write posts (`entraide simulate`, our examples): keys in
/// the order id, text, created_at, lang, lat, lon, author (the last four optional), no
/// spaces. Each key is then one comparison of its quoted bytes with what comes next, instead
/// of a string read and looked up: 38% fewer instructions per line scanned. `None` for any
/// other line, left to [`scan_any_order`].
fn scan_in_order(line: &str) -> Option<Fields<'_>> {
    let mut s = Scanner::new(line);
    s.key(b"{\"id\":")?;
    if s.peek()? != b'"' {
        return None;
    }
    let id = s.string()?;
    s.key(b",\"text\":")?;
    let text = s.string()?;
    s.key(b",\"created_at\":")?;
    let created_at = s.string()?;
    let lang = match s.key(b",\"lang\":") {
        Some(()) => s.null_or(Scanner::string)?,
        None => None,
    };
    let (lat, lon) = match s.key(b",\"lat\":") {
        Some(()) => {
            let lat = s.null_or(Scanner::number)?;
            s.key(b",\"lon\":")?;
            (lat, s.null_or(Scanner::number)?)
        }
        None => (None, None),
    };
    let author = match s.key(b",\"author\":") {
        Some(()) => s.null_or(Scanner::string)?,
        None => None,
    };
    s.key(b"}")?;
    if s.at != s.bytes.len() {
        return None;
    }
    fields(id, text, created_at, lang, lat, lon, author)
}

/// [`scan`] of any flat object: keys in any order, spaces anywhere.
fn scan_any_order(line: &str) -> Option<Fields<'_>> {
    let mut s = Scanner::new(line);
    let (mut id, mut text, mut full_text, mut created_at) = (None, None, None, None);
    let (mut lang, mut author, mut lat, mut lon) = (None, None, None, None);
    s.ws();
    s.eat(b'{')?;
    s.ws();
    if s.peek()? != b'}' {
        loop {
            s.ws();
            let key = s.string()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            match &*key {
                "id" | "id_str" => {
                    if s.peek()? == b'"' {
                        id = Some(s.string()?);
                    } else {
                        return None;
                    }
                }
                "text" => text = Some(s.string()?),
                "full_text" => full_text = Some(s.string()?),
                "created_at" => created_at = Some(s.string()?),
                "lang" => lang = s.null_or(Scanner::string)?,
                "author" => author = s.null_or(Scanner::string)?,
                "lat" => lat = s.null_or(Scanner::number)?,
                "lon" => lon = s.null_or(Scanner::number)?,
                "coordinates" | "place" | "user" => {
                    s.null_or(|_| None::<()>)?;
                }
                _ => s.skip(0)?,
            }
            s.ws();
            match s.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    } else {
        s.at += 1;
    }
    s.ws();
    if s.at != s.bytes.len() {
        return None;
    }
    fields(
        id?,
        full_text.or(text)?,
        created_at?,
        lang,
        lat,
        lon,
        author,
    )
}

/// The fields of a post as scanned, checked: a place needs both coordinates, in range, and
/// the time must be one [`fast_time`] reads.
fn fields<'a>(
    id: Cow<'a, str>,
    text: Cow<'a, str>,
    created_at: Cow<'a, str>,
    lang: Option<Cow<'a, str>>,
    lat: Option<f64>,
    lon: Option<f64>,
    author: Option<Cow<'a, str>>,
) -> Option<Fields<'a>> {
    let place = match (lat, lon) {
        (Some(lat), Some(lon)) => Some(point(lat, lon).ok()?),
        (None, None) => None,
        _ => return None,
    };
    let (seconds, nanos) = fast_time(&created_at)?;
    Some(Fields {
        id,
        text,
        seconds,
        nanos,
        lang,
        place,
        author,
    })
}

/// A cursor over a JSON line for [`scan`]: every method answers `None` when the input is not
/// what it expects, and the caller gives up on the fast path.
struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(line: &'a str) -> Self {
        Self {
            bytes: line.as_bytes(),
            text: line,
            at: 0,
        }
    }

    /// Moves past `expected` (a key with its quotes and colon, and what precedes it) if the
    /// line goes on with it.
    #[inline(always)]
    fn key(&mut self, expected: &[u8]) -> Option<()> {
        let found = self.bytes[self.at..].starts_with(expected);
        self.at += if found { expected.len() } else { 0 };
        found.then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn null_or<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.bytes[self.at..].starts_with(b"null") {
            self.at += 4;
            Some(None)
        } else {
            f(self).map(Some)
        }
    }

    /// A string, borrowed when it has no escapes. Inlined: a post has a dozen strings, keys
    /// included, nearly all without escapes.
    #[inline(always)]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.at;
        let end = start + plain_run(&self.bytes[start..])?;
        if self.bytes[end] == b'"' {
            self.at = end + 1;
            return Some(Cow::Borrowed(&self.text[start..end]));
        }
        self.escaped_string(start, end)
    }

    /// The rest of a string from `start` whose plain run ends at `end` on a backslash (or on a
    /// control character, refused): unescaped into a new string.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self, start: usize, end: usize) -> Option<Cow<'a, str>> {
        if self.bytes[end] != b'\\' {
            // A raw control character, which JSON does not allow.
            return None;
        }
        let mut out = String::from(&self.text[start..end]);
        self.at = end;
        loop {
            let b = self.next()?;
            match b {
                b'"' => return Some(Cow::Owned(out)),
                b'\\' => match self.next()? {
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'/' => out.push('/'),
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'u' => {
                        let high = self.hex4()?;
                        let c = if (0xD800..0xDC00).contains(&high) {
                            self.eat(b'\\')?;
                            self.eat(b'u')?;
                            let low = self.hex4()?;
                            if !(0xDC00..0xE000).contains(&low) {
                                return None;
                            }
                            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            high
                        };
                        out.push(char::from_u32(c)?);
                    }
                    _ => return None,
                },
                0..0x20 => return None,
                _ => {
                    // Copy the run up to the next special byte at once; a control character
                    // there is refused on the next turn.
                    let start = self.at - 1;
                    let end = start + plain_run(&self.bytes[start..])?;
                    out.push_str(&self.text[start..end]);
                    self.at = end;
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        self.at += 4;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }

    /// A JSON number: a plain decimal directly (see [`plain_decimal`]), anything else with the
    /// grammar checked loosely, then Rust's parser.
    fn number(&mut self) -> Option<f64> {
        if let Some((n, len)) = plain_decimal(&self.bytes[self.at..]) {
            self.at += len;
            return Some(n);
        }
        let start = self.at;
        if !matches!(self.peek()?, b'-' | b'0'..=b'9') {
            return None;
        }
        while matches!(
            self.peek(),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.at += 1;
        }
        let n: f64 = self.text[start..self.at].parse().ok()?;
        n.is_finite().then_some(n)
    }

    /// Skips any value, checking it is JSON; nesting deeper than 64 goes to serde.
    fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > 64 {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' | b'[' => {
                let close = if self.next()? == b'{' { b'}' } else { b']' };
                self.ws();
                if self.peek()? == close {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    if close == b'}' {
                        self.string()?;
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => continue,
                        b if b == close => return Some(()),
                        _ => return None,
                    }
                }
            }
            b't' | b'f' | b'n' => {
                for literal in [&b"true"[..], b"false", b"null"] {
                    if self.bytes[self.at..].starts_with(literal) {
                        self.at += literal.len();
                        return Some(());
                    }
                }
                None
            }
            _ => self.number().map(drop),
        }
    }
}

/// Where the run of plain string bytes at the start of `bytes` ends: at the first `"`, `\`
/// or control character (below 0x20, which JSON refuses raw); `None` if there is none.
///
/// Every byte of every post goes through here, mostly in runs of 2 to 200 bytes: eight at a
/// time as one `u64` (the "has a byte less than n" bit trick), which beats a vectorised search
/// whose setup outweighs such short runs. In each test, a byte can be flagged wrongly only
/// above a byte flagged rightly, so the lowest flag of the three is a true one.
fn plain_run(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x;
    let mut chunks = bytes.chunks_exact(8);
    for (i, chunk) in chunks.by_ref().enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let flags = (below(quote, 1) | below(backslash, 1) | below(x, 0x20)) & HIGHS;
        if flags != 0 {
            return Some(i * 8 + flags.trailing_zeros() as usize / 8);
        }
    }
    let done = bytes.len() - chunks.remainder().len();
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| done + i)
}

/// A number written `-?digits(.digits)?` with at most 15 digits in all, as coordinates are:
/// (its value, its length). Its digits and its power of ten are then both exact doubles, so
/// one division rounds exactly as a full parser would (Clinger's fast path). `None` for
/// anything else, left to the full parser.
fn plain_decimal(bytes: &[u8]) -> Option<(f64, usize)> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let negative = bytes.first() == Some(&b'-');
    let mut at = usize::from(negative);
    let mut digits = 0usize;
    let mut mantissa = 0u64;
    let mut read_digits = |at: &mut usize| {
        let start = *at;
        while let Some(d) = bytes.get(*at).filter(|d| d.is_ascii_digit()) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            *at += 1;
        }
        digits += *at - start;
        *at - start
    };
    if read_digits(&mut at) == 0 {
        return None;
    }
    let mut scale = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        scale = read_digits(&mut at);
        if scale == 0 {
            return None;
        }
    }
    if digits > 15 || matches!(bytes.get(at), Some(b'e' | b'E' | b'.' | b'+' | b'-')) {
        return None;
    }
    let n = mantissa as f64 / POWERS[scale];
    Some((if negative { -n } else { n }, at))
}

/// A minute [`fast_time`] read, by its text: `YYYY-MM-DDTHH:MM` and the zone after the
/// seconds (`Z`, `+01:00`), with the epoch second it starts at. Posts come nearly in time
/// order, so thousands in a row share their minute: only their seconds need reading, and the
/// calendar arithmetic, most of a time's cost, is done once per minute.
#[derive(Clone, Copy)]
struct KnownMinute {
    minute: [u8; 16],
    zone: [u8; 6],
    zone_len: usize,
    starts_at: i64,
}

thread_local! {
    // One per thread, as the scan runs on whichever thread counts. Another minute than the
    // one kept only costs the full computation.
    static LAST_MINUTE: std::cell::Cell<Option<KnownMinute>> = const { std::cell::Cell::new(None) };
}

/// The minute and zone of `time` if it is written `YYYY-MM-DDTHH:MM:SS` then a zone of at
/// most six bytes (no fraction), with its seconds; `None` for other shapes, never cached.
fn minute_and_zone(time: &[u8]) -> Option<([u8; 16], &[u8], i64)> {
    let (minute, rest) = time.split_first_chunk::<16>()?;
    let (&[colon, s1, s2], zone) = rest.split_first_chunk::<3>()?;
    if colon != b':' || !s1.is_ascii_digit() || !s2.is_ascii_digit() || zone.len() > 6 {
        return None;
    }
    if zone.first() == Some(&b'.') {
        return None;
    }
    Some((
        *minute,
        zone,
        i64::from(s1 - b'0') * 10 + i64::from(s2 - b'0'),
    ))
}

/// RFC 3339 as we and most archives write it (`2015-11-13T21:40:00Z`, `…+01:00`, optional
/// fraction), computed directly as (seconds, nanoseconds) since the epoch; anything else goes
/// to chrono.
fn fast_time(s: &str) -> Option<(i64, u32)> {
    let shape = minute_and_zone(s.as_bytes());
    if let (Some((minute, zone, second)), Some(known)) = (shape, LAST_MINUTE.get())
        && second <= 59
        && minute == known.minute
        && zone == &known.zone[..known.zone_len]
    {
        return Some((known.starts_at + second, 0));
    }
    let (seconds, nanos) = time_from_text(s)?;
    if let Some((minute, zone, second)) = shape {
        let mut known = KnownMinute {
            minute,
            zone: [0; 6],
            zone_len: zone.len(),
            starts_at: seconds - second,
        };
        known.zone[..zone.len()].copy_from_slice(zone);
        LAST_MINUTE.set(Some(known));
    }
    Some((seconds, nanos))
}

/// [`fast_time`]'s full computation.
fn time_from_text(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digit = |d: &u8| d.is_ascii_digit().then(|| i64::from(d - b'0'));
            let minutes = (digit(h1)? * 10 + digit(h2)?) * 60 + digit(m1)? * 10 + digit(m2)?;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    // Second 60 (a leap second) and impossible dates go to chrono, which knows them.
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    Some((seconds, nanos))
}

fn parse_post_slowly(line: &str) -> Result<Post, PostError> {
    let raw: RawPost = serde_json::from_str(line).map_err(|e| PostError::Json(e.to_string()))?;
    let id = match (raw.id_str, raw.id) {
        (Some(s), _) | (None, Some(RawId::Text(s))) => s,
        (None, Some(RawId::Number(n))) => n.to_string(),
        (None, None) => return Err(PostError::MissingField("id")),
    };
    let text = raw
        .full_text
        .or(raw.text)
        .ok_or(PostError::MissingField("text"))?;
    let created_at = parse_time(
        raw.created_at
            .as_deref()
            .ok_or(PostError::MissingField("created_at"))?,
    )?;
    let place = match (raw.lat, raw.lon, raw.coordinates) {
        (Some(lat), Some(lon), _) => Some(point(lat, lon)?),
        (Some(_), None, _) | (None, Some(_), _) => {
            return Err(PostError::BadCoordinates(
                "`lat` and `lon` go together".into(),
            ));
        }
        (None, None, Some(p)) => Some(point(p.coordinates[1], p.coordinates[0])?),
        (None, None, None) => match raw.place {
            Some(p) => place_centre(&p)?,
            None => None,
        },
    };
    let author = raw.author.or(raw.user.and_then(|u| u.screen_name));
    Ok(Post {
        id,
        text,
        created_at,
        lang: raw.lang,
        place,
        author,
    })
}

fn point(lat: f64, lon: f64) -> Result<LatLng, PostError> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(PostError::BadCoordinates(format!("lat {lat}, lon {lon}")));
    }
    LatLng::new(lat, lon).map_err(|e| PostError::BadCoordinates(e.to_string()))
}

/// The centre of a place's box, or `None` when the box is too wide to mean a place.
fn place_centre(place: &RawPlace) -> Result<Option<LatLng>, PostError> {
    let (w, s, e, n) = if let Some([w, s, e, n]) = place.bbox {
        (w, s, e, n)
    } else if let Some(bb) = &place.bounding_box {
        let mut corners = bb.coordinates.iter().flatten();
        let Some(&[lon0, lat0]) = corners.next() else {
            return Ok(None);
        };
        corners.fold((lon0, lat0, lon0, lat0), |(w, s, e, n), &[lon, lat]| {
            (w.min(lon), s.min(lat), e.max(lon), n.max(lat))
        })
    } else {
        return Ok(None);
    };
    let (sw, ne) = (point(s, w)?, point(n, e)?);
    if sw.distance_km(ne) > MAX_BBOX_KM {
        return Ok(None);
    }
    // A box crossing the antimeridian (w > e) is far wider than 100 km on most of the globe,
    // except near the poles, where nobody tweets: the plain mean is enough.
    point((s + n) / 2.0, (w + e) / 2.0).map(Some)
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, PostError> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%a %b %d %H:%M:%S %z %Y"))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| PostError::BadTime(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast scan and serde agree on every line they both read, and the scan declines what
    /// it does not know.
    #[test]
    fn the_fast_scan_agrees_with_serde() {
        let lines = [
            r##"{"id":"a1","text":"Abri #PorteOuverte","created_at":"2015-11-13T21:40:00+01:00","lang":"fr","lat":48.8625,"lon":2.3703,"author":"marie"}"##,
            r##"{ "id" : "a2", "text":"caf\u00e9 \"#Paris\" \ud83d\ude4f\n\t\/","created_at":"2015-11-13T21:40:00.250Z","extra":{"a":[1,2.5e3,true,false,null,{"b":"c"}]},"lat":null,"lon":null}"##,
            r##"{"id":"a3","text":"x","created_at":"2016-02-29T23:59:59-05:30","place":null,"author":null}"##,
            r##"{"text":"x","id":"a4","created_at":"2015-11-13T21:40:00Z","lat":-33.5,"lon":-70}"##,
        ];
        for line in lines {
            let fast = scan(line).unwrap_or_else(|| panic!("declined {line}"));
            let slow = parse_post_slowly(line).unwrap();
            assert_eq!(fast.id, slow.id);
            assert_eq!(fast.text, slow.text);
            assert_eq!(fast.created_at(), slow.created_at, "{line}");
            assert_eq!(fast.place, slow.place);
            assert_eq!(fast.lang.as_deref(), slow.lang.as_deref());
            assert_eq!(fast.author.as_deref(), slow.author.as_deref());
            assert_eq!(parse_post(line).unwrap(), slow);
        }
        assert_eq!(scan(lines[1]).unwrap().text, "café \"#Paris\" 🙏\n\t/");
        for declined in [
            "{not json",
            r#"{"id":"1","created_at":"2015-11-13T21:40:00Z"}"#,
            r#"{"id":"1","text":"x","created_at":"yesterday"}"#,
            r#"{"id":"1","text":"x","created_at":"2015-02-29T10:00:00Z"}"#,
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z"} trailing"#,
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","lat":95,"lon":2}"#,
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","lat":48}"#,
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","x":tru}"#,
            r#"{"id":7,"text":"x","created_at":"2015-11-13T21:40:00Z"}"#,
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","place":{"bbox":[2.36,48.86,2.38,48.87]}}"#,
            "{\"id\":\"1\",\"text\":\"a\u{1}b\",\"created_at\":\"2015-11-13T21:40:00Z\"}",
        ] {
            assert!(scan(declined).is_none(), "{declined}");
        }
        // Declined lines still parse, or fail, exactly as before.
        assert_eq!(
            parse_post(r#"{"id":7,"text":"x","created_at":"2015-11-13T21:40:00Z"}"#)
                .unwrap()
                .id,
            "7"
        );
        assert!(
            parse_post(r#"{"id":"1","text":"x","created_at":"2015-02-29T10:00:00Z"}"#).is_err()
        );
    }

    /// Texts of every length around where the scan switches from a byte loop to a vectorised
    /// search, with a quote, an escape or a control character at each position: the scan reads
    /// them as serde does, or declines them as serde refuses them.
    #[test]
    fn the_fast_scan_agrees_with_serde_at_every_text_length() {
        for len in 0..40 {
            for (i, odd) in ["\\\"", "\\n", "\u{1}", "é"].iter().enumerate() {
                for at in 0..=len {
                    let text = format!("{}{odd}{}", "a".repeat(at), "b".repeat(len - at));
                    let line = format!(
                        r#"{{"id":"{i}","text":"{text}","created_at":"2015-11-13T21:40:00Z"}}"#
                    );
                    match (scan(&line), parse_post_slowly(&line)) {
                        (Some(fast), Ok(slow)) => assert_eq!(fast.text, slow.text, "{line}"),
                        (None, Err(_)) => {}
                        (fast, slow) => panic!("{line}: {:?} vs {slow:?}", fast.map(|f| f.text)),
                    }
                }
            }
            // Unterminated: declined at any length.
            let line = format!(r#"{{"id":"1","text":"{}"#, "a".repeat(len));
            assert!(scan(&line).is_none(), "{line}");
        }
    }

    /// The eight-at-a-time search finds the same byte as a plain loop, wherever the special
    /// byte sits in the word and whatever bytes (UTF-8 included) surround it.
    #[test]
    fn plain_run_finds_the_first_special_byte() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        for len in 0..40 {
            for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                for at in 0..=len {
                    for filler in [b'a', 0x7f, 0x80, 0xff, 0x21, 0x5b, 0x5d] {
                        let mut bytes = vec![filler; len];
                        if at < len {
                            bytes[at] = special;
                        }
                        assert_eq!(plain_run(&bytes), naive(&bytes), "{bytes:?}");
                        // A second special byte after the first changes nothing.
                        bytes.push(b'"');
                        assert_eq!(plain_run(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
    }

    /// The fast decimal path gives the very double Rust's parser gives, and leaves what it
    /// cannot read exactly to it.
    /// Lines in our order are read by the in-order path, and exactly as the general one reads
    /// them; a line out of that order is left to the general path.
    #[test]
    fn the_in_order_scan_agrees_with_the_general_one() {
        let head = r#"{"id":"p1","text":"Abri #PorteOuverte \u00e9","created_at":"2015-11-13T21:40:00+01:00""#;
        let tails = [
            "}",
            r#","lang":"fr"}"#,
            r#","lang":null,"author":"marie"}"#,
            r#","lat":48.8625,"lon":2.3703}"#,
            r#","lat":null,"lon":null,"author":null}"#,
            r#","lang":"fr","lat":-33.5,"lon":-70,"author":"marie"}"#,
        ];
        let same = |a: &Fields<'_>, b: &Fields<'_>| {
            (
                &a.id, &a.text, a.seconds, a.nanos, &a.lang, a.place, &a.author,
            ) == (
                &b.id, &b.text, b.seconds, b.nanos, &b.lang, b.place, &b.author,
            )
        };
        for tail in tails {
            let line = format!("{head}{tail}");
            let in_order = scan_in_order(&line).unwrap_or_else(|| panic!("declined {line}"));
            let general = scan_any_order(&line).expect("the general path reads it");
            assert!(same(&in_order, &general), "{line}");
        }
        for other in [
            r#"{"text":"x","id":"a","created_at":"2015-11-13T21:40:00Z"}"#,
            r#"{"id":"a","text":"x","created_at":"2015-11-13T21:40:00Z","author":"b","lang":"fr"}"#,
            r#"{ "id":"a","text":"x","created_at":"2015-11-13T21:40:00Z"}"#,
            r#"{"id":"a","text":"x","created_at":"2015-11-13T21:40:00Z","extra":1}"#,
        ] {
            assert!(scan_in_order(other).is_none(), "{other}");
            assert!(scan(other).is_some(), "{other}");
        }
    }

    /// Times read one after the other, as a stream reads them, so most are answered from the
    /// minute before: every answer is chrono's, whatever the zone, date or second.
    #[test]
    fn times_read_from_a_known_minute_are_chronos() {
        let mut times = Vec::new();
        for date in ["2015-11-13", "2016-02-29", "1999-12-31", "2000-01-01"] {
            for (hour, minute) in [(21, 40), (23, 59), (0, 0)] {
                for second in (0..=60).chain([59, 0, 7]) {
                    for zone in ["Z", "+01:00", "-05:30", "z", "+00:00", ".5Z", ".250+01:00"] {
                        times.push(format!("{date}T{hour:02}:{minute:02}:{second:02}{zone}"));
                    }
                }
            }
        }
        // Shapes the fast path refuses, between known minutes.
        times.extend(
            [
                "2015-11-13T21:40:0xZ",
                "2015-11-13T21:40:00+01:00 ",
                "2015-11-13T21:40:00",
            ]
            .map(String::from),
        );
        times.extend(
            [
                "2015-11-13T21:40:05+01:00",
                "2015-11-13T21:40:05+02:00",
                "2015-11-13T21:40:05Z",
            ]
            .map(String::from),
        );
        for time in &times {
            let expected = DateTime::parse_from_rfc3339(time)
                .ok()
                .map(|t| (t.timestamp(), t.timestamp_subsec_nanos()));
            match fast_time(time) {
                Some(got) => assert_eq!(Some(got), expected, "{time}"),
                // Declining is always allowed: chrono then reads it.
                None => assert!(
                    expected.is_none() || time.contains(":60"),
                    "{time} declined"
                ),
            }
        }
    }

    #[test]
    fn plain_decimals_are_exactly_what_the_full_parser_reads() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let r = next();
            let int = r % 1000;
            let places = (r >> 10) % 13;
            let frac = (r >> 20) % 10u64.pow(places as u32).max(1);
            let sign = if r >> 63 == 1 { "-" } else { "" };
            let text = if places == 0 {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac:0width$}", width = places as usize)
            };
            let (n, len) = plain_decimal(text.as_bytes()).expect(&text);
            assert_eq!(len, text.len());
            assert_eq!(
                n.to_bits(),
                text.parse::<f64>().unwrap().to_bits(),
                "{text}"
            );
        }
        for declined in ["1e5", "1.5E3", "-", ".5", "1.", "1234567890.1234567", "x"] {
            assert_eq!(plain_decimal(declined.as_bytes()), None, "{declined}");
        }
        // The number ends where JSON goes on.
        assert_eq!(plain_decimal(b"48.86,"), Some((48.86, 5)));
    }

    #[test]
    fn reads_our_shape_with_a_point() {
        let p = parse_post(
            r##"{"id":"a1","text":"Abri #PorteOuverte","created_at":"2015-11-13T21:40:00+01:00","lang":"fr","lat":48.8625,"lon":2.3703,"author":"marie"}"##,
        )
        .unwrap();
        assert_eq!(p.id, "a1");
        assert_eq!(p.created_at.to_rfc3339(), "2015-11-13T20:40:00+00:00");
        let place = p.place.unwrap();
        assert!((place.lat() - 48.8625).abs() < 1e-9 && (place.lng() - 2.3703).abs() < 1e-9);
        assert_eq!(p.author.as_deref(), Some("marie"));
        assert_eq!(p.lang.as_deref(), Some("fr"));
    }

    #[test]
    fn small_bbox_gives_its_centre_and_a_wide_one_nothing() {
        let small = parse_post(
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","place":{"bbox":[2.36,48.86,2.38,48.87]}}"#,
        )
        .unwrap();
        let c = small.place.unwrap();
        assert!((c.lat() - 48.865).abs() < 1e-9 && (c.lng() - 2.37).abs() < 1e-9);
        // France as a whole.
        let wide = parse_post(
            r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","place":{"bbox":[-5.1,41.3,9.6,51.1]}}"#,
        )
        .unwrap();
        assert_eq!(wide.place, None);
    }

    #[test]
    fn reads_a_twitter_v1_status() {
        let line = r##"{"created_at":"Fri Nov 13 21:25:03 +0000 2015","id":665278433286238208,"id_str":"665278433286238208","text":"#PorteOuverte rue Oberkampf","user":{"id":1,"screen_name":"paul"},"coordinates":{"type":"Point","coordinates":[2.3798,48.8652]},"place":null,"entities":{"hashtags":[]},"lang":"fr"}"##;
        let p = parse_post(line).unwrap();
        assert_eq!(p.id, "665278433286238208");
        assert_eq!(p.created_at.to_rfc3339(), "2015-11-13T21:25:03+00:00");
        let c = p.place.unwrap();
        assert!((c.lat() - 48.8652).abs() < 1e-9 && (c.lng() - 2.3798).abs() < 1e-9);
        assert_eq!(p.author.as_deref(), Some("paul"));
    }

    #[test]
    fn twitter_place_polygon_gives_its_centre() {
        let line = r#"{"created_at":"Fri Nov 13 21:25:03 +0000 2015","id":7,"text":"x","coordinates":null,"place":{"full_name":"Paris 11e","bounding_box":{"type":"Polygon","coordinates":[[[2.36,48.85],[2.36,48.87],[2.40,48.87],[2.40,48.85]]]}}}"#;
        let c = parse_post(line).unwrap().place.unwrap();
        assert!((c.lat() - 48.86).abs() < 1e-9 && (c.lng() - 2.38).abs() < 1e-9);
        assert_eq!(parse_post(line).unwrap().id, "7");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(matches!(parse_post("{not json"), Err(PostError::Json(_))));
        assert_eq!(
            parse_post(r#"{"id":"1","created_at":"2015-11-13T21:40:00Z"}"#),
            Err(PostError::MissingField("text"))
        );
        let e = parse_post(r#"{"id":"1","text":"x","created_at":"yesterday"}"#).unwrap_err();
        assert!(e.to_string().contains("yesterday"), "{e}");
        assert!(matches!(
            parse_post(
                r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","lat":95,"lon":2}"#
            ),
            Err(PostError::BadCoordinates(_))
        ));
        assert!(matches!(
            parse_post(r#"{"id":"1","text":"x","created_at":"2015-11-13T21:40:00Z","lat":48}"#),
            Err(PostError::BadCoordinates(_))
        ));
    }
}
