//! Open Doors (#PorteOuverte): residents offer places, people in need ask for one.
//!
//! The rules here decide what an offer and a request may become, what fits a party, what
//! the public sees of a host's place (an approximate point, never the address), and when an
//! unanswered request lapses. The store applies the place-counting atomically; the server
//! decides who may do what.

use crate::error::text;
use crate::{AccountId, CrisisId, Invalid, Invalids, Refusal, Rule, Timestamp, uuid_id};
use entraide_geo::Point;
use serde::{Deserialize, Serialize};

uuid_id!(
    /// A host's offer of places.
    OfferId
);
uuid_id!(
    /// A request for a place in an offer.
    RequestId
);

/// The most places one offer may hold: a flat, a hall, not a stadium (those are responders'
/// shelters, organised otherwise).
pub const CAPACITY_MAX: u32 = 50;
/// The largest party that may ask together.
pub const PARTY_MAX: u32 = 20;
pub const ADDRESS_MAX: usize = 300;
pub const NOTE_MAX: usize = 500;
pub const CONTACT_MAX: usize = 200;
pub const MESSAGE_MAX: usize = 500;
pub const LANGUAGES_MAX: usize = 10;
/// How far ahead an offer may run: beyond this, a host should offer again.
pub const UNTIL_MAX: chrono::Duration = chrono::Duration::days(30);

/// The H3 resolution of the public, approximate place: cells of about 0.1 km², some 350 m
/// across, enough to walk towards, too coarse to find a door.
pub const APPROXIMATE_RESOLUTION: h3o::Resolution = h3o::Resolution::Nine;

/// What a host's place offers, and so which parties it fits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Features {
    /// No steps between the street and the place (wheelchairs, prams).
    pub step_free: bool,
    pub children: bool,
    pub pets: bool,
    /// Languages the host speaks (ISO 639-1 codes, e.g. "fr", "en").
    pub languages: Vec<String>,
}

impl Features {
    /// Normalises languages (lowercase, deduplicated) and checks they look like codes.
    pub fn validated(mut self) -> Result<Self, Invalid> {
        for lang in &mut self.languages {
            *lang = lang.trim().to_ascii_lowercase();
            let ok = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
            if !ok {
                return Err(Invalid::broke(
                    "features.languages",
                    Rule::LanguageCode { code: lang.clone() },
                ));
            }
        }
        self.languages.sort();
        self.languages.dedup();
        if self.languages.len() > LANGUAGES_MAX {
            return Err(Invalid::broke(
                "features.languages",
                Rule::TooManyLanguages { max: LANGUAGES_MAX },
            ));
        }
        Ok(self)
    }

    /// Whether a party with these needs can stay here.
    pub fn fits(&self, needs: Needs) -> bool {
        (!needs.step_free || self.step_free)
            && (!needs.children || self.children)
            && (!needs.pets || self.pets)
    }

    /// The needs this place meets, as bits ([`Needs::bits`]): what the search index keeps.
    pub fn bits(&self) -> u8 {
        Needs {
            step_free: self.step_free,
            children: self.children,
            pets: self.pets,
        }
        .bits()
    }
}

/// What a party needs from a place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    pub step_free: bool,
    pub children: bool,
    pub pets: bool,
}

impl Needs {
    /// From a comma-separated list, as in `?needs=step_free,children`. Empty means none.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let mut needs = Needs::default();
        for word in raw.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word {
                "step_free" => needs.step_free = true,
                "children" => needs.children = true,
                "pets" => needs.pets = true,
                other => {
                    return Err(Invalid::new(
                        "needs",
                        format!("unknown need {other:?}: expected step_free, children or pets"),
                    ));
                }
            }
        }
        Ok(needs)
    }

    pub fn bits(self) -> u8 {
        u8::from(self.step_free) | u8::from(self.children) << 1 | u8::from(self.pets) << 2
    }

    /// Whether a place offering `offered` (as [`Features::bits`]) meets these needs.
    pub fn met_by(self, offered: u8) -> bool {
        self.bits() & !offered == 0
    }
}

