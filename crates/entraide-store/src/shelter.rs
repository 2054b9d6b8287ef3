//! Rows of Open Doors that only the store makes (the offers and requests themselves are
//! `entraide_core::shelter` types).

use entraide_core::Timestamp;
use entraide_core::shelter::ReportTarget;

/// What a report did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportOutcome {
    /// Open (unresolved) reports on the target, this one included.
    pub open_reports: u32,
    /// Whether this report hid the offer (it reached the threshold just now).
    pub hid_offer: bool,
}

/// A target with open reports, for responders.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedTarget {
    pub target: ReportTarget,
    pub reports: u32,
    /// The reasons given, oldest first.
    pub reasons: Vec<String>,
    pub latest_at: Timestamp,
}
