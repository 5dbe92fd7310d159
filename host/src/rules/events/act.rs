//! Moving an event through the workflow (`grid::workflow`): the one function behind the
//! JSON API's actions, the worker pages' forms and the `events.transition` import.
//!
//! Who may take an action: a person holding one of the transition's roles over the event's
//! unit; for 评价 and 重新办理 only the person who reported the event (`evaluate`); a plugin installation only the
//! actions the workflow marks `by_plugins` (the handling of a dispatched event), on events
//! in its scope. Accepting sets the SLA deadline on the working-day calendar; dispatching
//! names the department or lower unit that will handle it (`dispatch::targets`), and the
//! event enters that unit's queue. Once dispatched, only that unit (its staff, or an admin
//! above it) handles, resolves or returns the event; a return needs its reason and comes
//! within [`RETURN_WORKING_DAYS`] of receipt. The move itself is conditional on the state
//! the event was read in, so two people acting at once cannot both move it.
//!
//! After the move: a plugin's is audited (`event.transitioned`); a person's is announced to
//! the plugins subscribed to `event-transitioned` (not a plugin's own, for the reason
//! `report` gives).

use serde_json::json;

use super::evaluate;
use super::read::visible;
use crate::db::audit::AuditEntry;
use crate::db::events::{MoveDetails, MoveError, StoredEvent};
use crate::db::now_ms;
use crate::grid::calendar::{day_in_china, today_in_china};
use crate::grid::workflow::{self, EventState, Transition, actions_from};
use crate::plugins::hooks::Notice;
use crate::rules::actor::Actor;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::text;
use crate::state::Ground;

/// Characters of a note on the timeline: as many as a description.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Characters naming whom an event is dispatched to.
pub const MAX_DISPATCHED_TO_CHARS: usize = 100;

/// Working days after receipt in which a handler may return (退回) a misrouted event: the
/// 2 that Shandong's 12345 rules give. After them the event is theirs to handle.
pub const RETURN_WORKING_DAYS: u32 = 2;

/// Working days after the report in which the centre answers it (受理 or 不予受理) for
/// 响应率: the 1 that Beijing's 接诉即办 asks.
pub const RESPONSE_WORKING_DAYS: u32 = 1;

/// An action to take, as the door read it.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    /// The event.
    pub event_id: i64,
    /// The workflow's name of the action (`accept`, `dispatch` …).
    pub action: &'a str,
    /// The actor's note for the timeline (may be empty).
    pub note: &'a str,
    /// For `dispatch`: the code of the department or lower unit that will handle the event.
    pub dispatched_to: Option<&'a str>,
    /// For `dispatch`, optional: the day the handler must resolve it by (交办限期,
    /// `YYYY-MM-DD`), from today to the event's own deadline.
    pub deadline: Option<&'a str>,
    /// For `dispatch` (吹哨报到): further departments summoned beside `dispatched_to`, which
    /// then leads; empty for a plain dispatch.
    pub summon: &'a [String],
    /// For `evaluate` (and, optionally, `reopen`): the rating's stored name.
    pub rating: Option<&'a str>,
}

/// The unit whose people take `transition` on `event`: the handler's for the handling work
/// of a dispatched event (the department or lower unit it was dispatched to), else the
/// event's own unit.
fn acting_unit<'e>(event: &'e StoredEvent, transition: &Transition) -> &'e str {
    match &event.handler_unit {
        Some(handler) if transition.by_plugins => handler,
        _ => &event.unit_code,
    }
}

/// Whether `actor` may take `transition` on `event`, by the workflow's rules.
pub fn may_take(actor: &Actor<'_>, event: &StoredEvent, transition: &Transition) -> bool {
    match actor {
        Actor::Person(person) if transition.by_reporter => {
            event.reporter.as_deref() == Some(person.actor_name().as_str())
        }
        Actor::Person(person) => transition.roles.iter().any(|role| {
            person
                .grants
                .has_role_at(*role, acting_unit(event, transition))
                && (*role != crate::auth::Role::Resident
                    || event.reporter.as_deref() == Some(person.actor_name().as_str()))
        }),
        Actor::Plugin(_) => transition.by_plugins && actor.reaches(&event.unit_code),
    }
}

/// The actions `actor` may take on `event` now, in the workflow's order.
pub fn possible<'e>(
    actor: &'e Actor<'_>,
    event: &'e StoredEvent,
) -> impl Iterator<Item = &'static Transition> + 'e {
    let now = now_ms();
    actions_from(event.state)
        .filter(move |t| may_take(actor, event, t) && evaluate::still_open(event, t, now))
}

