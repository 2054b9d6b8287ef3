//! Broken, hostile and endless inputs, written here for the purpose.

mod common;

use std::io::{BufReader, Read};

use common::Outcome;
use entraide_pfif::{
    CsvReader, Note, Person, Reader, Reason, RecordKind, Status, Version, Writer, parse_time,
    write_document,
};

fn read_xml(xml: &str) -> Outcome {
    Outcome::of(Reader::new(xml.as_bytes()))
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in the input"));
    text[..at].matches('\n').count() as u64 + 1
}

const BROKEN_RECORDS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>a.org/good.1</pfif:person_record_id>
    <pfif:full_name>Good One</pfif:full_name>
    <pfif:note>
      <pfif:note_record_id>a.org/note.unknown-status</pfif:note_record_id>
      <pfif:status>believed_undead</pfif:status>
    </pfif:note>
    <pfif:note>
      <pfif:note_record_id>a.org/note.fine</pfif:note_record_id>
      <pfif:status>believed_alive</pfif:status>
    </pfif:note>
    <pfif:note>
      <pfif:note_record_id>a.org/note.elsewhere</pfif:note_record_id>
      <pfif:person_record_id>a.org/someone-else</pfif:person_record_id>
    </pfif:note>
  </pfif:person>
  <pfif:person>
    <pfif:full_name>Nobody Knows My Id</pfif:full_name>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>a.org/note.bad-boolean</pfif:note_record_id>
    <pfif:person_record_id>a.org/good.1</pfif:person_record_id>
    <pfif:author_made_contact>perhaps</pfif:author_made_contact>
  </pfif:note>
  <pfif:person>
    <pfif:person_record_id>a.org/markup-in-field</pfif:person_record_id>
    <pfif:full_name>Bold <b>Name</b></pfif:full_name>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>a.org/mismatched</pfif:person_record_id>
    <pfif:sex>female</pfif:age>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>a.org/entity</pfif:person_record_id>
    <pfif:full_name>Jos&eacute;</pfif:full_name>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>a.org/note.orphan</pfif:note_record_id>
  </pfif:note>
  <pfif:person>
    <pfif:person_record_id>a.org/good.2</pfif:person_record_id>
    <pfif:full_name>Good &amp; Two &#233;</pfif:full_name>
  </pfif:person>
</pfif:pfif>
"#;

#[test]
fn each_broken_record_is_reported_and_the_good_ones_are_kept() {
    let outcome = read_xml(BROKEN_RECORDS);
    let ids: Vec<&str> = outcome
        .persons
        .iter()
        .map(|p| p.person_record_id.as_str())
        .collect();
    assert_eq!(ids, ["a.org/good.1", "a.org/good.2"]);
    let good = outcome.person("a.org/good.1");
    let notes: Vec<&str> = good
        .notes
        .iter()
        .map(|n| n.note_record_id.as_str())
        .collect();
    assert_eq!(notes, ["a.org/note.fine"]);
    assert_eq!(good.notes[0].status, Some(Status::BelievedAlive));
    assert_eq!(
        outcome.person("a.org/good.2").full_name.as_deref(),
        Some("Good & Two é")
    );

    let expected: Vec<(RecordKind, Option<&str>, &str, Reason)> = vec![
        (
            RecordKind::Note,
            Some("a.org/note.unknown-status"),
            "a.org/note.unknown-status",
            Reason::UnknownStatus("believed_undead".into()),
        ),
        (
            RecordKind::Note,
            Some("a.org/note.elsewhere"),
            "a.org/note.elsewhere",
            Reason::WrongPerson {
                named: "a.org/someone-else".into(),
                enclosing: "a.org/good.1".into(),
            },
        ),
        (
            RecordKind::Person,
            None,
            "Nobody Knows My Id",
            Reason::Missing("person_record_id"),
        ),
        (
            RecordKind::Note,
            Some("a.org/note.bad-boolean"),
            "a.org/note.bad-boolean",
            Reason::NotBoolean {
                field: "author_made_contact",
                value: "perhaps".into(),
            },
        ),
        (
            RecordKind::Person,
            Some("a.org/markup-in-field"),
            "a.org/markup-in-field",
            Reason::ElementInField("b".into()),
        ),
    ];
    assert_eq!(
        outcome.errors.len(),
        expected.len() + 3,
        "{:#?}",
        outcome.errors
    );
    for (error, (kind, id, near, reason)) in outcome.errors.iter().zip(&expected) {
        assert_eq!(error.kind, *kind, "{error}");
        assert_eq!(error.record_id.as_deref(), *id, "{error}");
        assert_eq!(&error.reason, reason, "{error}");
        // Each record's start tag is the line above the text that identifies it.
        assert_eq!(error.line, line_of(BROKEN_RECORDS, near) - 1, "{error}");
        assert!(!error.is_fatal());
    }

    let rest = &outcome.errors[expected.len()..];
    assert_eq!(rest[0].record_id.as_deref(), Some("a.org/mismatched"));
    assert!(matches!(rest[0].reason, Reason::Xml(_)), "{}", rest[0]);
    assert_eq!(rest[1].record_id.as_deref(), Some("a.org/entity"));
    assert!(
        matches!(&rest[1].reason, Reason::Xml(m) if m.contains("eacute")),
        "{}",
        rest[1]
    );
    assert_eq!(rest[2].record_id.as_deref(), Some("a.org/note.orphan"));
    assert_eq!(rest[2].reason, Reason::Missing("person_record_id"));
    assert_eq!(
        rest[2].line,
        line_of(BROKEN_RECORDS, "a.org/note.orphan") - 1
    );
    assert!(
        rest[2]
            .to_string()
            .starts_with("note a.org/note.orphan (record ")
    );
}

