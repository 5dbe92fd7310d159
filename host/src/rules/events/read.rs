//! Reading events within the actor's scope: one event (an event outside the scope looks
//! exactly like one that does not exist), a unit's work list, and searches by the
//! conditions Open311 and the `events.query` import ask for. Reads are not audited: events
//! carry no sensitive personal data beyond what the reporter chose to write.

use crate::db::Db;
use crate::db::events::{EventQuery, StoredEvent, TimelineEntry};
use crate::rules::actor::Actor;
use crate::rules::error::{RuleError, RuleResult};

/// Events in one work list: the worker's and the API's list of a unit.
pub const MAX_LISTED: i64 = 200;

/// Whether `event` lies in `actor`'s scope: its unit does, or the department or lower unit
/// it is dispatched to (a department's staff reach the events in their queue, nothing
/// else of the place).
pub fn reaches(actor: &Actor<'_>, event: &StoredEvent) -> bool {
    actor.reaches(&event.unit_code)
        || event
            .handler_unit
            .as_deref()
            .is_some_and(|handler| actor.reaches(handler))
}

/// The event `id`, if it lies in `actor`'s scope or `actor` staffs a department summoned
/// to it; else `NotFound`.
pub async fn in_scope(db: &Db, actor: &Actor<'_>, id: i64) -> RuleResult<StoredEvent> {
    match db.event(id).await? {
        Some(event) if reaches(actor, &event) => Ok(event),
        // A department summoned beside the lead (吹哨报到) opens the event to check in.
        Some(event) if super::summons::reaches_summoned(db, actor, &event).await? => Ok(event),
        _ => Err(RuleError::NotFound(format!("event {id}"))),
    }
}

/// The event `id` if it lies in `actor`'s scope or `actor` reported it (a reporter follows
/// and rates their report wherever it went); else `NotFound`.
pub async fn visible(db: &Db, actor: &Actor<'_>, id: i64) -> RuleResult<StoredEvent> {
    match in_scope(db, actor, id).await {
        Err(RuleError::NotFound(_)) => own_report(db, actor, id).await,
        found => found,
    }
}

/// The event `id`, [`visible`] to `actor`, with its timeline, oldest entry first.
pub async fn with_timeline(
    db: &Db,
    actor: &Actor<'_>,
    id: i64,
) -> RuleResult<(StoredEvent, Vec<TimelineEntry>)> {
    let event = visible(db, actor, id).await?;
    let timeline = db.event_timeline(id).await?;
    Ok((event, timeline))
}

/// The events of `unit`'s subtree as the people working them see them: urgent ones still
/// waiting for acceptance first, then newest first, at most [`MAX_LISTED`].
pub async fn work_list(db: &Db, actor: &Actor<'_>, unit: &str) -> RuleResult<Vec<StoredEvent>> {
    if !actor.reaches(unit) {
        return Err(actor.outside(unit));
    }
    Ok(db.events_under(unit, MAX_LISTED).await?)
}

/// A search: the conditions of [`EventQuery`] but the subtrees, which come from the
/// actor's scope (see [`Actor::subtrees`]).
#[derive(Debug, Clone, Default)]
pub struct Search<'a> {
    /// The unit searched, or the actor's whole scope.
    pub within: Option<&'a str>,
    /// Only these ids.
    pub ids: Option<&'a [i64]>,
    /// Only this category.
    pub category: Option<&'a str>,
    /// Reported at or after (ms).
    pub reported_from: Option<i64>,
    /// Reported at or before (ms).
    pub reported_until: Option<i64>,
    /// Only in these states.
    pub states: Option<&'a [&'a str]>,
    /// Only ids below this one (the next page of a newest-first list).
    pub before_id: Option<i64>,
    /// Only open events past their deadline on this day (`YYYY-MM-DD`, usually today).
    pub overdue_on: Option<&'a str>,
    /// Only events marked 督办.
    pub supervised_only: bool,
    /// Only emergency reports waiting for acceptance.
    pub urgent_waiting_only: bool,
    /// At most this many, newest first.
    pub limit: i64,
}

/// The events matching `search` within `actor`'s scope, newest first.
pub async fn search(
    db: &Db,
    actor: &Actor<'_>,
    search: &Search<'_>,
) -> RuleResult<Vec<StoredEvent>> {
    let subtrees = actor.subtrees(search.within)?;
    Ok(db
        .events_matching(&EventQuery {
            subtrees: &subtrees,
            ids: search.ids,
            category: search.category,
            categories: None,
            reported_from: search.reported_from,
            reported_until: search.reported_until,
            states: search.states,
            before_id: search.before_id,
            overdue_before: search.overdue_on,
            supervised_only: search.supervised_only,
            urgent_waiting_only: search.urgent_waiting_only,
            limit: search.limit,
        })
        .await?)
}

/// The events `actor` (a person) reported, newest first, at most `limit`.
pub async fn reported_by(db: &Db, actor: &Actor<'_>, limit: i64) -> RuleResult<Vec<StoredEvent>> {
    Ok(db.events_reported_by(&actor.name(), limit).await?)
}

/// The event `id` if `actor` reported it (whatever their grants now); else `NotFound`, as
/// for someone else's.
pub async fn own_report(db: &Db, actor: &Actor<'_>, id: i64) -> RuleResult<StoredEvent> {
    let reporter = actor.name();
    match db.event(id).await? {
        Some(event) if event.reporter.as_deref() == Some(reporter.as_str()) => Ok(event),
        _ => Err(RuleError::NotFound(format!("event {id}"))),
    }
}
