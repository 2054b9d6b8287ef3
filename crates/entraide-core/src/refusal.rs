//! Refusals: a well-formed request that what is stored forbids now (a taken handle, an offer
//! with no places left, an own answer a contact may not overwrite). The API answers them
//! with 409 and code "conflict"; like a broken [`Rule`](crate::Rule), each names itself and
//! its values, so the pages can say it in the reader's language.

use crate::CrisisStatus;
use crate::shelter::{OfferStatus, RequestStatus};
use serde::Serialize;

/// Why a write was refused. The English here is the API's; the pages' words in each
/// language are in the server's translation tables, under `refusal.<name>`, with `{name}`
/// standing for each value (a status stands for its own words in the same table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum Refusal {
    #[error("the handle {handle} is taken")]
    HandleTaken { handle: String },
    /// An id chosen by the client (through an idempotency key) that something else holds:
    /// a retry answers with what the first try made, so this is someone else's.
    #[error("this id is already taken: retry with a new idempotency key")]
    IdTaken,
    #[error("one cannot be one's own contact")]
    OwnContact,

    #[error("this crisis is {}: it can't change that way", crisis_status.as_str())]
    CrisisIs { crisis_status: CrisisStatus },
    #[error("this crisis is {}, not active: it asks nothing", crisis_status.as_str())]
    CrisisNotAsking { crisis_status: CrisisStatus },
    /// The person's own answer always wins: a contact saying "safe" must never hide that
    /// someone said they need help.
    #[error("they have already answered themselves")]
    AlreadyAnswered,
    #[error("one can only mark someone else safe, not another status")]
    OnlySafe,

    #[error("this crisis is {}: offers go with an active crisis, or with none", crisis_status.as_str())]
    OfferNeedsActiveCrisis { crisis_status: CrisisStatus },
    #[error("this offer is {}: it can't change that way", offer_status.as_str())]
    OfferIs { offer_status: OfferStatus },
    #[error("{taken} places are already given: capacity can't go below that")]
    CapacityBelowTaken { taken: u32 },
    #[error("this offer is no longer available")]
    OfferUnavailable,
    #[error("this offer has ended")]
    OfferEnded,
    #[error("the host has paused this offer for now")]
    OfferPaused,
    #[error("the places are gone: {free} free for a party of {party}")]
    PlacesGone { free: u32, party: u32 },
    #[error("this is your own offer")]
    OwnOffer,
    #[error("you already have a request for this offer")]
    AlreadyRequested,
    #[error("this request is {}: it can't change that way", request_status.as_str())]
    RequestIs { request_status: RequestStatus },

    #[error("a record cannot be linked to itself")]
    LinkToItself,
    #[error("this record is already linked to someone; ask a responder")]
    RecordLinkedElsewhere,
}

impl Refusal {
    /// The refusal's name (as the API spells it) and each value it carries, as text.
    pub fn parts(&self) -> (String, Vec<(String, String)>) {
        crate::error::tagged_parts(self, "refusal")
    }

    /// One refusal of each kind, for the tests that check every refusal has its words.
    pub fn one_of_each() -> Vec<Refusal> {
        let all = vec![
            Refusal::HandleTaken {
                handle: "alice".into(),
            },
            Refusal::IdTaken,
            Refusal::OwnContact,
            Refusal::CrisisIs {
                crisis_status: CrisisStatus::Closed,
            },
            Refusal::CrisisNotAsking {
                crisis_status: CrisisStatus::Proposed,
            },
            Refusal::AlreadyAnswered,
            Refusal::OnlySafe,
            Refusal::OfferNeedsActiveCrisis {
                crisis_status: CrisisStatus::Retracted,
            },
            Refusal::OfferIs {
                offer_status: OfferStatus::Closed,
            },
            Refusal::CapacityBelowTaken { taken: 3 },
            Refusal::OfferUnavailable,
            Refusal::OfferEnded,
            Refusal::OfferPaused,
            Refusal::PlacesGone { free: 1, party: 3 },
            Refusal::OwnOffer,
            Refusal::AlreadyRequested,
            Refusal::RequestIs {
                request_status: RequestStatus::Declined,
            },
            Refusal::LinkToItself,
            Refusal::RecordLinkedElsewhere,
        ];
        // Adding a refusal without a sample here fails to compile, not silently.
        for refusal in &all {
            match refusal {
                Refusal::HandleTaken { .. }
                | Refusal::IdTaken
                | Refusal::OwnContact
                | Refusal::CrisisIs { .. }
                | Refusal::CrisisNotAsking { .. }
                | Refusal::AlreadyAnswered
                | Refusal::OnlySafe
                | Refusal::OfferNeedsActiveCrisis { .. }
                | Refusal::OfferIs { .. }
                | Refusal::CapacityBelowTaken { .. }
                | Refusal::OfferUnavailable
                | Refusal::OfferEnded
                | Refusal::OfferPaused
                | Refusal::PlacesGone { .. }
                | Refusal::OwnOffer
                | Refusal::AlreadyRequested
                | Refusal::RequestIs { .. }
                | Refusal::LinkToItself
                | Refusal::RecordLinkedElsewhere => {}
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_refusal_is_english_for_the_api_and_named_with_its_values() {
        let r = Refusal::PlacesGone { free: 1, party: 3 };
        assert_eq!(
            r.to_string(),
            "the places are gone: 1 free for a party of 3"
        );
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"refusal": "places_gone", "free": 1, "party": 3})
        );
        let (name, values) = Refusal::CrisisIs {
            crisis_status: CrisisStatus::Closed,
        }
        .parts();
        assert_eq!(name, "crisis_is");
        assert_eq!(
            values,
            [("crisis_status".to_string(), "closed".to_string())]
        );
    }
}
