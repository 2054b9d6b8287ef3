#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a different part of it"
)]

//! Helpers shared by the integration tests: where the shared PFIF files are, and a plain
//! quick-xml pass that reads them without any PFIF knowledge, to derive expectations from
//! the files themselves.

use std::path::PathBuf;

use entraide_pfif::{Note, Person, Record, RecordError};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pfif")
}

pub fn data_file(name: &str) -> PathBuf {
    data_dir().join(name)
}

/// Every XML file of the shared PFIF data, sorted by name.
pub fn xml_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("shared/data/pfif is there")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no PFIF files in {:?}", data_dir());
    files
}

/// An element as a plain XML reader sees it.
#[derive(Debug, Clone)]
pub struct Elem {
    /// Local name, namespace prefix dropped.
    pub name: String,
    /// Namespace declarations and other attributes, as written.
    pub attributes: Vec<(String, String)>,
    /// Text directly inside the element, untrimmed.
    pub text: String,
    pub children: Vec<Elem>,
    /// 1-based line of the start tag.
    pub line: u64,
}

impl Elem {
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Elem> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .find(|child| child.name == name)
            .map(|child| child.text.trim())
    }

    /// The record id of a `person` or `note` element.
    pub fn record_id(&self) -> Option<&str> {
        let field = if self.name == "note" {
            "note_record_id"
        } else {
            "person_record_id"
        };
        self.child_text(field)
    }

    /// Every `note` element in the tree under this one.
    pub fn all_notes(&self) -> Vec<&Elem> {
        let mut notes = Vec::new();
        for child in &self.children {
            if child.name == "note" {
                notes.push(child);
            }
            notes.extend(child.all_notes());
        }
        notes
    }
}

/// Reads XML text into a tree with nothing but quick-xml.
pub fn plain_tree(xml: &str) -> Elem {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Elem> = vec![Elem {
        name: String::new(),
        attributes: Vec::new(),
        text: String::new(),
        children: Vec::new(),
        line: 0,
    }];
    loop {
        let position = reader.buffer_position() as usize;
        let line = xml[..position].matches('\n').count() as u64 + 1;
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(Elem {
                name: start.local_name().as_ref().to_owned(),
                attributes: start
                    .attributes()
                    .map(|attribute| {
                        let attribute = attribute.expect("well-formed attribute");
                        (
                            attribute.key.as_ref().to_owned(),
                            attribute.value.as_ref().to_owned(),
                        )
                    })
                    .collect(),
                text: String::new(),
                children: Vec::new(),
                line,
            }),
            Event::Empty(start) => stack.last_mut().unwrap().children.push(Elem {
                name: start.local_name().as_ref().to_owned(),
                attributes: Vec::new(),
                text: String::new(),
                children: Vec::new(),
                line,
            }),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&text.xml10_content()),
            Event::CData(data) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().expect("valid reference") {
                    Some(ch) => ch.to_string(),
                    None => resolve_predefined_entity(&reference)
                        .expect("predefined entity")
                        .to_owned(),
                };
                stack.last_mut().unwrap().text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

pub fn plain_file(path: &std::path::Path) -> Elem {
    plain_tree(&std::fs::read_to_string(path).expect("readable file"))
}

/// The value of a PFIF 1.4 person field, as the text PFIF would carry.
pub fn person_value(p: &Person, field: &str) -> Option<String> {
    let text = |value: &Option<String>| value.clone();
    match field {
        "person_record_id" => Some(p.person_record_id.clone()),
        "entry_date" => text(&p.entry_date),
        "expiry_date" => text(&p.expiry_date),
        "author_name" => text(&p.author_name),
        "author_email" => text(&p.author_email),
        "author_phone" => text(&p.author_phone),
        "source_name" => text(&p.source_name),
        "source_date" => text(&p.source_date),
        "source_url" => text(&p.source_url),
        "full_name" => text(&p.full_name),
        "given_name" => text(&p.given_name),
        "family_name" => text(&p.family_name),
        "alternate_names" => Some(p.alternate_names.join("\n")),
        "description" => text(&p.description),
        "sex" => text(&p.sex),
        "date_of_birth" => text(&p.date_of_birth),
        "age" => text(&p.age),
        "home_street" => text(&p.home_street),
        "home_neighborhood" => text(&p.home_neighborhood),
        "home_city" => text(&p.home_city),
        "home_state" => text(&p.home_state),
        "home_postal_code" => text(&p.home_postal_code),
        "home_country" => text(&p.home_country),
        "photo_url" => text(&p.photo_url),
        "profile_urls" => Some(p.profile_urls.join("\n")),
        other => panic!("{other} is not a PFIF 1.4 person field"),
    }
}

/// The value of a PFIF 1.4 note field, as the text PFIF would carry.
pub fn note_value(n: &Note, field: &str) -> Option<String> {
    let text = |value: &Option<String>| value.clone();
    match field {
        "note_record_id" => Some(n.note_record_id.clone()),
        "person_record_id" => Some(n.person_record_id.clone()),
        "linked_person_record_id" => text(&n.linked_person_record_id),
        "entry_date" => text(&n.entry_date),
        "author_name" => text(&n.author_name),
        "author_email" => text(&n.author_email),
        "author_phone" => text(&n.author_phone),
        "source_date" => text(&n.source_date),
        "author_made_contact" => n.author_made_contact.map(|made| made.to_string()),
        "status" => n.status.map(|status| status.as_str().to_owned()),
        "email_of_found_person" => text(&n.email_of_found_person),
        "phone_of_found_person" => text(&n.phone_of_found_person),
        "last_known_location" => text(&n.last_known_location),
        "text" => text(&n.text),
        "photo_url" => text(&n.photo_url),
        other => panic!("{other} is not a PFIF 1.4 note field"),
    }
}

/// Persons and notes of a reader's output, nested notes included, with the errors apart.
#[derive(Debug, Default)]
pub struct Outcome {
    pub persons: Vec<Person>,
    /// Notes that stood on their own.
    pub notes: Vec<Note>,
    pub errors: Vec<RecordError>,
}

impl Outcome {
    pub fn of(items: impl IntoIterator<Item = Result<Record, RecordError>>) -> Outcome {
        let mut outcome = Outcome::default();
        for item in items {
            match item {
                Ok(Record::Person(person)) => outcome.persons.push(person),
                Ok(Record::Note(note)) => outcome.notes.push(note),
                Err(error) => outcome.errors.push(error),
            }
        }
        outcome
    }

    /// Every note read, nested or not.
    pub fn all_notes(&self) -> Vec<&Note> {
        self.persons
            .iter()
            .flat_map(|person| &person.notes)
            .chain(&self.notes)
            .collect()
    }

    pub fn person(&self, id: &str) -> &Person {
        self.persons
            .iter()
            .find(|person| person.person_record_id == id)
            .unwrap_or_else(|| panic!("person {id} was read"))
    }
}

/// The non-empty trimmed lines of a multi-line field, joined as the model holds them.
pub fn lines(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
