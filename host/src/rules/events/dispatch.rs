//! 派遣: whom an event may be dispatched to, and the check of the one named.
//!
//! The dispatcher (a unit admin over the event's unit, by the workflow's roles) chooses from
//! two kinds of unit:
//! - the departments (职能部门) that serve the event's place: those attached to the county
//!   or street the event lies in, and those below the event's unit when it sits higher up
//!   (an escalated event at a county or city). A street may so dispatch to the county's
//!   departments: that is 街道吹哨、部门报到, the street summoning the county's bureaus;
//! - the lower units on the way down to the event's unit: a street hands an event in one of
//!   its grids to that grid's community or to the grid itself, never to a unit beside it.
//!
//! A code outside this list is refused with the same words whether or not the unit exists,
//! so nobody learns about units outside the event's reach.
//!
//! A dispatch may set a shorter deadline (交办限期: a county handing an event down to a
//! street gives it until a day): from today to the event's own deadline, never later, so a
//! hand-down cannot make a late event count as on time.

use crate::auth::Role;
use crate::db::Db;
use crate::db::events::{Handler, StoredEvent};
use crate::db::units::StoredUnit;
use crate::grid::calendar::{parse_day, today_in_china};
use crate::grid::unit_code::{department_parent, is_within};
use crate::grid::workflow::TRANSITIONS;
use crate::rules::actor::{Actor, Person};
use crate::rules::error::{RuleError, RuleResult};

/// Ancestors of a unit whose departments serve it: its county (6 digits) and street (9).
const DEPARTMENT_PARENT_LENGTHS: [usize; 2] = [6, 9];

/// The units `person` may dispatch `event` to: departments first, then lower units, each
/// by code.
pub async fn targets(db: &Db, person: &Person, event: &StoredEvent) -> RuleResult<Vec<StoredUnit>> {
    let place = event.unit_code.as_str();
    let mut departments = db.departments_under(place).await?;
    for len in DEPARTMENT_PARENT_LENGTHS {
        if len >= place.len() {
            continue;
        }
        let ancestor = &place[..len];
        departments.extend(
            db.departments_under(ancestor)
                .await?
                .into_iter()
                .filter(|d| department_parent(&d.code) == Some(ancestor)),
        );
    }
    departments.sort_by(|a, b| a.code.cmp(&b.code));
    departments.dedup_by(|a, b| a.code == b.code);
    let mut lower = Vec::new();
    for admin_unit in person.units_with(&[Role::UnitAdmin]) {
        if !is_within(place, &admin_unit) {
            continue;
        }
        // Every prefix of the place's code that is a unit, strictly below the admin's.
        for len in (admin_unit.len() + 1)..=place.len() {
            if let Some(unit) = db.unit(&place[..len]).await?
                && !lower.iter().any(|u: &StoredUnit| u.code == unit.code)
            {
                lower.push(unit);
            }
        }
    }
    lower.sort_by(|a, b| a.code.cmp(&b.code));
    departments.extend(lower);
    Ok(departments)
}

/// The unit `code` names, if `person` may dispatch `event` to it; else `Invalid` naming
/// `dispatched_to`.
pub async fn check_target(
    db: &Db,
    person: &Person,
    event: &StoredEvent,
    code: &str,
) -> RuleResult<Handler> {
    let code = code.trim();
    if code.is_empty() {
        return Err(RuleError::invalid(
            "dispatched_to",
            format!(
                "name the code of the department or lower unit that will handle the event \
                 (GET /api/events/{}/dispatch-targets lists them)",
                event.id
            ),
        ));
    }
    targets(db, person, event)
        .await?
        .into_iter()
        .find(|unit| unit.code == code)
        .map(|unit| Handler {
            code: unit.code,
            name: unit.name,
        })
        .ok_or_else(|| {
            RuleError::invalid(
                "dispatched_to",
                format!(
                    "`{code}` is not a department or lower unit this event can be dispatched \
                     to (GET /api/events/{}/dispatch-targets lists them)",
                    event.id
                ),
            )
        })
}

/// The hand-down deadline `day` (`YYYY-MM-DD`) checked against `event`'s: from today to
/// the event's own deadline; the day as stored, else `Invalid` naming `deadline`.
pub fn check_deadline(event: &StoredEvent, day: &str) -> RuleResult<String> {
    let day = day.trim();
    let parsed = parse_day(day).ok_or_else(|| {
        RuleError::invalid(
            "deadline",
            format!("`{day}` is not a day written YYYY-MM-DD"),
        )
    })?;
    let today = today_in_china();
    if parsed < today {
        return Err(RuleError::invalid(
            "deadline",
            format!("{parsed} has passed; the earliest is today, {today}"),
        ));
    }
    if let Some(own) = event.deadline.as_deref().and_then(parse_day)
        && parsed > own
    {
        return Err(RuleError::invalid(
            "deadline",
            format!(
                "{parsed} is after the event's own deadline, {own}; a hand-down may shorten the time, not lengthen it"
            ),
        ));
    }
    Ok(parsed.to_string())
}

/// The dispatch targets of event `id` for `person`, who must be one who may dispatch it
/// (`Forbidden` otherwise; `NotFound` for an event outside their scope).
pub async fn targets_of(db: &Db, person: &Person, id: i64) -> RuleResult<Vec<StoredUnit>> {
    let actor = Actor::Person(person);
    let event = super::in_scope(db, &actor, id).await?;
    let dispatch = TRANSITIONS.iter().filter(|t| t.action == "dispatch");
    if !dispatch.clone().any(|t| super::may_take(&actor, &event, t)) {
        let roles: Vec<&str> = dispatch
            .flat_map(|t| t.roles.iter().map(|r| r.name()))
            .collect();
        return Err(RuleError::Forbidden(format!(
            "dispatching events of unit {} needs one of these roles there: {}",
            event.unit_code,
            roles.join(", ")
        )));
    }
    targets(db, person, &event).await
}
