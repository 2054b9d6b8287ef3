//! Domain events: what happened, and who must hear of it at once. They travel on the bus
//! (in-process, or NATS across instances) to the live streams of the people concerned.

use crate::shelter::{OfferId, RequestId, RequestStatus};
use crate::{AccountId, CrisisId, MissingId, NoteStatus, SafetyStatus, Timestamp};
use serde::{Deserialize, Serialize};

/// Who an event is for. Nothing is broadcast that isn't public: statuses go to mutual
/// contacts only, and the list is decided where the event is made, next to the rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipients {
    Accounts(Vec<AccountId>),
    Everyone,
}

/// The data of an event, as sent on the live stream (`event:` is its `name()`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A contact's status changed (their own answer, a mark on their behalf, a confirmation,
    /// or a rejection, after which `status` is the one that stands, if any).
    ContactStatus {
        crisis_id: CrisisId,
        handle: String,
        display_name: String,
        status: Option<SafetyStatus>,
        message: Option<String>,
        marked_by: Option<String>,
        updated_at: Timestamp,
    },
    /// You are in or near a crisis zone: are you safe?
    SafetyQuestion {
        crisis_id: CrisisId,
        title: String,
    },
    /// A contact asks whether you are safe.
    AreYouSafe {
        crisis_id: CrisisId,
        title: String,
        from_handle: String,
        from_display_name: String,
    },
    /// A contact marked you safe; confirm or reject it.
    MarkedOnBehalf {
        crisis_id: CrisisId,
        title: String,
        by_handle: String,
        by_display_name: String,
    },
    /// To responders: a crisis was proposed by itself (from a burst of posts); confirm it
    /// (activate) or dismiss it (retract).
    CrisisProposed {
        crisis_id: CrisisId,
        title: String,
    },
    CrisisActivated {
        crisis_id: CrisisId,
        title: String,
    },
    CrisisClosed {
        crisis_id: CrisisId,
        title: String,
    },
    /// A correction: the crisis was a mistake.
    CrisisRetracted {
        crisis_id: CrisisId,
        title: String,
    },
    ContactRequest {
        from_handle: String,
        from_display_name: String,
    },
    ContactAccepted {
        handle: String,
        display_name: String,
    },
    /// Someone asks for places in your offer (to the host).
    ShelterRequested {
        request_id: RequestId,
        offer_id: OfferId,
        party: u32,
        message: Option<String>,
    },
    /// A request for a place changed: accepted, declined, lapsed, cancelled, arrived or
    /// hidden (to the side that did not make the change).
    ShelterRequestChanged {
        request_id: RequestId,
        offer_id: OfferId,
        status: RequestStatus,
    },
    /// A new note on a missing-person record you follow.
    MissingNote {
        record_id: MissingId,
        full_name: String,
        status: Option<NoteStatus>,
        text: Option<String>,
        at: Timestamp,
    },
    /// You were near where a missing person was last seen, around then: did you see them?
    WitnessCall {
        record_id: MissingId,
        full_name: String,
        place: Option<String>,
        last_seen_at: Timestamp,
    },
}

impl Event {
    /// The Server-Sent Events `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            Event::ContactStatus { .. } => "contact_status",
            Event::SafetyQuestion { .. } => "safety_question",
            Event::AreYouSafe { .. } => "are_you_safe",
            Event::MarkedOnBehalf { .. } => "marked_on_behalf",
            Event::CrisisProposed { .. } => "crisis_proposed",
            Event::CrisisActivated { .. } => "crisis_activated",
            Event::CrisisClosed { .. } => "crisis_closed",
            Event::CrisisRetracted { .. } => "crisis_retracted",
            Event::ContactRequest { .. } => "contact_request",
            Event::ContactAccepted { .. } => "contact_accepted",
            Event::ShelterRequested { .. } => "shelter_requested",
            Event::ShelterRequestChanged { .. } => "shelter_request_changed",
            Event::MissingNote { .. } => "missing_note",
            Event::WitnessCall { .. } => "witness_call",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_serialized_tag_is_the_stream_name() {
        let e = Event::CrisisActivated {
            crisis_id: CrisisId::new(),
            title: "t".into(),
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["event"], e.name());
    }
}
