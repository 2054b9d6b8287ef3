//! The embedded backend: one SQLite file in WAL mode, so `entraide serve` needs nothing
//! installed.
//!
//! Every write goes to one writer thread (see [`writer`]), which commits queued writes
//! together: SQLite never sees two writers from this process, and under load one fsync
//! carries many marks. Reads run on a small pool of read-only connections, which WAL lets
//! proceed while the writer commits.

mod accounts;
mod convert;
mod crises;
mod idempotency;
mod inbox;
mod migrate;
mod missing;
mod places;
mod safety;
mod shelter;
mod standing;
mod writer;

use crate::group_commit::{self, Queue};
use crate::{
    Account, Contact, ContactState, ContactStatus, CrisisStats, IdempotencyClaim, IdempotencyKey,
    InboxItem, MarkEvent, MarkWrite, Marked, NeedHelp, NewAccount, NewSession, Prompt,
    ReportOutcome, ReportedTarget, Result, Session, Store, StoreError, StoredResponse, WriteStats,
};
use crate::{FeedWindow, ImportItem, ImportOutcome, MissingNote, MissingRecord, NoteVisibility};
use async_trait::async_trait;
use entraide_core::shelter::{
    Offer, OfferEdit, OfferId, OfferStatus, Report, ReportTarget, RequestId, RequestStatus,
    ShelterRequest,
};
use entraide_core::{
    AccountId, Crisis, CrisisId, CrisisStatus, Event, Handle, Location, MissingId, MissingNoteId,
    NoteStatus, Timestamp,
};
use entraide_geo::{BBox, Zone};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use writer::{Job, Write, WriteKind};

/// How long a connection waits for a lock held by another process (`entraide admin`
/// beside a server) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read connections. Once pages are cached a read is CPU work: a few connections keep two
/// cores busy, more would only have more threads contend for them.
const READERS: u32 = 4;

/// Writes waiting for the writer: two full batches, so the next batch is ready while one
/// commits, and beyond that callers wait (back-pressure).
const QUEUE_CAPACITY: usize = 2 * group_commit::MAX_BATCH;

/// Prepared statements each connection keeps: more than the store has queries.
const STATEMENT_CACHE: usize = 64;

/// The writer's page cache, in KiB (negative, as `PRAGMA cache_size` takes it): the pages
/// of the tables marks touch, so a batch rarely reads from disk, and the indexes an import
/// inserts into. Random ids put each new record on a random leaf of the primary key and
/// PFIF id indexes, tens of MiB each at a million missing-person records: with less,
/// an import reads a page back from the OS for most records (README, missing persons, has
/// the figures). SQLite takes the memory only as pages are read.
const WRITER_CACHE_KIB: i64 = -128 * 1024;

pub struct SqliteStore {
    writes: Queue<Write, Result<()>>,
    reads: r2d2::Pool<SqliteConnectionManager>,
    stats: Arc<writer::Stats>,
    /// The marks that stand: every read of statuses answers from here (see [`standing`]).
    standing: standing::Shared,
}