#[test]
fn a_document_that_is_not_pfif_is_refused_at_once() {
    for input in [
        r#"<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.5"><pfif:person/></pfif:pfif>"#,
        "<html><body>not here</body></html>",
        r#"<pfif xmlns="http://zesty.ca/pfif/1.4/"/>"#,
        "",
        "just text",
    ] {
        let items: Vec<_> = Reader::new(input.as_bytes()).collect();
        let [Err(error)] = items.as_slice() else {
            panic!("{input:?} gave {items:?}")
        };
        assert!(error.is_fatal(), "{error}");
        assert_eq!(error.kind, RecordKind::Document);
        assert!(matches!(error.reason, Reason::NotPfif(_)), "{error}");
    }
}

#[test]
fn a_truncated_document_reports_the_record_it_cut() {
    let cut = r#"<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.2">
  <pfif:person><pfif:person_record_id>a.org/1</pfif:person_record_id><pfif:first_name>A</pfif:first_name></pfif:person>
  <pfif:person><pfif:person_record_id>a.org/2</pfif:person_record_id><pfif:first_name>B"#;
    let outcome = read_xml(cut);
    assert_eq!(outcome.persons.len(), 1);
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert_eq!(outcome.errors[0].record_id.as_deref(), Some("a.org/2"));
    assert_eq!(outcome.errors[0].line, 3);
}

#[test]
fn default_namespaces_and_extension_elements_are_understood() {
    let xml = r#"<pfif xmlns="http://zesty.ca/pfif/1.3" xmlns:x="urn:example:extension">
  <person>
    <x:extra><person_record_id>not.this/one</person_record_id></x:extra>
    <person_record_id>a.org/p1</person_record_id>
    <full_name>Léa <![CDATA[<Martin>]]></full_name>
    <given_name>not a 1.3 field</given_name>
    <expiry_date>2030-01-01T00:00:00Z</expiry_date>
    <home_city/>
  </person>
  <q:person xmlns:q="http://zesty.ca/pfif/1.3">
    <q:person_record_id>a.org/p2</q:person_record_id>
    <full_name xmlns="urn:example:other">not PFIF here</full_name>
    <q:full_name>Q</q:full_name>
  </q:person>
  <person><person_record_id>a.org/p3</person_record_id></person>
</pfif>"#;
    let mut reader = Reader::new(xml.as_bytes());
    let outcome = Outcome::of(reader.by_ref());
    assert_eq!(reader.version(), Some(Version::V1_3));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let person = outcome.person("a.org/p1");
    assert_eq!(person.full_name.as_deref(), Some("Léa <Martin>"));
    assert_eq!(person.given_name, None);
    assert_eq!(person.expiry_date.as_deref(), Some("2030-01-01T00:00:00Z"));
    assert_eq!(person.home_city, None);
    // Another prefix for the same namespace is the same namespace; a redeclared default
    // namespace is another one, until its element ends.
    assert_eq!(outcome.person("a.org/p2").full_name.as_deref(), Some("Q"));
    assert_eq!(outcome.persons.len(), 3);
}

