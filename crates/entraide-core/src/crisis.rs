//! Crises: what happened, where (the zone), and how far along it is (status).

use crate::error::{Invalid, Invalids, Rule, text};
use crate::{AccountId, Refusal, Timestamp};
use entraide_geo::Zone;
use serde::{Deserialize, Serialize};

crate::uuid_id!(
    /// A crisis.
    CrisisId
);

/// Where a crisis is in its life. Only `Active` crises ask people anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrisisStatus {
    /// Created by a responder, or proposed by an alert or a burst of tags: asks nobody yet.
    Proposed,
    Active,
    Closed,
    /// Declared a mistake: everyone who was asked is told so.
    Retracted,
}

impl CrisisStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CrisisStatus::Proposed => "proposed",
            CrisisStatus::Active => "active",
            CrisisStatus::Closed => "closed",
            CrisisStatus::Retracted => "retracted",
        }
    }
}

impl std::str::FromStr for CrisisStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "proposed" => Ok(Self::Proposed),
            "active" => Ok(Self::Active),
            "closed" => Ok(Self::Closed),
            "retracted" => Ok(Self::Retracted),
            other => Err(Invalid::new(
                "status",
                format!(
                    "unknown crisis status {other:?}: expected proposed, active, closed or retracted"
                ),
            )),
        }
    }
}

/// What a responder does to a crisis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrisisTransition {
    Activate,
    Close,
    Retract,
}

impl CrisisTransition {
    /// The status a transition leads to from `from`, or why it can't be taken.
    /// A closed crisis can still be retracted: a false alarm may be found out afterwards.
    pub fn apply(self, from: CrisisStatus) -> Result<CrisisStatus, Refusal> {
        use CrisisStatus::*;
        match (self, from) {
            (CrisisTransition::Activate, Proposed) => Ok(Active),
            (CrisisTransition::Close, Active) => Ok(Closed),
            (CrisisTransition::Retract, Proposed | Active | Closed) => Ok(Retracted),
            (_, crisis_status) => Err(Refusal::CrisisIs { crisis_status }),
        }
    }

    pub const ALL: [CrisisTransition; 3] = [
        CrisisTransition::Activate,
        CrisisTransition::Close,
        CrisisTransition::Retract,
    ];

    pub fn verb(self) -> &'static str {
        match self {
            CrisisTransition::Activate => "activate",
            CrisisTransition::Close => "close",
            CrisisTransition::Retract => "retract",
        }
    }

    /// The transition a verb names, as in `/crises/{id}/activate`.
    pub fn from_verb(verb: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.verb() == verb)
    }
}

/// A short lowercase word for the kind of crisis ("attack", "flood", "fire"...): free, because
/// responders know their crises better than a fixed list would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CrisisKind(String);

