//! 吹哨报到 (街道吹哨、部门报到): a street's or county's centre dispatches an event to one
//! department that leads (牵头) and summons others beside it (配合), all from the event's
//! dispatch targets; each summoned department is told in its inbox, may open the event,
//! and checks in (报到) once with a note, its time on the timeline. The lead is the
//! event's handler: it handles and resolves it, and the event resolves when the lead
//! resolves it. The summons is part of the dispatch (`act` with `summon`), so it exists
//! exactly when the dispatch does.

use crate::auth::Role;
use crate::db::Db;
use crate::db::events::{Handler, StoredEvent};
use crate::db::summons::Summons;
use crate::grid::calendar::china_time;
use crate::grid::unit_code::is_department;
use crate::grid::workflow::EventState;
use crate::rules::actor::{Actor, Person};
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::text;
use crate::state::Ground;

/// Departments summoned to one event at most, the lead included.
pub const MAX_SUMMONED: usize = 8;

/// Characters of a check-in's note.
pub const MAX_REPORT_IN_NOTE_CHARS: usize = 500;

/// Who checks in for a summoned department: its own staff. An admin above it may handle
/// a dispatched event for it, but showing up is the department's to say.
const CHECKING_IN_ROLES: [Role; 1] = [Role::DepartmentStaff];

/// The departments `codes` names beside `lead`, each checked as a dispatch target of
/// `event` for `person` and a department: the others to summon, by code.
pub async fn check(
    db: &Db,
    person: &Person,
    event: &StoredEvent,
    lead: &Handler,
    codes: &[String],
) -> RuleResult<Vec<Handler>> {
    if !is_department(&lead.code) {
        return Err(RuleError::invalid(
            "dispatched_to",
            "吹哨报到 is led by a department: name one as `dispatched_to`",
        ));
    }
    let mut wanted: Vec<&str> = codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty() && *c != lead.code)
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Err(RuleError::invalid(
            "summon",
            "name at least one department besides the lead to summon",
        ));
    }
    if wanted.len() + 1 > MAX_SUMMONED {
        return Err(RuleError::invalid(
            "summon",
            format!(
                "at most {MAX_SUMMONED} departments, the lead included, are summoned to one event"
            ),
        ));
    }
    let mut others = Vec::with_capacity(wanted.len());
    for code in wanted {
        let target = super::dispatch::check_target(db, person, event, code)
            .await
            .map_err(|e| match e {
                RuleError::Invalid { problem, .. } => RuleError::invalid("summon", problem),
                other => other,
            })?;
        if !is_department(&target.code) {
            return Err(RuleError::invalid(
                "summon",
                format!("`{code}` is a lower unit, not a department: 吹哨报到 summons departments"),
            ));
        }
        others.push(target);
    }
    Ok(others)
}

/// The timeline's words for a summons.
pub fn timeline_note(lead: &Handler, others: &[Handler]) -> String {
    let names: Vec<&str> = others.iter().map(|o| o.name.as_str()).collect();
    format!("吹哨报到：{}牵头，{}配合", lead.name, names.join("、"))
}

/// The summoned department `person` checks in for on `summons`, if one of theirs has not
/// yet.
pub fn may_report_in<'s>(person: &Person, summons: &'s [Summons]) -> Option<&'s Summons> {
    summons
        .iter()
        .find(|s| s.reported_at.is_none() && person.holds_any(&CHECKING_IN_ROLES, &s.department))
}

/// Checks in (报到) for `person`'s summoned department on event `id` with `note`; the
/// event as it stands.
pub async fn report_in(
    ground: &Ground,
    person: &Person,
    id: i64,
    note: &str,
) -> RuleResult<StoredEvent> {
    let db = &ground.db;
    let event = super::read::in_scope(db, &Actor::Person(person), id).await?;
    let summons = db.event_summons(id).await?;
    let Some(mine) = may_report_in(person, &summons) else {
        if let Some(done) = summons
            .iter()
            .find(|s| person.holds_any(&CHECKING_IN_ROLES, &s.department))
        {
            return Err(RuleError::Conflict(format!(
                "{} checked in on event {id} at {}",
                done.name,
                done.reported_at.map(china_time).unwrap_or_default()
            )));
        }
        return Err(RuleError::Forbidden(format!(
            "only the departments summoned to event {id} check in on it"
        )));
    };
    if !matches!(event.state, EventState::Dispatched | EventState::Handling) {
        return Err(RuleError::Conflict(format!(
            "the event is {} ({}): departments check in while it is being handled",
            event.state.name(),
            event.state.name_zh()
        )));
    }
    let note = text::within("note", note, 0, MAX_REPORT_IN_NOTE_CHARS)?;
    if !db
        .report_in(&event, mine, &person.actor_name(), note)
        .await?
    {
        return Err(RuleError::Conflict(format!(
            "{} checked in on event {id} a moment ago",
            mine.name
        )));
    }
    Ok(event)
}

/// Events listed as waiting for check-in at most.
pub const MAX_WAITING: i64 = 50;

/// The open events `person`'s departments were summoned to and have not checked in on,
/// newest first: the department's page lists them above its queue.
pub async fn waiting(db: &Db, person: &Person) -> RuleResult<Vec<StoredEvent>> {
    let departments = person.units_with(&[Role::DepartmentStaff]);
    Ok(db.summons_waiting(&departments, MAX_WAITING).await?)
}

/// Whether `actor` reaches one of the departments summoned to `event`: their staff may
/// open it to check in.
pub async fn reaches_summoned(db: &Db, actor: &Actor<'_>, event: &StoredEvent) -> RuleResult<bool> {
    Ok(db
        .event_summons(event.id)
        .await?
        .iter()
        .any(|s| actor.reaches(&s.department)))
}
