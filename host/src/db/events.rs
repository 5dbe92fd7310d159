//! Events as stored: reporting, moving through the workflow with a timeline entry per move,
//! scoped lists, and the supervision sweep that marks overdue events 督办.

use serde_json::Value;
use sqlx::Row;

use super::evaluations::{NewEvaluation, record_evaluation, record_return};
use super::event_notices::notify_reporter;
use super::{Db, now_ms};
use crate::grid::unit_code::parent_of;
use crate::grid::unit_code::subtree_end;
use crate::grid::workflow::{EventState, Transition, open_state_names};

/// A category with its SLA.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Working days from acceptance.
    pub sla_working_days: u32,
    /// What belongs in it.
    pub description: Option<String>,
    /// The JSON Schema of its custom fields (see `grid::custom_fields`), if it has any.
    pub fields_schema: Option<Value>,
    /// The plugin that registered it; `None` for the platform's own categories.
    pub owner_plugin: Option<String>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Id.
    pub id: i64,
    /// Category code.
    pub category: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// State.
    pub state: EventState,
    /// The unit that owns it now.
    pub unit_code: String,
    /// Who reported it.
    pub reporter: Option<String>,
    /// When (ms).
    pub reported_at: i64,
    /// SLA deadline, once accepted.
    pub deadline: Option<String>,
    /// Marked 督办.
    pub supervised: bool,
    /// The name of the department or unit it was dispatched to.
    pub dispatched_to: Option<String>,
    /// The code of the department or lower unit whose queue it is in, from dispatch until
    /// they return it (kept after they resolve it: it says who handled it).
    pub handler_unit: Option<String>,
    /// When the handler received it (ms).
    pub received_at: Option<i64>,
    /// Where (WGS 84 degrees), if given.
    pub latitude: Option<f64>,
    /// Where (WGS 84 degrees), if given.
    pub longitude: Option<f64>,
    /// The address as reported.
    pub address: Option<String>,
    /// The answers to the category's custom fields (a JSON object).
    pub attributes: Value,
    /// When it was reported or last moved (ms).
    pub updated_at: i64,
    /// Reported as urgent (a plugin's emergency help): listed first while it waits for
    /// acceptance.
    pub urgent: bool,
    /// When it was last closed (ms): the reporter's evaluation window counts from it.
    pub closed_at: Option<i64>,
    /// How many times a dissatisfied reporter had it handled again (重新办理).
    pub reopen_count: i64,
    /// The earlier event this one repeats (重复反映), if the reporter said so.
    pub repeat_of: Option<i64>,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When (ms).
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// To which state.
    pub to_state: String,
    /// Their note.
    pub note: String,
}

/// A new event. `Default` leaves out the place and the custom fields.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    /// Category code.
    pub category: &'a str,
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Where.
    pub unit_code: &'a str,
    /// Who (`user:NAME` or `plugin:ID#N`).
    pub reporter: &'a str,
    /// Where (WGS 84 degrees): both or neither.
    pub latitude: Option<f64>,
    /// Where (WGS 84 degrees): both or neither.
    pub longitude: Option<f64>,
    /// The address as reported.
    pub address: Option<&'a str>,
    /// The custom fields, already validated against the category's schema (`None`: `{}`).
    pub attributes: Option<&'a Value>,
    /// The earlier event this one repeats: its timeline is told too.
    pub repeat_of: Option<i64>,
}

/// What a move changes besides the state.
#[derive(Debug, Clone, Default)]
pub struct MoveDetails {
    /// The SLA deadline (set on acceptance).
    pub deadline: Option<String>,
    /// The department or lower unit it is dispatched to: it enters their queue, received
    /// now, and their inbox is told.
    pub handler: Option<Handler>,
    /// The handler gave it back (退回): it leaves their queue, and the return is counted
    /// against them (`event_returns`).
    pub release_handler: bool,
    /// On the first answer (受理 or 不予受理): whether it came within 1 working day of the
    /// report. Kept from the first answer only.
    pub responded_on_time: Option<bool>,
    /// On 办结: whether on or before the deadline (`None`: the event has no deadline).
    pub resolved_on_time: Option<bool>,
    /// On 评价 and 重新办理: the reporter's rating and comment.
    pub evaluation: Option<NewEvaluation>,
    /// With a dispatch (吹哨报到): the other departments summoned beside the handler, who
    /// leads; each is told and later checks in (`event_summons`).
    pub summoned: Vec<Handler>,
}

