//! Accounts, sessions and contacts.

use super::convert::{
    self, Micros, Violation, account, account_columns, contact_state, missing_is, stored_time,
    time, violation,
};
use crate::{Account, Contact, ContactState, NewAccount, NewSession, Result, Session, StoreError};
use entraide_core::Refusal;
use entraide_core::{AccountId, Handle, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn create_account(conn: &Connection, new: NewAccount) -> Result<Account> {
    conn.prepare_cached(
        "INSERT INTO accounts (id, handle, display_name, password_hash, role, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        new.id.0,
        new.handle.as_str(),
        new.display_name,
        new.password_hash,
        new.role.as_str(),
        Micros(new.created_at)
    ])
    .map_err(|e| match violation(&e) {
        Some(Violation::Duplicate) if e.to_string().contains("accounts.handle") => {
            StoreError::Conflict(Refusal::HandleTaken {
                handle: new.handle.to_string(),
            })
        }
        Some(Violation::Duplicate) => StoreError::Conflict(Refusal::IdTaken),
        _ => e.into(),
    })?;
    Ok(Account {
        id: new.id,
        handle: new.handle,
        display_name: new.display_name,
        role: new.role,
        created_at: stored_time(new.created_at),
    })
}

pub(super) fn account_by_id(conn: &Connection, id: AccountId) -> Result<Option<Account>> {
    let sql = concat!(
        "SELECT ",
        account_columns!("a"),
        " FROM accounts a WHERE a.id = ?1"
    );
    Ok(conn
        .prepare_cached(sql)?
        .query_row([id.0], |r| account(r, 0))
        .optional()?)
}

pub(super) fn account_by_handle(
    conn: &Connection,
    handle: &Handle,
) -> Result<Option<(Account, String)>> {
    let sql = concat!(
        "SELECT ",
        account_columns!("a"),
        ", a.password_hash FROM accounts a WHERE a.handle = ?1"
    );
    let found = conn
        .prepare_cached(sql)?
        .query_row([handle.as_str()], |r| Ok((account(r, 0)?, r.get(5)?)));
    Ok(found.optional()?)
}

pub(super) fn create_session(conn: &Connection, s: NewSession) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        s.token_hash,
        s.account.0,
        s.csrf_token,
        Micros(s.created_at),
        Micros(s.expires_at)
    ])
    .map_err(|e| match violation(&e) {
        Some(Violation::Missing) => StoreError::NotFound("account"),
        Some(Violation::Duplicate) => StoreError::Conflict(Refusal::IdTaken),
        None => e.into(),
    })?;
    Ok(())
}

pub(super) fn session(
    conn: &Connection,
    token_hash: [u8; 32],
    now: Timestamp,
) -> Result<Option<Session>> {
    let sql = concat!(
        "SELECT ",
        account_columns!("a"),
        ", s.csrf_token, s.expires_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2"
    );
    let found = conn
        .prepare_cached(sql)?
        .query_row(params![token_hash, Micros(now)], |r| {
            Ok(Session {
                account: account(r, 0)?,
                csrf_token: r.get(5)?,
                expires_at: time(r, 6)?,
            })
        });
    Ok(found.optional()?)
}

pub(super) fn delete_session(conn: &Connection, token_hash: [u8; 32]) -> Result<()> {
    conn.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
        .execute([token_hash])?;
    Ok(())
}

/// How `me` sees the link with `other`, if there is one.
fn link(conn: &Connection, me: AccountId, other: AccountId) -> Result<Option<ContactState>> {
    let state = conn
        .prepare_cached("SELECT state FROM contacts WHERE account_id = ?1 AND contact_id = ?2")?
        .query_row([me.0, other.0], |r| contact_state(r, 0))
        .optional()?;
    Ok(state)
}

fn make_mutual(conn: &Connection, a: AccountId, b: AccountId, at: Timestamp) -> Result<()> {
    conn.prepare_cached(
        "UPDATE contacts SET state = 'mutual', since = ?3
         WHERE (account_id = ?1 AND contact_id = ?2) OR (account_id = ?2 AND contact_id = ?1)",
    )?
    .execute(params![a.0, b.0, Micros(at)])?;
    Ok(())
}