impl CrisisKind {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let kind = raw.trim().to_lowercase();
        if kind.is_empty() || kind.chars().count() > 32 {
            return Err(Invalid::broke("kind", Rule::KindLength { max: 32 }));
        }
        if !kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(Invalid::broke("kind", Rule::KindWord));
        }
        Ok(Self(kind))
    }

    pub fn from_trusted(kind: String) -> Self {
        Self(kind)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A crisis as a responder describes it, validated.
#[derive(Clone, Debug)]
pub struct NewCrisis {
    pub title: String,
    pub description: String,
    pub kind: CrisisKind,
    pub zone: Zone,
    pub starts_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

impl NewCrisis {
    /// Validates every field and reports all the problems at once.
    pub fn parse(
        title: &str,
        description: &str,
        kind: &str,
        area: &serde_json::Value,
        starts_at: Option<Timestamp>,
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<Self, Invalids> {
        let mut errors = Invalids::default();
        let title = errors.check(text("title", title, 1, 120));
        let description = errors.check(text("description", description, 0, 4000));
        let kind = errors.check(CrisisKind::parse(kind));
        let zone = errors.check(
            Zone::from_json(area).map_err(|e| Invalid::broke("area", Rule::Area { detail: e.0 })),
        );
        let starts_at = starts_at.unwrap_or(now);
        if let Some(expires) = expires_at
            && expires <= starts_at
        {
            errors.push(Invalid::broke("expires_at", Rule::EndsBeforeStart));
        }
        errors.into_result()?;
        Ok(Self {
            title: title.unwrap(),
            description: description.unwrap(),
            kind: kind.unwrap(),
            zone: zone.unwrap(),
            starts_at,
            expires_at,
        })
    }
}

impl NewCrisis {
    /// The crisis as first stored: proposed, asking nobody until a responder activates it.
    /// `created_by` is None for automatic proposals (an alert, a burst of tags).
    pub fn into_proposed(
        self,
        id: CrisisId,
        created_by: Option<AccountId>,
        now: Timestamp,
    ) -> Crisis {
        Crisis {
            id,
            title: self.title,
            description: self.description,
            kind: self.kind,
            zone: self.zone,
            status: CrisisStatus::Proposed,
            starts_at: self.starts_at,
            expires_at: self.expires_at,
            created_by,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A crisis as stored.
#[derive(Clone, Debug)]
pub struct Crisis {
    pub id: CrisisId,
    pub title: String,
    pub description: String,
    pub kind: CrisisKind,
    pub zone: Zone,
    pub status: CrisisStatus,
    pub starts_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    /// Who created it: a responder, or none for an automatic proposal (an alert, a burst of tags).
    pub created_by: Option<AccountId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Crisis {
    /// Whether the crisis asks people now: active, started, not expired.
    pub fn is_asking(&self, now: Timestamp) -> bool {
        self.status == CrisisStatus::Active
            && self.starts_at <= now
            && self.expires_at.is_none_or(|e| now < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn circle() -> serde_json::Value {
        json!({"center": [2.37, 48.86], "radius_m": 1500})
    }

    #[test]
    fn transitions_follow_the_life_of_a_crisis() {
        use CrisisStatus::*;
        use CrisisTransition::*;
        assert_eq!(Activate.apply(Proposed), Ok(Active));
        assert_eq!(Close.apply(Active), Ok(Closed));
        assert_eq!(Retract.apply(Closed), Ok(Retracted));
        assert!(Activate.apply(Active).is_err());
        assert!(Close.apply(Proposed).is_err());
        assert_eq!(
            Activate.apply(Retracted),
            Err(Refusal::CrisisIs {
                crisis_status: Retracted
            })
        );
    }

    #[test]
    fn verbs_name_their_transitions() {
        for t in CrisisTransition::ALL {
            assert_eq!(CrisisTransition::from_verb(t.verb()), Some(t));
        }
        assert_eq!(CrisisTransition::from_verb("delete"), None);
    }

    #[test]
    fn all_problems_are_reported_together() {
        let now = chrono::Utc::now();
        let err = NewCrisis::parse(
            "",
            "",
            "two words",
            &json!({"type": "Point"}),
            None,
            None,
            now,
        )
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "kind", "area"]);
    }

    #[test]
    fn expiry_must_follow_start() {
        let now = chrono::Utc::now();
        let err = NewCrisis::parse(
            "Attacks",
            "",
            "attack",
            &circle(),
            Some(now),
            Some(now),
            now,
        )
        .unwrap_err();
        assert_eq!(err.0[0].field, "expires_at");
    }

    #[test]
    fn only_an_active_unexpired_crisis_asks() {
        let now = chrono::Utc::now();
        let new = NewCrisis::parse(
            "Attacks",
            "",
            "attack",
            &circle(),
            None,
            Some(now + chrono::Duration::hours(1)),
            now,
        )
        .unwrap();
        let mut crisis = new.into_proposed(CrisisId::new(), None, now);
        assert_eq!(crisis.status, CrisisStatus::Proposed);
        assert!(!crisis.is_asking(now));
        crisis.status = CrisisStatus::Active;
        assert!(crisis.is_asking(now));
        assert!(!crisis.is_asking(now + chrono::Duration::hours(2)));
    }
}
