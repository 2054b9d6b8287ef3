//! Open Doors pages.

use entraide_core::shelter::RequestStatus;

/// The words for a request's status.
pub fn status_key(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Pending => "shelter.status_pending",
        RequestStatus::Accepted => "shelter.status_accepted",
        RequestStatus::Declined => "shelter.status_declined",
        RequestStatus::Lapsed => "shelter.status_lapsed",
        RequestStatus::Cancelled => "shelter.status_cancelled",
        RequestStatus::Arrived => "shelter.status_arrived",
        RequestStatus::Hidden => "shelter.status_hidden",
    }
}
