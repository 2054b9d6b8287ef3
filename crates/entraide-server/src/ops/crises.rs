//! Crises: responders create them and move them through their life; activating one asks
//! the people in its zone, retracting one corrects what they were told.

use crate::error::{AppError, AppResult, Denial};
use crate::state::AppState;
use entraide_bus::Invalidation;
use entraide_core::safety::LOCATION_FRESHNESS;
use entraide_core::{
    AccountId, Crisis, CrisisId, CrisisStatus, CrisisTransition, Event, Location, NewCrisis,
    Recipients, should_ask,
};
use entraide_geo::Zone;
use entraide_store::Account;

impl AppState {
    /// Stores a proposed crisis. `id` comes from the caller so a retried request (same
    /// Idempotency-Key) can't create a second one.
    pub async fn create_crisis(
        &self,
        me: &Account,
        id: CrisisId,
        new: NewCrisis,
    ) -> AppResult<Crisis> {
        if !me.role.is_responder() {
            return Err(AppError::Forbidden(Denial::RespondersOnly));
        }
        let crisis = new.into_proposed(id, Some(me.id), chrono::Utc::now());
        match self.store.create_crisis(&crisis).await {
            Ok(()) => Ok(crisis),
            // The same id again is the same request again: answer with what it made.
            Err(entraide_store::StoreError::Conflict(_)) => self.crisis(id).await,
            Err(e) => Err(e.into()),
        }
    }

    /// From the cache when it holds the crisis (every mark asks for it; see `state.rs` for
    /// how the cache forgets a status change).
    pub async fn crisis(&self, id: CrisisId) -> AppResult<Crisis> {
        if let Some(crisis) = self.crises.get(&id) {
            return Ok(crisis);
        }
        let crisis = self
            .store
            .crisis(id)
            .await?
            .ok_or_else(|| AppError::not_found("crisis"))?;
        self.crises.insert(id, crisis.clone());
        Ok(crisis)
    }

    /// The crisis as `viewer` may see it. A proposal (from an alert, a burst of tags, or a
    /// responder's draft) is unconfirmed and may be a false alarm: only responders see it,
    /// everyone else gets "not found" so it can't spread.
    pub async fn visible_crisis(
        &self,
        viewer: Option<&Account>,
        id: CrisisId,
    ) -> AppResult<Crisis> {
        let crisis = self.crisis(id).await?;
        if crisis.status == CrisisStatus::Proposed && !viewer.is_some_and(|a| a.role.is_responder())
        {
            return Err(AppError::not_found("crisis"));
        }
        Ok(crisis)
    }

    /// Crises, newest first, with proposals only for responders (see `visible_crisis`).
    pub async fn visible_crises(
        &self,
        viewer: Option<&Account>,
        status: Option<CrisisStatus>,
    ) -> AppResult<Vec<Crisis>> {
        let mut crises = self.store.crises(status).await?;
        if !viewer.is_some_and(|a| a.role.is_responder()) {
            crises.retain(|c| c.status != CrisisStatus::Proposed);
        }
        Ok(crises)
    }

    /// Activates, closes or retracts a crisis, then tells whoever must know.
    pub async fn transition_crisis(
        &self,
        me: &Account,
        id: CrisisId,
        transition: CrisisTransition,
    ) -> AppResult<Crisis> {
        if !me.role.is_responder() {
            return Err(AppError::Forbidden(Denial::RespondersOnly));
        }
        // From the store, not the cache: the transition must start from the status as it is.
        let crisis = self
            .store
            .crisis(id)
            .await?
            .ok_or_else(|| AppError::not_found("crisis"))?;
        let to = transition
            .apply(crisis.status)
            .map_err(AppError::Conflict)?;
        let now = chrono::Utc::now();
        self.store
            .set_crisis_status(id, crisis.status, to, now)
            .await?;
        let crisis = Crisis {
            status: to,
            updated_at: now,
            ..crisis
        };
        self.crises.insert(id, crisis.clone());
        self.bus.invalidate(Invalidation::Crisis(id));
        let title = crisis.title.clone();
        match transition {
            CrisisTransition::Activate => {
                self.bus.publish(
                    &Recipients::Everyone,
                    Event::CrisisActivated {
                        crisis_id: id,
                        title,
                    },
                );
                self.ask_people_in_zone(&crisis).await?;
            }
            CrisisTransition::Close => {
                let asked = self.store.prompted(id).await?;
                self.tell(
                    &asked,
                    Event::CrisisClosed {
                        crisis_id: id,
                        title,
                    },
                )
                .await?;
            }
            CrisisTransition::Retract => {
                // The correction goes to everyone who was asked, inbox included: they may
                // have told others, and must know it was a mistake.
                let asked = self.store.prompted(id).await?;
                self.tell(
                    &asked,
                    Event::CrisisRetracted {
                        crisis_id: id,
                        title: title.clone(),
                    },
                )
                .await?;
                self.bus.publish(
                    &Recipients::Everyone,
                    Event::CrisisRetracted {
                        crisis_id: id,
                        title,
                    },
                );
            }
        }
        Ok(crisis)
    }

    /// Asks everyone whose recent location or home area lies in the zone. The store narrows
    /// to a bounding box; the rule (`should_ask`) decides each one.
    async fn ask_people_in_zone(&self, crisis: &Crisis) -> AppResult<()> {
        let now = chrono::Utc::now();
        let bbox = crisis.zone.bbox();
        let mut to_ask: Vec<AccountId> = self
            .store
            .latest_locations_in(bbox, now - LOCATION_FRESHNESS)
            .await?
            .into_iter()
            .filter(|(_, location)| should_ask(crisis, Some(location), None, now))
            .map(|(account, _)| account)
            .collect();
        to_ask.extend(
            self.store
                .homes_in(bbox)
                .await?
                .into_iter()
                .filter(|(_, home)| should_ask(crisis, None, Some(home), now))
                .map(|(account, _)| account),
        );
        to_ask.sort();
        to_ask.dedup();
        self.ask(crisis, &to_ask).await
    }

    /// Records the prompts and tells those not asked before.
    async fn ask(&self, crisis: &Crisis, accounts: &[AccountId]) -> AppResult<()> {
        if accounts.is_empty() {
            return Ok(());
        }
        let newly_asked = self
            .store
            .add_prompts(crisis.id, accounts, chrono::Utc::now())
            .await?;
        self.tell(
            &newly_asked,
            Event::SafetyQuestion {
                crisis_id: crisis.id,
                title: crisis.title.clone(),
            },
        )
        .await
    }

    /// Someone's position changed: any active crisis whose zone it enters asks them now.
    async fn ask_if_now_in_a_zone(
        &self,
        me: &Account,
        location: Option<&Location>,
        home: Option<&Zone>,
    ) -> AppResult<()> {
        let now = chrono::Utc::now();
        for crisis in self.store.crises(Some(CrisisStatus::Active)).await? {
            if should_ask(&crisis, location, home, now) {
                self.ask(&crisis, &[me.id]).await?;
            }
        }
        Ok(())
    }

    pub async fn report_location(&self, me: &Account, location: Location) -> AppResult<()> {
        self.store.record_location(me.id, location).await?;
        self.ask_if_now_in_a_zone(me, Some(&location), None).await
    }

    pub async fn set_home(&self, me: &Account, home: Option<Zone>) -> AppResult<()> {
        self.store.set_home(me.id, home.clone()).await?;
        self.ask_if_now_in_a_zone(me, None, home.as_ref()).await
    }
}
