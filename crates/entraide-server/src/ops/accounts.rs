//! Signing up, logging in and out.

use crate::auth::{decoy_hash, hash_password, new_token, token_hash, verify_password};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entraide_bus::Invalidation;
use entraide_core::{AccountId, DisplayName, Handle, Invalids, Password, Role};
use entraide_store::{Account, NewAccount, NewSession};

/// A fresh login: the token is shown once, to the client, and stored only as a hash.
pub struct LoggedIn {
    pub token: String,
    pub csrf_token: String,
    pub account: Account,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl AppState {
    /// Creates an account. Password hashing runs off the async threads: Argon2id is meant
    /// to be slow.
    pub async fn sign_up(
        &self,
        handle: &str,
        password: &str,
        display_name: &str,
        role: Role,
    ) -> AppResult<Account> {
        let mut errors = Invalids::default();
        let handle = errors.check(Handle::parse(handle));
        let password = errors.check(Password::parse(password));
        let display_name = errors.check(DisplayName::parse(display_name));
        errors.into_result()?;
        let (handle, password, display_name) =
            (handle.unwrap(), password.unwrap(), display_name.unwrap());
        let password_hash = tokio::task::spawn_blocking(move || hash_password(password.expose()))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let account = NewAccount {
            id: AccountId::new(),
            handle,
            display_name: display_name.as_str().to_string(),
            password_hash,
            role,
            created_at: chrono::Utc::now(),
        };
        Ok(self.store.create_account(account).await?)
    }

    /// Checks the password and opens a session. A wrong handle and a wrong password get the
    /// same answer, after the same work.
    pub async fn log_in(&self, handle: &str, password: &str) -> AppResult<LoggedIn> {
        let refused = || AppError::WrongCredentials;
        let found = match Handle::parse(handle) {
            Ok(handle) => self.store.account_by_handle(&handle).await?,
            Err(_) => None,
        };
        let (account, phc) = match found {
            Some((account, phc)) => (Some(account), phc),
            None => (None, decoy_hash().to_string()),
        };
        let password = password.to_string();
        let valid = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let account = account.filter(|_| valid).ok_or_else(refused)?;
        let token = new_token();
        let csrf_token = new_token();
        let now = chrono::Utc::now();
        let expires_at = now + chrono::Duration::days(self.config.session_days.into());
        self.store
            .create_session(NewSession {
                token_hash: token_hash(&token),
                account: account.id,
                csrf_token: csrf_token.clone(),
                created_at: now,
                expires_at,
            })
            .await?;
        Ok(LoggedIn {
            token,
            csrf_token,
            account,
            expires_at,
        })
    }

    pub async fn log_out(&self, token_hash: &[u8; 32]) -> AppResult<()> {
        self.store.delete_session(token_hash).await?;
        self.sessions.invalidate(token_hash);
        self.bus.invalidate(Invalidation::Session(*token_hash));
        Ok(())
    }

    /// My email address, for the mails of the records I follow: mine to read, no one else's.
    pub async fn my_email(&self, me: &Account) -> AppResult<Option<String>> {
        Ok(self.store.account_email(me.id).await?)
    }

    /// Sets my email address, checked (`email` field); empty or `None` forgets it.
    pub async fn set_my_email(
        &self,
        me: &Account,
        email: Option<&str>,
    ) -> AppResult<Option<String>> {
        let email = email
            .filter(|e| !e.trim().is_empty())
            .map(crate::mail::parse_address)
            .transpose()?;
        self.store
            .set_account_email(me.id, email.clone(), chrono::Utc::now())
            .await?;
        Ok(email)
    }
}
