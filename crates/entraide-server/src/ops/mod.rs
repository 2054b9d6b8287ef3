//! What entraide does, once, for the API and the pages alike: each operation checks who may
//! do it, writes through the store, and tells the people concerned on the bus. The HTTP
//! layers only translate requests and responses.

pub mod accounts;
pub mod contacts;
pub mod crises;
pub mod missing;
pub mod missing_photos;
pub mod pfif;
pub mod safety;
pub mod shelter;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entraide_core::{AccountId, Event, Handle, Recipients};
use entraide_store::Account;

impl AppState {
    /// Leaves the event in the recipients' inboxes, then tells those connected. The inbox
    /// write comes first so that someone who reloads after the live event finds it there.
    pub async fn tell(&self, recipients: &[AccountId], event: Event) -> AppResult<()> {
        if recipients.is_empty() {
            return Ok(());
        }
        self.store
            .notify(recipients, &event, chrono::Utc::now())
            .await?;
        self.bus
            .publish(&Recipients::Accounts(recipients.to_vec()), event);
        Ok(())
    }

    pub async fn account_by_handle(&self, raw: &str) -> AppResult<Account> {
        let handle = Handle::parse(raw)?;
        self.store
            .account_by_handle(&handle)
            .await?
            .map(|(account, _)| account)
            .ok_or_else(|| AppError::not_found(format!("account @{handle}")))
    }
}
