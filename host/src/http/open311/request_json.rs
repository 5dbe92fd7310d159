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

/// What an event shows as a request. `service_name` is the category's name,
/// `agency_responsible` the department or unit it was dispatched to, else the name of the
/// unit that owns it.
pub(super) fn request_json(
    event: &StoredEvent,
    service_name: &str,
    unit_name: &str,
    status_notes: Option<&str>,
) -> Value {
    json!({
        "service_request_id": event.id.to_string(),
        "status": status(event.state),
        "status_notes": status_notes,
        "service_name": service_name,
        "service_code": event.category,
        "description": event.description,
        "agency_responsible": event.dispatched_to.as_deref().unwrap_or(unit_name),
        "service_notice": null,
        "requested_datetime": china_time(event.reported_at),
        "updated_datetime": china_time(event.updated_at),
        "expected_datetime": event.deadline.as_deref().and_then(end_of_day),
        "address": event.address,
        "address_id": null,
        "zipcode": null,
        "lat": event.latitude,
        "long": event.longitude,
        "media_url": null,
    })
}

/// What an event shows as a request to anyone (`rules::events::public`): no description,
/// address, notes or media, and the place as the rules rounded it.
pub(super) fn public_request_json(
    event: &PublicEvent,
    service_name: &str,
    unit_name: &str,
) -> Value {
    json!({
        "service_request_id": event.id.to_string(),
        "status": status(event.state),
        "status_notes": null,
        "service_name": service_name,
        "service_code": event.category,
        "description": null,
        "agency_responsible": event.dispatched_to.as_deref().unwrap_or(unit_name),
        "service_notice": null,
        "requested_datetime": china_time(event.reported_at),
        "updated_datetime": china_time(event.updated_at),
        "expected_datetime": event.deadline.as_deref().and_then(end_of_day),
        "address": null,
        "address_id": null,
        "zipcode": null,
        "lat": event.latitude,
        "long": event.longitude,
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