/// Where an offer stands in its host's hands (moderation is apart: [`Offer::hidden`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    Open,
    Paused,
    Closed,
}

impl OfferStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Paused => "paused",
            Self::Closed => "closed",
        }
    }
}

impl std::str::FromStr for OfferStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "open" => Ok(Self::Open),
            "paused" => Ok(Self::Paused),
            "closed" => Ok(Self::Closed),
            other => Err(Invalid::new(
                "status",
                format!("unknown offer status {other:?}"),
            )),
        }
    }
}

/// What a host does to an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferTransition {
    Pause,
    Resume,
    Close,
}

impl OfferTransition {
    /// The status it leads to from `from`, or why it can't. A closed offer stays closed:
    /// its guests were told, and a new offer is a new promise.
    pub fn apply(self, from: OfferStatus) -> Result<OfferStatus, Refusal> {
        use OfferStatus::*;
        match (self, from) {
            (Self::Pause, Open) => Ok(Paused),
            (Self::Resume, Paused) => Ok(Open),
            (Self::Close, Open | Paused) => Ok(Closed),
            (_, offer_status) => Err(Refusal::OfferIs { offer_status }),
        }
    }
}

/// An offer as stored. `address`, `lat`/`lon` and `contact` are private: only the host and
/// accepted guests see them (see [`Offer::public_point`] for everyone else).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub id: OfferId,
    pub host: AccountId,
    pub crisis_id: Option<CrisisId>,
    pub point: Point,
    pub address: String,
    /// How an accepted guest reaches the host: a phone number, a door code, a floor.
    pub contact: Option<String>,
    pub capacity: u32,
    /// Places held by accepted (and arrived) guests.
    pub taken: u32,
    pub features: Features,
    pub note: Option<String>,
    pub until: Option<Timestamp>,
    pub status: OfferStatus,
    /// Hidden by moderation (reports, or a responder): out of every search.
    pub hidden: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Offer {
    pub fn places_free(&self) -> u32 {
        self.capacity.saturating_sub(self.taken)
    }

    pub fn expired(&self, now: Timestamp) -> bool {
        self.until.is_some_and(|until| until <= now)
    }

    /// Whether it can take new guests now (places aside).
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.status == OfferStatus::Open && !self.hidden && !self.expired(now)
    }

    /// Whether a search may ever return it: open and not hidden. Expiry and free places
    /// change without a write, so the search checks them at query time.
    pub fn is_searchable(&self) -> bool {
        self.status == OfferStatus::Open && !self.hidden
    }

    /// What the public sees of where it is.
    pub fn public_point(&self) -> Point {
        approximate(self.point)
    }
}

/// The centre of the H3 cell (resolution 9) holding `point`: the same for every point of the
/// cell, so nothing of the exact place leaks, however many times it is asked.
pub fn approximate(point: Point) -> Point {
    match h3o::LatLng::new(point.lat, point.lon) {
        Ok(ll) => {
            let centre = h3o::LatLng::from(ll.to_cell(APPROXIMATE_RESOLUTION));
            Point {
                lon: centre.lng(),
                lat: centre.lat(),
            }
        }
        // A validated Point is always a valid LatLng; should that ever fail, give nothing
        // away rather than the exact point.
        Err(_) => Point { lon: 0.0, lat: 0.0 },
    }
}

/// A new offer, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct NewOffer {
    pub crisis_id: Option<CrisisId>,
    pub point: Point,
    pub address: String,
    pub contact: Option<String>,
    pub capacity: u32,
    pub features: Features,
    pub note: Option<String>,
    pub until: Option<Timestamp>,
}

/// Everything a host sends, before validation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferForm {
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub capacity: i64,
    pub until: Option<Timestamp>,
    #[serde(default)]
    pub features: Features,
    pub note: Option<String>,
    pub contact: Option<String>,
    pub crisis_id: Option<CrisisId>,
}

fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, Invalid> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, 1, max).map(Some),
    }
}

