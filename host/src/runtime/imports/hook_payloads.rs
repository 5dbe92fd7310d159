//! What a hook call carries: stored residents and events as the contract's records, the
//! way the imports show them (a resident masked, as every plugin first sees them).

use crate::db::Db;
use crate::grid::workflow::EventState;
use crate::runtime::bindings::wangge::plugin::types::{
    Event, EventState as ContractState, Resident,
};

/// The resident with id `id` as a `resident-changed` hook shows them (sensitive fields
/// masked), or `None` if there is none.
pub async fn resident_payload(db: &Db, id: i64) -> sqlx::Result<Option<Resident>> {
    Ok(db
        .resident(id)
        .await?
        .map(|stored| crate::runtime::conversions::resident::to_contract(&stored, false)))
}

/// The event with id `id` as the event hooks show it, or `None` if there is none.
pub async fn event_payload(db: &Db, id: i64) -> sqlx::Result<Option<Event>> {
    Ok(db
        .event(id)
        .await?
        .map(|stored| crate::runtime::conversions::event::to_contract(&stored)))
}

/// A stored workflow state as the contract names it (`event-transitioned`'s `from-state`).
pub fn contract_event_state(state: EventState) -> ContractState {
    crate::runtime::conversions::event::contract_state(state)
}
