//! The PFIF 1.4 XML writer.

use std::borrow::Cow;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::draft::split_lines;
use crate::model::{Note, Person, Version, parse_time};

/// Writes a PFIF 1.4 document record by record, so an export of any size streams out.
///
/// Fields are written in the order of the PFIF 1.4 specification, trimmed, and left out when
/// empty, the same normalisation the readers apply: a document this writer produced reads
/// back into records that write out to the same bytes. Characters XML cannot carry (control
/// characters other than tab and line ends, U+FFFE, U+FFFF) are dropped, and carriage
/// returns are written as `&#13;` so that XML's line-end normalisation does not eat them.
///
/// A person whose expiry date has passed is written as the placeholder PFIF's data expiry
/// asks for: its record id, entry date, expiry date and source date, without its notes. The
/// writer does not check anything else; run [`crate::validate_strict`] first for that.
pub struct Writer<W: Write> {
    xml: quick_xml::Writer<W>,
    now: DateTime<Utc>,
    started: bool,
}

impl<W: Write> Writer<W> {
    /// A writer that judges expiry against the current time.
    pub fn new(out: W) -> Writer<W> {
        Writer::as_of(out, Utc::now())
    }

    /// A writer that judges expiry against `now`, for exports that must be reproducible.
    pub fn as_of(out: W, now: DateTime<Utc>) -> Writer<W> {
        Writer {
            xml: quick_xml::Writer::new_with_indent(out, b' ', 2),
            now,
            started: false,
        }
    }

    /// The XML declaration and root element go out with the first record, so that creating
    /// a writer cannot fail.
    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.xml
                .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
            self.xml.write_event(Event::Start(
                BytesStart::new("pfif:pfif")
                    .with_attributes([("xmlns:pfif", Version::V1_4.namespace())]),
            ))?;
        }
        Ok(())
    }

    /// Writes a person with its nested notes, or its placeholder once it has expired.
    pub fn write_person(&mut self, person: &Person) -> io::Result<()> {
        self.start()?;
        self.xml
            .write_event(Event::Start(BytesStart::new("pfif:person")))?;
        if person.is_expired_at(self.now) {
            self.write_placeholder_fields(person)?;
        } else {
            self.write_person_fields(person)?;
            for note in &person.notes {
                self.write_note_element(note, &person.person_record_id)?;
            }
        }
        self.xml
            .write_event(Event::End(BytesEnd::new("pfif:person")))
    }

    /// Writes a note at the top level of the document.
    pub fn write_note(&mut self, note: &Note) -> io::Result<()> {
        self.start()?;
        self.write_note_element(note, "")
    }

    /// Closes the document and hands back the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.start()?;
        self.xml
            .write_event(Event::End(BytesEnd::new("pfif:pfif")))?;
        let mut out = self.xml.into_inner();
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(out)
    }

    fn write_person_fields(&mut self, p: &Person) -> io::Result<()> {
        let alternate_names = join_lines(&p.alternate_names);
        let profile_urls = join_lines(&p.profile_urls);
        let fields: [(&str, Option<&str>); 25] = [
            ("pfif:person_record_id", Some(p.person_record_id.as_str())),
            ("pfif:entry_date", p.entry_date.as_deref()),
            ("pfif:expiry_date", p.expiry_date.as_deref()),
            ("pfif:author_name", p.author_name.as_deref()),
            ("pfif:author_email", p.author_email.as_deref()),
            ("pfif:author_phone", p.author_phone.as_deref()),
            ("pfif:source_name", p.source_name.as_deref()),
            ("pfif:source_date", p.source_date.as_deref()),
            ("pfif:source_url", p.source_url.as_deref()),
            ("pfif:full_name", p.full_name.as_deref()),
            ("pfif:given_name", p.given_name.as_deref()),
            ("pfif:family_name", p.family_name.as_deref()),
            ("pfif:alternate_names", Some(alternate_names.as_str())),
            ("pfif:description", p.description.as_deref()),
            ("pfif:sex", p.sex.as_deref()),
            ("pfif:date_of_birth", p.date_of_birth.as_deref()),
            ("pfif:age", p.age.as_deref()),
            ("pfif:home_street", p.home_street.as_deref()),
            ("pfif:home_neighborhood", p.home_neighborhood.as_deref()),
            ("pfif:home_city", p.home_city.as_deref()),
            ("pfif:home_state", p.home_state.as_deref()),
            ("pfif:home_postal_code", p.home_postal_code.as_deref()),
            ("pfif:home_country", p.home_country.as_deref()),
            ("pfif:photo_url", p.photo_url.as_deref()),
            ("pfif:profile_urls", Some(profile_urls.as_str())),
        ];
        self.write_fields(&fields)
    }

    /// PFIF keeps the id and the dates of an expired record so that repositories which
    /// copied it learn that it expired. Its entry and source dates are moved up to the
    /// expiry if they were earlier, as Person Finder does, so that clients polling by
    /// entry date see the placeholder as the newest state of the record.
    fn write_placeholder_fields(&mut self, p: &Person) -> io::Result<()> {
        let expiry = p.expiry_date.as_deref();
        let fields = [
            ("pfif:person_record_id", Some(p.person_record_id.as_str())),
            (
                "pfif:entry_date",
                not_before(p.entry_date.as_deref(), expiry),
            ),
            ("pfif:expiry_date", expiry),
            (
                "pfif:source_date",
                not_before(p.source_date.as_deref(), expiry),
            ),
        ];
        self.write_fields(&fields)
    }

    /// `enclosing_person` is the id of the person the note is nested in, or empty.
    fn write_note_element(&mut self, n: &Note, enclosing_person: &str) -> io::Result<()> {
        let person_record_id = if n.person_record_id.is_empty() {
            enclosing_person
        } else {
            &n.person_record_id
        };
        let fields = [
            ("pfif:note_record_id", Some(n.note_record_id.as_str())),
            ("pfif:person_record_id", Some(person_record_id)),
            (
                "pfif:linked_person_record_id",
                n.linked_person_record_id.as_deref(),
            ),
            ("pfif:entry_date", n.entry_date.as_deref()),
            ("pfif:author_name", n.author_name.as_deref()),
            ("pfif:author_email", n.author_email.as_deref()),
            ("pfif:author_phone", n.author_phone.as_deref()),
            ("pfif:source_date", n.source_date.as_deref()),
            (
                "pfif:author_made_contact",
                n.author_made_contact
                    .map(|made| if made { "true" } else { "false" }),
            ),
            ("pfif:status", n.status.map(|status| status.as_str())),
            (
                "pfif:email_of_found_person",
                n.email_of_found_person.as_deref(),
            ),
            (
                "pfif:phone_of_found_person",
                n.phone_of_found_person.as_deref(),
            ),
            ("pfif:last_known_location", n.last_known_location.as_deref()),
            ("pfif:text", n.text.as_deref()),
            ("pfif:photo_url", n.photo_url.as_deref()),
        ];
        self.xml
            .write_event(Event::Start(BytesStart::new("pfif:note")))?;
        self.write_fields(&fields)?;
        self.xml.write_event(Event::End(BytesEnd::new("pfif:note")))
    }

    fn write_fields(&mut self, fields: &[(&str, Option<&str>)]) -> io::Result<()> {
        for &(name, value) in fields {
            let Some(value) = value else { continue };
            let value = xml_chars(value);
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            self.xml
                .create_element(name)
                .write_text_content(BytesText::from_escaped(escape(value)))?;
        }
        Ok(())
    }
}