impl SqliteStore {
    /// Opens (creating if need be) `dir/entraide.db` and applies pending migrations.
    pub async fn open(dir: &Path) -> Result<Self> {
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_blocking(&dir))
            .await
            .map_err(|e| StoreError::Backend(format!("opening the database: {e}")))?
    }

    fn open_blocking(dir: &Path) -> Result<Self> {
        Self::open_flushing(dir, standing::FlushPolicy::DEFAULT)
    }

    /// As [`Self::open`], writing the snapshot of standing marks by `policy` (tests flush
    /// often, to read back snapshots of every age).
    fn open_flushing(dir: &Path, policy: standing::FlushPolicy) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Backend(format!(
                "cannot create the data directory {}: {e}",
                dir.display()
            ))
        })?;
        let path = dir.join("entraide.db");
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!(
                "{} cannot use WAL mode (got {mode})",
                path.display()
            )));
        }
        // FULL: in WAL mode, NORMAL may lose the last commits on power loss, and a mark is
        // acknowledged as durable.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Each write's savepoint copies the pages it changes: keep those copies in memory.
        conn.pragma_update(None, "temp_store", "memory")?;
        conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        migrate::apply(&mut conn)?;
        let standing = standing::Shared::new(standing::load(&conn)?);

        let manager = SqliteConnectionManager::file(&path).with_init(|c| {
            c.busy_timeout(BUSY_TIMEOUT)?;
            c.pragma_update(None, "query_only", true)?;
            c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
            Ok(())
        });
        let reads = r2d2::Pool::builder()
            .max_size(READERS)
            .build(manager)
            .map_err(|e| StoreError::Backend(format!("opening read connections: {e}")))?;

        let (writes, batches) = group_commit::queue(QUEUE_CAPACITY);
        let stats = Arc::new(writer::Stats::default());
        let marks = standing::Marks::new(standing.clone(), policy);
        writer::spawn(conn, batches, Arc::clone(&stats), marks)
            .map_err(|e| StoreError::Backend(format!("starting the writer thread: {e}")))?;
        Ok(Self {
            writes,
            reads,
            stats,
            standing,
        })
    }

    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let pool = self.reads.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool
                .get()
                .map_err(|e| StoreError::Backend(format!("no read connection: {e}")))?;
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::Backend(format!("read task failed: {e}")))?
    }

    /// Runs `f` on the writer, in the next batch, and returns its result once committed.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.submit(WriteKind::Other, f).await
    }

    /// As [`Self::write`], for a safety mark, which reads and stages what stands through
    /// `Marks`: see `WriteKind::Mark` for what `f` must keep.
    async fn write_mark<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &mut standing::Marks) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.submit_job(WriteKind::Mark, f).await
    }

    /// As [`Self::write`], for a large write (an import batch): see `WriteKind::Bulk`.
    async fn write_bulk<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.submit(WriteKind::Bulk, f).await
    }

    async fn submit<T: Send + 'static>(
        &self,
        kind: WriteKind,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.submit_job(kind, move |conn, _| f(conn)).await
    }

    async fn submit_job<T: Send + 'static>(
        &self,
        kind: WriteKind,
        f: impl FnOnce(&Connection, &mut standing::Marks) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        // The result travels apart from the verdict: the job hands it over before COMMIT,
        // but it is taken only once the writer reports the commit succeeded.
        let (result_tx, mut result_rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn, marks| {
            let _ = result_tx.send(f(conn, marks)?);
            Ok(())
        });
        self.writes
            .submit(Write { job, kind })
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))??;
        result_rx.try_recv().map_err(|_| {
            StoreError::Backend("the writer committed a write but lost its result".into())
        })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn write_stats(&self) -> WriteStats {
        self.stats.snapshot()
    }

    async fn create_account(&self, account: NewAccount) -> Result<Account> {
        self.write(move |c| accounts::create_account(c, account))
            .await
    }

    async fn account(&self, id: AccountId) -> Result<Option<Account>> {
        self.read(move |c| accounts::account_by_id(c, id)).await
    }

    async fn account_by_handle(&self, handle: &Handle) -> Result<Option<(Account, String)>> {
        let handle = handle.clone();
        self.read(move |c| accounts::account_by_handle(c, &handle))
            .await
    }

    async fn create_session(&self, session: NewSession) -> Result<()> {
        self.write(move |c| accounts::create_session(c, session))
            .await
    }

    async fn session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Option<Session>> {
        let token_hash = *token_hash;
        self.read(move |c| accounts::session(c, token_hash, now))
            .await
    }

    async fn delete_session(&self, token_hash: &[u8; 32]) -> Result<()> {
        let token_hash = *token_hash;
        self.write(move |c| accounts::delete_session(c, token_hash))
            .await
    }

    async fn set_account_email(
        &self,
        account: AccountId,
        email: Option<String>,
        at: Timestamp,
    ) -> Result<()> {
        self.write(move |c| accounts::set_email(c, account, email, at))
            .await
    }

    async fn account_email(&self, account: AccountId) -> Result<Option<String>> {
        self.read(move |c| accounts::email(c, account)).await
    }

    async fn account_emails(&self, accounts: &[AccountId]) -> Result<Vec<(AccountId, String)>> {
        let accounts = accounts.to_vec();
        self.read(move |c| accounts::emails(c, &accounts)).await
    }

    async fn request_contact(
        &self,
        from: AccountId,
        to: AccountId,
        at: Timestamp,
    ) -> Result<ContactState> {
        self.write(move |c| accounts::request_contact(c, from, to, at))
            .await
    }

    async fn accept_contact(&self, me: AccountId, other: AccountId, at: Timestamp) -> Result<()> {
        self.write(move |c| accounts::accept_contact(c, me, other, at))
            .await
    }

    async fn remove_contact(&self, me: AccountId, other: AccountId) -> Result<bool> {
        self.write(move |c| accounts::remove_contact(c, me, other))
            .await
    }

    async fn contacts(&self, me: AccountId) -> Result<Vec<Contact>> {
        self.read(move |c| accounts::contacts(c, me)).await
    }

    async fn mutual_contact_ids(&self, me: AccountId) -> Result<Vec<AccountId>> {
        self.read(move |c| accounts::mutual_contact_ids(c, me))
            .await
    }

    async fn are_mutual_contacts(&self, a: AccountId, b: AccountId) -> Result<bool> {
        self.read(move |c| accounts::are_mutual_contacts(c, a, b))
            .await
    }

    async fn record_location(&self, account: AccountId, location: Location) -> Result<()> {
        self.write(move |c| places::record_location(c, account, location))
            .await
    }

    async fn latest_location(&self, account: AccountId) -> Result<Option<Location>> {
        self.read(move |c| places::latest_location(c, account))
            .await
    }

    async fn set_home(&self, account: AccountId, home: Option<Zone>) -> Result<()> {
        self.write(move |c| places::set_home(c, account, home))
            .await
    }

    async fn home(&self, account: AccountId) -> Result<Option<Zone>> {
        self.read(move |c| places::home(c, account)).await
    }

    async fn latest_locations_in(
        &self,
        bbox: BBox,
        since: Timestamp,
    ) -> Result<Vec<(AccountId, Location)>> {
        self.read(move |c| places::latest_locations_in(c, bbox, since))
            .await
    }

    async fn homes_in(&self, bbox: BBox) -> Result<Vec<(AccountId, Zone)>> {
        self.read(move |c| places::homes_in(c, bbox)).await
    }

    async fn create_crisis(&self, crisis: &Crisis) -> Result<()> {
        let crisis = crisis.clone();
        self.write(move |c| crises::create_crisis(c, crisis)).await
    }

    async fn crisis(&self, id: CrisisId) -> Result<Option<Crisis>> {
        self.read(move |c| crises::crisis_by_id(c, id)).await
    }

    async fn crises(&self, status: Option<CrisisStatus>) -> Result<Vec<Crisis>> {
        self.read(move |c| crises::crises(c, status)).await
    }

    async fn set_crisis_status(
        &self,
        id: CrisisId,
        from: CrisisStatus,
        to: CrisisStatus,
        at: Timestamp,
    ) -> Result<()> {
        self.write(move |c| crises::set_crisis_status(c, id, from, to, at))
            .await
    }

    async fn add_prompts(
        &self,
        crisis: CrisisId,
        accounts: &[AccountId],
        at: Timestamp,
    ) -> Result<Vec<AccountId>> {
        let accounts = accounts.to_vec();
        self.write(move |c| crises::add_prompts(c, crisis, &accounts, at))
            .await
    }

    async fn prompted(&self, crisis: CrisisId) -> Result<Vec<AccountId>> {
        self.read(move |c| crises::prompted(c, crisis)).await
    }

    async fn prompts_for(&self, account: AccountId) -> Result<Vec<Prompt>> {
        let standing = self.standing.clone();
        self.read(move |c| crises::prompts_for(c, &standing, account))
            .await
    }

    async fn mark(&self, write: MarkWrite) -> Result<Marked> {
        let person = write.account;
        self.write_mark(move |c, marks| {
            Ok(Marked {
                standing: safety::mark(c, marks, write)?,
                contacts: accounts::mutual_contact_ids(c, person)?,
                linked_records: missing::linked_to(c, person)?,
            })
        })
        .await
    }

    async fn mark_history(&self, crisis: CrisisId, account: AccountId) -> Result<Vec<MarkEvent>> {
        self.read(move |c| safety::mark_history(c, crisis, account))
            .await
    }

    async fn contact_statuses(
        &self,
        crisis: CrisisId,
        me: AccountId,
    ) -> Result<Vec<ContactStatus>> {
        let standing = self.standing.clone();
        self.read(move |c| safety::contact_statuses(c, &standing, crisis, me))
            .await
    }

    async fn crisis_stats(&self, crisis: CrisisId) -> Result<CrisisStats> {
        let standing = self.standing.clone();
        self.read(move |c| safety::crisis_stats(c, &standing, crisis))
            .await
    }

    async fn need_help(&self, crisis: CrisisId) -> Result<Vec<NeedHelp>> {
        let standing = self.standing.clone();
        self.read(move |c| safety::need_help(c, &standing, crisis))
            .await
    }

    async fn notify(&self, recipients: &[AccountId], event: &Event, at: Timestamp) -> Result<()> {
        let (recipients, event) = (recipients.to_vec(), event.clone());
        self.write(move |c| inbox::notify(c, &recipients, &event, at))
            .await
    }

    async fn inbox(&self, account: AccountId, limit: u32) -> Result<Vec<InboxItem>> {
        let standing = self.standing.clone();
        self.read(move |c| inbox::inbox(c, &standing, account, limit))
            .await
    }

    async fn claim_idempotency_key(
        &self,
        key: &IdempotencyKey,
        fingerprint: &[u8; 32],
        now: Timestamp,
    ) -> Result<IdempotencyClaim> {
        let (key, fingerprint) = (key.clone(), *fingerprint);
        self.write(move |c| idempotency::claim(c, &key, fingerprint, now))
            .await
    }

    async fn complete_idempotency_key(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<()> {
        let (key, response) = (key.clone(), response.clone());
        self.write(move |c| idempotency::complete(c, &key, &response))
            .await
    }

    async fn release_idempotency_key(&self, key: &IdempotencyKey) -> Result<()> {
        let key = key.clone();
        self.write(move |c| idempotency::release(c, &key)).await
    }

    async fn purge(&self, now: Timestamp, idempotency_before: Timestamp) -> Result<()> {
        self.write(move |c| idempotency::purge(c, now, idempotency_before))
            .await
    }

    async fn create_offer(&self, offer: &Offer) -> Result<()> {
        let offer = offer.clone();
        self.write(move |c| shelter::create_offer(c, offer)).await
    }

    async fn offer(&self, id: OfferId) -> Result<Option<Offer>> {
        self.read(move |c| shelter::offer_by_id(c, id)).await
    }

    async fn offers_by_host(&self, host: AccountId) -> Result<Vec<Offer>> {
        self.read(move |c| shelter::offers_by_host(c, host)).await
    }

    async fn searchable_offers(&self) -> Result<Vec<Offer>> {
        self.read(shelter::searchable_offers).await
    }

    async fn set_offer_status(
        &self,
        id: OfferId,
        from: OfferStatus,
        to: OfferStatus,
        at: Timestamp,
    ) -> Result<Offer> {
        self.write(move |c| shelter::set_offer_status(c, id, from, to, at))
            .await
    }

    async fn edit_offer(&self, id: OfferId, edit: &OfferEdit, at: Timestamp) -> Result<Offer> {
        let edit = edit.clone();
        self.write(move |c| shelter::edit_offer(c, id, edit, at))
            .await
    }

    async fn set_offer_hidden(&self, id: OfferId, hidden: bool, at: Timestamp) -> Result<Offer> {
        self.write(move |c| shelter::set_offer_hidden(c, id, hidden, at))
            .await
    }

    async fn create_shelter_request(&self, request: &ShelterRequest) -> Result<()> {
        let request = request.clone();
        self.write(move |c| shelter::create_request(c, request))
            .await
    }

    async fn shelter_request(&self, id: RequestId) -> Result<Option<ShelterRequest>> {
        self.read(move |c| shelter::request_by_id(c, id)).await
    }

    async fn requests_for_offer(&self, offer: OfferId) -> Result<Vec<ShelterRequest>> {
        self.read(move |c| shelter::requests_for_offer(c, offer))
            .await
    }

    async fn requests_by_guest(&self, guest: AccountId) -> Result<Vec<ShelterRequest>> {
        self.read(move |c| shelter::requests_by_guest(c, guest))
            .await
    }

    async fn move_shelter_request(
        &self,
        id: RequestId,
        to: RequestStatus,
        at: Timestamp,
    ) -> Result<(ShelterRequest, Offer)> {
        self.write(move |c| shelter::move_request(c, id, to, at))
            .await
    }

    async fn lapse_shelter_requests(
        &self,
        before: Timestamp,
        at: Timestamp,
    ) -> Result<Vec<ShelterRequest>> {
        self.write(move |c| shelter::lapse_requests(c, before, at))
            .await
    }

    async fn waiting_requests(&self) -> Result<Vec<(OfferId, u32)>> {
        self.read(shelter::waiting_requests).await
    }

    async fn report(&self, report: &Report, hide_after: u32) -> Result<ReportOutcome> {
        let report = report.clone();
        self.write(move |c| shelter::report(c, report, hide_after))
            .await
    }

    async fn open_reports(&self) -> Result<Vec<ReportedTarget>> {
        self.read(shelter::open_reports).await
    }

    async fn resolve_reports(&self, target: ReportTarget, at: Timestamp) -> Result<u32> {
        self.write(move |c| shelter::resolve_reports(c, target, at))
            .await
    }

    async fn approve_host(&self, account: AccountId, by: AccountId, at: Timestamp) -> Result<()> {
        self.write(move |c| shelter::approve_host(c, account, by, at))
            .await
    }

    async fn host_approved(&self, account: AccountId) -> Result<bool> {
        self.read(move |c| shelter::host_approved(c, account)).await
    }

    // --- missing persons (issue 4) ---

    async fn create_missing(&self, record: &MissingRecord) -> Result<()> {
        let record = record.clone();
        self.write(move |c| missing::create(c, &record)).await
    }

    async fn import_missing(&self, batch: Vec<ImportItem>) -> Result<Vec<ImportOutcome>> {
        self.write_bulk(move |c| missing::import(c, batch)).await
    }

    async fn missing_records(&self, ids: &[MissingId]) -> Result<Vec<MissingRecord>> {
        let ids = ids.to_vec();
        self.read(move |c| missing::records(c, &ids)).await
    }

    async fn missing_notes(&self, record: MissingId) -> Result<Vec<MissingNote>> {
        self.read(move |c| missing::notes(c, record)).await
    }

    async fn add_missing_note(&self, note: &MissingNote) -> Result<Option<NoteStatus>> {
        let note = note.clone();
        self.write(move |c| missing::add_note(c, &note)).await
    }

    async fn flag_missing_note(
        &self,
        note: MissingNoteId,
        account: AccountId,
        at: Timestamp,
    ) -> Result<u32> {
        self.write(move |c| missing::flag_note(c, note, account, at))
            .await
    }

    async fn set_missing_note_visibility(
        &self,
        note: MissingNoteId,
        visibility: NoteVisibility,
    ) -> Result<MissingId> {
        self.write(move |c| missing::set_note_visibility(c, note, visibility))
            .await
    }

    async fn set_missing_verified(&self, record: MissingId, verified: bool) -> Result<()> {
        self.write(move |c| missing::set_verified(c, record, verified))
            .await
    }

    async fn link_missing(&self, a: MissingId, b: MissingId) -> Result<()> {
        self.write(move |c| missing::link(c, a, b)).await
    }

    async fn set_missing_account(
        &self,
        record: MissingId,
        account: Option<AccountId>,
    ) -> Result<()> {
        self.write(move |c| missing::set_account(c, record, account))
            .await
    }

    async fn subscribe_missing(
        &self,
        record: MissingId,
        account: AccountId,
        at: Timestamp,
    ) -> Result<()> {
        self.write(move |c| missing::subscribe(c, record, account, at))
            .await
    }

    async fn unsubscribe_missing(&self, record: MissingId, account: AccountId) -> Result<bool> {
        self.write(move |c| missing::unsubscribe(c, record, account))
            .await
    }

    async fn missing_subscribers(&self, record: MissingId) -> Result<Vec<AccountId>> {
        self.read(move |c| missing::subscribers(c, record)).await
    }

    async fn delete_missing(&self, record: MissingId, now: Timestamp) -> Result<()> {
        self.write(move |c| missing::delete(c, record, now)).await
    }

    async fn expire_missing(&self, now: Timestamp) -> Result<Vec<MissingId>> {
        self.write(move |c| missing::expire(c, now)).await
    }

    async fn missing_names(&self) -> Result<Vec<(MissingId, Vec<String>)>> {
        self.read(missing::names).await
    }

    async fn missing_feed(&self, window: FeedWindow) -> Result<Vec<MissingRecord>> {
        self.read(move |c| missing::feed(c, window)).await
    }

    async fn missing_note_feed(&self, window: FeedWindow) -> Result<Vec<MissingNote>> {
        self.read(move |c| missing::note_feed(c, window)).await
    }

    async fn locations_between(
        &self,
        bbox: BBox,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(AccountId, Location)>> {
        self.read(move |c| missing::locations_between(c, bbox, from, to))
            .await
    }

    async fn responder_ids(&self) -> Result<Vec<AccountId>> {
        self.read(accounts::responder_ids).await
    }

    async fn put_missing_photo(&self, photo: &crate::MissingPhoto) -> Result<()> {
        let photo = photo.clone();
        self.write(move |c| missing::put_photo(c, &photo)).await
    }

    async fn missing_photo(&self, id: uuid::Uuid) -> Result<Option<crate::MissingPhoto>> {
        self.read(move |c| missing::photo(c, id)).await
    }

    async fn missing_photo_ids(
        &self,
        record: MissingId,
    ) -> Result<Vec<(Option<MissingNoteId>, uuid::Uuid)>> {
        self.read(move |c| missing::photo_ids(c, record)).await
    }
}
