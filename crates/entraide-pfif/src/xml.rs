//! The streaming PFIF XML reader.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

use quick_xml::XmlVersion;
use quick_xml::errors::{Error as XmlError, IllFormedError};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::PrefixDeclaration;

use crate::draft::{
    Item, NoteDraft, NoteField, PersonDraft, PersonField, note_field, person_field,
};
use crate::error::{Reason, RecordError, RecordKind};
use crate::model::{Record, Version};

/// Reads a PFIF 1.1, 1.2, 1.3 or 1.4 document one record at a time.
///
/// Only the record being read is held in memory, so input of any size streams through.
/// The version comes from the namespace of the root `<pfif>` element, and fields are read
/// as that version defines them, then mapped to PFIF 1.4 (see the crate documentation).
/// Elements a version does not define, and elements of other namespaces, are ignored as
/// PFIF asks.
///
/// Each item is a [`Record`] or a [`RecordError`] saying which record was skipped and why;
/// reading goes on after a bad record. After a fatal error ([`RecordError::is_fatal`]) the
/// iterator ends.
pub struct Reader<R: BufRead> {
    xml: quick_xml::Reader<LineCounter<R>>,
    buf: Vec<u8>,
    parser: Parser,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Reader<R> {
        let mut xml = quick_xml::Reader::from_reader(LineCounter {
            inner: input,
            newlines: 0,
        });
        // `<pfif:home_city/>` is an empty field like any other.
        xml.config_mut().expand_empty_elements = true;
        Reader {
            xml,
            buf: Vec::with_capacity(1024),
            parser: Parser {
                version: None,
                domain: None,
                stack: Vec::with_capacity(8),
                bindings: Vec::new(),
                person: None,
                note: None,
                text: String::new(),
                ordinal: 0,
                pending: VecDeque::new(),
                finished: false,
                last_error_at: None,
            },
        }
    }

    /// Refuses records whose id (`person_record_id`, or a note's `note_record_id`) is not
    /// under `domain/`, as a repository does for a source that may only write its own
    /// records.
    pub fn authorized_domain(mut self, domain: impl Into<String>) -> Reader<R> {
        self.parser.domain = Some(domain.into());
        self
    }

    /// The document's version, once its root element has been read.
    pub fn version(&self) -> Option<Version> {
        self.parser.version
    }

    fn read_event(&mut self) {
        self.buf.clear();
        // The parser has consumed the input up to the end of the previous event (whitespace
        // between tags is an event of its own), so this is the line the next one starts on.
        let line = self.xml.get_ref().newlines + 1;
        match self.xml.read_event_into(&mut self.buf) {
            Ok(event) => self.parser.event(event, line),
            Err(error) => {
                let at = self.xml.error_position();
                self.parser.error(error, at, line);
            }
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.parser.pending.pop_front() {
                return Some(item);
            }
            if self.parser.finished {
                return None;
            }
            self.read_event();
        }
    }
}

/// Counts the lines the XML parser consumes, to say where a bad record starts.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

