//! Open Doors (#PorteOuverte): hosts offer places, people in need find the nearest open
//! doors and ask; the host accepts or declines. Who may do what is decided here; the places
//! are counted atomically by the store; the search is answered from the in-memory index,
//! which every committed change refreshes (and, through the bus, every other instance's).

use crate::config::ServerConfig;
use crate::error::{AppError, AppResult, Denial};
use crate::state::AppState;
use entraide_bus::Invalidation;
use entraide_core::Refusal;
use entraide_core::shelter::{
    NewOffer, Offer, OfferEdit, OfferId, OfferTransition, Report, ReportTarget, RequestId,
    RequestStatus, ShelterRequest,
};
use entraide_core::{AccountId, Answer, CrisisStatus, Event};
use entraide_shelter::{AreaCapacity, Hit, OfferIndex, Query};
use entraide_store::{Account, ReportedTarget, StoreError};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::RwLock;
use std::time::Duration;

/// What the guest's contacts are told when arrival marks them safe.
pub const SHELTERED_MESSAGE: &str = "safe, sheltered";

/// Refreshes of one offer run one at a time (see [`AppState::refresh_offer`]); offers are
/// spread over this many locks so that different offers refresh in parallel.
const REFRESH_LOCKS: usize = 64;

/// The shelter part of the server's state.
pub struct Shelter {
    pub index: RwLock<OfferIndex>,
    refresh_locks: Vec<tokio::sync::Mutex<()>>,
    offers: DefaultKeyedRateLimiter<AccountId>,
    requests: DefaultKeyedRateLimiter<AccountId>,
}

impl Shelter {
    pub fn new(config: &ServerConfig) -> Self {
        let per_hour = |n: u32| Quota::per_hour(NonZeroU32::new(n.max(1)).expect("max(1) > 0"));
        Self {
            index: RwLock::new(OfferIndex::default()),
            refresh_locks: (0..REFRESH_LOCKS)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
            offers: RateLimiter::keyed(per_hour(config.shelter_offers_per_hour)),
            requests: RateLimiter::keyed(per_hour(config.shelter_requests_per_hour)),
        }
    }

    /// Forgets accounts whose quota has refilled.
    pub fn shrink(&self) {
        self.offers.retain_recent();
        self.requests.retain_recent();
    }
}

/// A request as one of its parties (or a responder) may see it. The exact place, address
/// and contact are there only for the host and for the guest of an accepted request.
pub struct RequestView {
    pub request: ShelterRequest,
    pub offer: Offer,
    pub reveal_address: bool,
    pub viewer_is_host: bool,
}

/// What someone does to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestAction {
    Accept,
    Decline,
    Cancel,
    /// `consent`: the guest agrees to be marked safe in the offer's crisis.
    Arrived {
        consent: bool,
    },
    Hide,
}

impl RequestAction {
    fn status(self) -> RequestStatus {
        match self {
            Self::Accept => RequestStatus::Accepted,
            Self::Decline => RequestStatus::Declined,
            Self::Cancel => RequestStatus::Cancelled,
            Self::Arrived { .. } => RequestStatus::Arrived,
            Self::Hide => RequestStatus::Hidden,
        }
    }
}

impl AppState {
    /// Loads every searchable offer into the index: at start, and after missing
    /// invalidations.
    pub async fn load_shelter_index(&self) -> AppResult<usize> {
        let offers = self.store.searchable_offers().await?;
        let index = OfferIndex::load(offers);
        let count = index.len();
        *self.shelter.index.write().expect("index lock") = index;
        Ok(count)
    }

    /// Makes the index agree with the store about one offer. Refreshes of an offer run one
    /// at a time and each reads after its change committed, so the last to run has read
    /// every committed change: concurrent changes can't leave an older state behind.
    pub async fn refresh_offer(&self, id: OfferId) -> AppResult<()> {
        let slot = (id.0.as_u128() % REFRESH_LOCKS as u128) as usize;
        let _turn = self.shelter.refresh_locks[slot].lock().await;
        let offer = self.store.offer(id).await?;
        let mut index = self.shelter.index.write().expect("index lock");
        match offer {
            Some(offer) => index.upsert(&offer),
            None => index.remove(id),
        }
        Ok(())
    }

    /// After a committed change to an offer: here at once, elsewhere through the bus.
    async fn offer_changed(&self, id: OfferId) -> AppResult<()> {
        self.bus.invalidate(Invalidation::ShelterOffer(id));
        self.refresh_offer(id).await
    }

