//! The marks that stand, held in memory: what every read of safety statuses answers from.
//!
//! Why: a mark written to the `safety_marks` table before it is acknowledged dirties a
//! random 4 KiB leaf of it (and its WAL frame, checksum, fsync and checkpoint), and that
//! one leaf per mark held marks over HTTP under 50,000/s on two cores (README,
//! Performance, session 17). So a mark is durable once its row is appended to
//! `safety_history`, the log of every action, and what it leaves standing lives here.
//!
//! The invariants:
//! - `safety_marks` is a snapshot, brought up to date by the writer a slice at a time, in
//!   the transactions of later batches (see [`Marks::flush_due`]). Each of its rows names
//!   the last history row it reflects (`history_id`), and every history row up to
//!   `safety_marks_applied.history_id` is reflected in it.
//! - At open, [`load`] reads the snapshot and replays the history after that mark through
//!   [`after`], the same function the writer applies to each mark, skipping the rows a
//!   snapshot row already reflects: what stood when the process stopped stands again,
//!   acknowledged marks included.
//! - Only the writer changes it, and only after a batch's COMMIT: a reader never sees a
//!   mark that could still be rolled back. One process writes marks to a database.
//!
//! Memory: about 150 bytes a standing mark (a million people in a crisis: ~150 MB).

use super::convert::{Micros, Parsed, corrupt, current_mark, mark_columns, time};
use crate::{CurrentMark, MarkActionKind, Result};
use entraide_core::{AccountId, CrisisId, Handle, MarkOrigin, SafetyMark, SafetyStatus, Timestamp};
use rusqlite::{Connection, params};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};
use uuid::Uuid;

pub(super) type Key = (CrisisId, AccountId);

/// A mark that stands, and the history row that left it so.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Stood {
    pub mark: CurrentMark,
    pub history_id: i64,
}

/// The standing marks, by crisis, with what the reads need kept beside them.
#[derive(Debug, Default)]
pub(super) struct Standing {
    crises: HashMap<CrisisId, CrisisMarks>,
    /// The crises in which each person has a mark standing (the inbox reads contacts' marks).
    crises_of: HashMap<AccountId, Vec<CrisisId>>,
}

#[derive(Debug, Default)]
struct CrisisMarks {
    marks: HashMap<AccountId, Stood>,
    /// Marks by status, kept as they change: the crisis page reads them on every load.
    safe: u64,
    need_help: u64,
    not_in_area: u64,
}

impl CrisisMarks {
    fn count(&mut self, status: SafetyStatus, add: bool) {
        let n = match status {
            SafetyStatus::Safe => &mut self.safe,
            SafetyStatus::NeedHelp => &mut self.need_help,
            SafetyStatus::NotInArea => &mut self.not_in_area,
        };
        if add {
            *n += 1;
        } else {
            *n -= 1;
        }
    }
}

impl Standing {
    pub fn get(&self, key: Key) -> Option<&CurrentMark> {
        self.stood(key).map(|s| &s.mark)
    }

    fn stood(&self, (crisis, account): Key) -> Option<&Stood> {
        self.crises.get(&crisis)?.marks.get(&account)
    }

    fn set(&mut self, (crisis, account): Key, stood: Option<Stood>) {
        let marks = self.crises.entry(crisis).or_default();
        let before = match stood {
            Some(stood) => {
                marks.count(stood.mark.status, true);
                marks.marks.insert(account, stood)
            }
            None => marks.marks.remove(&account),
        };
        if let Some(before) = &before {
            marks.count(before.mark.status, false);
        }
        let stands = marks.marks.contains_key(&account);
        match (before.is_some(), stands) {
            (false, true) => self.crises_of.entry(account).or_default().push(crisis),
            (true, false) => {
                if let Some(crises) = self.crises_of.get_mut(&account) {
                    crises.retain(|c| *c != crisis);
                    if crises.is_empty() {
                        self.crises_of.remove(&account);
                    }
                }
            }
            _ => {}
        }
    }

