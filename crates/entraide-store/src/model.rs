//! The rows the store hands back and takes in.

use entraide_core::{
    AccountId, CrisisId, Event, Handle, Location, MarkOrigin, MissingId, Role, SafetyStatus,
    Timestamp,
};
use serde::Serialize;

#[derive(Clone, Debug)]
pub struct NewAccount {
    pub id: AccountId,
    pub handle: Handle,
    pub display_name: String,
    /// An Argon2id PHC string; the store never sees a password.
    pub password_hash: String,
    pub role: Role,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub handle: Handle,
    pub display_name: String,
    pub role: Role,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct NewSession {
    /// SHA-256 of the token: a stolen database does not hold usable tokens.
    pub token_hash: [u8; 32],
    pub account: AccountId,
    /// The token that forms must carry (cookie sessions); random per session.
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// Where a contact link stands, seen from one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactState {
    /// I asked; they have not accepted yet.
    Outgoing,
    /// They asked me.
    Incoming,
    Mutual,
}

impl ContactState {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactState::Outgoing => "outgoing",
            ContactState::Incoming => "incoming",
            ContactState::Mutual => "mutual",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contact {
    pub id: AccountId,
    pub handle: Handle,
    pub display_name: String,
    pub state: ContactState,
    pub since: Timestamp,
}

/// A crisis that asked me, with my answer so far.
#[derive(Clone, Debug)]
pub struct Prompt {
    pub crisis: entraide_core::Crisis,
    pub asked_at: Timestamp,
    pub mark: Option<CurrentMark>,
}

/// What a safety write does.
#[derive(Clone, Debug, PartialEq)]
pub enum MarkAction {
    /// The person answers for themselves: always stands (if it is the latest).
    Own {
        status: SafetyStatus,
        message: Option<String>,
    },
    /// A mutual contact marks them safe. The caller has checked that `by` is a mutual
    /// contact; the store applies `SafetyMark::on_behalf_allowed` atomically.
    OnBehalf { by: AccountId, status: SafetyStatus },
    /// The person confirms a mark made on their behalf: it becomes their own.
    Confirm,
    /// The person rejects it: it is withdrawn and nothing stands.
    Reject,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MarkWrite {
    pub crisis: CrisisId,
    pub account: AccountId,
    pub action: MarkAction,
    pub at: Timestamp,
}

/// The mark that stands now.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentMark {
    pub status: SafetyStatus,
    pub message: Option<String>,
    pub origin: MarkOrigin,
    /// The handle behind `MarkOrigin::OnBehalf`, ready for display.
    pub marked_by: Option<Handle>,
    pub at: Timestamp,
}

/// What a safety write leaves: the mark that stands now, and whom to tell.
#[derive(Clone, Debug, PartialEq)]
pub struct Marked {
    /// None after a rejection left nothing standing.
    pub standing: Option<CurrentMark>,
    /// The person's mutual contacts, read in the transaction that committed the mark: exactly
    /// those entitled to see it at that moment, at no extra round trip on the hot path.
    pub contacts: Vec<AccountId>,
    /// The live missing-person records tied to the person, read in the same transaction: a
    /// safe mark is news for them (see the registry's Safety Check link).
    pub linked_records: Vec<MissingId>,
}

/// One line of a person's mark history.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkEvent {
    pub action: MarkActionKind,
    /// None for a rejection.
    pub status: Option<SafetyStatus>,
    pub message: Option<String>,
    pub by: Option<AccountId>,
    pub at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkActionKind {
    Own,
    OnBehalf,
    Confirm,
    Reject,
}

impl MarkActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkActionKind::Own => "own",
            MarkActionKind::OnBehalf => "on_behalf",
            MarkActionKind::Confirm => "confirm",
            MarkActionKind::Reject => "reject",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "own" => Self::Own,
            "on_behalf" => Self::OnBehalf,
            "confirm" => Self::Confirm,
            "reject" => Self::Reject,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactStatus {
    pub handle: Handle,
    pub display_name: String,
    pub status: Option<SafetyStatus>,
    pub message: Option<String>,
    pub updated_at: Option<Timestamp>,
    pub marked_by: Option<Handle>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CrisisStats {
    pub safe: u64,
    pub need_help: u64,
    pub not_in_area: u64,
    pub asked: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NeedHelp {
    pub handle: Handle,
    pub display_name: String,
    pub message: Option<String>,
    pub updated_at: Timestamp,
    pub last_location: Option<Location>,
}

/// Something in my inbox.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InboxItem {
    pub at: Timestamp,
    pub event: Event,
}

/// The inbox's order, on both backends: newest first; at equal times, notifications (as
/// given: newest arrival first) before contacts' marks, those by handle then crisis. Keeps
/// the newest `limit`.
pub(crate) fn inbox_order(
    notifications: Vec<InboxItem>,
    mut marks: Vec<InboxItem>,
    limit: u32,
) -> Vec<InboxItem> {
    marks.sort_by(|a, b| {
        let key = |item: &InboxItem| match &item.event {
            Event::ContactStatus {
                handle, crisis_id, ..
            } => (std::cmp::Reverse(item.at), handle.clone(), crisis_id.0),
            _ => (std::cmp::Reverse(item.at), String::new(), uuid::Uuid::nil()),
        };
        key(a).cmp(&key(b))
    });
    let mut items = notifications;
    items.extend(marks);
    // Stable: at equal times, notifications stay before marks.
    items.sort_by_key(|item| std::cmp::Reverse(item.at));
    items.truncate(limit as usize);
    items
}

/// An `Idempotency-Key`, scoped to who sent it and where, so two clients choosing the same
/// key never see each other's responses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyKey {
    /// The account, or for anonymous requests (sign-up, log-in) a marker of that.
    pub scope: String,
    pub key: String,
}

/// A response kept for replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First time: run the request, then complete (or release) the key.
    Claimed,
    /// The same request is running now: ask the client to retry shortly.
    InProgress,
    /// Already answered: replay this.
    Completed(StoredResponse),
    /// The key was used with a different request (another body or path): a client bug.
    Mismatch,
}

/// Counters of the safety writer since the store was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WriteStats {
    /// Safety writes acknowledged.
    pub marks: u64,
    /// Commits that carried them.
    pub commits: u64,
}