/// Takes `action` as `actor` and returns the event as it stands afterwards.
pub async fn act(ground: &Ground, actor: Actor<'_>, action: Action<'_>) -> RuleResult<StoredEvent> {
    let db = &ground.db;
    let event = visible(db, &actor, action.event_id).await?;
    if let Actor::Plugin(_) = actor {
        refuse_what_plugins_never_take(action.action)?;
    }
    let Some(transition) = workflow::transition(event.state, action.action) else {
        return Err(not_possible(&actor, &event, action.action));
    };
    if !may_take(&actor, &event, transition) && transition.by_reporter {
        return Err(RuleError::Forbidden(format!(
            "`{}` ({}) is the reporter's alone: only whoever reported the event rates it",
            transition.action, transition.action_zh
        )));
    }
    if !may_take(&actor, &event, transition) {
        let roles: Vec<&str> = transition.roles.iter().map(|r| r.name()).collect();
        return Err(RuleError::Forbidden(format!(
            "`{}` ({}) needs one of these roles at unit {}: {}",
            transition.action,
            transition.action_zh,
            acting_unit(&event, transition),
            roles.join(", ")
        )));
    }
    let note = text::within("note", action.note, 0, MAX_NOTE_CHARS)?;
    let mut details = MoveDetails::default();
    // What the rules add to the timeline after the actor's note: a provisional deadline's
    // warning on acceptance, the hand-down deadline on dispatch.
    let mut appended_note = String::new();
    if transition.by_reporter {
        details.evaluation = Some(evaluate::check(
            &event,
            transition,
            action.rating,
            note,
            now_ms(),
        )?);
    } else if action.rating.is_some() {
        return Err(RuleError::invalid(
            "rating",
            "a rating goes with `evaluate` or `reopen` only",
        ));
    }
    if matches!(transition.action, "accept" | "reopen") {
        // A reopened event is accepted anew and gets its whole SLA again.
        let (deadline, note) = sla_deadline(ground, &event).await?;
        details.deadline = Some(deadline);
        appended_note = note;
    }
    if matches!(transition.action, "accept" | "reject") {
        details.responded_on_time = Some(responded_on_time(ground, &event)?);
    }
    if transition.action == "resolve" {
        let today = today_in_china().to_string();
        details.resolved_on_time = event.deadline.as_deref().map(|d| today.as_str() <= d);
    }
    if transition.action == "dispatch" {
        let target = text::within(
            "dispatched_to",
            action.dispatched_to.unwrap_or_default(),
            0,
            MAX_DISPATCHED_TO_CHARS,
        )?;
        let Some(person) = actor.person() else {
            return Err(RuleError::Forbidden(
                "dispatching is decided by people, not plugins".into(),
            ));
        };
        details.handler = Some(super::dispatch::check_target(db, person, &event, target).await?);
        if let Some(day) = action.deadline {
            let day = super::dispatch::check_deadline(&event, day)?;
            // The timeline says by when, after the dispatcher's own note.
            let separator = if note.is_empty() { "" } else { "；" };
            appended_note = format!("{separator}交办限期 {day}");
            details.deadline = Some(day);
        }
        if let Some(lead) = details
            .handler
            .as_ref()
            .filter(|_| !action.summon.is_empty())
        {
            let others = super::summons::check(db, person, &event, lead, action.summon).await?;
            let separator = if note.is_empty() && appended_note.is_empty() {
                ""
            } else {
                "；"
            };
            appended_note = format!(
                "{appended_note}{separator}{}",
                super::summons::timeline_note(lead, &others)
            );
            details.summoned = others;
        }
    } else if !action.summon.is_empty() {
        return Err(RuleError::invalid(
            "summon",
            "summoning departments goes with `dispatch` only",
        ));
    } else if action.deadline.is_some() {
        return Err(RuleError::invalid(
            "deadline",
            "a deadline goes with `dispatch` only",
        ));
    }
    if transition.action == "return" && transition.from == EventState::Dispatched {
        check_return(ground, &event, note)?;
        details.release_handler = true;
    }
    let by = actor.name();
    let note = format!("{note}{appended_note}");
    db.move_event(&event, transition, &by, &note, &details)
        .await
        .map_err(|e| match e {
            MoveError::Database(e) => RuleError::from(e),
            other => RuleError::Conflict(other.to_string()),
        })?;
    let moved = db
        .event(event.id)
        .await?
        .ok_or_else(|| RuleError::NotFound(format!("event {}", event.id)))?;
    match actor {
        Actor::Plugin(_) => {
            db.audit(AuditEntry {
                actor: &by,
                action: "event.transitioned",
                subject: &format!("event:{}", moved.id),
                unit_code: Some(&moved.unit_code),
                detail: json!({
                    "action": transition.action,
                    "from": transition.from.name(),
                    "to": transition.to.name(),
                    "note": note,
                }),
            })
            .await?;
        }
        Actor::Person(_) => ground.hooks.announce(Notice::EventTransitioned {
            event_id: moved.id,
            from: event.state,
            action: transition.action.to_owned(),
        }),
    }
    Ok(moved)
}

