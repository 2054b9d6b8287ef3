//! PostgreSQL: what a city runs, several stateless instances beside one database.
//!
//! Every method takes a pooled connection and is one statement or one transaction. Safety
//! marks, the hot path, go through the group-commit writer in [`marks`]. Nothing here keeps
//! state that another instance would need to see: the database is the only truth.

mod cached;
mod marks;
mod migrate;
mod missing;
mod rows;
mod shelter;

use crate::group_commit::{self, Queue};
use crate::{
    Account, Contact, ContactState, ContactStatus, CrisisStats, IdempotencyClaim, IdempotencyKey,
    InboxItem, MarkActionKind, MarkEvent, MarkWrite, Marked, NeedHelp, NewAccount, NewSession,
    Prompt, ReportOutcome, ReportedTarget, Result, Session, Store, StoreError, StoredResponse,
    WriteStats,
};
use crate::{FeedWindow, ImportItem, ImportOutcome, MissingNote, MissingRecord, NoteVisibility};
use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use entraide_core::Refusal;
use entraide_core::shelter::{
    Offer, OfferEdit, OfferId, OfferStatus, Report, ReportTarget, RequestId, RequestStatus,
    ShelterRequest,
};
use entraide_core::{
    AccountId, Crisis, CrisisId, CrisisStatus, Event, Handle, Location, MissingId, MissingNoteId,
    NoteStatus, Timestamp,
};
use entraide_geo::{BBox, Zone};
use rows::MARK_COLUMNS;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::NoTls;
use uuid::Uuid;

/// Connections per instance: enough for a 2-core server's request handlers plus the
/// writer, few enough that several instances stay under PostgreSQL's default limit of 100.
const POOL_SIZE: usize = 16;

/// Marks waiting for the writer before senders have to wait too: a few batches' worth.
const QUEUE_CAPACITY: usize = 4 * group_commit::MAX_BATCH;