/// Whom an event is dispatched to.
#[derive(Debug, Clone)]
pub struct Handler {
    /// The unit's code.
    pub code: String,
    /// Its name, as the event shows it.
    pub name: String,
}

/// A scoped search for events (the Open311 request list): every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct EventQuery<'a> {
    /// Units whose subtrees are searched (the caller's grant units); none finds nothing.
    pub subtrees: &'a [String],
    /// Only these ids.
    pub ids: Option<&'a [i64]>,
    /// Only this category.
    pub category: Option<&'a str>,
    /// Only these categories (none: nothing).
    pub categories: Option<&'a [String]>,
    /// Reported at or after (ms).
    pub reported_from: Option<i64>,
    /// Reported at or before (ms).
    pub reported_until: Option<i64>,
    /// Only in these states.
    pub states: Option<&'a [&'a str]>,
    /// Only ids below this one (the next page of a newest-first list).
    pub before_id: Option<i64>,
    /// Only open events whose deadline is before this day (`YYYY-MM-DD`): overdue.
    pub overdue_before: Option<&'a str>,
    /// Only events marked 督办.
    pub supervised_only: bool,
    /// Only a plugin's emergency reports still waiting for acceptance.
    pub urgent_waiting_only: bool,
    /// At most this many, newest first.
    pub limit: i64,
}

/// `('reported', …)`: the states in which an event still needs work, as SQL (the names are
/// the workflow's own constants, never input).
fn open_states_sql() -> String {
    let quoted: Vec<String> = open_state_names()
        .iter()
        .map(|name| format!("'{name}'"))
        .collect();
    format!("({})", quoted.join(", "))
}

enum Bind {
    Text(String),
    Int(i64),
}