    /// Safe, need help, not in the area.
    pub fn counts(&self, crisis: CrisisId) -> (u64, u64, u64) {
        self.crises
            .get(&crisis)
            .map_or((0, 0, 0), |m| (m.safe, m.need_help, m.not_in_area))
    }

    pub fn needing_help(
        &self,
        crisis: CrisisId,
    ) -> impl Iterator<Item = (AccountId, &CurrentMark)> {
        self.crises
            .get(&crisis)
            .into_iter()
            .flat_map(|m| m.marks.iter())
            .filter(|(_, stood)| stood.mark.status == SafetyStatus::NeedHelp)
            .map(|(account, stood)| (*account, &stood.mark))
    }

    /// Every mark standing for `account`, whatever the crisis.
    pub fn of_account(&self, account: AccountId) -> impl Iterator<Item = (CrisisId, &CurrentMark)> {
        self.crises_of
            .get(&account)
            .into_iter()
            .flatten()
            .filter_map(move |crisis| Some((*crisis, self.get((*crisis, account))?)))
    }
}

/// The standing marks as readers and the writer share them.
#[derive(Clone, Default)]
pub(super) struct Shared(Arc<RwLock<Standing>>);

impl Shared {
    pub fn new(standing: Standing) -> Self {
        Self(Arc::new(RwLock::new(standing)))
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Standing> {
        // Changed only by `Marks::commit`, which cannot panic halfway: a poisoned lock still
        // guards a whole table.
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    fn apply(&self, changes: impl IntoIterator<Item = (Key, Option<Stood>)>) {
        let mut standing = self.0.write().unwrap_or_else(|e| e.into_inner());
        for (key, stood) in changes {
            standing.set(key, stood);
        }
    }
}

/// An action the store has accepted, as it changes what stands.
pub(super) enum Step {
    Own {
        status: SafetyStatus,
        message: Option<String>,
    },
    OnBehalf {
        by: AccountId,
        by_handle: Handle,
        status: SafetyStatus,
    },
    Confirm,
    Reject,
}

/// A mark as the rules of `entraide_core` read it.
pub(super) fn rule_view(m: &CurrentMark) -> SafetyMark {
    SafetyMark {
        status: m.status,
        message: m.message.clone(),
        origin: m.origin,
        at: m.at,
    }
}

/// What stands after `step`, taken at `at`, on `current`. The writer checks an action's
/// rules before it logs it; this only applies one it logged, so replaying the log through
/// it gives back what stood.
pub(super) fn after(
    current: Option<&CurrentMark>,
    step: Step,
    at: Timestamp,
) -> Option<CurrentMark> {
    let candidate = match step {
        Step::Own { status, message } => CurrentMark {
            status,
            message,
            origin: MarkOrigin::Own,
            marked_by: None,
            at,
        },
        Step::OnBehalf {
            by,
            by_handle,
            status,
        } => CurrentMark {
            status,
            message: None,
            origin: MarkOrigin::OnBehalf { by },
            marked_by: Some(by_handle),
            at,
        },
        // The mark made on their behalf becomes their own, from now.
        Step::Confirm => {
            let on_behalf = current?;
            return Some(CurrentMark {
                status: on_behalf.status,
                message: on_behalf.message.clone(),
                origin: MarkOrigin::Own,
                marked_by: None,
                at,
            });
        }
        Step::Reject => return None,
    };
    let supersedes = rule_view(&candidate).supersedes(current.map(rule_view).as_ref());
    if supersedes {
        Some(candidate)
    } else {
        current.cloned()
    }
}

/// When the writer brings `safety_marks` up to date.
#[derive(Clone, Copy, Debug)]
pub(super) struct FlushPolicy {
    /// A changed mark waits this long before it is written: one that changes again in the
    /// meantime is written once.
    pub after: Duration,
    /// Or less, once this many wait: a restart replays at most about this many marks.
    pub most_waiting: usize,
    /// Marks written in one batch's transaction: enough to keep up with any rate of marks,
    /// few enough that the batch carrying them is not held up for long (the open loop's
    /// p99, README).
    pub per_batch: usize,
}

impl FlushPolicy {
    pub const DEFAULT: Self = Self {
        after: Duration::from_secs(1),
        most_waiting: 64 * 1_024,
        per_batch: 256,
    };
}

/// A changed mark waiting to be written to the snapshot.
struct Waiting {
    key: Key,
    since: Instant,
    /// The first history row that changed it since it was last written.
    from_history_id: i64,
}

/// What a batch's marks left standing for one person.
struct Staged {
    stood: Option<Stood>,
    /// The batch's first history row for them.
    first_history_id: i64,
}

/// The writer's side: the marks of the batch it runs, and those the snapshot lacks.
pub(super) struct Marks {
    shared: Shared,
    /// Set by this batch's marks, told to readers once it commits.
    batch: HashMap<Key, Staged>,
    /// Oldest change first.
    waiting: VecDeque<Waiting>,
    waiting_keys: HashSet<Key>,
    /// How many of `waiting`, from the front, the running batch writes.
    flushing: usize,
    policy: FlushPolicy,
}

impl Marks {
    pub fn new(shared: Shared, policy: FlushPolicy) -> Self {
        Self {
            shared,
            batch: HashMap::new(),
            waiting: VecDeque::new(),
            waiting_keys: HashSet::new(),
            flushing: 0,
            policy,
        }
    }

    /// What stands now, this batch's marks included.
    pub fn current(&self, key: Key) -> Option<CurrentMark> {
        match self.batch.get(&key) {
            Some(staged) => staged.stood.as_ref().map(|s| s.mark.clone()),
            None => self.shared.read().get(key).cloned(),
        }
    }

    /// `mark` stands for `key` once the batch commits, left so by history row `history_id`.
    pub fn stage(&mut self, key: Key, mark: Option<CurrentMark>, history_id: i64) {
        let stood = mark.map(|mark| Stood { mark, history_id });
        self.batch
            .entry(key)
            .and_modify(|staged| staged.stood = stood.clone())
            .or_insert(Staged {
                stood,
                first_history_id: history_id,
            });
    }

    /// At the start of a batch's transaction: writes to `safety_marks` the oldest waiting
    /// marks that are due (or, with `all`, every one), as they stand after the committed
    /// batches, and moves the snapshot's mark up to what they reflect.
    pub fn flush_due(&mut self, conn: &Connection, all: bool) -> rusqlite::Result<()> {
        let now = Instant::now();
        let due = |w: &Waiting| now.duration_since(w.since) >= self.policy.after;
        let mut n = 0;
        while n < self.waiting.len()
            && (all
                || (n < self.policy.per_batch
                    && (due(&self.waiting[n])
                        || self.waiting.len() - n > self.policy.most_waiting)))
        {
            n += 1;
        }
        if n == 0 {
            return Ok(());
        }
        let mut keys: Vec<Key> = self.waiting.iter().take(n).map(|w| w.key).collect();
        // In key order, so that marks sharing a leaf are written one after the other.
        keys.sort_unstable();
        {
            let standing = self.shared.read();
            let mut put = conn.prepare_cached(super::safety::PUT)?;
            let mut delete = conn.prepare_cached(
                "DELETE FROM safety_marks WHERE crisis_id = ?1 AND account_id = ?2",
            )?;
            for &(crisis, account) in &keys {
                match standing.stood((crisis, account)) {
                    Some(Stood { mark, history_id }) => {
                        let (origin, by) = match mark.origin {
                            MarkOrigin::Own => ("own", None),
                            MarkOrigin::OnBehalf { by } => ("on_behalf", Some(by.0)),
                        };
                        put.execute(params![
                            crisis.0,
                            account.0,
                            mark.status.as_str(),
                            mark.message,
                            origin,
                            by,
                            Micros(mark.at),
                            history_id
                        ])?;
                    }
                    None => {
                        delete.execute([crisis.0, account.0])?;
                    }
                }
            }
        }
        // Every history row before the oldest change still waiting is reflected now; with
        // none waiting, every committed one (this batch has appended nothing yet).
        let reflected = match self.waiting.get(n) {
            Some(w) => w.from_history_id - 1,
            None => conn.query_row("SELECT coalesce(max(id), 0) FROM safety_history", [], |r| {
                r.get(0)
            })?,
        };
        conn.prepare_cached("UPDATE safety_marks_applied SET history_id = ?1")?
            .execute([reflected])?;
        self.flushing = n;
        Ok(())
    }

    /// After COMMIT: readers see this batch's marks; the flushed ones stop waiting, and
    /// those this batch changed wait (again).
    pub fn commit(&mut self) {
        for written in self.waiting.drain(..self.flushing) {
            self.waiting_keys.remove(&written.key);
        }
        self.flushing = 0;
        if self.batch.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut changed: Vec<(Key, i64)> = self
            .batch
            .iter()
            .map(|(key, staged)| (*key, staged.first_history_id))
            .collect();
        // Oldest first, so that the queue stays in the order of the history.
        changed.sort_by_key(|(_, id)| *id);
        for (key, from_history_id) in changed {
            if self.waiting_keys.insert(key) {
                self.waiting.push_back(Waiting {
                    key,
                    since: now,
                    from_history_id,
                });
            }
        }
        self.shared
            .apply(self.batch.drain().map(|(key, staged)| (key, staged.stood)));
    }

    /// After a ROLLBACK: nothing of the batch stands, the snapshot included.
    pub fn discard(&mut self) {
        self.batch.clear();
        self.flushing = 0;
    }
}

/// What stood when the database was last closed: the snapshot, then the history after it.
pub(super) fn load(conn: &Connection) -> Result<Standing> {
    let mut standing = Standing::default();
    let mut snapshot = conn.prepare(concat!(
        "SELECT m.crisis_id, m.account_id, m.history_id, ",
        mark_columns!("m", "b"),
        " FROM safety_marks m LEFT JOIN accounts b ON b.id = m.marked_by"
    ))?;
    let mut rows = snapshot.query([])?;
    while let Some(r) = rows.next()? {
        let key = (CrisisId(r.get(0)?), AccountId(r.get(1)?));
        let history_id = r.get(2)?;
        let stood = current_mark(r, 3)?.map(|mark| Stood { mark, history_id });
        standing.set(key, stood);
    }
    let reflected: i64 =
        conn.query_row("SELECT history_id FROM safety_marks_applied", [], |r| {
            r.get(0)
        })?;
    let mut history = conn.prepare(
        "SELECT h.id, h.crisis_id, h.account_id, h.action, h.status, h.message, h.actor, h.at,
                b.handle
         FROM safety_history h LEFT JOIN accounts b ON b.id = h.actor
         WHERE h.id > ?1 ORDER BY h.id",
    )?;
    let mut rows = history.query([reflected])?;
    while let Some(r) = rows.next()? {
        let history_id: i64 = r.get(0)?;
        let key = (CrisisId(r.get(1)?), AccountId(r.get(2)?));
        let current = standing.stood(key);
        // Written to the snapshot after this row: the snapshot has it already.
        if current.is_some_and(|s| s.history_id >= history_id) {
            continue;
        }
        let action: String = r.get(3)?;
        let status = || -> rusqlite::Result<SafetyStatus> {
            r.get::<_, Option<Parsed<SafetyStatus>>>(4)?
                .map(|p| p.0)
                .ok_or_else(|| corrupt(4, format!("a {action} without a status")))
        };
        let step = match MarkActionKind::parse(&action) {
            Some(MarkActionKind::Own) => Step::Own {
                status: status()?,
                message: r.get(5)?,
            },
            Some(MarkActionKind::OnBehalf) => Step::OnBehalf {
                by: AccountId(
                    r.get::<_, Option<Uuid>>(6)?
                        .ok_or_else(|| corrupt(6, "a mark on behalf with no actor".into()))?,
                ),
                by_handle: Handle::from_trusted(r.get::<_, String>(8)?),
                status: status()?,
            },
            Some(MarkActionKind::Confirm) => Step::Confirm,
            Some(MarkActionKind::Reject) => Step::Reject,
            None => return Err(corrupt(3, format!("unknown mark action {action:?}")).into()),
        };
        let next = after(current.map(|s| &s.mark), step, time(r, 7)?);
        standing.set(key, next.map(|mark| Stood { mark, history_id }));
    }
    Ok(standing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteStore;
    use crate::{MarkAction, MarkWrite, NewAccount, Store};
    use chrono::SubsecRound;
    use entraide_core::{Crisis, CrisisKind, CrisisStatus, Role};
    use entraide_geo::{Point, Zone};

    type Normalized = (
        Vec<(Key, Stood)>,
        Vec<(CrisisId, (u64, u64, u64))>,
        Vec<(AccountId, Vec<CrisisId>)>,
    );

    /// The same standing marks compare equal whatever order they were set in.
    fn normalized(standing: &Standing) -> Normalized {
        let mut marks: Vec<_> = standing
            .crises
            .iter()
            .flat_map(|(c, m)| m.marks.iter().map(|(a, stood)| ((*c, *a), stood.clone())))
            .collect();
        marks.sort_by_key(|(key, _)| *key);
        let mut counts: Vec<_> = standing
            .crises
            .keys()
            .map(|c| (*c, standing.counts(*c)))
            .filter(|(_, counts)| *counts != (0, 0, 0))
            .collect();
        counts.sort_unstable();
        let mut of: Vec<_> = standing
            .crises_of
            .keys()
            .map(|a| {
                let mut crises: Vec<_> = standing.of_account(*a).map(|(c, _)| c).collect();
                crises.sort_unstable();
                (*a, crises)
            })
            .collect();
        of.sort_unstable();
        (marks, counts, of)
    }

    fn loaded(dir: &std::path::Path) -> Normalized {
        let conn = Connection::open(dir.join("entraide.db")).unwrap();
        normalized(&load(&conn).unwrap())
    }

    async fn people(store: &SqliteStore, n: usize) -> Vec<AccountId> {
        let mut ids = Vec::new();
        for i in 0..n {
            let id = AccountId::new();
            store
                .create_account(NewAccount {
                    id,
                    handle: Handle::parse(&format!("person{i}")).unwrap(),
                    display_name: format!("Person {i}"),
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$x".into(),
                    role: Role::Person,
                    created_at: chrono::Utc::now(),
                })
                .await
                .unwrap();
            ids.push(id);
        }
        ids
    }

    async fn active_crisis(store: &SqliteStore) -> CrisisId {
        let now = chrono::Utc::now().trunc_subsecs(6);
        let crisis = Crisis {
            id: CrisisId::new(),
            title: "Attacks in Paris".into(),
            description: String::new(),
            kind: CrisisKind::from_trusted("attack".into()),
            zone: Zone::Circle {
                center: Point::new(2.3708, 48.8631).unwrap(),
                radius_m: 1500.0,
            },
            status: CrisisStatus::Active,
            starts_at: now,
            expires_at: None,
            created_by: None,
            created_at: now,
            updated_at: now,
        };
        store.create_crisis(&crisis).await.unwrap();
        crisis.id
    }

    /// Own answers (some older than what stands), marks on someone's behalf, confirmations
    /// and rejections, in an order a seed decides; the store refuses some, as it should.
    fn actions(seed: u64, crises: &[CrisisId], people: &[AccountId]) -> Vec<MarkWrite> {
        let mut state = seed;
        let mut next = move |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as usize % n
        };
        let start = chrono::Utc::now();
        (0..120)
            .map(|i| {
                let status = [
                    SafetyStatus::Safe,
                    SafetyStatus::NeedHelp,
                    SafetyStatus::NotInArea,
                ][next(3)];
                let action = match next(6) {
                    0..=2 => MarkAction::Own {
                        status,
                        message: (next(2) == 0).then(|| format!("message {i}")),
                    },
                    3 => MarkAction::OnBehalf {
                        by: people[next(people.len())],
                        status: SafetyStatus::Safe,
                    },
                    4 => MarkAction::Confirm,
                    _ => MarkAction::Reject,
                };
                MarkWrite {
                    crisis: crises[next(crises.len())],
                    account: people[next(people.len())],
                    action,
                    // Now and then an answer sent before what stands arrives after it.
                    at: start + chrono::TimeDelta::seconds(i as i64 - 40 * (next(5) == 0) as i64),
                }
            })
            .collect()
    }

    #[tokio::test]
    async fn what_stands_is_loaded_back_from_the_snapshot_and_the_history_after_it() {
        let dir = tempfile::tempdir().unwrap();
        // Marks wait for no time, and two are written per batch: the snapshot is always
        // a little behind, by a different number of marks each time.
        let often = FlushPolicy {
            after: Duration::ZERO,
            most_waiting: usize::MAX,
            per_batch: 2,
        };
        let store = SqliteStore::open_flushing(dir.path(), often).unwrap();
        let crises = [active_crisis(&store).await, active_crisis(&store).await];
        let people = people(&store, 6).await;
        let (mut accepted, mut refused) = (0, 0);
        for (i, action) in actions(17, &crises, &people).into_iter().enumerate() {
            match store.mark(action).await {
                Ok(_) => accepted += 1,
                Err(_) => refused += 1,
            }
            if i % 5 == 4 {
                // Whatever the snapshot holds by now, with the history after it.
                assert_eq!(
                    loaded(dir.path()),
                    normalized(&store.standing.read()),
                    "after {i}"
                );
            }
        }
        assert!(
            accepted > 60 && refused > 10,
            "{accepted} accepted, {refused} refused"
        );
        let snapshot: i64 = Connection::open(dir.path().join("entraide.db"))
            .unwrap()
            .query_row("SELECT count(*) FROM safety_marks", [], |r| r.get(0))
            .unwrap();
        assert!(snapshot > 0, "the snapshot was written along the way");
    }

    #[tokio::test]
    async fn an_acknowledged_mark_is_read_at_once_and_stands_after_a_restart_before_any_flush() {
        let dir = tempfile::tempdir().unwrap();
        let never = FlushPolicy {
            after: Duration::from_secs(3600),
            most_waiting: usize::MAX,
            per_batch: 256,
        };
        let store = SqliteStore::open_flushing(dir.path(), never).unwrap();
        let crisis = active_crisis(&store).await;
        let people = people(&store, 2).await;
        store
            .mark(MarkWrite {
                crisis,
                account: people[0],
                action: MarkAction::Own {
                    status: SafetyStatus::NeedHelp,
                    message: Some("stairwell, 3rd floor".into()),
                },
                at: chrono::Utc::now(),
            })
            .await
            .unwrap();
        let snapshot = |dir: &std::path::Path| -> i64 {
            Connection::open(dir.join("entraide.db"))
                .unwrap()
                .query_row("SELECT count(*) FROM safety_marks", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(snapshot(dir.path()), 0, "nothing flushed yet");
        assert_eq!(store.crisis_stats(crisis).await.unwrap().need_help, 1);
        let waiting = store.need_help(crisis).await.unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].message.as_deref(), Some("stairwell, 3rd floor"));

        // A second store on the same file, as after a crash: it replays the history.
        let again = SqliteStore::open_flushing(dir.path(), never).unwrap();
        assert_eq!(again.crisis_stats(crisis).await.unwrap().need_help, 1);
        assert_eq!(
            normalized(&again.standing.read()),
            normalized(&store.standing.read())
        );
    }
}