/// The deadline of `event` from today on its category's SLA, with the timeline's note when
/// the calendar lacks the year (the deadline then counts Monday to Friday).
async fn sla_deadline(ground: &Ground, event: &StoredEvent) -> RuleResult<(String, String)> {
    let sla = super::categories::all(&ground.db)
        .await?
        .iter()
        .find(|c| c.code == event.category)
        .map_or(0, |c| c.sla_working_days);
    let deadline = ground
        .calendar
        .deadline(today_in_china(), sla)
        .map_err(|e| RuleError::Internal(e.into()))?;
    let mut note = String::new();
    if let Some(year) = deadline.assumed_year {
        // Said on the timeline, where the people working the event look, and in the
        // log, where the operator who can add the year looks.
        tracing::warn!(
            event = event.id,
            year,
            "SLA deadline counted Monday to Friday: the working-day calendar has no {year} data; add it to <data-dir>/working-calendar.toml"
        );
        note = format!(
            "（期限暂按周一至周五计算：工作日历尚无 {year} 年数据 / provisional: no {year} calendar data）"
        );
    }
    Ok((deadline.date.to_string(), note))
}

/// Whether answering `event` today (受理 or 不予受理) is within
/// [`RESPONSE_WORKING_DAYS`] of its report: what assessment's 响应率 counts.
fn responded_on_time(ground: &Ground, event: &StoredEvent) -> RuleResult<bool> {
    let Some(reported) = day_in_china(event.reported_at) else {
        return Ok(false);
    };
    let last_day = ground
        .calendar
        .deadline(reported, RESPONSE_WORKING_DAYS)
        .map_err(|e| RuleError::Internal(e.into()))?
        .date;
    Ok(today_in_china() <= last_day)
}

/// A handler's return (退回) of a dispatched event: with its reason, within
/// [`RETURN_WORKING_DAYS`] working days of receipt (`Conflict` after them, naming the last
/// day).
fn check_return(ground: &Ground, event: &StoredEvent, note: &str) -> RuleResult<()> {
    if note.trim().is_empty() {
        return Err(RuleError::invalid(
            "note",
            "a return needs its reason: say why the event is not yours to handle",
        ));
    }
    let Some(received) = event.received_at.and_then(day_in_china) else {
        // Dispatched before routing kept the receipt time: no window to hold it to.
        return Ok(());
    };
    let last_day = ground
        .calendar
        .deadline(received, RETURN_WORKING_DAYS)
        .map_err(|e| RuleError::Internal(e.into()))?
        .date;
    if today_in_china() > last_day {
        return Err(RuleError::Conflict(format!(
            "the {RETURN_WORKING_DAYS} working days to return this event ended on {last_day} \
             (received {received}); it is yours to handle now, or to resolve with a note \
             saying what could not be done"
        )));
    }
    Ok(())
}

/// A plugin asking for an action people decide (`Forbidden`) or no action at all
/// (`Invalid`), named with what a plugin may take.
fn refuse_what_plugins_never_take(action: &str) -> RuleResult<()> {
    let allowed = workflow::plugin_actions();
    if allowed.contains(&action) {
        return Ok(());
    }
    let known = workflow::TRANSITIONS.iter().find(|t| t.action == action);
    Err(match known {
        Some(t) => RuleError::Forbidden(format!(
            "`{action}` ({}) is decided by people, not plugins; a plugin may take: {}",
            t.action_zh,
            allowed.join(", ")
        )),
        None => RuleError::invalid(
            "action",
            format!(
                "unknown action `{action}`; a plugin may take: {}",
                allowed.join(", ")
            ),
        ),
    })
}

/// `Conflict`: the action does not start from the event's state; names the ones that do,
/// of those the actor may take.
fn not_possible(actor: &Actor<'_>, event: &StoredEvent, action: &str) -> RuleError {
    let open: Vec<&str> = actions_from(event.state)
        .filter(|t| matches!(actor, Actor::Person(_)) || t.by_plugins)
        .map(|t| t.action)
        .collect();
    RuleError::Conflict(format!(
        "`{action}` is not possible while the event is {} ({}); possible: {}",
        event.state.name(),
        event.state.name_zh(),
        if open.is_empty() {
            "none".to_owned()
        } else {
            open.join(", ")
        }
    ))
}