/// A request that can't get a connection within this long fails rather than piling up.
const POOL_WAIT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct PostgresStore {
    pool: Pool,
    marks: Queue<MarkWrite, marks::Reply>,
    stats: Arc<marks::Stats>,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host/db`), applies pending migrations and starts
    /// the safety writer. Must be called within a Tokio runtime, which the writer lives on.
    pub async fn connect(url: &str) -> Result<Self> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Backend(format!("connection pool: {e}")))?;
        migrate::run(&mut pool.get().await?).await?;
        let stats = Arc::new(marks::Stats::default());
        let (queue, batches) = group_commit::queue(QUEUE_CAPACITY);
        tokio::spawn(marks::run(pool.clone(), batches, stats.clone()));
        Ok(Self {
            pool,
            marks: queue,
            stats,
        })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }
}

/// Two directed contact rows are changed together; this lock makes two people asking each
/// other at the same moment take turns, so the second sees the first's row and makes them
/// mutual instead of both inserting.
const LOCK_PAIR: &str = "SELECT pg_advisory_xact_lock(hashtextextended(
                         least($1::uuid, $2::uuid)::text || greatest($1::uuid, $2::uuid)::text,
                         0))";

const ACCOUNT_COLUMNS: &str = "a.id, a.handle, a.display_name, a.role, a.created_at";

fn contact_state(value: &str) -> Result<ContactState> {
    match value {
        "outgoing" => Ok(ContactState::Outgoing),
        "incoming" => Ok(ContactState::Incoming),
        "mutual" => Ok(ContactState::Mutual),
        other => Err(StoreError::Backend(format!(
            "unexpected contact state {other:?} in the database"
        ))),
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn write_stats(&self) -> WriteStats {
        self.stats.snapshot()
    }

    // --- accounts and sessions ---

    async fn create_account(&self, account: NewAccount) -> Result<Account> {
        let client = self.client().await?;
        cached::execute(
            &client,
            "INSERT INTO accounts (id, handle, display_name, password_hash, role, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &account.id.0,
                &account.handle.as_str(),
                &account.display_name,
                &account.password_hash,
                &account.role.as_str(),
                &account.created_at,
            ],
        )
        .await
        .map_err(|e| match rows::violated(&e) {
            Some("accounts_handle_key") => StoreError::Conflict(Refusal::HandleTaken {
                handle: account.handle.to_string(),
            }),
            Some("accounts_pkey") => StoreError::Conflict(Refusal::IdTaken),
            _ => e.into(),
        })?;
        Ok(Account {
            id: account.id,
            handle: account.handle,
            display_name: account.display_name,
            role: account.role,
            created_at: account.created_at,
        })
    }

    async fn account(&self, id: AccountId) -> Result<Option<Account>> {
        let client = self.client().await?;
        let row = cached::query_opt(
            &client,
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1"),
            &[&id.0],
        )
        .await?;
        row.as_ref().map(rows::account).transpose()
    }

    async fn account_by_handle(&self, handle: &Handle) -> Result<Option<(Account, String)>> {
        let client = self.client().await?;
        let row = cached::query_opt(
            &client,
            &format!(
                "SELECT {ACCOUNT_COLUMNS}, a.password_hash FROM accounts a WHERE a.handle = $1"
            ),
            &[&handle.as_str()],
        )
        .await?;
        row.map(|row| Ok((rows::account(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    async fn create_session(&self, session: NewSession) -> Result<()> {
        let client = self.client().await?;
        cached::execute(
            &client,
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &&session.token_hash[..],
                &session.account.0,
                &session.csrf_token,
                &session.created_at,
                &session.expires_at,
            ],
        )
        .await
        .map_err(|e| {
            rows::missing_reference(&e).unwrap_or_else(|| match rows::violated(&e) {
                Some("sessions_pkey") => StoreError::Conflict(Refusal::IdTaken),
                _ => e.into(),
            })
        })?;
        Ok(())
    }

    async fn session(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Option<Session>> {
        let client = self.client().await?;
        let row = cached::query_opt(
            &client,
            &format!(
                "SELECT {ACCOUNT_COLUMNS}, s.csrf_token, s.expires_at
                 FROM sessions s JOIN accounts a ON a.id = s.account_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2"
            ),
            &[&&token_hash[..], &now],
        )
        .await?;
        row.map(|row| {
            Ok(Session {
                account: rows::account(&row)?,
                csrf_token: row.try_get("csrf_token")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &[u8; 32]) -> Result<()> {
        let client = self.client().await?;
        cached::execute(
            &client,
            "DELETE FROM sessions WHERE token_hash = $1",
            &[&&token_hash[..]],
        )
        .await?;
        Ok(())
    }

    async fn set_account_email(
        &self,
        account: AccountId,
        email: Option<String>,
        at: Timestamp,
    ) -> Result<()> {
        let client = self.client().await?;
        let Some(email) = email else {
            cached::execute(
                &client,
                "DELETE FROM account_emails WHERE account_id = $1",
                &[&account.0],
            )
            .await?;
            return Ok(());
        };
        cached::execute(
            &client,
            "INSERT INTO account_emails (account_id, email, set_at) VALUES ($1, $2, $3)
             ON CONFLICT (account_id) DO UPDATE SET email = excluded.email, set_at = excluded.set_at",
            &[&account.0, &email, &at],
        )
        .await
        .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
        Ok(())
    }

    async fn account_email(&self, account: AccountId) -> Result<Option<String>> {
        let client = self.client().await?;
        let row = cached::query_opt(
            &client,
            "SELECT email FROM account_emails WHERE account_id = $1",
            &[&account.0],
        )
        .await?;
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    async fn account_emails(&self, accounts: &[AccountId]) -> Result<Vec<(AccountId, String)>> {
        let ids: Vec<Uuid> = accounts.iter().map(|a| a.0).collect();
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT account_id, email FROM account_emails WHERE account_id = ANY($1)",
            &[&ids],
        )
        .await?;
        rows.iter()
            .map(|row| Ok((AccountId(row.try_get(0)?), row.try_get(1)?)))
            .collect()
    }

    // --- contacts ---

    async fn request_contact(
        &self,
        from: AccountId,
        to: AccountId,
        at: Timestamp,
    ) -> Result<ContactState> {
        if from == to {
            return Err(StoreError::Conflict(Refusal::OwnContact));
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        cached::execute(&tx, LOCK_PAIR, &[&from.0, &to.0]).await?;
        let existing = cached::query_opt(
            &tx,
            "SELECT state FROM contacts WHERE account_id = $1 AND contact_id = $2",
            &[&from.0, &to.0],
        )
        .await?;
        let state = match existing {
            Some(row) => contact_state(row.try_get("state")?)?,
            None => {
                cached::execute(
                    &tx,
                    "INSERT INTO contacts (account_id, contact_id, state, since)
                     VALUES ($1, $2, 'outgoing', $3), ($2, $1, 'incoming', $3)",
                    &[&from.0, &to.0, &at],
                )
                .await
                .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
                ContactState::Outgoing
            }
        };
        let state = match state {
            // They had asked me: asking back is accepting.
            ContactState::Incoming => {
                make_mutual(&tx, from, to, at).await?;
                ContactState::Mutual
            }
            other => other,
        };
        tx.commit().await?;
        Ok(state)
    }

    async fn accept_contact(&self, me: AccountId, other: AccountId, at: Timestamp) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        cached::execute(&tx, LOCK_PAIR, &[&me.0, &other.0]).await?;
        let state = cached::query_opt(
            &tx,
            "SELECT state FROM contacts WHERE account_id = $1 AND contact_id = $2",
            &[&me.0, &other.0],
        )
        .await?;
        match state
            .map(|row| contact_state(row.try_get("state")?))
            .transpose()?
        {
            Some(ContactState::Incoming) => make_mutual(&tx, me, other, at).await?,
            // Accepting twice (a retried click) is not an error.
            Some(ContactState::Mutual) => return Ok(()),
            Some(ContactState::Outgoing) | None => {
                return Err(StoreError::NotFound("contact request"));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn remove_contact(&self, me: AccountId, other: AccountId) -> Result<bool> {
        let client = self.client().await?;
        let removed = cached::execute(
            &client,
            "DELETE FROM contacts
             WHERE (account_id = $1 AND contact_id = $2)
                OR (account_id = $2 AND contact_id = $1)",
            &[&me.0, &other.0],
        )
        .await?;
        Ok(removed > 0)
    }

    async fn contacts(&self, me: AccountId) -> Result<Vec<Contact>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT a.id, a.handle, a.display_name, c.state, c.since
             FROM contacts c JOIN accounts a ON a.id = c.contact_id
             WHERE c.account_id = $1
             ORDER BY a.display_name COLLATE \"C\", a.handle COLLATE \"C\"",
            &[&me.0],
        )
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Contact {
                    id: AccountId(row.try_get("id")?),
                    handle: Handle::from_trusted(row.try_get("handle")?),
                    display_name: row.try_get("display_name")?,
                    state: contact_state(row.try_get("state")?)?,
                    since: row.try_get("since")?,
                })
            })
            .collect()
    }

    async fn mutual_contact_ids(&self, me: AccountId) -> Result<Vec<AccountId>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT contact_id FROM contacts WHERE account_id = $1 AND state = 'mutual'
             ORDER BY contact_id",
            &[&me.0],
        )
        .await?;
        rows.iter()
            .map(|row| Ok(AccountId(row.try_get(0)?)))
            .collect()
    }

    async fn are_mutual_contacts(&self, a: AccountId, b: AccountId) -> Result<bool> {
        let client = self.client().await?;
        let row = cached::query_one(
            &client,
            "SELECT EXISTS (SELECT 1 FROM contacts
             WHERE account_id = $1 AND contact_id = $2 AND state = 'mutual')",
            &[&a.0, &b.0],
        )
        .await?;
        Ok(row.try_get(0)?)
    }

    // --- where people are ---

    async fn record_location(&self, account: AccountId, location: Location) -> Result<()> {
        let client = self.client().await?;
        // One statement, so the history and the latest position can't disagree; a position
        // older than the latest (a delayed retry) joins the history without replacing it.
        cached::execute(
            &client,
            "WITH history AS (
                 INSERT INTO locations (account_id, lat, lon, accuracy_m, at)
                 VALUES ($1, $2, $3, $4, $5)
             )
             INSERT INTO latest_locations (account_id, lat, lon, accuracy_m, at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account_id) DO UPDATE
             SET lat = excluded.lat, lon = excluded.lon, accuracy_m = excluded.accuracy_m,
                 at = excluded.at
             WHERE excluded.at >= latest_locations.at",
            &[
                &account.0,
                &location.point.lat,
                &location.point.lon,
                &location.accuracy_m,
                &location.at,
            ],
        )
        .await
        .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
        Ok(())
    }

    async fn latest_location(&self, account: AccountId) -> Result<Option<Location>> {
        let client = self.client().await?;
        let row = cached::query_opt(
            &client,
            "SELECT lat, lon, accuracy_m, at FROM latest_locations WHERE account_id = $1",
            &[&account.0],
        )
        .await?;
        Ok(row.as_ref().map(rows::location).transpose()?.flatten())
    }

    async fn set_home(&self, account: AccountId, home: Option<Zone>) -> Result<()> {
        let client = self.client().await?;
        let Some(zone) = home else {
            cached::execute(
                &client,
                "DELETE FROM homes WHERE account_id = $1",
                &[&account.0],
            )
            .await?;
            return Ok(());
        };
        let b = zone.bbox();
        cached::execute(
            &client,
            "INSERT INTO homes (account_id, zone, min_lon, min_lat, max_lon, max_lat)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account_id) DO UPDATE
             SET zone = excluded.zone, min_lon = excluded.min_lon, min_lat = excluded.min_lat,
                 max_lon = excluded.max_lon, max_lat = excluded.max_lat",
            &[
                &account.0,
                &zone.to_json(),
                &b.min_lon,
                &b.min_lat,
                &b.max_lon,
                &b.max_lat,
            ],
        )
        .await
        .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
        Ok(())
    }

    async fn home(&self, account: AccountId) -> Result<Option<Zone>> {
        let client = self.client().await?;
        let row = cached::query_opt(
            &client,
            "SELECT zone FROM homes WHERE account_id = $1",
            &[&account.0],
        )
        .await?;
        row.map(|row| rows::zone(&row.try_get("zone")?)).transpose()
    }

    async fn latest_locations_in(
        &self,
        bbox: BBox,
        since: Timestamp,
    ) -> Result<Vec<(AccountId, Location)>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT account_id, lat, lon, accuracy_m, at FROM latest_locations
             WHERE lat BETWEEN $1 AND $2 AND lon BETWEEN $3 AND $4 AND at >= $5",
            &[
                &bbox.min_lat,
                &bbox.max_lat,
                &bbox.min_lon,
                &bbox.max_lon,
                &since,
            ],
        )
        .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(location) = rows::location(row)? {
                found.push((AccountId(row.try_get("account_id")?), location));
            }
        }
        Ok(found)
    }

    async fn homes_in(&self, bbox: BBox) -> Result<Vec<(AccountId, Zone)>> {
        let client = self.client().await?;
        // The box overlap uses the GiST index; the plain comparisons repeat it exactly,
        // because `box()` reorders corners and would turn an empty box into a full one.
        let rows = cached::query(
            &client,
            "SELECT account_id, zone FROM homes
             WHERE box(point(min_lon, min_lat), point(max_lon, max_lat))
                   && box(point($1, $2), point($3, $4))
               AND min_lon <= $3 AND max_lon >= $1 AND min_lat <= $4 AND max_lat >= $2",
            &[&bbox.min_lon, &bbox.min_lat, &bbox.max_lon, &bbox.max_lat],
        )
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    AccountId(row.try_get("account_id")?),
                    rows::zone(&row.try_get("zone")?)?,
                ))
            })
            .collect()
    }

    // --- crises ---

    async fn create_crisis(&self, crisis: &Crisis) -> Result<()> {
        let client = self.client().await?;
        cached::execute(
            &client,
            "INSERT INTO crises (id, title, description, kind, zone, status, starts_at, expires_at,
                                 created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &crisis.id.0,
                &crisis.title,
                &crisis.description,
                &crisis.kind.as_str(),
                &crisis.zone.to_json(),
                &crisis.status.as_str(),
                &crisis.starts_at,
                &crisis.expires_at,
                &crisis.created_by.map(|a| a.0),
                &crisis.created_at,
                &crisis.updated_at,
            ],
        )
        .await
        .map_err(|e| match rows::violated(&e) {
            Some("crises_pkey") => StoreError::Conflict(Refusal::IdTaken),
            Some("crises_created_by_fkey") => StoreError::NotFound("account"),
            _ => e.into(),
        })?;
        Ok(())
    }

    async fn crisis(&self, id: CrisisId) -> Result<Option<Crisis>> {
        let client = self.client().await?;
        let row =
            cached::query_opt(&client, "SELECT * FROM crises WHERE id = $1", &[&id.0]).await?;
        row.as_ref().map(rows::crisis).transpose()
    }

    async fn crises(&self, status: Option<CrisisStatus>) -> Result<Vec<Crisis>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT * FROM crises WHERE $1::text IS NULL OR status = $1
             ORDER BY created_at DESC, id DESC",
            &[&status.map(CrisisStatus::as_str)],
        )
        .await?;
        rows.iter().map(rows::crisis).collect()
    }

    async fn set_crisis_status(
        &self,
        id: CrisisId,
        from: CrisisStatus,
        to: CrisisStatus,
        at: Timestamp,
    ) -> Result<()> {
        let client = self.client().await?;
        // The status in the WHERE makes the check and the change one atomic step; the
        // second statement only explains a refusal.
        let changed = cached::execute(
            &client,
            "UPDATE crises SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
            &[&id.0, &from.as_str(), &to.as_str(), &at],
        )
        .await?;
        if changed > 0 {
            return Ok(());
        }
        match cached::query_opt(&client, "SELECT status FROM crises WHERE id = $1", &[&id.0])
            .await?
        {
            None => Err(StoreError::NotFound("crisis")),
            Some(row) => Err(StoreError::Conflict(Refusal::CrisisIs {
                crisis_status: rows::parse("status", row.try_get("status")?)?,
            })),
        }
    }

    // --- Safety Check ---

    async fn add_prompts(
        &self,
        crisis: CrisisId,
        accounts: &[AccountId],
        at: Timestamp,
    ) -> Result<Vec<AccountId>> {
        let client = self.client().await?;
        let ids: Vec<Uuid> = accounts.iter().map(|a| a.0).collect();
        let rows = cached::query(
            &client,
            "INSERT INTO prompts (crisis_id, account_id, asked_at)
             SELECT $1, a, $3 FROM unnest($2::uuid[]) AS a ORDER BY a
             ON CONFLICT DO NOTHING
             RETURNING account_id",
            &[&crisis.0, &ids, &at],
        )
        .await
        .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
        let mut new = rows
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<HashSet<Uuid>, _>>()?;
        // In the caller's order, each once.
        Ok(accounts
            .iter()
            .filter(|a| new.remove(&a.0))
            .copied()
            .collect())
    }

    async fn prompted(&self, crisis: CrisisId) -> Result<Vec<AccountId>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT account_id FROM prompts WHERE crisis_id = $1 ORDER BY asked_at, account_id",
            &[&crisis.0],
        )
        .await?;
        rows.iter()
            .map(|row| Ok(AccountId(row.try_get(0)?)))
            .collect()
    }

    async fn prompts_for(&self, account: AccountId) -> Result<Vec<Prompt>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            &format!(
                "SELECT c.*, p.asked_at, {MARK_COLUMNS}
                 FROM prompts p
                 JOIN crises c ON c.id = p.crisis_id
                 LEFT JOIN safety_marks m
                        ON m.crisis_id = p.crisis_id AND m.account_id = p.account_id
                 LEFT JOIN accounts b ON b.id = m.marked_by
                 WHERE p.account_id = $1
                 ORDER BY p.asked_at DESC, c.id DESC"
            ),
            &[&account.0],
        )
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Prompt {
                    crisis: rows::crisis(row)?,
                    asked_at: row.try_get("asked_at")?,
                    mark: rows::current_mark(row)?,
                })
            })
            .collect()
    }

    async fn mark(&self, write: MarkWrite) -> Result<Marked> {
        self.marks
            .submit(write)
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?
    }

    async fn mark_history(&self, crisis: CrisisId, account: AccountId) -> Result<Vec<MarkEvent>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT action, status, message, actor, at FROM safety_history
             WHERE crisis_id = $1 AND account_id = $2
             ORDER BY at, id",
            &[&crisis.0, &account.0],
        )
        .await?;
        rows.iter()
            .map(|row| {
                let action: &str = row.try_get("action")?;
                Ok(MarkEvent {
                    action: MarkActionKind::parse(action).ok_or_else(|| {
                        StoreError::Backend(format!(
                            "unexpected mark action {action:?} in the database"
                        ))
                    })?,
                    status: row
                        .try_get::<_, Option<&str>>("status")?
                        .map(|s| rows::parse("safety status", s))
                        .transpose()?,
                    message: row.try_get("message")?,
                    by: row.try_get::<_, Option<Uuid>>("actor")?.map(AccountId),
                    at: row.try_get("at")?,
                })
            })
            .collect()
    }

    async fn contact_statuses(
        &self,
        crisis: CrisisId,
        me: AccountId,
    ) -> Result<Vec<ContactStatus>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            &format!(
                "SELECT a.handle, a.display_name, {MARK_COLUMNS}
                 FROM contacts c
                 JOIN accounts a ON a.id = c.contact_id
                 LEFT JOIN safety_marks m ON m.crisis_id = $1 AND m.account_id = c.contact_id
                 LEFT JOIN accounts b ON b.id = m.marked_by
                 WHERE c.account_id = $2 AND c.state = 'mutual'
                 ORDER BY a.display_name COLLATE \"C\", a.handle COLLATE \"C\""
            ),
            &[&crisis.0, &me.0],
        )
        .await?;
        rows.iter()
            .map(|row| {
                let mark = rows::current_mark(row)?;
                Ok(ContactStatus {
                    handle: Handle::from_trusted(row.try_get("handle")?),
                    display_name: row.try_get("display_name")?,
                    status: mark.as_ref().map(|m| m.status),
                    message: mark.as_ref().and_then(|m| m.message.clone()),
                    updated_at: mark.as_ref().map(|m| m.at),
                    marked_by: mark.and_then(|m| m.marked_by),
                })
            })
            .collect()
    }

    async fn crisis_stats(&self, crisis: CrisisId) -> Result<CrisisStats> {
        let client = self.client().await?;
        let row = cached::query_one(
            &client,
            "SELECT count(*) FILTER (WHERE status = 'safe') AS safe,
                    count(*) FILTER (WHERE status = 'need_help') AS need_help,
                    count(*) FILTER (WHERE status = 'not_in_area') AS not_in_area,
                    (SELECT count(*) FROM prompts WHERE crisis_id = $1) AS asked
             FROM safety_marks WHERE crisis_id = $1",
            &[&crisis.0],
        )
        .await?;
        let count =
            |column: &str| -> Result<u64> { Ok(row.try_get::<_, i64>(column)?.max(0) as u64) };
        Ok(CrisisStats {
            safe: count("safe")?,
            need_help: count("need_help")?,
            not_in_area: count("not_in_area")?,
            asked: count("asked")?,
        })
    }

    async fn need_help(&self, crisis: CrisisId) -> Result<Vec<NeedHelp>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT a.handle, a.display_name, m.message, m.at AS updated_at,
                    l.lat, l.lon, l.accuracy_m, l.at
             FROM safety_marks m
             JOIN accounts a ON a.id = m.account_id
             LEFT JOIN latest_locations l ON l.account_id = m.account_id
             WHERE m.crisis_id = $1 AND m.status = 'need_help'
             ORDER BY m.at, a.handle COLLATE \"C\"",
            &[&crisis.0],
        )
        .await?;
        rows.iter()
            .map(|row| {
                Ok(NeedHelp {
                    handle: Handle::from_trusted(row.try_get("handle")?),
                    display_name: row.try_get("display_name")?,
                    message: row.try_get("message")?,
                    updated_at: row.try_get("updated_at")?,
                    last_location: rows::location(row)?,
                })
            })
            .collect()
    }

    // --- inbox ---

    async fn notify(&self, recipients: &[AccountId], event: &Event, at: Timestamp) -> Result<()> {
        if recipients.is_empty() {
            return Ok(());
        }
        let event = serde_json::to_value(event)
            .map_err(|e| StoreError::Backend(format!("cannot serialize a notification: {e}")))?;
        let ids: Vec<Uuid> = recipients.iter().map(|a| a.0).collect();
        let client = self.client().await?;
        cached::execute(
            &client,
            "INSERT INTO notifications (account_id, event, at)
             SELECT a, $2, $3 FROM unnest($1::uuid[]) AS a",
            &[&ids, &event, &at],
        )
        .await
        .map_err(|e| rows::missing_reference(&e).unwrap_or_else(|| e.into()))?;
        Ok(())
    }

    async fn inbox(&self, account: AccountId, limit: u32) -> Result<Vec<InboxItem>> {
        let client = self.client().await?;
        let limit = i64::from(limit);
        let params: &cached::Params = &[&account.0, &limit];
        // Contacts' marks are read where they stand rather than copied into every contact's
        // inbox: a mark costs one row, not one per contact (see the SQLite backend's inbox).
        let (notifications, marks) = tokio::try_join!(
            cached::query(
                &client,
                "SELECT event, at FROM notifications WHERE account_id = $1
                 ORDER BY at DESC, id DESC LIMIT $2",
                params,
            ),
            cached::query(
                &client,
                "SELECT m.crisis_id, a.handle, a.display_name, m.status, m.message, m.at,
                        b.handle AS marked_by
                 FROM contacts c
                 JOIN safety_marks m ON m.account_id = c.contact_id
                 JOIN accounts a ON a.id = m.account_id
                 LEFT JOIN accounts b ON b.id = m.marked_by
                 WHERE c.account_id = $1 AND c.state = 'mutual'
                 ORDER BY m.at DESC, a.handle, m.crisis_id LIMIT $2",
                params,
            ),
        )?;
        let mut items = Vec::with_capacity(notifications.len());
        for row in &notifications {
            let event = serde_json::from_value(row.try_get("event")?).map_err(|e| {
                StoreError::Backend(format!("unreadable notification in the database: {e}"))
            })?;
            items.push(InboxItem {
                at: row.try_get("at")?,
                event,
            });
        }
        let mut standing = Vec::with_capacity(marks.len());
        for row in &marks {
            let at = row.try_get("at")?;
            let event = Event::ContactStatus {
                crisis_id: CrisisId(row.try_get("crisis_id")?),
                handle: row.try_get("handle")?,
                display_name: row.try_get("display_name")?,
                status: Some(rows::parse("safety status", row.try_get("status")?)?),
                message: row.try_get("message")?,
                marked_by: row.try_get("marked_by")?,
                updated_at: at,
            };
            standing.push(InboxItem { at, event });
        }
        Ok(crate::model::inbox_order(items, standing, limit as u32))
    }

    // --- idempotent retries ---

    async fn claim_idempotency_key(
        &self,
        key: &IdempotencyKey,
        fingerprint: &[u8; 32],
        now: Timestamp,
    ) -> Result<IdempotencyClaim> {
        let client = self.client().await?;
        // A claim released between our insert and our read leaves nothing to read: try again.
        for _ in 0..3 {
            let claimed = cached::execute(
                &client,
                "INSERT INTO idempotency (scope, key, fingerprint, state, created_at)
                 VALUES ($1, $2, $3, 'in_progress', $4)
                 ON CONFLICT DO NOTHING",
                &[&key.scope, &key.key, &&fingerprint[..], &now],
            )
            .await?;
            if claimed > 0 {
                return Ok(IdempotencyClaim::Claimed);
            }
            let Some(row) = cached::query_opt(
                &client,
                "SELECT fingerprint, state, status, content_type, body FROM idempotency
                 WHERE scope = $1 AND key = $2",
                &[&key.scope, &key.key],
            )
            .await?
            else {
                continue;
            };
            if row.try_get::<_, &[u8]>("fingerprint")? != &fingerprint[..] {
                return Ok(IdempotencyClaim::Mismatch);
            }
            return match row.try_get::<_, &str>("state")? {
                "completed" => Ok(IdempotencyClaim::Completed(StoredResponse {
                    status: u16::try_from(
                        row.try_get::<_, Option<i32>>("status")?.unwrap_or_default(),
                    )
                    .map_err(|e| StoreError::Backend(format!("stored response status: {e}")))?,
                    content_type: row
                        .try_get::<_, Option<String>>("content_type")?
                        .unwrap_or_default(),
                    body: row
                        .try_get::<_, Option<Vec<u8>>>("body")?
                        .unwrap_or_default(),
                })),
                _ => Ok(IdempotencyClaim::InProgress),
            };
        }
        Err(StoreError::Backend(
            "idempotency key claimed and released repeatedly".into(),
        ))
    }

    async fn complete_idempotency_key(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<()> {
        let client = self.client().await?;
        let updated = cached::execute(
            &client,
            "UPDATE idempotency SET state = 'completed', status = $3, content_type = $4, body = $5
             WHERE scope = $1 AND key = $2",
            &[
                &key.scope,
                &key.key,
                &i32::from(response.status),
                &response.content_type,
                &response.body,
            ],
        )
        .await?;
        if updated == 0 {
            return Err(StoreError::NotFound("idempotency key"));
        }
        Ok(())
    }

    async fn release_idempotency_key(&self, key: &IdempotencyKey) -> Result<()> {
        let client = self.client().await?;
        cached::execute(
            &client,
            "DELETE FROM idempotency WHERE scope = $1 AND key = $2 AND state = 'in_progress'",
            &[&key.scope, &key.key],
        )
        .await?;
        Ok(())
    }

    async fn purge(&self, now: Timestamp, idempotency_before: Timestamp) -> Result<()> {
        let client = self.client().await?;
        cached::execute(
            &client,
            "WITH expired AS (DELETE FROM sessions WHERE expires_at <= $1)
             DELETE FROM idempotency WHERE created_at < $2",
            &[&now, &idempotency_before],
        )
        .await?;
        Ok(())
    }

    // --- Open Doors ---

    async fn create_offer(&self, offer: &Offer) -> Result<()> {
        shelter::create_offer(&self.client().await?, offer).await
    }

    async fn offer(&self, id: OfferId) -> Result<Option<Offer>> {
        shelter::offer_by_id(&self.client().await?, id).await
    }

    async fn offers_by_host(&self, host: AccountId) -> Result<Vec<Offer>> {
        shelter::offers_by_host(&self.client().await?, host).await
    }

    async fn searchable_offers(&self) -> Result<Vec<Offer>> {
        shelter::searchable_offers(&self.client().await?).await
    }

    async fn set_offer_status(
        &self,
        id: OfferId,
        from: OfferStatus,
        to: OfferStatus,
        at: Timestamp,
    ) -> Result<Offer> {
        shelter::set_offer_status(&self.client().await?, id, from, to, at).await
    }

    async fn edit_offer(&self, id: OfferId, edit: &OfferEdit, at: Timestamp) -> Result<Offer> {
        shelter::edit_offer(&mut self.client().await?, id, edit, at).await
    }

    async fn set_offer_hidden(&self, id: OfferId, hidden: bool, at: Timestamp) -> Result<Offer> {
        shelter::set_offer_hidden(&self.client().await?, id, hidden, at).await
    }

    async fn create_shelter_request(&self, request: &ShelterRequest) -> Result<()> {
        shelter::create_request(&mut self.client().await?, request).await
    }

    async fn shelter_request(&self, id: RequestId) -> Result<Option<ShelterRequest>> {
        shelter::request_by_id(&self.client().await?, id).await
    }

    async fn requests_for_offer(&self, offer: OfferId) -> Result<Vec<ShelterRequest>> {
        shelter::requests_for_offer(&self.client().await?, offer).await
    }

    async fn requests_by_guest(&self, guest: AccountId) -> Result<Vec<ShelterRequest>> {
        shelter::requests_by_guest(&self.client().await?, guest).await
    }

    async fn move_shelter_request(
        &self,
        id: RequestId,
        to: RequestStatus,
        at: Timestamp,
    ) -> Result<(ShelterRequest, Offer)> {
        shelter::move_request(&mut self.client().await?, id, to, at).await
    }

    async fn lapse_shelter_requests(
        &self,
        before: Timestamp,
        at: Timestamp,
    ) -> Result<Vec<ShelterRequest>> {
        shelter::lapse_requests(&self.client().await?, before, at).await
    }

    async fn waiting_requests(&self) -> Result<Vec<(OfferId, u32)>> {
        shelter::waiting_requests(&self.client().await?).await
    }

    async fn report(&self, report: &Report, hide_after: u32) -> Result<ReportOutcome> {
        shelter::report(&mut self.client().await?, report, hide_after).await
    }

    async fn open_reports(&self) -> Result<Vec<ReportedTarget>> {
        shelter::open_reports(&self.client().await?).await
    }

    async fn resolve_reports(&self, target: ReportTarget, at: Timestamp) -> Result<u32> {
        shelter::resolve_reports(&self.client().await?, target, at).await
    }

    async fn approve_host(&self, account: AccountId, by: AccountId, at: Timestamp) -> Result<()> {
        shelter::approve_host(&self.client().await?, account, by, at).await
    }

    async fn host_approved(&self, account: AccountId) -> Result<bool> {
        shelter::host_approved(&self.client().await?, account).await
    }

    // --- missing persons (issue 4) ---

    async fn create_missing(&self, record: &MissingRecord) -> Result<()> {
        missing::create(&self.client().await?, record).await
    }

    async fn import_missing(&self, batch: Vec<ImportItem>) -> Result<Vec<ImportOutcome>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let outcomes = missing::import(&tx, batch).await?;
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn missing_records(&self, ids: &[MissingId]) -> Result<Vec<MissingRecord>> {
        missing::records(&self.client().await?, ids).await
    }

    async fn missing_notes(&self, record: MissingId) -> Result<Vec<MissingNote>> {
        missing::notes(&self.client().await?, record).await
    }

    async fn add_missing_note(&self, note: &MissingNote) -> Result<Option<NoteStatus>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let status = missing::add_note(&tx, note).await?;
        tx.commit().await?;
        Ok(status)
    }

    async fn flag_missing_note(
        &self,
        note: MissingNoteId,
        account: AccountId,
        at: Timestamp,
    ) -> Result<u32> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let flags = missing::flag_note(&tx, note, account, at).await?;
        tx.commit().await?;
        Ok(flags)
    }

    async fn set_missing_note_visibility(
        &self,
        note: MissingNoteId,
        visibility: NoteVisibility,
    ) -> Result<MissingId> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let record = missing::set_note_visibility(&tx, note, visibility).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn set_missing_verified(&self, record: MissingId, verified: bool) -> Result<()> {
        missing::set_verified(&self.client().await?, record, verified).await
    }

    async fn link_missing(&self, a: MissingId, b: MissingId) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        missing::link(&tx, a, b).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_missing_account(
        &self,
        record: MissingId,
        account: Option<AccountId>,
    ) -> Result<()> {
        missing::set_account(&self.client().await?, record, account).await
    }

    async fn subscribe_missing(
        &self,
        record: MissingId,
        account: AccountId,
        at: Timestamp,
    ) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        missing::subscribe(&tx, record, account, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn unsubscribe_missing(&self, record: MissingId, account: AccountId) -> Result<bool> {
        missing::unsubscribe(&self.client().await?, record, account).await
    }

    async fn missing_subscribers(&self, record: MissingId) -> Result<Vec<AccountId>> {
        missing::subscribers(&self.client().await?, record).await
    }

    async fn delete_missing(&self, record: MissingId, now: Timestamp) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        missing::delete(&tx, record, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn expire_missing(&self, now: Timestamp) -> Result<Vec<MissingId>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let expired = missing::expire(&tx, now).await?;
        tx.commit().await?;
        Ok(expired)
    }

    async fn missing_names(&self) -> Result<Vec<(MissingId, Vec<String>)>> {
        missing::names(&self.client().await?).await
    }

    async fn missing_feed(&self, window: FeedWindow) -> Result<Vec<MissingRecord>> {
        missing::feed(&self.client().await?, window).await
    }

    async fn missing_note_feed(&self, window: FeedWindow) -> Result<Vec<MissingNote>> {
        missing::note_feed(&self.client().await?, window).await
    }

    async fn locations_between(
        &self,
        bbox: BBox,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(AccountId, Location)>> {
        missing::locations_between(&self.client().await?, bbox, from, to).await
    }

    async fn responder_ids(&self) -> Result<Vec<AccountId>> {
        let client = self.client().await?;
        let rows = cached::query(
            &client,
            "SELECT id FROM accounts WHERE role IN ('responder', 'admin') ORDER BY id",
            &[],
        )
        .await?;
        rows.iter()
            .map(|row| Ok(AccountId(row.try_get(0)?)))
            .collect()
    }

    async fn put_missing_photo(&self, photo: &crate::MissingPhoto) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        missing::put_photo(&tx, photo).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn missing_photo(&self, id: uuid::Uuid) -> Result<Option<crate::MissingPhoto>> {
        missing::photo(&self.client().await?, id).await
    }

    async fn missing_photo_ids(
        &self,
        record: MissingId,
    ) -> Result<Vec<(Option<MissingNoteId>, uuid::Uuid)>> {
        missing::photo_ids(&self.client().await?, record).await
    }
}

/// Both rows of a pair become mutual, as of `at`.
async fn make_mutual(
    tx: &deadpool_postgres::Transaction<'_>,
    a: AccountId,
    b: AccountId,
    at: Timestamp,
) -> Result<()> {
    cached::execute(
        tx,
        "UPDATE contacts SET state = 'mutual', since = $3
         WHERE (account_id = $1 AND contact_id = $2) OR (account_id = $2 AND contact_id = $1)",
        &[&a.0, &b.0, &at],
    )
    .await?;
    Ok(())
}