pub fn check_capacity(capacity: i64) -> Result<u32, Invalid> {
    u32::try_from(capacity)
        .ok()
        .filter(|c| (1..=CAPACITY_MAX).contains(c))
        .ok_or_else(|| Invalid::broke("capacity", Rule::Capacity { max: CAPACITY_MAX }))
}

pub fn check_until(until: Option<Timestamp>, now: Timestamp) -> Result<Option<Timestamp>, Invalid> {
    match until {
        Some(u) if u <= now => Err(Invalid::broke("until", Rule::Future)),
        Some(u) if u > now + UNTIL_MAX => Err(Invalid::broke(
            "until",
            Rule::WithinDays {
                days: UNTIL_MAX.num_days(),
            },
        )),
        other => Ok(other),
    }
}

impl NewOffer {
    /// Checks every field, reporting all that are wrong at once.
    pub fn parse(form: OfferForm, now: Timestamp) -> Result<Self, Invalids> {
        let mut errors = Invalids::default();
        let point = errors.check(
            Point::new(form.lon, form.lat)
                .map_err(|e| Invalid::broke("lat/lon", Rule::Coordinates { detail: e.0 })),
        );
        let address = errors.check(text("address", &form.address, 3, ADDRESS_MAX));
        let contact = errors.check(optional_text(
            "contact",
            form.contact.as_deref(),
            CONTACT_MAX,
        ));
        let capacity = errors.check(check_capacity(form.capacity));
        let features = errors.check(form.features.validated());
        let note = errors.check(optional_text("note", form.note.as_deref(), NOTE_MAX));
        let until = errors.check(check_until(form.until, now));
        match (point, address, contact, capacity, features, note, until) {
            (
                Some(point),
                Some(address),
                Some(contact),
                Some(capacity),
                Some(features),
                Some(note),
                Some(until),
            ) => Ok(Self {
                crisis_id: form.crisis_id,
                point,
                address,
                contact,
                capacity,
                features,
                note,
                until,
            }),
            _ => Err(errors),
        }
    }

    pub fn into_offer(self, id: OfferId, host: AccountId, now: Timestamp) -> Offer {
        Offer {
            id,
            host,
            crisis_id: self.crisis_id,
            point: self.point,
            address: self.address,
            contact: self.contact,
            capacity: self.capacity,
            taken: 0,
            features: self.features,
            note: self.note,
            until: self.until,
            status: OfferStatus::Open,
            hidden: false,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A host's change to an offer (`PATCH`): only the fields given change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OfferEdit {
    pub capacity: Option<u32>,
    /// `Some(None)` removes the end date.
    pub until: Option<Option<Timestamp>>,
    pub features: Option<Features>,
    pub note: Option<Option<String>>,
    pub contact: Option<Option<String>>,
}

impl OfferEdit {
    pub fn parse(
        capacity: Option<i64>,
        until: Option<Option<Timestamp>>,
        features: Option<Features>,
        note: Option<Option<String>>,
        contact: Option<Option<String>>,
        now: Timestamp,
    ) -> Result<Self, Invalids> {
        let mut errors = Invalids::default();
        let edit = Self {
            capacity: capacity.and_then(|c| errors.check(check_capacity(c))),
            until: until.and_then(|u| errors.check(check_until(u, now))),
            features: features.and_then(|f| errors.check(f.validated())),
            note: note.and_then(|n| errors.check(optional_text("note", n.as_deref(), NOTE_MAX))),
            contact: contact
                .and_then(|c| errors.check(optional_text("contact", c.as_deref(), CONTACT_MAX))),
        };
        errors.into_result().map(|()| edit)
    }

    /// The offer with the edit applied, or why not: capacity never goes below the places
    /// already given (the store checks this again in the same transaction as the write).
    pub fn apply(&self, offer: &Offer, now: Timestamp) -> Result<Offer, Refusal> {
        let mut edited = offer.clone();
        if let Some(capacity) = self.capacity {
            if capacity < offer.taken {
                return Err(Refusal::CapacityBelowTaken { taken: offer.taken });
            }
            edited.capacity = capacity;
        }
        if let Some(until) = self.until {
            edited.until = until;
        }
        if let Some(features) = &self.features {
            edited.features = features.clone();
        }
        if let Some(note) = &self.note {
            edited.note = note.clone();
        }
        if let Some(contact) = &self.contact {
            edited.contact = contact.clone();
        }
        edited.updated_at = now;
        Ok(edited)
    }
}

/// Where a request for a place stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the host.
    Pending,
    /// Places reserved; the guest sees the address.
    Accepted,
    Declined,
    /// Left unanswered too long: the person looks elsewhere.
    Lapsed,
    Cancelled,
    /// The guest is there.
    Arrived,
    /// Removed by a responder (abuse).
    Hidden,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Lapsed => "lapsed",
            Self::Cancelled => "cancelled",
            Self::Arrived => "arrived",
            Self::Hidden => "hidden",
        }
    }

    /// Whether the request holds places in its offer.
    pub fn holds_places(self) -> bool {
        matches!(self, Self::Accepted | Self::Arrived)
    }

    /// Whether the guest may see the host's address and contact.
    pub fn reveals_address(self) -> bool {
        self.holds_places()
    }

    /// Whether a request may move from `self` to `to`. Places follow: leaving a
    /// place-holding status gives them back ([`RequestStatus::holds_places`]).
    pub fn can_become(self, to: RequestStatus) -> bool {
        use RequestStatus::*;
        matches!(
            (self, to),
            (Pending, Accepted | Declined | Lapsed | Cancelled | Hidden)
                | (Accepted, Arrived | Cancelled | Hidden)
                | (Arrived, Cancelled)
        )
    }
}