fn count_newlines(bytes: &[u8]) -> u64 {
    // Byte-sized counters over chunks that cannot overflow them let the compiler count
    // many bytes per instruction; this runs over every byte of the input.
    bytes
        .chunks(255)
        .map(|chunk| chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')))
        .map(u64::from)
        .sum()
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.newlines += count_newlines(&out[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The bytes about to be consumed are still buffered: `fill_buf` hands them back
        // without reading, since the buffer is not empty.
        if let Ok(buffered) = self.inner.fill_buf() {
            self.newlines += count_newlines(&buffered[..amount.min(buffered.len())]);
        }
        self.inner.consume(amount);
    }
}

/// What an open element is, from the root down.
#[derive(Debug, Clone, Copy)]
enum Frame {
    Root,
    Person,
    Note {
        nested: bool,
    },
    PersonField(PersonField),
    NoteField(NoteField),
    /// An element that is not part of PFIF, skipped with everything inside it.
    Skip,
}

/// A namespace prefix declared on an open element. quick-xml's namespace-aware reader
/// would do this for every element and halve the parse rate; PFIF declares its namespace
/// once, on the root, so this only tracks the few elements that declare one.
struct Binding {
    /// How many elements enclose the declaring element.
    depth: usize,
    /// `None` for the default namespace.
    prefix: Option<String>,
    /// The PFIF version the prefix stands for, `None` for any other namespace.
    version: Option<Version>,
}

/// The reader's state between events, apart from the XML parser itself.
struct Parser {
    version: Option<Version>,
    domain: Option<String>,
    stack: Vec<Frame>,
    /// Namespace declarations in scope, innermost last.
    bindings: Vec<Binding>,
    person: Option<PersonDraft>,
    /// The note being read, nested in `person` or not.
    note: Option<NoteDraft>,
    /// Text of the field being read.
    text: String,
    ordinal: u64,
    pending: VecDeque<Item>,
    finished: bool,
    /// Where the last syntax error was, to stop if the parser cannot get past it.
    last_error_at: Option<u64>,
}

impl Parser {
    fn event(&mut self, event: Event<'_>, line: u64) {
        match event {
            Event::Start(start) => {
                let namespace = self.namespace(&start);
                self.start(start.local_name().as_ref(), namespace, line);
            }
            Event::End(_) => self.end(),
            // Text outside fields is indentation or stray content, which PFIF gives no meaning.
            Event::Text(text) if self.in_field() => self.text.push_str(&text.xml10_content()),
            Event::CData(data) if self.in_field() => self.text.push_str(&data.xml10_content()),
            Event::GeneralRef(reference) if self.in_field() => match reference.resolve_char_ref() {
                Ok(Some(ch)) => self.text.push(ch),
                Ok(None) => match resolve_predefined_entity(&reference) {
                    Some(text) => self.text.push_str(text),
                    None => {
                        self.fail_record(Reason::Xml(format!("unknown entity &{};", &*reference)))
                    }
                },
                Err(error) => self.fail_record(Reason::Xml(error.to_string())),
            },
            Event::Eof => self.eof(line),
            // Declarations, comments, processing instructions and doctypes carry no data.
            _ => {}
        }
    }

    /// Declares the namespaces of an element about to open, and gives the PFIF version of
    /// the element's own namespace, if it is a PFIF one.
    fn namespace(&mut self, start: &BytesStart<'_>) -> Option<Version> {
        if start.attributes_raw().contains("xmlns") {
            for attribute in start.attributes() {
                let attribute = match attribute {
                    Ok(attribute) => attribute,
                    Err(error) => {
                        self.fail_record(Reason::Xml(error.to_string()));
                        continue;
                    }
                };
                let prefix = match attribute.key.as_namespace_binding() {
                    Some(PrefixDeclaration::Default) => None,
                    Some(PrefixDeclaration::Named(prefix)) => Some(prefix.to_owned()),
                    None => continue,
                };
                let version = attribute
                    .normalized_value(XmlVersion::Implicit1_0)
                    .ok()
                    .and_then(|namespace| Version::from_namespace(&namespace));
                self.bindings.push(Binding {
                    depth: self.stack.len(),
                    prefix,
                    version,
                });
            }
        }
        let name = start.name();
        let prefix = name.prefix();
        let prefix = prefix.as_ref().map(|prefix| prefix.as_ref());
        self.bindings
            .iter()
            .rev()
            .find(|binding| binding.prefix.as_deref() == prefix)
            .and_then(|binding| binding.version)
    }

    fn in_field(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::PersonField(_) | Frame::NoteField(_))
        )
    }

    fn start(&mut self, name: &str, namespace: Option<Version>, line: u64) {
        let Some(&parent) = self.stack.last() else {
            self.root(name, namespace, line);
            return;
        };
        // Only elements of the document's own PFIF namespace mean anything.
        let pfif = namespace.is_some() && namespace == self.version;
        let version = self.version.unwrap_or(Version::V1_4);
        let frame = match parent {
            Frame::Root if pfif && name == "person" => {
                self.ordinal += 1;
                self.person = Some(PersonDraft::new(self.ordinal, line));
                Frame::Person
            }
            Frame::Root | Frame::Person if pfif && name == "note" => {
                self.ordinal += 1;
                self.note = Some(NoteDraft::new(self.ordinal, line));
                Frame::Note {
                    nested: matches!(parent, Frame::Person),
                }
            }
            Frame::Person if pfif => person_field(version, name)
                .map(Frame::PersonField)
                .unwrap_or(Frame::Skip),
            Frame::Note { .. } if pfif => note_field(version, name)
                .map(Frame::NoteField)
                .unwrap_or(Frame::Skip),
            Frame::PersonField(_) | Frame::NoteField(_) => {
                self.fail_record(Reason::ElementInField(name.to_owned()));
                Frame::Skip
            }
            _ => Frame::Skip,
        };
        if matches!(frame, Frame::PersonField(_) | Frame::NoteField(_)) {
            self.text.clear();
        }
        self.stack.push(frame);
    }

    fn root(&mut self, name: &str, namespace: Option<Version>, line: u64) {
        match namespace {
            Some(version) if name == "pfif" => {
                self.version = Some(version);
                self.stack.push(Frame::Root);
            }
            _ => self.fatal(
                Reason::NotPfif(format!(
                    "the root element is <{name}>, not <pfif> in a PFIF 1.1-1.4 namespace"
                )),
                line,
            ),
        }
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let depth = self.stack.len();
        while self.bindings.last().is_some_and(|b| b.depth >= depth) {
            self.bindings.pop();
        }
        let version = self.version.unwrap_or(Version::V1_4);
        match frame {
            Frame::PersonField(field) => {
                if let Some(person) = &mut self.person {
                    person.set(field, &self.text);
                }
            }
            Frame::NoteField(field) => {
                if let Some(note) = &mut self.note {
                    note.set(field, &self.text);
                }
            }
            Frame::Note { nested } => {
                if let Some(note) = self.note.take() {
                    match (&mut self.person, nested) {
                        (Some(person), true) => person.notes.push(note),
                        _ => self
                            .pending
                            .push_back(note.finish(self.domain.as_deref()).map(Record::Note)),
                    }
                }
            }
            Frame::Person => {
                if let Some(person) = self.person.take() {
                    person.finish(version, self.domain.as_deref(), &mut self.pending);
                }
            }
            Frame::Root | Frame::Skip => {}
        }
    }

    /// Marks the innermost record being read as refused.
    fn fail_record(&mut self, reason: Reason) {
        if let Some(note) = &mut self.note {
            note.fail(reason);
        } else if let Some(person) = &mut self.person {
            person.fail(reason);
        }
    }

    fn error(&mut self, error: XmlError, at: u64, line: u64) {
        let message = error.to_string();
        match error {
            XmlError::Io(_) => return self.fatal(Reason::Io(message), line),
            _ if self.version.is_none() => return self.fatal(Reason::NotPfif(message), line),
            // quick-xml moves past most syntax errors, so the records after a broken one can
            // still be read; if it cannot, stop rather than report the same error forever.
            _ if self.last_error_at == Some(at) => return self.fatal(Reason::Xml(message), line),
            _ => {}
        }
        self.last_error_at = Some(at);
        if self.person.is_some() || self.note.is_some() {
            self.fail_record(Reason::Xml(message));
        } else {
            self.pending.push_back(Err(RecordError {
                kind: RecordKind::Document,
                record_id: None,
                ordinal: 0,
                line,
                reason: Reason::Xml(message),
            }));
        }
        // quick-xml takes a mismatched end tag as closing the open element, and so do we.
        if matches!(
            error,
            XmlError::IllFormed(IllFormedError::MismatchedEndTag { .. })
        ) {
            self.end();
        }
    }

    fn eof(&mut self, line: u64) {
        if self.version.is_none() {
            self.fatal(Reason::NotPfif("no root element".into()), line);
            return;
        }
        // Records left open by a truncated document are reported, not silently dropped.
        let reason = Reason::Xml("the document ends inside this record".into());
        if let Some(note) = &mut self.note {
            note.fail(reason.clone());
        }
        if let Some(person) = &mut self.person {
            person.fail(reason);
        }
        while self.stack.len() > 1 {
            self.end();
        }
        self.finished = true;
    }

    fn fatal(&mut self, reason: Reason, line: u64) {
        self.pending
            .push_back(Err(RecordError::document(reason, line)));
        self.finished = true;
    }
}
