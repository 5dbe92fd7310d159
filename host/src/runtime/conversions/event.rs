//! Events as the contract shows them: states both ways, the deadline date as a timestamp,
//! and a stored event as the WIT `event` record.

use jiff::civil::Date;
use jiff::tz::{TimeZone, offset};

use crate::db::events::StoredEvent;
use crate::grid::workflow::EventState;
use crate::runtime::bindings::wangge::plugin::types::{Event, EventState as ContractState};

/// The contract's name for a stored state.
pub fn contract_state(state: EventState) -> ContractState {
    match state {
        EventState::Reported => ContractState::Reported,
        EventState::Accepted => ContractState::Accepted,
        EventState::Rejected => ContractState::Rejected,
        EventState::Dispatched => ContractState::Dispatched,
        EventState::Handling => ContractState::Handling,
        EventState::Resolved => ContractState::Resolved,
        EventState::Closed => ContractState::Closed,
        EventState::Evaluated => ContractState::Evaluated,
    }
}

/// The stored state a contract state names.
pub fn stored_state(state: ContractState) -> EventState {
    match state {
        ContractState::Reported => EventState::Reported,
        ContractState::Accepted => EventState::Accepted,
        ContractState::Rejected => EventState::Rejected,
        ContractState::Dispatched => EventState::Dispatched,
        ContractState::Handling => EventState::Handling,
        ContractState::Resolved => EventState::Resolved,
        ContractState::Closed => EventState::Closed,
        ContractState::Evaluated => EventState::Evaluated,
    }
}

/// The last millisecond of `date` (`YYYY-MM-DD`) in China Standard Time: an SLA deadline
/// is a day, and the event is on time until that day ends where it is worked.
pub fn end_of_day_in_china(date: &str) -> Option<i64> {
    let next_day = date.parse::<Date>().ok()?.tomorrow().ok()?;
    let midnight = next_day
        .to_zoned_datetime(TimeZone::fixed(offset(8)))
        .ok()?;
    Some(midnight.timestamp().as_millisecond() - 1)
}

/// The WIT record of a stored event. `reporter` is the actor name the timeline and the
/// JSON API show (`user:NAME`, or `plugin:ID#N` for a plugin's report); `custom-fields` is
/// the stored attributes object.
pub fn to_contract(event: &StoredEvent) -> Event {
    Event {
        id: event.id.to_string(),
        category: event.category.clone(),
        title: event.title.clone(),
        description: event.description.clone(),
        state: contract_state(event.state),
        unit_code: event.unit_code.clone(),
        reporter: event.reporter.clone(),
        reported_at: event.reported_at,
        deadline: event.deadline.as_deref().and_then(end_of_day_in_china),
        supervised: event.supervised,
        custom_fields: event.attributes.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_lasts_until_the_end_of_its_day_in_china() {
        // 2026-03-02 24:00 in UTC+8 is 2026-03-02 16:00 UTC.
        let expected = jiff::Timestamp::from_second(1_772_467_200)
            .expect("in range")
            .as_millisecond()
            - 1;
        assert_eq!(end_of_day_in_china("2026-03-02"), Some(expected));
        assert_eq!(end_of_day_in_china("not a date"), None);
    }

    #[test]
    fn states_round_trip() {
        for name in [
            "reported",
            "accepted",
            "rejected",
            "dispatched",
            "handling",
            "resolved",
            "closed",
            "evaluated",
        ] {
            let state = EventState::parse(name).expect("known");
            assert_eq!(stored_state(contract_state(state)), state);
        }
    }
}