impl std::str::FromStr for RequestStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        [
            Self::Pending,
            Self::Accepted,
            Self::Declined,
            Self::Lapsed,
            Self::Cancelled,
            Self::Arrived,
            Self::Hidden,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
        .ok_or_else(|| Invalid::new("status", format!("unknown request status {s:?}")))
    }
}

/// A request for places in an offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShelterRequest {
    pub id: RequestId,
    pub offer_id: OfferId,
    pub guest: AccountId,
    pub party: u32,
    pub message: Option<String>,
    pub status: RequestStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub fn check_party(party: i64) -> Result<u32, Invalid> {
    u32::try_from(party)
        .ok()
        .filter(|p| (1..=PARTY_MAX).contains(p))
        .ok_or_else(|| Invalid::broke("party", Rule::Party { max: PARTY_MAX }))
}

/// A person's ask, validated.
pub fn new_request(
    id: RequestId,
    offer_id: OfferId,
    guest: AccountId,
    party: i64,
    message: Option<&str>,
    now: Timestamp,
) -> Result<ShelterRequest, Invalids> {
    let mut errors = Invalids::default();
    let party = errors.check(check_party(party));
    let message = errors.check(optional_text("message", message, MESSAGE_MAX));
    match (party, message) {
        (Some(party), Some(message)) => Ok(ShelterRequest {
            id,
            offer_id,
            guest,
            party,
            message,
            status: RequestStatus::Pending,
            created_at: now,
            updated_at: now,
        }),
        _ => Err(errors),
    }
}

/// Why an offer can't take a party now; None when it can.
pub fn refusal(offer: &Offer, party: u32, now: Timestamp) -> Option<Refusal> {
    if offer.hidden || offer.status == OfferStatus::Closed {
        Some(Refusal::OfferUnavailable)
    } else if offer.expired(now) {
        Some(Refusal::OfferEnded)
    } else if offer.status == OfferStatus::Paused {
        Some(Refusal::OfferPaused)
    } else if offer.places_free() < party {
        Some(Refusal::PlacesGone {
            free: offer.places_free(),
            party,
        })
    } else {
        None
    }
}

/// The moment before which a pending request asked has lapsed.
pub fn lapse_cutoff(now: Timestamp, lapse: std::time::Duration) -> Timestamp {
    now - chrono::Duration::from_std(lapse).unwrap_or(chrono::Duration::MAX)
}

