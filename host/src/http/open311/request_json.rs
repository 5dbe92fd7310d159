//! An event as a GeoReport service request: status, times in China Standard Time, the unit
//! or department responsible, and the latest note on the timeline as `status_notes`; or, to
//! a caller without a key, the public view of it.

use jiff::Timestamp;
use jiff::tz::offset;
use serde_json::{Value, json};

use crate::db::events::StoredEvent;
use crate::grid::workflow::{EventState, finished_state_names, open_state_names};
use crate::rules::events::public::PublicEvent;

/// GeoReport's two statuses: an event is closed once it is closed, evaluated or rejected.
pub(super) fn status(state: EventState) -> &'static str {
    match state {
        EventState::Closed | EventState::Evaluated | EventState::Rejected => "closed",
        _ => "open",
    }
}

/// The stored states behind a GeoReport status.
pub(super) fn states_of(status: &str) -> Option<&'static [&'static str]> {
    match status {
        "closed" => Some(finished_state_names()),
        "open" => Some(open_state_names()),
        _ => None,
    }
}

/// Milliseconds since the epoch as ISO 8601 at +08:00, to the second
/// (`2026-11-28T09:30:00+08:00`).
pub(super) fn china_time(ms: i64) -> Option<String> {
    Timestamp::from_second(ms.div_euclid(1000))
        .ok()
        .map(|t| t.display_with_offset(offset(8)).to_string())
}

/// The end of a `YYYY-MM-DD` deadline day in China, as ISO 8601.
fn end_of_day(date: &str) -> Option<String> {
    date.parse::<jiff::civil::Date>()
        .ok()
        .map(|d| format!("{d}T23:59:59+08:00"))
}

/// What a request shows of an event: for a caller in scope everything, for anyone else its
/// public view (`rules::events::public`), whose private fields are `None`.
pub(super) struct Shown<'a> {
    /// The event's id.
    pub id: i64,
    /// Its state.
    pub state: EventState,
    /// Its category's code.
    pub category: &'a str,
    /// The unit it sits at.
    pub unit_code: &'a str,
    /// The department or unit it was dispatched to.
    pub dispatched_to: Option<&'a str>,
    /// Reported (ms).
    pub reported_at: i64,
    /// Last moved (ms).
    pub updated_at: i64,
    /// Its deadline (`YYYY-MM-DD`).
    pub deadline: Option<&'a str>,
    /// Where (WGS 84), as shown.
    pub latitude: Option<f64>,
    /// Where (WGS 84), as shown.
    pub longitude: Option<f64>,
    /// The reporter's words (in full only).
    pub description: Option<&'a str>,
    /// The address as reported (in full only).
    pub address: Option<&'a str>,
    /// The latest note on its timeline (in full only).
    pub status_notes: Option<&'a str>,
}

impl<'a> Shown<'a> {
    /// All of `event`, with its latest note.
    pub(super) fn full(event: &'a StoredEvent, status_notes: Option<&'a str>) -> Self {
        Self {
            id: event.id,
            state: event.state,
            category: &event.category,
            unit_code: &event.unit_code,
            dispatched_to: event.dispatched_to.as_deref(),
            reported_at: event.reported_at,
            updated_at: event.updated_at,
            deadline: event.deadline.as_deref(),
            latitude: event.latitude,
            longitude: event.longitude,
            description: Some(&event.description),
            address: event.address.as_deref(),
            status_notes,
        }
    }

    /// The public view: no description, address or notes, the place as the rules rounded it.
    pub(super) fn public(event: &'a PublicEvent) -> Self {
        Self {
            id: event.id,
            state: event.state,
            category: &event.category,
            unit_code: &event.unit_code,
            dispatched_to: event.dispatched_to.as_deref(),
            reported_at: event.reported_at,
            updated_at: event.updated_at,
            deadline: event.deadline.as_deref(),
            latitude: event.latitude,
            longitude: event.longitude,
            description: None,
            address: None,
            status_notes: None,
        }
    }
}

/// `shown` as a request. `service_name` is the category's name, `agency_responsible` the
/// department or unit it was dispatched to, else the name of the unit that owns it.
pub(super) fn request_json(shown: &Shown<'_>, service_name: &str, unit_name: &str) -> Value {
    json!({
        "service_request_id": shown.id.to_string(),
        "status": status(shown.state),
        "status_notes": shown.status_notes,
        "service_name": service_name,
        "service_code": shown.category,
        "description": shown.description,
        "agency_responsible": shown.dispatched_to.unwrap_or(unit_name),
        "service_notice": null,
        "requested_datetime": china_time(shown.reported_at),
        "updated_datetime": china_time(shown.updated_at),
        "expected_datetime": shown.deadline.and_then(end_of_day),
        "address": shown.address,
        "address_id": null,
        "zipcode": null,
        "lat": shown.latitude,
        "long": shown.longitude,
        "media_url": null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_in_china_to_the_second() {
        assert_eq!(
            china_time(1_764_293_400_123).as_deref(),
            Some("2025-11-28T09:30:00+08:00")
        );
        assert_eq!(
            end_of_day("2026-12-03").as_deref(),
            Some("2026-12-03T23:59:59+08:00")
        );
    }

    #[test]
    fn finished_and_rejected_events_are_closed() {
        for (state, expected) in [
            (EventState::Reported, "open"),
            (EventState::Resolved, "open"),
            (EventState::Closed, "closed"),
            (EventState::Evaluated, "closed"),
            (EventState::Rejected, "closed"),
        ] {
            assert_eq!(status(state), expected);
            assert!(
                states_of(expected).is_some_and(|s| s.contains(&state.name())),
                "{state:?}"
            );
        }
    }
}