#[test]
fn records_outside_the_authorized_domain_are_refused() {
    let xml = r#"<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person><pfif:person_record_id>mine.org/1</pfif:person_record_id></pfif:person>
  <pfif:person><pfif:person_record_id>mine.org.evil.com/2</pfif:person_record_id></pfif:person>
  <pfif:note><pfif:note_record_id>other.org/n</pfif:note_record_id><pfif:person_record_id>mine.org/1</pfif:person_record_id></pfif:note>
</pfif:pfif>"#;
    let outcome = Outcome::of(Reader::new(xml.as_bytes()).authorized_domain("mine.org"));
    assert_eq!(outcome.persons.len(), 1);
    let refused: Vec<_> = outcome
        .errors
        .iter()
        .map(|e| e.record_id.as_deref())
        .collect();
    assert_eq!(refused, [Some("mine.org.evil.com/2"), Some("other.org/n")]);
}

/// Input that never ends, counting what the reader pulled from it.
struct Endless {
    produced: u64,
    pending: Vec<u8>,
    next_id: u64,
}

impl Read for Endless {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            self.pending = if self.next_id == 0 {
                br#"<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">"#.to_vec()
            } else {
                format!(
                    "<pfif:person><pfif:person_record_id>a.org/{}</pfif:person_record_id>\
                     <pfif:full_name>Person {}</pfif:full_name></pfif:person>\n",
                    self.next_id, self.next_id
                )
                .into_bytes()
            };
            self.next_id += 1;
        }
        let n = out.len().min(self.pending.len());
        out[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.produced += n as u64;
        Ok(n)
    }
}

#[test]
fn records_stream_out_before_the_input_ends() {
    let mut input = BufReader::with_capacity(
        8 * 1024,
        Endless {
            produced: 0,
            pending: Vec::new(),
            next_id: 0,
        },
    );
    let reader = Reader::new(&mut input);
    let first: Vec<_> = reader.take(10_000).collect();
    assert_eq!(first.len(), 10_000);
    assert!(first.iter().all(Result::is_ok));
    // About 120 bytes per record: the reader pulled what it parsed and a buffer more.
    let produced = input.get_ref().produced;
    assert!(produced < 10_000 * 130 + 16 * 1024, "{produced} bytes read");
    let five_mb = Endless {
        produced: 0,
        pending: Vec::new(),
        next_id: 0,
    }
    .take(5_000_000);
    let count = Reader::new(BufReader::new(five_mb))
        .filter_map(Result::ok)
        .count();
    assert!(count > 30_000, "{count} records from 5 MB");
}

