//! Safety Check: who is asked, what they answer, and how a contact's mark on their behalf
//! becomes theirs (or not).

use crate::Refusal;
use crate::error::{Invalid, Rule, text};
use crate::{AccountId, Crisis, Timestamp};
use entraide_geo::{Point, Zone};
use serde::{Deserialize, Serialize};

/// How recent a reported location must be for it to place someone in a crisis zone.
pub const LOCATION_FRESHNESS: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// A reported position is trusted only to within this many metres, however precise it says
/// it is, and at most this imprecise: a phone reporting "accurate to 50 km" places nobody.
pub const MAX_ACCURACY_M: f64 = 10_000.0;

/// The longest message attached to an answer: a few words to contacts, not a story.
pub const MESSAGE_MAX: usize = 280;

/// An answer to "are you safe?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyStatus {
    Safe,
    NeedHelp,
    NotInArea,
}

impl SafetyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SafetyStatus::Safe => "safe",
            SafetyStatus::NeedHelp => "need_help",
            SafetyStatus::NotInArea => "not_in_area",
        }
    }
}

impl std::str::FromStr for SafetyStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "safe" => Ok(Self::Safe),
            "need_help" => Ok(Self::NeedHelp),
            "not_in_area" => Ok(Self::NotInArea),
            other => Err(Invalid::new(
                "status",
                format!("unknown status {other:?}: expected safe, need_help or not_in_area"),
            )),
        }
    }
}

/// A validated answer, before it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub status: SafetyStatus,
    pub message: Option<String>,
}

impl Answer {
    pub fn parse(status: &str, message: Option<&str>) -> Result<Self, Invalid> {
        let status = status.parse()?;
        let message = match message.map(str::trim) {
            None | Some("") => None,
            Some(m) => Some(text("message", m, 1, MESSAGE_MAX)?),
        };
        Ok(Self { status, message })
    }
}

/// Who made the current mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkOrigin {
    /// The person answered themselves.
    Own,
    /// A contact marked them safe; it shows as "marked safe by X" until the person confirms
    /// (it becomes `Own`) or rejects it (it is withdrawn).
    OnBehalf { by: AccountId },
}

/// A person's current mark in a crisis. The store keeps every earlier one as history.
#[derive(Clone, Debug, PartialEq)]
pub struct SafetyMark {
    pub status: SafetyStatus,
    pub message: Option<String>,
    pub origin: MarkOrigin,
    pub at: Timestamp,
}

impl SafetyMark {
    /// The rule for marks arriving out of order (retries, several instances): the latest
    /// answer wins, whatever order the writes reach the store in.
    pub fn supersedes(&self, current: Option<&SafetyMark>) -> bool {
        current.is_none_or(|c| self.at >= c.at)
    }

    /// Whether a contact's mark on someone's behalf may replace the current mark.
    pub fn on_behalf_allowed(
        status: SafetyStatus,
        current: Option<&SafetyMark>,
    ) -> Result<(), Refusal> {
        if status != SafetyStatus::Safe {
            return Err(Refusal::OnlySafe);
        }
        match current {
            Some(SafetyMark {
                origin: MarkOrigin::Own,
                ..
            }) => Err(Refusal::AlreadyAnswered),
            _ => Ok(()),
        }
    }
}

/// A reported position with its precision and time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub point: Point,
    pub accuracy_m: f64,
    pub at: Timestamp,
}

impl Location {
    pub fn parse(lat: f64, lon: f64, accuracy_m: f64, at: Timestamp) -> Result<Self, Invalid> {
        let point = Point::new(lon, lat)
            .map_err(|e| Invalid::broke("lat/lon", Rule::Coordinates { detail: e.0 }))?;
        if !accuracy_m.is_finite() || accuracy_m < 0.0 {
            return Err(Invalid::broke("accuracy_m", Rule::Accuracy));
        }
        Ok(Self {
            point,
            accuracy_m,
            at,
        })
    }

    /// Whether this position may lie in `zone`: a fix near the edge counts if its accuracy
    /// circle touches the zone, because asking someone who is safely outside costs a tap,
    /// and missing someone inside costs far more.
    pub fn may_be_in(&self, zone: &Zone) -> bool {
        if zone.contains(self.point) {
            return true;
        }
        let radius_m = self.accuracy_m.min(MAX_ACCURACY_M);
        radius_m > 0.0
            && Zone::Circle {
                center: self.point,
                radius_m,
            }
            .intersects(zone)
    }
}