pub(super) fn request_contact(
    conn: &Connection,
    from: AccountId,
    to: AccountId,
    at: Timestamp,
) -> Result<ContactState> {
    if from == to {
        return Err(StoreError::Conflict(Refusal::OwnContact));
    }
    match link(conn, from, to)? {
        None => {
            let mut insert = conn.prepare_cached(
                "INSERT INTO contacts (account_id, contact_id, state, since) VALUES (?1, ?2, ?3, ?4)",
            )?;
            insert
                .execute(params![from.0, to.0, "outgoing", Micros(at)])
                .map_err(missing_is("account"))?;
            insert
                .execute(params![to.0, from.0, "incoming", Micros(at)])
                .map_err(missing_is("account"))?;
            Ok(ContactState::Outgoing)
        }
        // They had asked first: asking back is accepting.
        Some(ContactState::Incoming) => {
            make_mutual(conn, from, to, at)?;
            Ok(ContactState::Mutual)
        }
        // A repeated request changes nothing, not even its date.
        Some(state) => Ok(state),
    }
}

pub(super) fn accept_contact(
    conn: &Connection,
    me: AccountId,
    other: AccountId,
    at: Timestamp,
) -> Result<()> {
    match link(conn, me, other)? {
        Some(ContactState::Incoming) => make_mutual(conn, me, other, at),
        // Accepting twice (a retried click) is not an error.
        Some(ContactState::Mutual) => Ok(()),
        Some(ContactState::Outgoing) | None => Err(StoreError::NotFound("contact request")),
    }
}

pub(super) fn remove_contact(conn: &Connection, me: AccountId, other: AccountId) -> Result<bool> {
    let removed = conn
        .prepare_cached(
            "DELETE FROM contacts
             WHERE (account_id = ?1 AND contact_id = ?2) OR (account_id = ?2 AND contact_id = ?1)",
        )?
        .execute([me.0, other.0])?;
    Ok(removed > 0)
}

/// Sorted by display name, then handle (code-point order).
pub(super) fn contacts(conn: &Connection, me: AccountId) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.handle, a.display_name, c.state, c.since
         FROM contacts c JOIN accounts a ON a.id = c.contact_id
         WHERE c.account_id = ?1
         ORDER BY a.display_name, a.handle",
    )?;
    let rows = stmt.query_map([me.0], |r| {
        Ok(Contact {
            id: convert::account_id(r, 0)?,
            handle: convert::handle(r, 1)?,
            display_name: r.get(2)?,
            state: contact_state(r, 3)?,
            since: time(r, 4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn mutual_contact_ids(conn: &Connection, me: AccountId) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT contact_id FROM contacts WHERE account_id = ?1 AND state = 'mutual'",
    )?;
    let rows = stmt.query_map([me.0], |r| convert::account_id(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn are_mutual_contacts(conn: &Connection, a: AccountId, b: AccountId) -> Result<bool> {
    Ok(link(conn, a, b)? == Some(ContactState::Mutual))
}

pub(super) fn responder_ids(conn: &Connection) -> Result<Vec<AccountId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE role IN ('responder', 'admin') ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| convert::account_id(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn set_email(
    conn: &Connection,
    account: AccountId,
    email: Option<String>,
    at: Timestamp,
) -> Result<()> {
    let Some(email) = email else {
        conn.prepare_cached("DELETE FROM account_emails WHERE account_id = ?1")?
            .execute([account.0])?;
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO account_emails (account_id, email, set_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id) DO UPDATE SET email = excluded.email, set_at = excluded.set_at",
    )?
    .execute(params![account.0, email, Micros(at)])
    .map_err(missing_is("account"))?;
    Ok(())
}

pub(super) fn email(conn: &Connection, account: AccountId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT email FROM account_emails WHERE account_id = ?1")?
        .query_row([account.0], |r| r.get(0))
        .optional()?)
}

pub(super) fn emails(
    conn: &Connection,
    accounts: &[AccountId],
) -> Result<Vec<(AccountId, String)>> {
    let mut stmt = conn.prepare_cached("SELECT email FROM account_emails WHERE account_id = ?1")?;
    let mut found = Vec::new();
    for account in accounts {
        if let Some(email) = stmt.query_row([account.0], |r| r.get(0)).optional()? {
            found.push((*account, email));
        }
    }
    Ok(found)
}
