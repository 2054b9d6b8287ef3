//! Safety Check: answering, marking a contact safe, asking a contact, and who sees what.

use crate::error::{AppError, AppResult, Denial};
use crate::state::AppState;
use entraide_core::{
    Answer, Crisis, CrisisId, Event, Invalid, Recipients, Refusal, Rule, SafetyStatus,
};
use entraide_store::{
    Account, ContactStatus, CrisisStats, CurrentMark, MarkAction, MarkWrite, Marked, NeedHelp,
    Prompt,
};

impl AppState {
    /// A crisis that is asking now; answers to any other are refused.
    async fn asking_crisis(&self, id: CrisisId) -> AppResult<Crisis> {
        let crisis = self.crisis(id).await?;
        if !crisis.is_asking(chrono::Utc::now()) {
            return Err(AppError::Conflict(Refusal::CrisisNotAsking {
                crisis_status: crisis.status,
            }));
        }
        Ok(crisis)
    }

    /// My own answer. Acknowledged once durable; my contacts hear of it at once.
    pub async fn answer(
        &self,
        me: &Account,
        crisis: CrisisId,
        answer: Answer,
    ) -> AppResult<Option<CurrentMark>> {
        self.asking_crisis(crisis).await?;
        let action = MarkAction::Own {
            status: answer.status,
            message: answer.message,
        };
        self.write_mark(me, crisis, action).await
    }

    /// A mutual contact marks `handle` safe; it stands as "marked safe by me" until they
    /// confirm or reject it.
    pub async fn mark_on_behalf(
        &self,
        me: &Account,
        crisis_id: CrisisId,
        handle: &str,
        status: SafetyStatus,
    ) -> AppResult<Option<CurrentMark>> {
        if status != SafetyStatus::Safe {
            return Err(Invalid::broke("status", Rule::OnlySafe).into());
        }
        let crisis = self.asking_crisis(crisis_id).await?;
        let person = self.mutual_contact(me, handle).await?;
        let mark = self
            .write_mark(
                &person,
                crisis_id,
                MarkAction::OnBehalf { by: me.id, status },
            )
            .await?;
        let event = Event::MarkedOnBehalf {
            crisis_id,
            title: crisis.title,
            by_handle: me.handle.to_string(),
            by_display_name: me.display_name.clone(),
        };
        self.tell(&[person.id], event).await?;
        Ok(mark)
    }

    pub async fn confirm_mark(
        &self,
        me: &Account,
        crisis: CrisisId,
    ) -> AppResult<Option<CurrentMark>> {
        self.crisis(crisis).await?;
        self.write_mark(me, crisis, MarkAction::Confirm).await
    }

    pub async fn reject_mark(
        &self,
        me: &Account,
        crisis: CrisisId,
    ) -> AppResult<Option<CurrentMark>> {
        self.crisis(crisis).await?;
        self.write_mark(me, crisis, MarkAction::Reject).await
    }

    /// "Are you safe?" from a contact.
    pub async fn ask_contact(
        &self,
        me: &Account,
        crisis_id: CrisisId,
        handle: &str,
    ) -> AppResult<()> {
        let crisis = self.asking_crisis(crisis_id).await?;
        let person = self.mutual_contact(me, handle).await?;
        let event = Event::AreYouSafe {
            crisis_id,
            title: crisis.title,
            from_handle: me.handle.to_string(),
            from_display_name: me.display_name.clone(),
        };
        self.tell(&[person.id], event).await
    }

    /// Writes the mark, then tells the person's mutual contacts what now stands. Contacts'
    /// inboxes read where the person stands, so only the live stream is written to here.
    async fn write_mark(
        &self,
        person: &Account,
        crisis_id: CrisisId,
        action: MarkAction,
    ) -> AppResult<Option<CurrentMark>> {
        let write = MarkWrite {
            crisis: crisis_id,
            account: person.id,
            action,
            at: chrono::Utc::now(),
        };
        let Marked {
            standing: mark,
            contacts,
            linked_records,
        } = self.store.mark(write).await?;
        if !contacts.is_empty() {
            let event = Event::ContactStatus {
                crisis_id,
                handle: person.handle.to_string(),
                display_name: person.display_name.clone(),
                status: mark.as_ref().map(|m| m.status),
                message: mark.as_ref().and_then(|m| m.message.clone()),
                marked_by: mark
                    .as_ref()
                    .and_then(|m| m.marked_by.as_ref().map(ToString::to_string)),
                updated_at: mark.as_ref().map_or_else(chrono::Utc::now, |m| m.at),
            };
            self.bus.publish(&Recipients::Accounts(contacts), event);
        }
        if let Some(m) = &mark
            && !linked_records.is_empty()
            && m.status == SafetyStatus::Safe
            && m.origin == entraide_core::MarkOrigin::Own
        {
            // The mark is committed whatever happens to the registry's note: a failure
            // there is logged, not answered as a failed "I'm safe".
            if let Err(e) = self
                .marked_safe_in_registry(person, &linked_records, crisis_id, m.at)
                .await
            {
                tracing::warn!(error = %e, account = %person.id, "missing-person registry not told of a safe mark");
            }
        }
        Ok(mark)
    }

    /// The account behind `handle` if it is my mutual contact. Anyone else gets the same
    /// answer whether or not the account exists, so statuses and even existence don't leak.
    async fn mutual_contact(&self, me: &Account, handle: &str) -> AppResult<Account> {
        let not_a_contact = || AppError::Forbidden(Denial::not_mutual_contact(handle));
        let person = self
            .account_by_handle(handle)
            .await
            .map_err(|_| not_a_contact())?;
        if person.id != me.id && self.store.are_mutual_contacts(me.id, person.id).await? {
            Ok(person)
        } else {
            Err(not_a_contact())
        }
    }

    pub async fn contact_statuses(
        &self,
        me: &Account,
        crisis: CrisisId,
    ) -> AppResult<Vec<ContactStatus>> {
        self.crisis(crisis).await?;
        Ok(self.store.contact_statuses(crisis, me.id).await?)
    }

    pub async fn crisis_stats(&self, crisis: CrisisId) -> AppResult<CrisisStats> {
        self.crisis(crisis).await?;
        Ok(self.store.crisis_stats(crisis).await?)
    }

    /// Responders see who needs help, and nobody's other statuses.
    pub async fn need_help(&self, me: &Account, crisis: CrisisId) -> AppResult<Vec<NeedHelp>> {
        if !me.role.is_responder() {
            return Err(AppError::Forbidden(Denial::RespondersOnly));
        }
        self.crisis(crisis).await?;
        Ok(self.store.need_help(crisis).await?)
    }

    pub async fn prompts(&self, me: &Account) -> AppResult<Vec<Prompt>> {
        Ok(self.store.prompts_for(me.id).await?)
    }
}
