//! The PFIF files of shared/data/pfif, read as they are at test time. Expectations come
//! from a plain XML pass over the same files, never from copies of their contents.

mod common;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use common::{Elem, Outcome, lines, note_value, person_value, plain_file, plain_tree};
use entraide_pfif::{
    CsvReader, Reader, Reason, RecordKind, Version, Writer, parse_time, validate_note_strict,
    validate_strict,
};

fn read(path: &Path) -> Outcome {
    Outcome::of(Reader::new(BufReader::new(
        File::open(path).expect("file opens"),
    )))
}

fn file_name(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

/// A fixed export time, so that expiry is judged the same on every run.
fn export_time() -> chrono::DateTime<chrono::Utc> {
    parse_time("2020-01-01T00:00:00Z").unwrap()
}

fn export(persons: &[entraide_pfif::Person], notes: &[entraide_pfif::Note]) -> Vec<u8> {
    let mut writer = Writer::as_of(Vec::new(), export_time());
    for person in persons {
        writer.write_person(person).unwrap();
    }
    for note in notes {
        writer.write_note(note).unwrap();
    }
    writer.finish().unwrap()
}

/// The PFIF 1.4 name of an element of an older version (renames of 1.2 and 1.4).
fn name_in_1_4(name: &str) -> &str {
    match name {
        "first_name" => "given_name",
        "last_name" => "family_name",
        "home_zip" => "home_postal_code",
        "other" => "description",
        "found" => "author_made_contact",
        name => name,
    }
}

/// What the model should hold for an element's text.
fn expected_value(name: &str, text: &str) -> Option<String> {
    let text = text.trim();
    let value = match name {
        "alternate_names" | "profile_urls" => lines(text),
        "found" | "author_made_contact" => text.to_lowercase(),
        // The files' `other` is a `description:` label over an indented description.
        "other" => match text.strip_prefix("description:") {
            Some(description) => lines(description),
            None => text.to_owned(),
        },
        _ => text.to_owned(),
    };
    (!value.is_empty()).then_some(value)
}

const PERSON_FIELDS_1_4: &[&str] = &[
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
];

#[test]
fn every_file_parses_into_as_many_records_as_it_has_elements() {
    for path in common::xml_files() {
        let tree = plain_file(&path);
        let mut reader = Reader::new(BufReader::new(File::open(&path).unwrap()));
        let outcome = Outcome::of(reader.by_ref());
        let name = file_name(&path);

        let namespace = tree
            .attributes
            .iter()
            .find(|(key, _)| key.starts_with("xmlns"))
            .map(|(_, value)| value.as_str())
            .expect("a namespace declaration");
        assert_eq!(
            reader.version(),
            Version::from_namespace(namespace),
            "{name}"
        );
        assert!(reader.version().is_some(), "{name}: a PFIF version");

        assert!(outcome.errors.is_empty(), "{name}: {:?}", outcome.errors);
        let persons = tree.children_named("person").count();
        assert!(persons + tree.all_notes().len() > 0, "{name} has records");
        assert_eq!(outcome.persons.len(), persons, "{name}");
        assert_eq!(outcome.all_notes().len(), tree.all_notes().len(), "{name}");
    }
}

#[test]
fn the_bad_record_file_reports_the_broken_person_and_keeps_the_rest() {
    let path = common::data_file("test.pfif-1.2-badrecord.xml");
    let tree = plain_file(&path);
    let persons: Vec<&Elem> = tree.children_named("person").collect();
    // The importing repository is the home of the file's first record; a record of any
    // other domain is one the source may not write.
    let first_id = persons[0].record_id().unwrap();
    let domain = first_id.split('/').next().unwrap();
    let in_domain = |id: &str| id.starts_with(&format!("{domain}/"));
    let (good, bad): (Vec<&Elem>, Vec<&Elem>) = persons
        .iter()
        .partition(|person| in_domain(person.record_id().unwrap()));
    assert!(!bad.is_empty(), "the file has a record of another domain");

    let file = BufReader::new(File::open(&path).unwrap());
    let outcome = Outcome::of(Reader::new(file).authorized_domain(domain));

    let good_ids: BTreeSet<&str> = good.iter().map(|p| p.record_id().unwrap()).collect();
    let read_ids: BTreeSet<&str> = outcome
        .persons
        .iter()
        .map(|p| p.person_record_id.as_str())
        .collect();
    assert_eq!(read_ids, good_ids);
    let good_notes: usize = good.iter().map(|person| person.all_notes().len()).sum();
    assert_eq!(outcome.all_notes().len(), good_notes);

    assert_eq!(outcome.errors.len(), bad.len());
    for (error, element) in outcome.errors.iter().zip(&bad) {
        let id = element.record_id().unwrap();
        assert_eq!(error.kind, RecordKind::Person);
        assert_eq!(error.record_id.as_deref(), Some(id));
        assert_eq!(error.line, element.line, "the error points at the record");
        assert!(!error.is_fatal());
        let message = error.to_string();
        assert!(
            message.contains(id) && message.contains(domain),
            "{message}"
        );
    }
}

/// Every field of every record lands in its PFIF 1.4 field, through the renames.
#[test]
fn fields_land_in_their_pfif_1_4_fields() {
    for path in common::xml_files() {
        let name = file_name(&path);
        let tree = plain_file(&path);
        let outcome = read(&path);
        for element in tree.children_named("person") {
            let person = outcome.person(element.record_id().unwrap());
            for field in element.children.iter().filter(|f| f.name != "note") {
                assert!(
                    PERSON_FIELDS_1_4.contains(&name_in_1_4(&field.name)),
                    "{name}: {} is a PFIF field",
                    field.name
                );
                assert_eq!(
                    person_value(person, name_in_1_4(&field.name)),
                    expected_value(&field.name, &field.text),
                    "{name}: person {} field {}",
                    person.person_record_id,
                    field.name
                );
            }
            let namespace = &tree.attributes[0].1;
            let old = Version::from_namespace(namespace).is_some_and(|v| v <= Version::V1_2);
            if old {
                // 1.1 and 1.2 have no full name; it is built from the two names.
                let names: Vec<&str> = ["first_name", "last_name"]
                    .iter()
                    .filter_map(|n| element.child_text(n))
                    .collect();
                assert_eq!(person.full_name, Some(names.join(" ")), "{name}");
            }
        }
        for element in tree.all_notes() {
            let id = element.record_id().unwrap();
            let note = outcome
                .all_notes()
                .into_iter()
                .find(|note| note.note_record_id == id)
                .unwrap_or_else(|| panic!("{name}: note {id} was read"));
            for field in &element.children {
                assert_eq!(
                    note_value(note, name_in_1_4(&field.name)),
                    expected_value(&field.name, &field.text),
                    "{name}: note {id} field {}",
                    field.name
                );
            }
        }
        for person in &outcome.persons {
            for note in &person.notes {
                assert_eq!(note.person_record_id, person.person_record_id, "{name}");
            }
        }
    }
}

#[test]
fn pfif_1_1_and_1_2_renames_are_applied() {
    let old_1_1 = plain_file(&common::data_file("test.pfif-1.1.xml"));
    let person_1_1 = old_1_1.children_named("person").next().unwrap();
    let read_1_1 = read(&common::data_file("test.pfif-1.1.xml"));
    let p = read_1_1.person(person_1_1.record_id().unwrap());
    assert_eq!(p.given_name.as_deref(), person_1_1.child_text("first_name"));
    assert_eq!(p.family_name.as_deref(), person_1_1.child_text("last_name"));
    assert_eq!(
        p.home_postal_code.as_deref(),
        person_1_1.child_text("home_zip")
    );
    let found: Vec<Option<bool>> = person_1_1
        .children_named("note")
        .map(|note| note.child_text("found").map(|found| found == "true"))
        .collect();
    let made_contact: Vec<Option<bool>> = p
        .notes
        .iter()
        .map(|note| note.author_made_contact)
        .collect();
    assert_eq!(made_contact, found);
    assert!(found.contains(&Some(true)), "the file sets found");

    let old_1_2 = plain_file(&common::data_file("test.pfif-1.2.xml"));
    let person_1_2 = old_1_2.children_named("person").next().unwrap();
    let read_1_2 = read(&common::data_file("test.pfif-1.2.xml"));
    let p = read_1_2.person(person_1_2.record_id().unwrap());
    assert_eq!(p.given_name.as_deref(), person_1_2.child_text("first_name"));
    assert_eq!(p.family_name.as_deref(), person_1_2.child_text("last_name"));
    assert_eq!(
        p.home_postal_code.as_deref(),
        person_1_2.child_text("home_postal_code")
    );
    let other = person_1_2.child_text("other").unwrap();
    assert!(other.starts_with("description:"));
    assert_eq!(
        p.description.as_deref(),
        Some(other["description:".len()..].trim())
    );
    let statuses: Vec<Option<&str>> = person_1_2
        .children_named("note")
        .map(|note| note.child_text("status"))
        .collect();
    let read_statuses: Vec<Option<&str>> = p
        .notes
        .iter()
        .map(|note| note.status.map(|status| status.as_str()))
        .collect();
    assert_eq!(read_statuses, statuses);

    // 1.2 notes may stand at the top level, naming their person themselves.
    let loose = plain_file(&common::data_file("test.pfif-1.2-note.xml"));
    let read_loose = read(&common::data_file("test.pfif-1.2-note.xml"));
    let expected: Vec<(Option<&str>, Option<&str>)> = loose
        .children_named("note")
        .map(|n| {
            (
                n.child_text("person_record_id"),
                n.child_text("linked_person_record_id"),
            )
        })
        .collect();
    let got: Vec<(Option<&str>, Option<&str>)> = read_loose
        .notes
        .iter()
        .map(|n| {
            (
                Some(n.person_record_id.as_str()),
                n.linked_person_record_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn unicode_text_survives_reading_and_writing() {
    let path = common::data_file("pfif_xml-unicode-1.2.xml");
    let tree = plain_file(&path);
    let first = read(&path);
    let written = export(&first.persons, &first.notes);
    let again = Outcome::of(Reader::new(written.as_slice()));
    assert!(again.errors.is_empty());

    let mut checked = 0;
    for outcome in [&first, &again] {
        for element in tree.children_named("person") {
            let person = outcome.person(element.record_id().unwrap());
            for field in element.children.iter().filter(|f| !f.text.is_ascii()) {
                let value = person_value(person, name_in_1_4(&field.name));
                assert_eq!(value.as_deref(), Some(field.text.trim()), "{}", field.name);
                checked += 1;
            }
        }
        for element in tree.all_notes() {
            let notes = outcome.all_notes();
            let note = notes
                .iter()
                .find(|note| Some(note.note_record_id.as_str()) == element.record_id())
                .unwrap();
            for field in element.children.iter().filter(|f| !f.text.is_ascii()) {
                let value = note_value(note, &field.name);
                assert_eq!(value.as_deref(), Some(field.text.trim()), "{}", field.name);
                checked += 1;
            }
        }
    }
    assert!(
        checked > 10,
        "the file is full of non-ASCII text ({checked})"
    );
}

#[test]
fn export_import_export_is_byte_stable_for_every_file() {
    for path in common::xml_files() {
        let name = file_name(&path);
        let original = read(&path);
        let first = export(&original.persons, &original.notes);
        let imported = Outcome::of(Reader::new(first.as_slice()));
        assert!(imported.errors.is_empty(), "{name}: {:?}", imported.errors);
        assert_eq!(imported.persons, original.persons, "{name}: nothing lost");
        assert_eq!(imported.notes, original.notes, "{name}: nothing lost");
        let second = export(&imported.persons, &imported.notes);
        assert_eq!(
            String::from_utf8(second).unwrap(),
            String::from_utf8(first).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn an_expired_person_is_exported_as_the_placeholder_pfif_describes() {
    let placeholder_path = common::data_file("pfif_xml-expired-placeholder-1.3.xml");
    let placeholder_tree = plain_file(&placeholder_path);
    let placeholder = placeholder_tree.children_named("person").next().unwrap();
    let placeholder_fields: BTreeSet<&str> = placeholder
        .children
        .iter()
        .map(|f| f.name.as_str())
        .collect();

    // The placeholder file reads as a person that passes the strict check as it is.
    let read_placeholder = read(&placeholder_path);
    for person in &read_placeholder.persons {
        assert_eq!(validate_strict(person), vec![]);
    }

    // A full record past its expiry keeps exactly the placeholder's fields, and no notes.
    let full = read(&common::data_file("test.pfif-1.4.xml"));
    let mut person = full.persons[0].clone();
    assert!(!person.notes.is_empty());
    let expiry = placeholder.child_text("expiry_date").unwrap();
    person.expiry_date = Some(expiry.to_owned());
    let written = export(std::slice::from_ref(&person), &[]);
    let text = String::from_utf8(written.clone()).unwrap();
    let tree = plain_tree(&text);
    let element = tree.children_named("person").next().unwrap();
    let fields: BTreeSet<&str> = element.children.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(fields, placeholder_fields);
    assert_eq!(
        element.child_text("person_record_id"),
        Some(person.person_record_id.as_str())
    );
    assert_eq!(element.child_text("expiry_date"), Some(expiry));
    for date in ["entry_date", "source_date"] {
        let written = parse_time(element.child_text(date).unwrap()).unwrap();
        assert!(
            written >= parse_time(expiry).unwrap(),
            "{date} is not before the expiry"
        );
    }
    assert!(!text.contains(person.full_name.as_deref().unwrap()));
    let reread = Outcome::of(Reader::new(written.as_slice()));
    assert_eq!(validate_strict(&reread.persons[0]), vec![]);

    // Before its expiry the same record is written whole.
    person.expiry_date = Some("2030-01-01T00:00:00Z".into());
    let written = export(std::slice::from_ref(&person), &[]);
    let reread = Outcome::of(Reader::new(written.as_slice()));
    assert_eq!(reread.persons, vec![person]);
}

/// Fields whose values have a format in PFIF 1.4 (beyond the dates, which the files fill
/// correctly): the files' `_test_*` values break them, and only them.
const FORMATTED_FIELDS: &[&str] = &[
    "author_email",
    "email_of_found_person",
    "source_url",
    "photo_url",
    "profile_urls",
];

#[test]
fn strict_validation_flags_the_test_placeholders_that_break_formats() {
    let mut flagged = 0;
    for path in common::xml_files() {
        let name = file_name(&path);
        let tree = plain_file(&path);
        let outcome = read(&path);
        let mut errors = Vec::new();
        for person in &outcome.persons {
            errors.extend(validate_strict(person));
        }
        for note in &outcome.notes {
            errors.extend(validate_note_strict(note));
        }
        let is_flagged = |id: &str, field: &str| {
            errors
                .iter()
                .any(|error| error.record_id == id && error.field == field)
        };
        let records = tree.children_named("person").chain(tree.all_notes());
        for record in records {
            let id = record.record_id().unwrap();
            for field in record
                .children
                .iter()
                .filter(|f| f.text.trim().starts_with("_test_"))
            {
                let field_name = name_in_1_4(&field.name);
                let formatted = FORMATTED_FIELDS.contains(&field_name);
                assert_eq!(
                    is_flagged(id, field_name),
                    formatted,
                    "{name}: {id} {field_name} = {:?}",
                    field.text.trim()
                );
                flagged += usize::from(formatted);
            }
        }
    }
    assert!(flagged > 0, "the files hold format-breaking placeholders");
}

#[test]
fn the_csv_sample_imports() {
    let path = common::data_file("sample-import.csv");
    let mut plain = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&path)
        .unwrap();
    let headers = plain.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = plain.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    let domain = "entraide.example.org";

    let outcome = Outcome::of(CsvReader::new(File::open(&path).unwrap()).authorized_domain(domain));
    // Cells are matched to columns by position; a row with filled cells past the last
    // column is reported (the sample's row has one: its header lacks a column).
    let misaligned: Vec<u64> = rows
        .iter()
        .zip(1..)
        .filter(|(row, _)| row.iter().skip(headers.len()).any(|cell| !cell.is_empty()))
        .map(|(_, ordinal)| ordinal)
        .collect();
    let reported: Vec<u64> = outcome
        .errors
        .iter()
        .map(|error| {
            assert!(matches!(error.reason, Reason::ExtraCells { .. }), "{error}");
            error.ordinal
        })
        .collect();
    assert_eq!(reported, misaligned);

    let mut persons = outcome.persons.iter();
    for row in &rows {
        let cell = |name: &str| {
            let index = headers.iter().position(|h| h == name).unwrap();
            let value = row[index].trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        if cell("full_name").is_none() {
            continue;
        }
        let person = persons.next().expect("a person per row with a full name");
        let id = format!("{domain}/{}", cell("person_record_id").unwrap());
        assert_eq!(person.person_record_id, id);
        for field in [
            "full_name",
            "description",
            "sex",
            "author_name",
            "source_name",
            "source_date",
        ] {
            assert_eq!(person_value(person, field), cell(field), "{field}");
        }
        match cell("note_record_id") {
            None => assert!(person.notes.is_empty()),
            Some(note_id) => {
                let [note] = person.notes.as_slice() else {
                    panic!("one note on the row's person")
                };
                assert_eq!(note.note_record_id, format!("{domain}/{note_id}"));
                assert_eq!(note.person_record_id, id);
                for field in ["status", "text", "author_name", "source_date"] {
                    assert_eq!(note_value(note, field), cell(field), "{field}");
                }
            }
        }
    }
    assert!(persons.next().is_none());
}
