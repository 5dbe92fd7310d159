//! 催办: a leader or unit admin over an open event's unit urges it by hand, with a note.
//! Whoever must act next is told in their unit inbox (the department or lower unit while
//! the event is in their hands, else the unit that owns it); the urging is on the timeline (the
//! state stays) and audited `event.urged`. Manual urgings and the automatic 督办 both count
//! in assessment.

use serde_json::json;

use super::read::in_scope;
use crate::auth::LEADER_ROLES;
use crate::db::audit::AuditEntry;
use crate::db::events::StoredEvent;
use crate::grid::workflow::EventState;
use crate::rules::actor::{Actor, Person};
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::text;
use crate::state::Ground;

/// Characters of an urging's note, besides spaces at least and at most: it says what is
/// wanted by when.
pub const URGE_NOTE_CHARS: (usize, usize) = (2, 500);

/// Whether `person` may urge `event`: a leader or unit admin over its unit, while it is
/// open.
pub fn may_urge(person: &Person, event: &StoredEvent) -> bool {
    event.state.is_open() && person.holds_any(&LEADER_ROLES, &event.unit_code)
}

/// Urges event `id` as `person` with `note`; the event as it stands.
pub async fn urge(
    ground: &Ground,
    person: &Person,
    id: i64,
    note: &str,
) -> RuleResult<StoredEvent> {
    let db = &ground.db;
    let event = in_scope(db, &Actor::Person(person), id).await?;
    if !person.holds_any(&LEADER_ROLES, &event.unit_code) {
        return Err(RuleError::Forbidden(format!(
            "urging events of unit {} needs a leader or unit-admin role there",
            event.unit_code
        )));
    }
    if !event.state.is_open() {
        return Err(RuleError::Conflict(format!(
            "the event is {} ({}): only open events are urged",
            event.state.name(),
            event.state.name_zh()
        )));
    }
    let note = text::within("note", note, URGE_NOTE_CHARS.0, URGE_NOTE_CHARS.1)?;
    // Whoever must act next: the handler while it is in their hands, else the centre.
    let to_unit = match (&event.handler_unit, event.state) {
        (Some(handler), EventState::Dispatched | EventState::Handling) => handler.clone(),
        _ => event.unit_code.clone(),
    };
    let by = person.actor_name();
    db.urge_event(&event, &by, note, &to_unit).await?;
    db.audit(AuditEntry {
        actor: &by,
        action: "event.urged",
        subject: &format!("event:{}", event.id),
        unit_code: Some(&event.unit_code),
        detail: json!({ "to": to_unit, "note": note }),
    })
    .await?;
    Ok(event)
}