/// What a report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ReportTarget {
    Offer(OfferId),
    Account(AccountId),
}

/// Someone's report of an offer or a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub target: ReportTarget,
    pub reporter: AccountId,
    pub reason: String,
    pub at: Timestamp,
}

pub const REASON_MAX: usize = 500;

pub fn check_reason(reason: &str) -> Result<String, Invalid> {
    text("reason", reason, 3, REASON_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn form() -> OfferForm {
        OfferForm {
            lat: 48.8631,
            lon: 2.3708,
            address: "50 boulevard Voltaire, 75011 Paris".into(),
            capacity: 3,
            ..OfferForm::default()
        }
    }

    fn offer() -> Offer {
        NewOffer::parse(form(), Utc::now()).unwrap().into_offer(
            OfferId::new(),
            AccountId::new(),
            Utc::now(),
        )
    }

    #[test]
    fn a_valid_offer_parses_and_starts_open() {
        let o = offer();
        assert_eq!(o.status, OfferStatus::Open);
        assert_eq!(o.places_free(), 3);
        assert!(o.is_open(Utc::now()));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = OfferForm {
            lat: 123.0,
            lon: 2.0,
            address: "x".into(),
            capacity: 0,
            until: Some(Utc::now() - chrono::Duration::hours(1)),
            note: Some("n".repeat(NOTE_MAX + 1)),
            ..OfferForm::default()
        };
        let errors = NewOffer::parse(bad, Utc::now()).unwrap_err();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["lat/lon", "address", "capacity", "note", "until"]);
        let too_far = OfferForm {
            until: Some(Utc::now() + UNTIL_MAX + chrono::Duration::hours(1)),
            capacity: i64::from(CAPACITY_MAX) + 1,
            ..form()
        };
        let errors = NewOffer::parse(too_far, Utc::now()).unwrap_err();
        assert_eq!(errors.0.len(), 2);
    }

    #[test]
    fn features_fit_needs() {
        let f = Features {
            step_free: true,
            children: true,
            ..Features::default()
        };
        assert!(f.fits(Needs::default()));
        assert!(f.fits(Needs::parse("step_free,children").unwrap()));
        assert!(!f.fits(Needs::parse("pets").unwrap()));
        for raw in [
            "",
            "pets",
            "children",
            "step_free,pets",
            "step_free,children,pets",
        ] {
            let needs = Needs::parse(raw).unwrap();
            assert_eq!(needs.met_by(f.bits()), f.fits(needs), "{raw}");
        }
        assert!(Needs::parse("jacuzzi").is_err());
    }

    #[test]
    fn languages_are_normalised_and_checked() {
        let f = Features {
            languages: vec!["FR".into(), " en".into(), "fr".into()],
            ..Features::default()
        }
        .validated()
        .unwrap();
        assert_eq!(f.languages, ["en", "fr"]);
        let bad = Features {
            languages: vec!["français".into()],
            ..Features::default()
        };
        assert!(bad.validated().is_err());
    }

    #[test]
    fn the_public_point_is_the_cell_centre_near_but_not_at_the_door() {
        let o = offer();
        let public = o.public_point();
        assert_ne!(public, o.point);
        let d = entraide_geo::distance_m(public, o.point);
        assert!(d < 350.0, "{d} m from the door");
        // Every door in the cell gives the same point: repeated asks reveal nothing more.
        let neighbour = Point::new(o.point.lon + 0.0002, o.point.lat + 0.0001).unwrap();
        let same_cell = h3o::LatLng::new(neighbour.lat, neighbour.lon)
            .unwrap()
            .to_cell(APPROXIMATE_RESOLUTION)
            == h3o::LatLng::new(o.point.lat, o.point.lon)
                .unwrap()
                .to_cell(APPROXIMATE_RESOLUTION);
        if same_cell {
            assert_eq!(approximate(neighbour), public);
        }
        assert_eq!(approximate(public), public);
    }

    #[test]
    fn offer_transitions() {
        use OfferStatus::*;
        use OfferTransition::*;
        assert_eq!(Pause.apply(Open), Ok(Paused));
        assert_eq!(Resume.apply(Paused), Ok(Open));
        assert_eq!(Close.apply(Paused), Ok(Closed));
        assert!(Resume.apply(Closed).is_err());
        assert!(Pause.apply(Paused).is_err());
        assert!(Close.apply(Closed).is_err());
    }

    #[test]
    fn capacity_never_goes_below_places_given() {
        let mut o = offer();
        o.taken = 2;
        let down = OfferEdit::parse(Some(1), None, None, None, None, Utc::now()).unwrap();
        assert!(down.apply(&o, Utc::now()).is_err());
        let ok = OfferEdit::parse(Some(2), None, None, Some(None), None, Utc::now()).unwrap();
        let edited = ok.apply(&o, Utc::now()).unwrap();
        assert_eq!((edited.capacity, edited.places_free()), (2, 0));
        assert!(OfferEdit::parse(Some(0), None, None, None, None, Utc::now()).is_err());
    }

    #[test]
    fn request_transitions_and_places() {
        use RequestStatus::*;
        assert!(Pending.can_become(Accepted));
        assert!(Pending.can_become(Lapsed));
        assert!(Accepted.can_become(Arrived));
        assert!(Accepted.can_become(Cancelled));
        assert!(Arrived.can_become(Cancelled));
        assert!(!Declined.can_become(Accepted));
        assert!(!Lapsed.can_become(Accepted));
        assert!(!Cancelled.can_become(Accepted));
        assert!(!Pending.can_become(Arrived));
        assert!(!Accepted.can_become(Accepted));
        assert!(Accepted.holds_places() && Arrived.holds_places());
        assert!(!Pending.holds_places() && !Cancelled.holds_places());
        assert!(Accepted.reveals_address() && !Pending.reveals_address());
        assert!(!Declined.reveals_address());
        for s in [
            Pending, Accepted, Declined, Lapsed, Cancelled, Arrived, Hidden,
        ] {
            assert_eq!(s.as_str().parse::<RequestStatus>().unwrap(), s);
        }
    }

    #[test]
    fn refusals_say_why() {
        let now = Utc::now();
        let mut o = offer();
        assert_eq!(refusal(&o, 3, now), None);
        assert_eq!(
            refusal(&o, 4, now),
            Some(Refusal::PlacesGone { free: 3, party: 4 })
        );
        o.status = OfferStatus::Paused;
        assert_eq!(refusal(&o, 1, now), Some(Refusal::OfferPaused));
        o.status = OfferStatus::Open;
        o.until = Some(now - chrono::Duration::seconds(1));
        assert_eq!(refusal(&o, 1, now), Some(Refusal::OfferEnded));
        o.until = None;
        o.hidden = true;
        assert_eq!(refusal(&o, 1, now), Some(Refusal::OfferUnavailable));
    }

    #[test]
    fn requests_validate_party_and_message() {
        let now = Utc::now();
        let ok = new_request(
            RequestId::new(),
            OfferId::new(),
            AccountId::new(),
            2,
            Some(" hi "),
            now,
        )
        .unwrap();
        assert_eq!((ok.party, ok.message.as_deref()), (2, Some("hi")));
        assert!(
            new_request(
                RequestId::new(),
                OfferId::new(),
                AccountId::new(),
                0,
                None,
                now
            )
            .is_err()
        );
        let long = "m".repeat(MESSAGE_MAX + 1);
        let errors = new_request(
            RequestId::new(),
            OfferId::new(),
            AccountId::new(),
            99,
            Some(&long),
            now,
        )
        .unwrap_err();
        assert_eq!(errors.0.len(), 2);
    }

    #[test]
    fn the_lapse_cutoff_is_the_configured_time_ago() {
        let now = Utc::now();
        let cutoff = lapse_cutoff(now, std::time::Duration::from_secs(20 * 60));
        assert_eq!(now - cutoff, chrono::Duration::minutes(20));
    }
}
