//! Contacts: mutual, by request then accept. Only mutual contacts see each other's status.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use entraide_core::{Event, Invalid, Rule};
use entraide_store::{Account, Contact, ContactState};

impl AppState {
    pub async fn request_contact(&self, me: &Account, handle: &str) -> AppResult<ContactState> {
        let other = self.account_by_handle(handle).await?;
        if other.id == me.id {
            return Err(Invalid::broke("handle", Rule::OwnHandle).into());
        }
        let state = self
            .store
            .request_contact(me.id, other.id, chrono::Utc::now())
            .await?;
        let event = match state {
            ContactState::Mutual => Event::ContactAccepted {
                handle: me.handle.to_string(),
                display_name: me.display_name.clone(),
            },
            _ => Event::ContactRequest {
                from_handle: me.handle.to_string(),
                from_display_name: me.display_name.clone(),
            },
        };
        self.tell(&[other.id], event).await?;
        Ok(state)
    }

    pub async fn accept_contact(&self, me: &Account, handle: &str) -> AppResult<()> {
        let other = self.account_by_handle(handle).await?;
        self.store
            .accept_contact(me.id, other.id, chrono::Utc::now())
            .await
            .map_err(|e| match e {
                entraide_store::StoreError::NotFound(_) => {
                    AppError::not_found(format!("contact request from @{}", other.handle))
                }
                e => e.into(),
            })?;
        self.tell(
            &[other.id],
            Event::ContactAccepted {
                handle: me.handle.to_string(),
                display_name: me.display_name.clone(),
            },
        )
        .await
    }

    pub async fn remove_contact(&self, me: &Account, handle: &str) -> AppResult<()> {
        let other = self.account_by_handle(handle).await?;
        if self.store.remove_contact(me.id, other.id).await? {
            Ok(())
        } else {
            Err(AppError::not_found(format!("contact @{}", other.handle)))
        }
    }

    pub async fn contacts(&self, me: &Account) -> AppResult<Vec<Contact>> {
        Ok(self.store.contacts(me.id).await?)
    }
}