#[test]
fn hostile_text_is_escaped_and_stays_stable() {
    let person = Person {
        person_record_id: "a.org/p&1".into(),
        entry_date: Some("2015-11-14T00:00:00Z".into()),
        full_name: Some("  <script>alert('x')</script> & \"Co\"\r\nline two\u{0}\u{1b}  ".into()),
        alternate_names: vec!["one\ntwo".into(), "  ".into(), "three".into()],
        description: Some("]]> <!-- --> &amp; \u{FFFE}\u{1F600}".into()),
        notes: vec![Note {
            note_record_id: "a.org/n<1>".into(),
            text: Some("first\r\r\n\ttabbed".into()),
            author_made_contact: Some(false),
            ..Note::default()
        }],
        ..Person::default()
    };
    let loose = Note {
        note_record_id: "a.org/n2".into(),
        person_record_id: "a.org/p&1".into(),
        status: Some(Status::IsNoteAuthor),
        ..Note::default()
    };
    let now = parse_time("2020-01-01T00:00:00Z").unwrap();
    let write = |persons: &[Person], notes: &[Note]| {
        let mut writer = Writer::as_of(Vec::new(), now);
        persons
            .iter()
            .try_for_each(|p| writer.write_person(p))
            .unwrap();
        notes.iter().try_for_each(|n| writer.write_note(n)).unwrap();
        writer.finish().unwrap()
    };
    let first = write(std::slice::from_ref(&person), std::slice::from_ref(&loose));
    common::plain_tree(std::str::from_utf8(&first).unwrap());
    let read = Outcome::of(Reader::new(first.as_slice()));
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let back = &read.persons[0];
    assert_eq!(
        back.full_name.as_deref(),
        Some("<script>alert('x')</script> & \"Co\"\r\nline two")
    );
    assert_eq!(back.alternate_names, ["one", "two", "three"]);
    assert_eq!(back.notes[0].text.as_deref(), Some("first\r\r\n\ttabbed"));
    assert_eq!(back.notes[0].person_record_id, "a.org/p&1");
    assert_eq!(read.notes, [loose]);
    let second = write(&read.persons, &read.notes);
    assert_eq!(second, first);

    let mut out = Vec::new();
    write_document(&mut out, &read.persons, &read.notes).unwrap();
    let again = Outcome::of(Reader::new(out.as_slice()));
    assert_eq!(again.persons, read.persons);
}

#[test]
fn csv_rows_are_read_with_per_row_errors() {
    let csv = "\
Import of 14 November,,
time_zone_offset,,
1,,
person_record_id,full_name,source_date,note_record_id,status,author_made_contact,text,unknown_column
p1,Marie Dupont,2015-11-13 22:30,n1,believed_missing,no,Seen at the café,x
p2,Jean Martin,2015-11-13T21:00:00Z,n2,believed_undead,,,x
p3,,,n3,believed_alive,TRUE,She called,x
,,,,,,,x
p4,Too,,,,,,x,stray
other.org/p5,Karim Benali,,,,,,x
p6,Léa,,n6,,,,x
";
    let outcome = Outcome::of(CsvReader::new(csv.as_bytes()).authorized_domain("mine.org"));
    let ids: Vec<&str> = outcome
        .persons
        .iter()
        .map(|p| p.person_record_id.as_str())
        .collect();
    // The person of a row whose note is refused is still read.
    assert_eq!(
        ids,
        ["mine.org/p1", "mine.org/p2", "mine.org/p4", "mine.org/p6"]
    );
    assert!(outcome.person("mine.org/p1").notes.is_empty());
    // The spreadsheet's local times are one hour ahead of UTC; PFIF times stay as they are.
    assert_eq!(
        outcome.person("mine.org/p1").source_date.as_deref(),
        Some("2015-11-13T21:30:00Z")
    );
    assert_eq!(
        outcome.person("mine.org/p2").source_date.as_deref(),
        Some("2015-11-13T21:00:00Z")
    );
    assert_eq!(
        outcome.person("mine.org/p6").notes[0].person_record_id,
        "mine.org/p6"
    );
    assert_eq!(outcome.notes.len(), 1);
    assert_eq!(outcome.notes[0].note_record_id, "mine.org/n3");
    assert_eq!(outcome.notes[0].author_made_contact, Some(true));

    let errors: Vec<(u64, u64, Option<&str>, &Reason)> = outcome
        .errors
        .iter()
        .map(|e| (e.ordinal, e.line, e.record_id.as_deref(), &e.reason))
        .collect();
    assert_eq!(
        errors,
        [
            (
                1,
                5,
                Some("mine.org/n1"),
                &Reason::NotBoolean {
                    field: "author_made_contact",
                    value: "no".into()
                }
            ),
            (
                2,
                6,
                Some("mine.org/n2"),
                &Reason::UnknownStatus("believed_undead".into())
            ),
            (4, 8, None, &Reason::NothingInRow),
            (
                5,
                9,
                None,
                &Reason::ExtraCells {
                    cells: 9,
                    columns: 8
                }
            ),
            (
                6,
                10,
                Some("other.org/p5"),
                &Reason::OutsideDomain {
                    id: "other.org/p5".into(),
                    domain: "mine.org".into()
                }
            ),
        ]
    );
}