/// Whether a person should be asked about a crisis: it is asking now, and their latest
/// location (from the last 24 hours) or their home area lies in its zone.
pub fn should_ask(
    crisis: &Crisis,
    latest: Option<&Location>,
    home: Option<&Zone>,
    now: Timestamp,
) -> bool {
    if !crisis.is_asking(now) {
        return false;
    }
    let recent_location_inside =
        latest.is_some_and(|l| now - l.at <= LOCATION_FRESHNESS && l.may_be_in(&crisis.zone));
    let home_inside = home.is_some_and(|h| h.intersects(&crisis.zone));
    recent_location_inside || home_inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CrisisId, CrisisKind, CrisisStatus};
    use chrono::{Duration, Utc};

    fn crisis_over_the_11th(status: CrisisStatus) -> Crisis {
        let now = Utc::now();
        Crisis {
            id: CrisisId::new(),
            title: "Attacks".into(),
            description: String::new(),
            kind: CrisisKind::from_trusted("attack".into()),
            zone: Zone::Circle {
                center: Point::new(2.3708, 48.8631).unwrap(),
                radius_m: 1_500.0,
            },
            status,
            starts_at: now - Duration::hours(1),
            expires_at: None,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn at(lat: f64, lon: f64, accuracy_m: f64, ago: Duration) -> Location {
        Location::parse(lat, lon, accuracy_m, Utc::now() - ago).unwrap()
    }

    #[test]
    fn a_recent_location_in_the_zone_is_asked() {
        let crisis = crisis_over_the_11th(CrisisStatus::Active);
        let bataclan = at(48.8631, 2.3708, 20.0, Duration::minutes(5));
        assert!(should_ask(&crisis, Some(&bataclan), None, Utc::now()));
    }

    #[test]
    fn an_old_location_is_not_enough() {
        let crisis = crisis_over_the_11th(CrisisStatus::Active);
        let stale = at(48.8631, 2.3708, 20.0, Duration::hours(25));
        assert!(!should_ask(&crisis, Some(&stale), None, Utc::now()));
    }

    #[test]
    fn far_away_is_not_asked_but_an_imprecise_fix_near_the_edge_is() {
        let crisis = crisis_over_the_11th(CrisisStatus::Active);
        let lyon = at(45.7640, 4.8357, 20.0, Duration::minutes(5));
        assert!(!should_ask(&crisis, Some(&lyon), None, Utc::now()));
        // 2 km from the centre: outside a 1.5 km zone, unless the fix is only good to 1 km.
        let near = at(48.8811, 2.3708, 50.0, Duration::minutes(5));
        assert!(!should_ask(&crisis, Some(&near), None, Utc::now()));
        let near_imprecise = at(48.8811, 2.3708, 1_000.0, Duration::minutes(5));
        assert!(should_ask(&crisis, Some(&near_imprecise), None, Utc::now()));
    }

    #[test]
    fn a_home_area_in_the_zone_is_asked() {
        let crisis = crisis_over_the_11th(CrisisStatus::Active);
        let home = Zone::Circle {
            center: Point::new(2.3800, 48.8600).unwrap(),
            radius_m: 300.0,
        };
        assert!(should_ask(&crisis, None, Some(&home), Utc::now()));
        let elsewhere = Zone::Circle {
            center: Point::new(4.8357, 45.7640).unwrap(),
            radius_m: 300.0,
        };
        assert!(!should_ask(&crisis, None, Some(&elsewhere), Utc::now()));
    }

    #[test]
    fn only_an_active_crisis_asks() {
        let bataclan = at(48.8631, 2.3708, 20.0, Duration::minutes(5));
        for status in [
            CrisisStatus::Proposed,
            CrisisStatus::Closed,
            CrisisStatus::Retracted,
        ] {
            assert!(!should_ask(
                &crisis_over_the_11th(status),
                Some(&bataclan),
                None,
                Utc::now()
            ));
        }
    }

    #[test]
    fn the_latest_answer_wins_whatever_the_arrival_order() {
        let t0 = Utc::now();
        let first = SafetyMark {
            status: SafetyStatus::NeedHelp,
            message: None,
            origin: MarkOrigin::Own,
            at: t0,
        };
        let later = SafetyMark {
            status: SafetyStatus::Safe,
            at: t0 + Duration::seconds(1),
            ..first.clone()
        };
        assert!(later.supersedes(Some(&first)));
        assert!(!first.supersedes(Some(&later)));
        assert!(first.supersedes(None));
    }

    #[test]
    fn a_contact_can_only_mark_safe_and_never_over_an_own_answer() {
        let own = SafetyMark {
            status: SafetyStatus::NeedHelp,
            message: Some("trapped".into()),
            origin: MarkOrigin::Own,
            at: Utc::now(),
        };
        let by_other = SafetyMark {
            origin: MarkOrigin::OnBehalf {
                by: AccountId::new(),
            },
            ..own.clone()
        };
        assert_eq!(
            SafetyMark::on_behalf_allowed(SafetyStatus::Safe, Some(&own)),
            Err(Refusal::AlreadyAnswered)
        );
        assert_eq!(
            SafetyMark::on_behalf_allowed(SafetyStatus::NeedHelp, None),
            Err(Refusal::OnlySafe)
        );
        assert_eq!(
            SafetyMark::on_behalf_allowed(SafetyStatus::Safe, None),
            Ok(())
        );
        assert_eq!(
            SafetyMark::on_behalf_allowed(SafetyStatus::Safe, Some(&by_other)),
            Ok(())
        );
    }

    #[test]
    fn answers_are_validated() {
        assert!(Answer::parse("safe", Some("  ")).unwrap().message.is_none());
        assert!(Answer::parse("fine", None).is_err());
        assert!(Answer::parse("safe", Some(&"x".repeat(MESSAGE_MAX + 1))).is_err());
        assert!(Location::parse(91.0, 2.0, 10.0, Utc::now()).is_err());
        assert!(Location::parse(48.0, 2.0, -1.0, Utc::now()).is_err());
    }
}
