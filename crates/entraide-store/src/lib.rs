//! Where entraide keeps what must survive a restart. One trait, [`Store`], with an SQLite
//! implementation (the embedded default: `entraide serve` needs nothing installed) and a
//! PostgreSQL one (what a city runs, several instances beside one database). Both pass the
//! same conformance suite (`tests/conformance.rs`), so the server never needs to know which
//! one it talks to.
//!
//! Rules live in `entraide-core`; a store applies them where they must be atomic with the
//! write (the on-behalf mark rule reads the current mark in the same transaction).

pub mod group_commit;
mod missing;
mod model;
pub mod postgres;
pub mod scratch;
mod shelter;
pub mod sqlite;

pub use missing::*;
pub use model::*;
pub use shelter::*;

use async_trait::async_trait;
use entraide_core::Refusal;
use entraide_core::shelter::{
    Offer, OfferEdit, OfferId, OfferStatus, Report, ReportTarget, RequestId, RequestStatus,
    ShelterRequest,
};
use entraide_core::{
    AccountId, Crisis, CrisisId, CrisisStatus, Event, Handle, Location, MissingId, MissingNoteId,
    Timestamp,
};
use entraide_geo::{BBox, Zone};
use std::sync::Arc;

/// What can go wrong, in the terms the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing named does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The write contradicts what is stored: a taken handle, a transition from the wrong
    /// status, an on-behalf mark over an own answer.
    #[error("{0}")]
    Conflict(Refusal),
    /// The database failed; the message is for logs, never for clients.
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The storage contract. Every method is one transaction: it happens whole or not at all.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// "sqlite" or "postgres", for logs and metrics.
    fn backend(&self) -> &'static str;

    /// How many safety writes were committed, in how many commits: the group-commit ratio,
    /// for /metrics and for the test that checks marks really share commits.
    fn write_stats(&self) -> WriteStats;

    // --- accounts and sessions ---

    /// Fails with `Conflict` when the handle is taken.
    async fn create_account(&self, account: NewAccount) -> Result<Account>;
    async fn account(&self, id: AccountId) -> Result<Option<Account>>;
    /// With the password hash, for logging in.
    async fn account_by_handle(&self, handle: &Handle) -> Result<Option<(Account, String)>>;
    async fn create_session(&self, session: NewSession) -> Result<()>;
    /// The live (unexpired) session with this token hash, with its account.
    async fn session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Option<Session>>;
    async fn delete_session(&self, token_hash: &[u8; 32]) -> Result<()>;

    // --- an account's email address: for the mails of what it follows ---

    /// Sets the account's email address (already validated by the caller), or forgets it
    /// with `None`. `NotFound` for an unknown account.
    async fn set_account_email(
        &self,
        account: AccountId,
        email: Option<String>,
        at: Timestamp,
    ) -> Result<()>;
    /// The account's email address: shown to that account only.
    async fn account_email(&self, account: AccountId) -> Result<Option<String>>;
    /// The addresses of those of these accounts that have one, for the mailer only.
    async fn account_emails(&self, accounts: &[AccountId]) -> Result<Vec<(AccountId, String)>>;

    // --- contacts: mutual, by request then accept ---

    /// Asks `to` to become a contact of `from`. If `to` had already asked `from`, they
    /// become mutual at once.
    async fn request_contact(
        &self,
        from: AccountId,
        to: AccountId,
        at: Timestamp,
    ) -> Result<ContactState>;
    /// Accepts `other`'s pending request; `NotFound` when there is none.
    async fn accept_contact(&self, me: AccountId, other: AccountId, at: Timestamp) -> Result<()>;
    /// Removes the link (mutual or pending) from both sides; false when there was none.
    async fn remove_contact(&self, me: AccountId, other: AccountId) -> Result<bool>;
    async fn contacts(&self, me: AccountId) -> Result<Vec<Contact>>;
    async fn mutual_contact_ids(&self, me: AccountId) -> Result<Vec<AccountId>>;
    async fn are_mutual_contacts(&self, a: AccountId, b: AccountId) -> Result<bool>;

    // --- where people are ---

    /// Keeps the location as the latest one; the history is kept for later features
    /// (calls for witnesses).
    async fn record_location(&self, account: AccountId, location: Location) -> Result<()>;
    async fn latest_location(&self, account: AccountId) -> Result<Option<Location>>;
    async fn set_home(&self, account: AccountId, home: Option<Zone>) -> Result<()>;
    async fn home(&self, account: AccountId) -> Result<Option<Zone>>;
    /// People whose latest location since `since` lies in `bbox`: candidates that the caller
    /// checks exactly against the zone.
    async fn latest_locations_in(
        &self,
        bbox: BBox,
        since: Timestamp,
    ) -> Result<Vec<(AccountId, Location)>>;
    /// People whose home area's bounding box meets `bbox`: candidates again.
    async fn homes_in(&self, bbox: BBox) -> Result<Vec<(AccountId, Zone)>>;

    // --- crises ---

    /// Stores a new crisis with the id it carries (callers derive it from the request's
    /// idempotency key, so a retried creation collides instead of duplicating); `Conflict`
    /// when that id exists.
    async fn create_crisis(&self, crisis: &Crisis) -> Result<()>;
    async fn crisis(&self, id: CrisisId) -> Result<Option<Crisis>>;
    /// Newest first.
    async fn crises(&self, status: Option<CrisisStatus>) -> Result<Vec<Crisis>>;
    /// Moves a crisis from `from` to `to` only if it is still `from` (two responders pressing
    /// at once: one wins, the other gets `Conflict`).
    async fn set_crisis_status(
        &self,
        id: CrisisId,
        from: CrisisStatus,
        to: CrisisStatus,
        at: Timestamp,
    ) -> Result<()>;

    // --- Safety Check ---

    /// Records that these people are asked about the crisis; returns those not asked before,
    /// so each person is told once.
    async fn add_prompts(
        &self,
        crisis: CrisisId,
        accounts: &[AccountId],
        at: Timestamp,
    ) -> Result<Vec<AccountId>>;
    /// Everyone asked about the crisis (those who answered without being asked included).
    async fn prompted(&self, crisis: CrisisId) -> Result<Vec<AccountId>>;
    /// The crises that asked me, newest first, each with my current mark.
    async fn prompts_for(&self, account: AccountId) -> Result<Vec<Prompt>>;
    /// Applies a safety action: the durable write behind every "I'm safe". Acknowledged
    /// (returns) only once committed; implementations group concurrent marks into one commit.
    /// Returns the mark that now stands, the mutual contacts to tell of it, and the
    /// missing-person records tied to the person.
    async fn mark(&self, write: MarkWrite) -> Result<Marked>;
    /// Every mark of a person in a crisis, oldest first: the history behind the latest one.
    async fn mark_history(&self, crisis: CrisisId, account: AccountId) -> Result<Vec<MarkEvent>>;
    /// My mutual contacts with their current status in the crisis (None when they have not
    /// answered), sorted by display name.
    async fn contact_statuses(&self, crisis: CrisisId, me: AccountId)
    -> Result<Vec<ContactStatus>>;
    async fn crisis_stats(&self, crisis: CrisisId) -> Result<CrisisStats>;
    /// People whose current status is need_help, with their message and last location.
    async fn need_help(&self, crisis: CrisisId) -> Result<Vec<NeedHelp>>;

    // --- inbox ---

    /// Leaves a notification for each recipient (live delivery is the bus's job; this is
    /// what they find when they come back).
    async fn notify(&self, recipients: &[AccountId], event: &Event, at: Timestamp) -> Result<()>;
    /// The notifications left for me, and where each of my contacts stands in each crisis
    /// (their latest word, not every step), newest first.
    async fn inbox(&self, account: AccountId, limit: u32) -> Result<Vec<InboxItem>>;

    // --- idempotent retries ---

    /// Claims an idempotency key before the request runs. See [`IdempotencyClaim`].
    async fn claim_idempotency_key(
        &self,
        key: &IdempotencyKey,
        fingerprint: &[u8; 32],
        now: Timestamp,
    ) -> Result<IdempotencyClaim>;
    /// Stores the response to replay to every retry.
    async fn complete_idempotency_key(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<()>;
    /// Forgets a claim whose request failed on our side, so a retry runs it again.
    async fn release_idempotency_key(&self, key: &IdempotencyKey) -> Result<()>;

    /// Deletes expired sessions and idempotency records older than `before`.
    async fn purge(&self, now: Timestamp, idempotency_before: Timestamp) -> Result<()>;

    // --- Open Doors (#PorteOuverte) ---

    /// Stores a new offer with the id it carries (derived from the idempotency key);
    /// `Conflict` when that id exists.
    async fn create_offer(&self, offer: &Offer) -> Result<()>;
    async fn offer(&self, id: OfferId) -> Result<Option<Offer>>;
    /// A host's offers, newest first.
    async fn offers_by_host(&self, host: AccountId) -> Result<Vec<Offer>>;
    /// Every offer that is open and not hidden: what the search index loads at start.
    async fn searchable_offers(&self) -> Result<Vec<Offer>>;
    /// Moves an offer from `from` to `to` only if it is still `from`; returns it as it now is.
    async fn set_offer_status(
        &self,
        id: OfferId,
        from: OfferStatus,
        to: OfferStatus,
        at: Timestamp,
    ) -> Result<Offer>;
    /// Applies a host's edit. `Conflict` when the capacity would fall below the places
    /// taken, checked in the same transaction as the write.
    async fn edit_offer(&self, id: OfferId, edit: &OfferEdit, at: Timestamp) -> Result<Offer>;
    /// Hides (moderation) or shows an offer again.
    async fn set_offer_hidden(&self, id: OfferId, hidden: bool, at: Timestamp) -> Result<Offer>;

    /// Stores a pending request. `Conflict` when the offer can't take the party now (with
    /// the reason, see `shelter::refusal`), when the guest already has a live request for
    /// it, or when the id exists; `NotFound` when there is no such offer.
    async fn create_shelter_request(&self, request: &ShelterRequest) -> Result<()>;
    async fn shelter_request(&self, id: RequestId) -> Result<Option<ShelterRequest>>;
    /// Oldest first.
    async fn requests_for_offer(&self, offer: OfferId) -> Result<Vec<ShelterRequest>>;
    /// Newest first.
    async fn requests_by_guest(&self, guest: AccountId) -> Result<Vec<ShelterRequest>>;
    /// Moves a request to `to` if its status allows (`RequestStatus::can_become`), and its
    /// offer's places with it, atomically: accepting reserves the party's places only if
    /// `taken + party <= capacity` and the offer is open (else `Conflict` saying why, and
    /// nothing changes); leaving a place-holding status gives them back. Returns the request
    /// and its offer as they now stand.
    async fn move_shelter_request(
        &self,
        id: RequestId,
        to: RequestStatus,
        at: Timestamp,
    ) -> Result<(ShelterRequest, Offer)>;
    /// Lapses every pending request made before `before`; returns them, lapsed.
    async fn lapse_shelter_requests(
        &self,
        before: Timestamp,
        at: Timestamp,
    ) -> Result<Vec<ShelterRequest>>;
    /// Pending requests per offer that has any.
    async fn waiting_requests(&self) -> Result<Vec<(OfferId, u32)>>;

    /// Records a report (a reporter's second report of the same target changes nothing).
    /// An offer reaching `hide_after` open reports is hidden in the same transaction.
    async fn report(&self, report: &Report, hide_after: u32) -> Result<ReportOutcome>;
    /// Targets with open reports, most reported first.
    async fn open_reports(&self) -> Result<Vec<ReportedTarget>>;
    /// Closes every open report on the target; returns how many.
    async fn resolve_reports(&self, target: ReportTarget, at: Timestamp) -> Result<u32>;

    /// A responder vouches for a new host.
    async fn approve_host(&self, account: AccountId, by: AccountId, at: Timestamp) -> Result<()>;
    async fn host_approved(&self, account: AccountId) -> Result<bool>;

    // --- missing persons (issue 4) ---

    /// Stores a new record under its id (derived from the request's idempotency key);
    /// `Conflict` when that id exists.
    async fn create_missing(&self, record: &MissingRecord) -> Result<()>;
    /// Applies a PFIF import batch in one transaction, in order: a record replaces the
    /// stored one only if its source_date is newer; a note is added once, and only to a
    /// record held here. One outcome per item.
    async fn import_missing(&self, batch: Vec<ImportItem>) -> Result<Vec<ImportOutcome>>;
    /// The records with these ids that exist, in no particular order (expired ones
    /// included: callers decide what a placeholder shows).
    async fn missing_records(&self, ids: &[MissingId]) -> Result<Vec<MissingRecord>>;
    /// Every note on a record, hidden ones included, oldest (by source_date) first.
    async fn missing_notes(&self, record: MissingId) -> Result<Vec<MissingNote>>;
    /// Adds a note and updates the record's status; returns the record's status after it.
    /// `NotFound` for an unknown or expired record, `Conflict` when the note's id exists.
    async fn add_missing_note(
        &self,
        note: &MissingNote,
    ) -> Result<Option<entraide_core::NoteStatus>>;
    /// Flags a note on behalf of `account` (once per account); returns the flag count.
    async fn flag_missing_note(
        &self,
        note: MissingNoteId,
        account: AccountId,
        at: Timestamp,
    ) -> Result<u32>;
    /// Hides or shows a note and recomputes its record's status; returns the record.
    async fn set_missing_note_visibility(
        &self,
        note: MissingNoteId,
        visibility: NoteVisibility,
    ) -> Result<MissingId>;
    async fn set_missing_verified(&self, record: MissingId, verified: bool) -> Result<()>;
    /// Links two records as the same person, both ways. `NotFound` if either is unknown.
    async fn link_missing(&self, a: MissingId, b: MissingId) -> Result<()>;
    /// Ties the record to the account of the person it describes, or unties it. Who may
    /// do so is the caller's rule (the person themself, or a mutual contact).
    async fn set_missing_account(
        &self,
        record: MissingId,
        account: Option<AccountId>,
    ) -> Result<()>;
    async fn subscribe_missing(
        &self,
        record: MissingId,
        account: AccountId,
        at: Timestamp,
    ) -> Result<()>;
    /// False when there was no subscription.
    async fn unsubscribe_missing(&self, record: MissingId, account: AccountId) -> Result<bool>;
    async fn missing_subscribers(&self, record: MissingId) -> Result<Vec<AccountId>>;
    /// A deletion request: the record expires now and its data is wiped at once.
    async fn delete_missing(&self, record: MissingId, now: Timestamp) -> Result<()>;
    /// Wipes the records whose expiry date has passed (keeping their placeholder) and
    /// returns them, so the caller drops them from its search index.
    async fn expire_missing(&self, now: Timestamp) -> Result<Vec<MissingId>>;
    /// Each live record's names, for building the search index.
    async fn missing_names(&self) -> Result<Vec<(MissingId, Vec<String>)>>;
    /// Records by entry date (oldest first), expired placeholders included: the person feed
    /// and PFIF export.
    async fn missing_feed(&self, window: FeedWindow) -> Result<Vec<MissingRecord>>;
    /// Notes by entry date (oldest first), the hidden ones left out: the note feed.
    async fn missing_note_feed(&self, window: FeedWindow) -> Result<Vec<MissingNote>>;
    /// Every location reported in `bbox` between `from` and `to` (inclusive), from the
    /// history people keep by sharing their location: candidates for a call for witnesses,
    /// which the caller checks by distance.
    async fn locations_between(
        &self,
        bbox: BBox,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(AccountId, Location)>>;

    // --- trends: a crisis proposed from a burst of posts is told to responders ---

    /// The accounts of every responder and admin, in id order.
    async fn responder_ids(&self) -> Result<Vec<AccountId>>;

    // --- missing persons: photos (issue 4) ---

    /// Stores the photo of a record (or of one of its notes), replacing the one it had, in
    /// one transaction. `NotFound` for an unknown or expired record, or a note not on it.
    async fn put_missing_photo(&self, photo: &MissingPhoto) -> Result<()>;
    async fn missing_photo(&self, id: uuid::Uuid) -> Result<Option<MissingPhoto>>;
    /// The photo ids of a record and of its notes (`None` for the record's own).
    async fn missing_photo_ids(
        &self,
        record: MissingId,
    ) -> Result<Vec<(Option<MissingNoteId>, uuid::Uuid)>>;
}

pub type DynStore = Arc<dyn Store>;

/// Where the data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// A directory holding `entraide.db` (SQLite, WAL mode): the embedded default.
    Sqlite(std::path::PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

/// Opens the store and applies its pending migrations.
pub async fn open(database: &Database) -> Result<DynStore> {
    match database {
        Database::Sqlite(dir) => Ok(Arc::new(sqlite::SqliteStore::open(dir).await?)),
        Database::Postgres(url) => Ok(Arc::new(postgres::PostgresStore::connect(url).await?)),
    }
}