    /// The new-account rule: a host must have a mutual contact or a responder's approval.
    async fn check_may_host(&self, me: &Account) -> AppResult<()> {
        if !self.config.shelter_hosts_need_vouching || me.role.is_responder() {
            return Ok(());
        }
        if !self.store.mutual_contact_ids(me.id).await?.is_empty()
            || self.store.host_approved(me.id).await?
        {
            return Ok(());
        }
        Err(AppError::Forbidden(Denial::HostNeedsVouching))
    }

    /// Publishes an offer. `id` comes from the idempotency key, so a retry answers with the
    /// offer the first try made.
    pub async fn create_offer(&self, me: &Account, id: OfferId, new: NewOffer) -> AppResult<Offer> {
        if let Some(existing) = self.store.offer(id).await? {
            return if existing.host == me.id {
                Ok(existing)
            } else {
                Err(AppError::Conflict(Refusal::IdTaken))
            };
        }
        self.check_may_host(me).await?;
        if let Some(crisis_id) = new.crisis_id {
            let crisis = self.crisis(crisis_id).await?;
            if !matches!(crisis.status, CrisisStatus::Active) {
                return Err(AppError::Conflict(Refusal::OfferNeedsActiveCrisis {
                    crisis_status: crisis.status,
                }));
            }
        }
        self.shelter
            .offers
            .check_key(&me.id)
            .map_err(|_| AppError::RateLimited)?;
        let offer = new.into_offer(id, me.id, chrono::Utc::now());
        match self.store.create_offer(&offer).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return self.own_offer(me, id).await;
            }
            Err(e) => return Err(e.into()),
        }
        self.offer_changed(id).await?;
        self.store
            .offer(id)
            .await?
            .ok_or_else(|| AppError::not_found("offer"))
    }

    /// An offer of mine; anyone else's is "not found" (its existence is not theirs to learn).
    pub async fn own_offer(&self, me: &Account, id: OfferId) -> AppResult<Offer> {
        match self.store.offer(id).await? {
            Some(offer) if offer.host == me.id => Ok(offer),
            _ => Err(AppError::not_found("offer")),
        }
    }

    /// My offers, newest first, each with its requests.
    pub async fn my_offers(&self, me: &Account) -> AppResult<Vec<(Offer, Vec<ShelterRequest>)>> {
        let mut out = Vec::new();
        for offer in self.store.offers_by_host(me.id).await? {
            let requests = self.store.requests_for_offer(offer.id).await?;
            out.push((offer, requests));
        }
        Ok(out)
    }

    pub async fn edit_offer(&self, me: &Account, id: OfferId, edit: OfferEdit) -> AppResult<Offer> {
        self.own_offer(me, id).await?;
        let offer = self.store.edit_offer(id, &edit, chrono::Utc::now()).await?;
        self.offer_changed(id).await?;
        Ok(offer)
    }

    /// Pauses, resumes or closes my offer. Closing declines the requests still waiting, and
    /// tells their guests; accepted guests keep their places.
    pub async fn transition_offer(
        &self,
        me: &Account,
        id: OfferId,
        transition: OfferTransition,
    ) -> AppResult<Offer> {
        let offer = self.own_offer(me, id).await?;
        let to = transition.apply(offer.status).map_err(AppError::Conflict)?;
        let offer = self
            .store
            .set_offer_status(id, offer.status, to, chrono::Utc::now())
            .await?;
        self.offer_changed(id).await?;
        if transition == OfferTransition::Close {
            for request in self.store.requests_for_offer(id).await? {
                if request.status == RequestStatus::Pending {
                    self.move_and_tell(request.id, RequestStatus::Declined, &[request.guest])
                        .await?;
                }
            }
        }
        Ok(offer)
    }

    /// The nearest open doors that can take the party.
    pub fn search_offers(&self, query: &Query) -> Vec<Hit> {
        self.shelter
            .index
            .read()
            .expect("index lock")
            .nearest(query)
    }

    /// Asks for places in an offer; the host is told at once.
    pub async fn request_place(
        &self,
        me: &Account,
        request: ShelterRequest,
    ) -> AppResult<ShelterRequest> {
        if let Some(existing) = self.store.shelter_request(request.id).await? {
            // The same key again: the same request, answered the same.
            return if existing.guest == me.id {
                Ok(existing)
            } else {
                Err(AppError::Conflict(Refusal::IdTaken))
            };
        }
        let offer = match self.store.offer(request.offer_id).await? {
            Some(offer) if !offer.hidden => offer,
            _ => return Err(AppError::not_found("offer")),
        };
        if offer.host == me.id {
            return Err(AppError::Conflict(Refusal::OwnOffer));
        }
        self.shelter
            .requests
            .check_key(&me.id)
            .map_err(|_| AppError::RateLimited)?;
        self.store.create_shelter_request(&request).await?;
        self.tell(
            &[offer.host],
            Event::ShelterRequested {
                request_id: request.id,
                offer_id: offer.id,
                party: request.party,
                message: request.message.clone(),
            },
        )
        .await?;
        Ok(request)
    }

    /// A request with its offer, as `viewer` may see it: the guest, the host, or a
    /// responder; anyone else gets "not found".
    pub async fn view_request(&self, viewer: &Account, id: RequestId) -> AppResult<RequestView> {
        let not_found = || AppError::not_found("request");
        let request = self
            .store
            .shelter_request(id)
            .await?
            .ok_or_else(not_found)?;
        let offer = self
            .store
            .offer(request.offer_id)
            .await?
            .ok_or_else(not_found)?;
        let viewer_is_host = offer.host == viewer.id;
        let viewer_is_guest = request.guest == viewer.id;
        if !viewer_is_host && !viewer_is_guest && !viewer.role.is_responder() {
            return Err(not_found());
        }
        Ok(RequestView {
            reveal_address: viewer_is_host || (viewer_is_guest && request.status.reveals_address()),
            viewer_is_host,
            request,
            offer,
        })
    }

    /// My requests as a guest, newest first, each with what I may see of its offer.
    pub async fn my_requests(&self, me: &Account) -> AppResult<Vec<RequestView>> {
        let mut out = Vec::new();
        for request in self.store.requests_by_guest(me.id).await? {
            out.push(self.view_request(me, request.id).await?);
        }
        Ok(out)
    }

    /// Accept, decline, cancel, arrive or hide: who may is checked here, the places move
    /// in the store, and the other side is told.
    pub async fn act_on_request(
        &self,
        me: &Account,
        id: RequestId,
        action: RequestAction,
    ) -> AppResult<RequestView> {
        let view = self.view_request(me, id).await?;
        let is_guest = view.request.guest == me.id;
        let allowed = match action {
            RequestAction::Accept | RequestAction::Decline => view.viewer_is_host,
            RequestAction::Cancel | RequestAction::Arrived { .. } => {
                view.viewer_is_host || is_guest
            }
            RequestAction::Hide => me.role.is_responder(),
        };
        if !allowed {
            return Err(AppError::Forbidden(match action {
                RequestAction::Accept | RequestAction::Decline => Denial::HostOnly,
                RequestAction::Hide => Denial::RespondersOnly,
                _ => Denial::GuestOrHostOnly,
            }));
        }
        let host = view.offer.host;
        let guest = view.request.guest;
        // The other side hears of it; a responder's hiding tells both.
        let others: Vec<AccountId> = match action {
            RequestAction::Hide => vec![host, guest],
            _ if view.viewer_is_host => vec![guest],
            _ => vec![host],
        };
        self.move_and_tell(id, action.status(), &others).await?;
        if let RequestAction::Arrived { consent: true } = action
            && is_guest
            && let Some(crisis_id) = view.offer.crisis_id
        {
            self.mark_sheltered(me, crisis_id).await?;
        }
        self.view_request(me, id).await
    }

    /// Arrival, with the guest's consent: they are safe, and their contacts are told so
    /// through the Safety Check, as if they had answered themselves.
    async fn mark_sheltered(
        &self,
        me: &Account,
        crisis_id: entraide_core::CrisisId,
    ) -> AppResult<()> {
        let crisis = self.crisis(crisis_id).await?;
        if !crisis.is_asking(chrono::Utc::now()) {
            return Ok(());
        }
        let answer = Answer::parse("safe", Some(SHELTERED_MESSAGE))?;
        self.answer(me, crisis_id, answer).await?;
        Ok(())
    }

    async fn move_and_tell(
        &self,
        id: RequestId,
        to: RequestStatus,
        tell: &[AccountId],
    ) -> AppResult<ShelterRequest> {
        let (request, offer) = self
            .store
            .move_shelter_request(id, to, chrono::Utc::now())
            .await?;
        // Places may have moved: the index must show what is free now.
        self.offer_changed(offer.id).await?;
        self.tell(
            tell,
            Event::ShelterRequestChanged {
                request_id: request.id,
                offer_id: offer.id,
                status: request.status,
            },
        )
        .await?;
        Ok(request)
    }

    /// Lapses requests left unanswered too long, and tells their guests and hosts. Run by
    /// the housekeeping loop; returns how many lapsed.
    pub async fn lapse_shelter_requests(&self) -> AppResult<usize> {
        let now = chrono::Utc::now();
        let lapse = Duration::from_secs(self.config.shelter_lapse_seconds);
        let cutoff = entraide_core::shelter::lapse_cutoff(now, lapse);
        let lapsed = self.store.lapse_shelter_requests(cutoff, now).await?;
        for request in &lapsed {
            let host = self.store.offer(request.offer_id).await?.map(|o| o.host);
            let event = Event::ShelterRequestChanged {
                request_id: request.id,
                offer_id: request.offer_id,
                status: RequestStatus::Lapsed,
            };
            let mut told = vec![request.guest];
            told.extend(host);
            self.tell(&told, event).await?;
        }
        Ok(lapsed.len())
    }

    /// Reports an offer or a person. Enough reports hide an offer until a responder looks.
    pub async fn report(
        &self,
        me: &Account,
        target: ReportTarget,
        reason: String,
    ) -> AppResult<()> {
        match target {
            ReportTarget::Offer(id) => {
                if self.store.offer(id).await?.is_none() {
                    return Err(AppError::not_found("offer"));
                }
            }
            ReportTarget::Account(id) => {
                if self.store.account(id).await?.is_none() {
                    return Err(AppError::not_found("account"));
                }
            }
        }
        let report = Report {
            target,
            reporter: me.id,
            reason,
            at: chrono::Utc::now(),
        };
        let outcome = self
            .store
            .report(&report, self.config.shelter_reports_to_hide)
            .await?;
        if let (true, ReportTarget::Offer(id)) = (outcome.hid_offer, target) {
            tracing::info!(offer = %id, reports = outcome.open_reports, "offer hidden pending review");
            self.offer_changed(id).await?;
        }
        Ok(())
    }

    fn require_responder(me: &Account) -> AppResult<()> {
        if me.role.is_responder() {
            Ok(())
        } else {
            Err(AppError::Forbidden(Denial::RespondersOnly))
        }
    }

    pub async fn open_reports(&self, me: &Account) -> AppResult<Vec<ReportedTarget>> {
        Self::require_responder(me)?;
        Ok(self.store.open_reports().await?)
    }

    /// A responder hides an offer, or shows it again (which closes its reports: reviewed).
    pub async fn moderate_offer(
        &self,
        me: &Account,
        id: OfferId,
        hidden: bool,
    ) -> AppResult<Offer> {
        Self::require_responder(me)?;
        let now = chrono::Utc::now();
        let offer = self.store.set_offer_hidden(id, hidden, now).await?;
        if !hidden {
            self.store
                .resolve_reports(ReportTarget::Offer(id), now)
                .await?;
        }
        self.offer_changed(id).await?;
        Ok(offer)
    }

    /// A responder closes the reports on a person after looking into them.
    pub async fn resolve_account_reports(
        &self,
        me: &Account,
        account: AccountId,
    ) -> AppResult<u32> {
        Self::require_responder(me)?;
        Ok(self
            .store
            .resolve_reports(ReportTarget::Account(account), chrono::Utc::now())
            .await?)
    }

    /// A responder vouches for a new host.
    pub async fn approve_host(&self, me: &Account, host: &Account) -> AppResult<()> {
        Self::require_responder(me)?;
        self.store
            .approve_host(host.id, me.id, chrono::Utc::now())
            .await?;
        Ok(())
    }

    /// Open places and waiting requests by area, for responders.
    pub async fn capacity_by_area(&self, me: &Account) -> AppResult<Vec<AreaCapacity>> {
        Self::require_responder(me)?;
        let waiting: HashMap<OfferId, u32> =
            self.store.waiting_requests().await?.into_iter().collect();
        let index = self.shelter.index.read().expect("index lock");
        Ok(entraide_shelter::capacity_by_area(
            &index,
            chrono::Utc::now(),
            &waiting,
        ))
    }
}