/// Writes a whole document: each person (with its nested notes), then the loose notes.
pub fn write_document<'a, W: Write + ?Sized>(
    out: &mut W,
    persons: impl IntoIterator<Item = &'a Person>,
    notes: impl IntoIterator<Item = &'a Note>,
) -> io::Result<()> {
    let mut writer = Writer::new(out);
    for person in persons {
        writer.write_person(person)?;
    }
    for note in notes {
        writer.write_note(note)?;
    }
    writer.finish().map(drop)
}

/// Multi-valued fields hold one value per line; a value with line breaks of its own
/// becomes several, as it would when read back.
fn join_lines(values: &[String]) -> String {
    values
        .iter()
        .flat_map(|value| split_lines(value))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `time`, or `floor` when `time` is missing or earlier (both PFIF times).
fn not_before<'a>(time: Option<&'a str>, floor: Option<&'a str>) -> Option<&'a str> {
    let Some(floor_time) = floor.and_then(parse_time) else {
        return time;
    };
    match time.and_then(parse_time) {
        Some(t) if t >= floor_time => time,
        _ => floor,
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The text without the characters XML 1.0 cannot contain, even as references.
fn xml_chars(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Escapes markup characters, and carriage returns, which a parser would otherwise turn
/// into line feeds.
fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\r' => escaped.push_str("&#13;"),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_carriage_returns_only() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a<b>&c\r\n\"'"), "a&lt;b&gt;&amp;c&#13;\n\"'");
        assert_eq!(xml_chars("a\u{0}b\u{1b}c\u{FFFE}\td"), "abc\td");
    }

    #[test]
    fn placeholder_dates_never_go_back_before_the_expiry() {
        let expiry = Some("2020-01-01T00:00:00Z");
        assert_eq!(not_before(Some("2019-01-01T00:00:00Z"), expiry), expiry);
        assert_eq!(
            not_before(Some("2021-01-01T00:00:00Z"), expiry),
            Some("2021-01-01T00:00:00Z")
        );
        assert_eq!(not_before(None, expiry), expiry);
        assert_eq!(not_before(Some("garbled"), expiry), expiry);
        assert_eq!(not_before(Some("garbled"), Some("also")), Some("garbled"));
    }
}
