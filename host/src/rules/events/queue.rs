//! A handler's queue (待办): the open events dispatched to a department or a lower unit,
//! the earliest deadline first, each with its countdown in working days. Department staff
//! read the queues of their departments; anyone holding a handling role at a unit (a grid
//! worker at a grid an event was handed down to, an admin above a department) may read
//! that unit's.

use jiff::civil::Date;

use crate::auth::Role;
use crate::db::events::StoredEvent;
use crate::grid::calendar::{WorkingCalendar, parse_day, today_in_china};
use crate::grid::workflow::{EventState, TRANSITIONS};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging;
use crate::state::Ground;

/// Events on one queue page at most, and unless asked for fewer.
pub const MAX_QUEUE_PAGE: i64 = 100;

/// An event in a queue.
#[derive(Debug, Clone)]
pub struct Queued {
    /// The event.
    pub event: StoredEvent,
    /// Working days to its deadline (1 on the last day), negative once late (see
    /// `WorkingCalendar::working_days_left`); `None` without a deadline.
    pub working_days_left: Option<i64>,
}

impl Queued {
    /// `event` with its countdown on `today`: only work in hand (dispatched or being
    /// handled) counts down; a resolved or closed event has no days left.
    pub fn counted(event: StoredEvent, calendar: &WorkingCalendar, today: Date) -> Self {
        let in_hand = matches!(event.state, EventState::Dispatched | EventState::Handling);
        Self {
            working_days_left: event
                .deadline
                .as_deref()
                .filter(|_| in_hand)
                .and_then(parse_day)
                .map(|deadline| calendar.working_days_left(today, deadline)),
            event,
        }
    }
}

/// A page of a queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The units whose queues were read.
    pub units: Vec<String>,
    /// The events.
    pub events: Vec<Queued>,
    /// `DEADLINE:ID` of the last row when the page was full: the next page's `after`.
    pub next: Option<String>,
}

/// The roles that handle a dispatched event, from the workflow.
fn handling_roles() -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for t in TRANSITIONS.iter().filter(|t| t.by_plugins) {
        for role in t.roles {
            if !roles.contains(role) {
                roles.push(*role);
            }
        }
    }
    roles
}

/// The queue of `unit` (one the person handles for), or of every department where they
/// hold `department-staff`; after the `DEADLINE:ID` cursor `after`.
pub async fn queue(
    ground: &Ground,
    person: &Person,
    unit: Option<&str>,
    after: Option<&str>,
    limit: Option<i64>,
) -> RuleResult<QueuePage> {
    let units = match unit {
        Some(unit) => {
            person.require(&handling_roles(), unit, "the queue")?;
            vec![unit.to_owned()]
        }
        None => {
            let units = person.units_with(&[Role::DepartmentStaff]);
            if units.is_empty() {
                return Err(RuleError::Forbidden(
                    "the queue is for department staff; others name the unit whose queue \
                     they read (?unit=)"
                        .into(),
                ));
            }
            units
        }
    };
    let after = after
        .map(|cursor| {
            // The deadline part is compared as text, as the index orders it: its shape is
            // all a cursor needs (a tampered one only starts the page elsewhere).
            crate::db::residents::parse_cursor(cursor)
                .filter(|(deadline, _)| {
                    deadline.len() == 10
                        && deadline.bytes().enumerate().all(|(i, b)| match i {
                            4 | 7 => b == b'-',
                            _ => b.is_ascii_digit(),
                        })
                })
                .ok_or_else(|| {
                    RuleError::invalid(
                        "after",
                        "expected DEADLINE:ID from the previous page's `next`",
                    )
                })
        })
        .transpose()?;
    let limit = paging::checked_limit(limit, MAX_QUEUE_PAGE, MAX_QUEUE_PAGE)?;
    let events = ground.db.handler_queue(&units, after, limit).await?;
    let next = paging::next_cursor(
        events.len(),
        limit,
        events
            .last()
            .map(|e| (e.deadline.as_deref().unwrap_or_default(), e.id)),
    );
    let today = today_in_china();
    let events = events
        .into_iter()
        .map(|event| Queued::counted(event, &ground.calendar, today))
        .collect();
    Ok(QueuePage {
        units,
        events,
        next,
    })
}