/// Why a move did not happen.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// Someone else moved the event first.
    #[error("the event is no longer {0}; reload it and try again")]
    Conflict(&'static str),
    /// Escalating from the province.
    #[error("a province-level event has no unit above it to escalate to")]
    NoParent,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub(super) const EVENT_COLUMNS: &str = "id, category, title, description, state, unit_code, reporter, \
    reported_at, deadline, supervised, dispatched_to, latitude, longitude, address, attributes, \
    updated_at, urgent, handler_unit, received_at, closed_at, reopen_count, repeat_of";

pub(super) fn stored(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredEvent> {
    let state: String = row.try_get("state")?;
    Ok(StoredEvent {
        id: row.try_get("id")?,
        category: row.try_get("category")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        state: EventState::parse(&state)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown state {state}").into()))?,
        unit_code: row.try_get("unit_code")?,
        reporter: row.try_get("reporter")?,
        reported_at: row.try_get("reported_at")?,
        deadline: row.try_get("deadline")?,
        supervised: row.try_get::<i64, _>("supervised")? != 0,
        dispatched_to: row.try_get("dispatched_to")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        address: row.try_get("address")?,
        attributes: serde_json::from_str(&row.try_get::<String, _>("attributes")?)
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
        updated_at: row.try_get("updated_at")?,
        urgent: row.try_get::<i64, _>("urgent")? != 0,
        handler_unit: row.try_get("handler_unit")?,
        received_at: row.try_get("received_at")?,
        closed_at: row.try_get("closed_at")?,
        reopen_count: row.try_get("reopen_count")?,
        repeat_of: row.try_get("repeat_of")?,
    })
}

pub(super) async fn add_timeline(
    tx: &mut sqlx::AnyConnection,
    event_id: i64,
    actor: &str,
    action: &str,
    from: Option<EventState>,
    to: EventState,
    note: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO event_timeline (event_id, at, actor, action, from_state, to_state, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event_id)
    .bind(now_ms())
    .bind(actor)
    .bind(action)
    .bind(from.map(EventState::name))
    .bind(to.name())
    .bind(note)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Writes on the timeline of event `earlier` that event `later` (titled `title`, reported
/// by `reporter`) repeats it, on `tx`; the earlier event's state stays.
async fn tell_repeated(
    tx: &mut sqlx::AnyConnection,
    earlier: i64,
    later: i64,
    title: &str,
    reporter: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO event_timeline (event_id, at, actor, action, from_state, to_state, note) \
         SELECT id, $2, $3, 'repeat', state, state, $4 FROM events WHERE id = $1",
    )
    .bind(earlier)
    .bind(now_ms())
    .bind(reporter)
    .bind(format!("事件 #{later}「{title}」重复反映此事"))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Leaves a message about `event_id` in `unit`'s inbox (`unit_notifications`), on `tx`:
/// the move, urging or sweep that causes it commits it or nothing.
pub(super) async fn notify_unit(
    tx: &mut sqlx::AnyConnection,
    unit: &str,
    title: &str,
    body: &str,
    event_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO unit_notifications (unit_code, title, body, event_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(unit)
    .bind(title)
    .bind(body)
    .bind(event_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Db {
    /// The categories, by code.
    pub async fn event_categories(&self) -> sqlx::Result<Vec<Category>> {
        let rows = sqlx::query(
            "SELECT code, name, CAST(sla_working_days AS BIGINT) AS sla, description, \
             fields_schema, owner_plugin FROM event_categories ORDER BY code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let sla: i64 = row.try_get("sla")?;
                let schema: Option<String> = row.try_get("fields_schema")?;
                Ok(Category {
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    sla_working_days: u32::try_from(sla).unwrap_or(u32::MAX),
                    description: row.try_get("description")?,
                    fields_schema: schema
                        .map(|text| serde_json::from_str(&text))
                        .transpose()
                        .map_err(|e| sqlx::Error::Decode(e.into()))?,
                    owner_plugin: row.try_get("owner_plugin")?,
                })
            })
            .collect()
    }

    /// Records a reported event and its first timeline entry.
    pub async fn report_event(&self, event: &NewEvent<'_>) -> sqlx::Result<i64> {
        self.report_event_with_urgency(event, false).await
    }

    /// Records a reported event, marked urgent or not, and its first timeline entry.
    pub async fn report_event_with_urgency(
        &self,
        event: &NewEvent<'_>,
        urgent: bool,
    ) -> sqlx::Result<i64> {
        let attributes = event
            .attributes
            .map_or_else(|| "{}".to_owned(), Value::to_string);
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (category, title, description, state, unit_code, reporter, \
             reported_at, supervised, latitude, longitude, address, attributes, updated_at, \
             urgent, repeat_of) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, $12, $13, $14) \
             RETURNING id",
        )
        .bind(event.category)
        .bind(event.title)
        .bind(event.description)
        .bind(EventState::Reported.name())
        .bind(event.unit_code)
        .bind(event.reporter)
        .bind(now)
        .bind(event.latitude)
        .bind(event.longitude)
        .bind(event.address)
        .bind(attributes)
        .bind(now)
        .bind(i64::from(urgent))
        .bind(event.repeat_of)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(earlier) = event.repeat_of {
            tell_repeated(&mut tx, earlier, id, event.title, event.reporter).await?;
        }
        add_timeline(
            &mut tx,
            id,
            event.reporter,
            "report",
            None,
            EventState::Reported,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One event.
    pub async fn event(&self, id: i64) -> sqlx::Result<Option<StoredEvent>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(stored).transpose()
    }

    /// An event's timeline, oldest first.
    pub async fn event_timeline(&self, id: i64) -> sqlx::Result<Vec<TimelineEntry>> {
        let rows = sqlx::query(
            "SELECT at, actor, action, to_state, note FROM event_timeline WHERE event_id = $1 \
             ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TimelineEntry {
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    to_state: row.try_get("to_state")?,
                    note: row.try_get("note")?,
                })
            })
            .collect()
    }

    /// The latest non-empty timeline note of each of `ids` that has one.
    pub async fn latest_notes(
        &self,
        ids: &[i64],
    ) -> sqlx::Result<std::collections::HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let list: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT event_id, note FROM event_timeline WHERE note <> '' AND event_id IN ({}) \
             ORDER BY id",
            list.join(", ")
        );
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            statement = statement.bind(*id);
        }
        let rows = statement.fetch_all(self.pool()).await?;
        // Oldest first, so each later note replaces the one before.
        rows.iter()
            .map(|row| Ok((row.try_get("event_id")?, row.try_get("note")?)))
            .collect()
    }

    /// Events of units in the subtree of `unit_code`: urgent ones still waiting for
    /// acceptance first, then newest first.
    pub async fn events_under(
        &self,
        unit_code: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredEvent>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE unit_code >= $1 AND unit_code < $2 \
             ORDER BY CASE WHEN urgent = 1 AND state = 'reported' THEN 0 ELSE 1 END, id DESC \
             LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored).collect()
    }

    /// The open events (dispatched or being handled) in the queues of `handlers`, the
    /// earliest deadline first, then by id; after the `(deadline, id)` of the previous
    /// page's last row. One range of `events_queue_by_handler` per handler (the partial
    /// index of open events in queue order, migration 0025), the page's rows read in order.
    pub async fn handler_queue(
        &self,
        handlers: &[String],
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredEvent>> {
        if handlers.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..handlers.len()).map(|i| format!("${}", i + 4)).collect();
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE handler_unit IN ({}) \
             AND state IN ('dispatched', 'handling') \
             AND (deadline, id) > ($1, $2) \
             ORDER BY deadline, id LIMIT $3",
            list.join(", ")
        );
        // Before the first page: every deadline (`YYYY-MM-DD`) sorts after "".
        let (deadline, id) = after.unwrap_or(("", 0));
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(deadline)
            .bind(id)
            .bind(limit);
        for handler in handlers {
            statement = statement.bind(handler);
        }
        let rows = statement.fetch_all(self.pool()).await?;
        rows.iter().map(stored).collect()
    }

    /// Up to `limit` events handed down inside `unit`'s subtree (their handler a lower unit
    /// below it, not a department), newest first, below `before_id`: whatever their state,
    /// so the unit above follows them to the close.
    pub async fn handed_down(
        &self,
        unit: &str,
        before_id: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredEvent>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE handler_unit > $1 AND handler_unit < $2 \
             AND handler_unit NOT LIKE '%.%' AND id < $3 ORDER BY id DESC LIMIT $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit)
            .bind(subtree_end(unit))
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored).collect()
    }

    /// Up to `limit` of the events `reporter` (`user:NAME`) reported, newest first.
    pub async fn events_reported_by(
        &self,
        reporter: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredEvent>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE reporter = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(reporter)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored).collect()
    }

    /// Events matching `query`, newest first.
    pub async fn events_matching(&self, query: &EventQuery<'_>) -> sqlx::Result<Vec<StoredEvent>> {
        if query.subtrees.is_empty() {
            return Ok(Vec::new());
        }
        let mut binds = Vec::new();
        let mut placeholder = |bind: Bind| {
            binds.push(bind);
            format!("${}", binds.len())
        };
        let scopes: Vec<String> = query
            .subtrees
            .iter()
            .map(|unit| {
                let from = placeholder(Bind::Text(unit.clone()));
                let to = placeholder(Bind::Text(subtree_end(unit)));
                format!("(unit_code >= {from} AND unit_code < {to})")
            })
            .collect();
        let mut conditions = vec![format!("({})", scopes.join(" OR "))];
        if let Some(ids) = query.ids {
            let list: Vec<String> = ids.iter().map(|id| placeholder(Bind::Int(*id))).collect();
            conditions.push(format!("id IN ({})", list.join(", ")));
        }
        if let Some(category) = query.category {
            conditions.push(format!(
                "category = {}",
                placeholder(Bind::Text(category.to_owned()))
            ));
        }
        if let Some(categories) = query.categories {
            if categories.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = categories
                .iter()
                .map(|c| placeholder(Bind::Text(c.clone())))
                .collect();
            conditions.push(format!("category IN ({})", list.join(", ")));
        }
        if let Some(from) = query.reported_from {
            conditions.push(format!("reported_at >= {}", placeholder(Bind::Int(from))));
        }
        if let Some(until) = query.reported_until {
            conditions.push(format!("reported_at <= {}", placeholder(Bind::Int(until))));
        }
        if let Some(states) = query.states {
            let list: Vec<String> = states
                .iter()
                .map(|s| placeholder(Bind::Text((*s).to_owned())))
                .collect();
            conditions.push(format!("state IN ({})", list.join(", ")));
        }
        if let Some(before) = query.before_id {
            conditions.push(format!("id < {}", placeholder(Bind::Int(before))));
        }
        if let Some(day) = query.overdue_before {
            conditions.push(format!(
                "deadline IS NOT NULL AND deadline < {} AND state IN {}",
                placeholder(Bind::Text(day.to_owned())),
                open_states_sql()
            ));
        }
        if query.supervised_only {
            conditions.push("supervised = 1".to_owned());
        }
        if query.urgent_waiting_only {
            conditions.push("urgent = 1 AND state = 'reported'".to_owned());
        }
        let limit = placeholder(Bind::Int(query.limit));
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE {} ORDER BY id DESC LIMIT {limit}",
            conditions.join(" AND ")
        );
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
        for bind in binds {
            statement = match bind {
                Bind::Text(text) => statement.bind(text),
                Bind::Int(int) => statement.bind(int),
            };
        }
        let rows = statement.fetch_all(self.pool()).await?;
        rows.iter().map(stored).collect()
    }

    /// Moves `event` by `transition`, if it is still in the transition's starting state.
    pub async fn move_event(
        &self,
        event: &StoredEvent,
        transition: &Transition,
        actor: &str,
        note: &str,
        details: &MoveDetails,
    ) -> Result<(), MoveError> {
        let unit_code = if transition.action == "escalate" {
            parent_of(&event.unit_code)
                .ok_or(MoveError::NoParent)?
                .to_owned()
        } else {
            event.unit_code.clone()
        };
        let now = now_ms();
        let flag = |on_time: Option<bool>| on_time.map(i64::from);
        let reopened = i64::from(transition.action == "reopen");
        let closed = transition.to == EventState::Closed;
        let mut tx = self.begin_write().await?;
        // Right-hand sides read the row as it was, on both engines.
        let moved = sqlx::query(
            "UPDATE events SET state = $1, unit_code = $2, \
             deadline = COALESCE($3, deadline), updated_at = $7, \
             dispatched_to = CASE WHEN $8 = 1 THEN NULL ELSE COALESCE($4, dispatched_to) END, \
             handler_unit = CASE WHEN $8 = 1 THEN NULL ELSE COALESCE($9, handler_unit) END, \
             received_at = CASE WHEN $8 = 1 THEN NULL WHEN $9 IS NOT NULL THEN $7 \
             ELSE received_at END, \
             responded_on_time = CASE WHEN responded_at IS NULL THEN $10 \
             ELSE responded_on_time END, \
             responded_at = CASE WHEN responded_at IS NULL AND $10 IS NOT NULL THEN $7 \
             ELSE responded_at END, \
             resolved_at = CASE WHEN $1 = 'resolved' THEN $7 ELSE resolved_at END, \
             resolved_on_time = CASE WHEN $1 = 'resolved' THEN $11 ELSE resolved_on_time END, \
             closed_at = CASE WHEN $12 = 1 THEN $7 ELSE closed_at END, \
             return_count = return_count + $8, reopen_count = reopen_count + $13 \
             WHERE id = $5 AND state = $6",
        )
        .bind(transition.to.name())
        .bind(&unit_code)
        .bind(details.deadline.as_deref())
        .bind(details.handler.as_ref().map(|h| h.name.as_str()))
        .bind(event.id)
        .bind(transition.from.name())
        .bind(now)
        .bind(i64::from(details.release_handler))
        .bind(details.handler.as_ref().map(|h| h.code.as_str()))
        .bind(flag(details.responded_on_time))
        .bind(flag(details.resolved_on_time))
        .bind(i64::from(closed))
        .bind(reopened)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Err(MoveError::Conflict(transition.from.name()));
        }
        if details.release_handler
            && let Some(handler) = &event.handler_unit
        {
            record_return(&mut tx, event.id, handler, now).await?;
        }
        if let Some(evaluation) = &details.evaluation {
            record_evaluation(&mut tx, event, evaluation, actor, now).await?;
        }
        if let Some(lead) = details
            .handler
            .as_ref()
            .filter(|_| !details.summoned.is_empty())
        {
            super::summons::record_summons(&mut tx, event, lead, &details.summoned, actor, now)
                .await?;
        }
        add_timeline(
            &mut tx,
            event.id,
            actor,
            transition.action,
            Some(transition.from),
            transition.to,
            note,
        )
        .await?;
        if let Some(handler) = &details.handler {
            let deadline = details.deadline.as_deref().or(event.deadline.as_deref());
            notify_unit(
                &mut tx,
                &handler.code,
                &format!("新派遣事件：{}", event.title),
                &format!(
                    "事件「{}」（单位 {}）已派遣给{}，请在办理期限 {} 前办结；派错的请在收到后 2 个工作日内退回。",
                    event.title,
                    event.unit_code,
                    handler.name,
                    deadline.unwrap_or("—")
                ),
                event.id,
            )
            .await?;
        }
        if transition.action == "reopen" {
            // Back to the unit that closed it: its centre reads why first.
            notify_unit(
                &mut tx,
                &event.unit_code,
                &format!("重新办理：{}", event.title),
                &format!(
                    "上报人对事件「{}」的办理结果不满意，要求重新办理：{note}",
                    event.title
                ),
                event.id,
            )
            .await?;
        }
        notify_reporter(
            &mut tx,
            event.reporter.as_deref(),
            event.id,
            actor,
            transition.action,
            transition.to,
            note,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a 催办 of `event` by `actor` with `note`: a timeline entry (the state stays)
    /// and a message to `to_unit`, the unit working it now, in one transaction.
    pub async fn urge_event(
        &self,
        event: &StoredEvent,
        actor: &str,
        note: &str,
        to_unit: &str,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE events SET urge_count = urge_count + 1 WHERE id = $1")
            .bind(event.id)
            .execute(&mut *tx)
            .await?;
        add_timeline(
            &mut tx,
            event.id,
            actor,
            "urge",
            Some(event.state),
            event.state,
            note,
        )
        .await?;
        notify_unit(
            &mut tx,
            to_unit,
            &format!("催办：{}", event.title),
            &format!(
                "事件「{}」（办理期限 {}）被催办：{note}",
                event.title,
                event.deadline.as_deref().unwrap_or("—")
            ),
            event.id,
        )
        .await?;
        tx.commit().await
    }

    /// Marks every open, unsupervised event whose deadline is before `today` as supervised
    /// (督办), writes it on the timeline, and notifies the governance centre of the unit
    /// above. Returns the ids marked.
    pub async fn supervise_overdue(&self, today: &str) -> sqlx::Result<Vec<i64>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE supervised = 0 \
             AND deadline IS NOT NULL AND deadline < $1"
        );
        let overdue: Vec<StoredEvent> = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(today)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(stored)
            .collect::<sqlx::Result<_>>()?;
        let mut marked = Vec::new();
        for event in overdue.into_iter().filter(|e| e.state.is_open()) {
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE events SET supervised = 1, updated_at = $2 WHERE id = $1")
                .bind(event.id)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            let deadline = event.deadline.clone().unwrap_or_default();
            add_timeline(
                &mut tx,
                event.id,
                "system",
                "supervise",
                Some(event.state),
                event.state,
                &format!("超过办理期限 {deadline}，已督办"),
            )
            .await?;
            let above = parent_of(&event.unit_code).unwrap_or(&event.unit_code);
            notify_unit(
                &mut tx,
                above,
                &format!("督办：{}", event.title),
                &format!(
                    "单位 {} 的事件「{}」已超过办理期限 {deadline}，请督促办理。",
                    event.unit_code, event.title
                ),
                event.id,
            )
            .await?;
            tx.commit().await?;
            marked.push(event.id);
        }
        Ok(marked)
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::db::test_engines::{on_both_engines, with_units};
    use crate::grid::workflow::transition;

    async fn scenarios(db: Db) {
        with_units(&db, &["42", "4202", "420202", "420202001"]).await;
        assert!(db.event_categories().await.expect("categories").len() >= 19);
        let id = db
            .report_event(&NewEvent {
                category: "environment",
                title: "垃圾未清运",
                description: "",
                unit_code: "420202001",
                reporter: "user:li",
                latitude: Some(30.2),
                longitude: Some(115.1),
                address: Some("江边路 1 号"),
                attributes: Some(&serde_json::json!({ "issue": "污水" })),
                repeat_of: None,
            })
            .await
            .expect("report");
        let event = db.event(id).await.expect("get").expect("exists");
        assert_eq!(
            (event.latitude, event.address.as_deref()),
            (Some(30.2), Some("江边路 1 号"))
        );
        assert_eq!(event.attributes["issue"], "污水");
        assert_eq!(event.updated_at, event.reported_at);
        let categories = db.event_categories().await.expect("categories");
        let safety = categories
            .iter()
            .find(|c| c.code == "safety-hazard")
            .expect("safety-hazard");
        assert!(safety.description.is_some());
        assert_eq!(
            safety
                .fields_schema
                .as_ref()
                .map(|s| s["required"][0].clone()),
            Some(serde_json::json!("hazard_type"))
        );
        let accept = transition(EventState::Reported, "accept").expect("accept");
        let details = MoveDetails {
            deadline: Some("2026-12-01".into()),
            ..MoveDetails::default()
        };
        db.move_event(&event, accept, "user:admin", "", &details)
            .await
            .expect("accept");
        // The same move again finds the event no longer reported.
        let again = db
            .move_event(&event, accept, "user:admin", "", &details)
            .await;
        assert!(matches!(again, Err(MoveError::Conflict("reported"))));

        assert_eq!(
            db.supervise_overdue("2026-12-01").await.expect("sweep"),
            Vec::<i64>::new()
        );
        assert_eq!(
            db.supervise_overdue("2026-12-02").await.expect("sweep"),
            vec![id]
        );
        let supervised = db.event(id).await.expect("get").expect("exists");
        assert!(supervised.supervised);
        let actions: Vec<String> = db
            .event_timeline(id)
            .await
            .expect("timeline")
            .into_iter()
            .map(|t| t.action)
            .collect();
        assert_eq!(actions, ["report", "accept", "supervise"]);
        let notes = db.latest_notes(&[id]).await.expect("notes");
        assert!(notes[&id].starts_with("超过办理期限"), "{notes:?}");
        assert_eq!(db.events_under("4202", 10).await.expect("list").len(), 1);
        let scope = ["4202".to_owned()];
        async fn ids(db: &Db, query: EventQuery<'_>) -> Vec<i64> {
            db.events_matching(&query)
                .await
                .expect("search")
                .into_iter()
                .map(|e| e.id)
                .collect()
        }
        let all = EventQuery {
            subtrees: &scope,
            limit: 10,
            ..EventQuery::default()
        };
        assert_eq!(ids(&db, all.clone()).await, [id]);
        let other_category = EventQuery {
            category: Some("petition"),
            ..all.clone()
        };
        assert!(ids(&db, other_category).await.is_empty());
        let closed = EventQuery {
            states: Some(&["closed", "evaluated"]),
            ids: Some(&[id]),
            ..all.clone()
        };
        assert!(ids(&db, closed).await.is_empty());
        let elsewhere = ["4203".to_owned()];
        let out_of_scope = EventQuery {
            subtrees: &elsewhere,
            reported_from: Some(0),
            ..all
        };
        assert!(ids(&db, out_of_scope).await.is_empty());
        assert!(db.events_under("4203", 10).await.expect("list").is_empty());
    }

    on_both_engines!(scenarios, events_on_sqlite, events_on_postgres);

    /// Urgent events waiting for acceptance lead the unit's list; `before_id` pages a
    /// newest-first search.
    async fn urgency_and_paging(db: Db) {
        with_units(&db, &["42", "4202"]).await;
        let report = |title: &'static str| NewEvent {
            category: "petition",
            title,
            description: "",
            unit_code: "4202",
            reporter: "plugin:p#1",
            ..NewEvent::default()
        };
        let urgent = db
            .report_event_with_urgency(&report("急"), true)
            .await
            .expect("report");
        let later = db.report_event(&report("缓")).await.expect("report");
        let listed: Vec<(i64, bool)> = db
            .events_under("4202", 10)
            .await
            .expect("list")
            .into_iter()
            .map(|e| (e.id, e.urgent))
            .collect();
        assert_eq!(listed, [(urgent, true), (later, false)]);
        let scope = ["4202".to_owned()];
        let page = db
            .events_matching(&EventQuery {
                subtrees: &scope,
                before_id: Some(later),
                limit: 10,
                ..EventQuery::default()
            })
            .await
            .expect("search");
        assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), [urgent]);
    }

    on_both_engines!(urgency_and_paging, urgency_on_sqlite, urgency_on_postgres);
}

/// A message in a unit's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNotification {
    /// The unit.
    pub unit_code: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// The event it concerns, if any.
    pub event_id: Option<i64>,
    /// When (ms).
    pub created_at: i64,
}

impl Db {
    /// The newest messages to `unit_code` itself.
    pub async fn unit_notifications(
        &self,
        unit_code: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<UnitNotification>> {
        let rows = sqlx::query(
            "SELECT unit_code, title, body, event_id, created_at FROM unit_notifications \
             WHERE unit_code = $1 ORDER BY created_at DESC LIMIT $2",
        )
        .bind(unit_code)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(UnitNotification {
                    unit_code: row.try_get("unit_code")?,
                    title: row.try_get("title")?,
                    body: row.try_get("body")?,
                    event_id: row.try_get("event_id")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }
}
