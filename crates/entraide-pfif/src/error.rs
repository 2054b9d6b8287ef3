//! What the readers say about a record they could not accept.

use std::fmt;

/// What an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Person,
    Note,
    /// A CSV row as a whole.
    Row,
    /// The input as a whole (not PFIF, unreadable, or broken between records).
    Document,
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecordKind::Person => "person",
            RecordKind::Note => "note",
            RecordKind::Row => "row",
            RecordKind::Document => "document",
        })
    }
}

/// Why a record was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("no {0}")]
    Missing(&'static str),
    #[error("unknown status {0:?}")]
    UnknownStatus(String),
    #[error("{field} must be true or false, not {value:?}")]
    NotBoolean { field: &'static str, value: String },
    #[error("{id:?} is not in the authorized domain {domain:?}")]
    OutsideDomain { id: String, domain: String },
    #[error("nested note names person {named:?} but sits inside person {enclosing:?}")]
    WrongPerson { named: String, enclosing: String },
    #[error("element <{0}> inside a field")]
    ElementInField(String),
    #[error("malformed XML: {0}")]
    Xml(String),
    #[error("malformed CSV: {0}")]
    Csv(String),
    #[error("the row has neither a full_name nor a note_record_id")]
    NothingInRow,
    /// Reported for a CSV row whose records are still read, from its first cells.
    #[error(
        "the row has {cells} cells for {columns} columns; the cells past the last column were ignored"
    )]
    ExtraCells { cells: usize, columns: usize },
    /// Reading stops after this one.
    #[error("not a PFIF document: {0}")]
    NotPfif(String),
    /// Reading stops after this one.
    #[error("cannot read the input: {0}")]
    Io(String),
}

/// A record the reader skipped (or, for [`Reason::ExtraCells`], a CSV row it read only in
/// part), and where it was. Reading goes on with the next record unless
/// [`RecordError::is_fatal`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RecordError {
    pub kind: RecordKind,
    /// The record's id, when it had one.
    pub record_id: Option<String>,
    /// 1-based position of the record: among the `<person>` and `<note>` elements of an XML
    /// document in document order, or among the data rows of a CSV file. 0 for the document.
    pub ordinal: u64,
    /// 1-based line where the record starts (0 when unknown).
    pub line: u64,
    pub reason: Reason,
}

impl RecordError {
    /// An error about the whole input (not PFIF, unreadable), after which a reader stops.
    pub(crate) fn document(reason: Reason, line: u64) -> Self {
        Self {
            kind: RecordKind::Document,
            record_id: None,
            ordinal: 0,
            line,
            reason,
        }
    }

    /// Whether the reader gave up on the rest of the input.
    pub fn is_fatal(&self) -> bool {
        matches!(self.reason, Reason::NotPfif(_) | Reason::Io(_))
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(id) = &self.record_id {
            write!(f, " {id}")?;
        }
        match (self.kind, self.ordinal) {
            (RecordKind::Document, _) | (_, 0) => write!(f, " (line {})", self.line)?,
            _ => write!(f, " (record {}, line {})", self.ordinal, self.line)?,
        }
        write!(f, ": {}", self.reason)
    }
}
