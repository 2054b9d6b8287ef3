//! The rows of the missing-persons registry (issue 4).

use entraide_core::{
    AccountId, LastSeen, MissingId, MissingNoteId, NoteAuthor, NoteDetails, NoteOrigin, NoteStatus,
    PersonDetails, ReporterContact, Timestamp,
};

/// A missing-person record as stored. `status` and `linked_records` are the store's to
/// compute: what a caller puts there on a write is ignored.
#[derive(Clone, Debug, PartialEq)]
pub struct MissingRecord {
    pub id: MissingId,
    /// The PFIF id of an imported record (`domain/person.local`); None for our own, whose
    /// PFIF id is made from the configured domain and `id` on export.
    pub pfif_id: Option<String>,
    pub person: PersonDetails,
    /// Private: responders only.
    pub reporter: ReporterContact,
    /// Who reported it here (None for imports).
    pub reporter_account: Option<AccountId>,
    pub last_seen: LastSeen,
    /// When the source wrote it: of two versions of an imported record, the newer wins.
    pub source_date: Timestamp,
    /// When it entered this registry (PFIF's entry_date): the feeds' order.
    pub entry_date: Timestamp,
    pub expiry_date: Option<Timestamp>,
    /// The data was wiped (expiry or deletion request): only ids and dates remain.
    pub expired: bool,
    /// A responder vouched for it.
    pub verified: bool,
    /// The account of the person it describes, once claimed or linked by a mutual contact.
    pub linked_account: Option<AccountId>,
    /// The status of the latest visible note that has one.
    pub status: Option<NoteStatus>,
    /// Records linked as the same person, either way.
    pub linked_records: Vec<MissingId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MissingNote {
    pub id: MissingNoteId,
    pub pfif_id: Option<String>,
    pub record: MissingId,
    pub details: NoteDetails,
    pub origin: NoteOrigin,
    pub author: NoteAuthor,
    /// Hidden by a responder: shown to no one else, and never the record's status.
    pub hidden: bool,
    /// How many accounts flagged it (store-computed).
    pub flags: u32,
    pub source_date: Timestamp,
    pub entry_date: Timestamp,
}

/// One item of a PFIF import batch.
#[derive(Clone, Debug, PartialEq)]
// Each item is built once and moved into the batch: boxing the larger variant would cost an
// allocation per record on the import path for nothing.
#[allow(clippy::large_enum_variant)]
pub enum ImportItem {
    Record(MissingRecord),
    Note(MissingNote),
}

/// What an import did with one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    Added,
    /// The record existed with an older source_date: replaced (its notes, links and
    /// subscriptions stay).
    Replaced,
    /// The stored record is as new or newer, or the note was already there: left as is.
    Unchanged,
    /// A note about a record this registry doesn't hold: skipped.
    UnknownRecord,
}

/// What a responder does to a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteVisibility {
    Hidden,
    Visible,
}

/// A feed's window: entries since `min_entry_date` (inclusive), oldest first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FeedWindow {
    pub min_entry_date: Option<Timestamp>,
    pub skip: u32,
    pub max_results: u32,
}

/// A photo of a record (`note` None) or of one of its notes, as the server resized it.
#[derive(Clone, Debug, PartialEq)]
pub struct MissingPhoto {
    pub id: uuid::Uuid,
    pub record: MissingId,
    pub note: Option<MissingNoteId>,
    /// Who uploaded it: the reporter or a responder (the caller's rule).
    pub uploaded_by: AccountId,
    /// Of both sizes, e.g. `image/jpeg`.
    pub content_type: String,
    pub display: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub uploaded_at: Timestamp,
}
