//! 走访/帮教: visits to the residents of special-population records (the day, the kind: 上门,
//! 电话 or 约谈, what was done and found, who visited), and when the next one is due. Each
//! control level has a visit interval kept as data (`visit_intervals`, changed by an
//! operator with `wangge visits interval`); a record whose last visit (or, before any, its
//! registration) is older than its interval is overdue. Workers see the overdue records of
//! their units by name; leaders see how many per child unit, small cells hidden.

use jiff::civil::Date;
use serde_json::json;
use wangge_registry::Level;

use super::history::{self, Change};
use super::special_populations::kept;
use crate::auth::{BASE_DATA_ROLES, LEADER_ROLES};
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::special_populations::{StoredSpecialPopulation, Visit};
use crate::grid::calendar::{day_in_china, parse_day, today_in_china};
use crate::grid::special_population::{CONTROL_LEVELS, parse_control_level};
use crate::grid::unit_code::level_of;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::stats::child_code_len;
use crate::rules::text;

/// The kinds of visit (stored name, Chinese name).
pub const KINDS: [(&str, &str); 3] = [("home", "上门"), ("phone", "电话"), ("talk", "约谈")];

/// The Chinese name of a stored kind.
pub fn kind_zh(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map_or("?", |(_, zh)| zh)
}

/// Characters of a visit's content: at least (not counting spaces) and at most.
pub const CONTENT_CHARS: (usize, usize) = (2, 2000);

/// A visit to record.
#[derive(Debug, Clone, Default)]
pub struct NewVisit {
    /// The day (`YYYY-MM-DD`), not after today nor before the record was registered.
    pub visited_on: String,
    /// `home`, `phone`, `talk` or 上门, 电话, 约谈.
    pub kind: String,
    /// What was done and found.
    pub content: String,
}

/// The day (China time) of `ms`.
fn day_of(ms: i64) -> Date {
    day_in_china(ms).unwrap_or_else(today_in_china)
}

/// Records a visit to open record `record_id` by `person`, who keeps its grid's base data;
/// the visit's id. Audited `special_population.visited` in the record's history.
pub async fn record(
    db: &Db,
    person: &Person,
    record_id: i64,
    visit: &NewVisit,
) -> RuleResult<Visit> {
    let kind = KINDS
        .iter()
        .find(|(name, zh)| *name == visit.kind.trim() || *zh == visit.kind.trim())
        .map(|(name, _)| *name)
        .ok_or_else(|| {
            RuleError::invalid("kind", "expected home (上门), phone (电话) or talk (约谈)")
        })?;
    let content = text::within("content", &visit.content, CONTENT_CHARS.0, CONTENT_CHARS.1)?;
    let on = parse_day(&visit.visited_on)
        .ok_or_else(|| RuleError::invalid("visited_on", "expected a date YYYY-MM-DD"))?;
    if on > today_in_china() {
        return Err(RuleError::invalid(
            "visited_on",
            "expected a date not after today",
        ));
    }
    let record = kept(db, person, record_id).await?;
    if record.closed.is_some() {
        return Err(RuleError::Conflict(format!(
            "special-population record {record_id} is closed"
        )));
    }
    if on < day_of(record.created_at) {
        return Err(RuleError::invalid(
            "visited_on",
            "expected a date not before the record was registered",
        ));
    }
    let actor = person.actor_name();
    let id = db
        .insert_visit(record_id, &on.to_string(), kind, content, &actor)
        .await?;
    history::record(
        db,
        Change {
            actor: &actor,
            action: "special_population.visited",
            subject: &format!("special_population:{record_id}"),
            unit_code: &record.grid_code,
        },
        &Vec::new(),
        &Vec::new(),
        json!({ "visit": id, "visited_on": on.to_string(), "kind": kind }),
    )
    .await?;
    db.visits_of(record_id)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or_else(|| anyhow::anyhow!("visit {id} vanished after its insert").into())
}

/// The visits of record `record_id`, latest first, for those who keep its grid's data.
pub async fn of(db: &Db, person: &Person, record_id: i64) -> RuleResult<Vec<Visit>> {
    kept(db, person, record_id).await?;
    Ok(db.visits_of(record_id).await?)
}

/// Each control level's interval in days.
pub async fn intervals(db: &Db) -> RuleResult<Vec<(String, i64)>> {
    Ok(db.visit_intervals().await?)
}

/// Longest interval an operator may set, in days.
pub const MAX_INTERVAL_DAYS: i64 = 366;

/// Sets the interval of `control_level` (an operator's act, from the command line).
pub async fn set_interval(db: &Db, control_level: &str, days: i64) -> RuleResult<&'static str> {
    let level = parse_control_level(control_level.trim()).ok_or_else(|| {
        RuleError::invalid(
            "control_level",
            format!(
                "expected one of {}",
                CONTROL_LEVELS
                    .iter()
                    .map(|(n, zh)| format!("{n} ({zh})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    if !(1..=MAX_INTERVAL_DAYS).contains(&days) {
        return Err(RuleError::invalid(
            "days",
            format!("expected 1 to {MAX_INTERVAL_DAYS} days"),
        ));
    }
    db.set_visit_interval(level, days).await?;
    db.audit(AuditEntry {
        actor: "cli",
        action: "visit_interval.set",
        subject: &format!("control_level:{level}"),
        unit_code: None,
        detail: json!({ "days": days }),
    })
    .await?;
    Ok(level)
}

/// An overdue record: when its visit was due and how many days ago.
#[derive(Debug, Clone)]
pub struct Overdue {
    /// The record.
    pub record: StoredSpecialPopulation,
    /// The day the visit was due.
    pub due_on: Date,
    /// Days past that.
    pub days_overdue: i64,
}

/// The open records of `unit`'s subtree whose visit is overdue on `today`, most overdue
/// first.
async fn overdue_in(db: &Db, unit: &str, today: Date) -> RuleResult<Vec<Overdue>> {
    let intervals = db.visit_intervals().await?;
    let mut overdue = Vec::new();
    for record in db.open_special_populations(unit).await? {
        let Some(days) = intervals
            .iter()
            .find(|(level, _)| *level == record.control_level)
            .map(|(_, days)| *days)
        else {
            continue;
        };
        let since = record
            .last_visited_on
            .as_deref()
            .and_then(parse_day)
            .unwrap_or_else(|| day_of(record.created_at));
        let Ok(due_on) = since.checked_add(jiff::Span::new().days(days)) else {
            continue;
        };
        if due_on < today {
            let days_overdue = i64::from((today - due_on).get_days());
            overdue.push(Overdue {
                record,
                due_on,
                days_overdue,
            });
        }
    }
    overdue.sort_by_key(|o| (std::cmp::Reverse(o.days_overdue), o.record.id));
    Ok(overdue)
}

/// The overdue visits of `unit`'s subtree by name, for those who keep its base data;
/// audited `special_populations.read` like every list of these records.
pub async fn overdue(db: &Db, person: &Person, unit: &str) -> RuleResult<Vec<Overdue>> {
    person.require(&BASE_DATA_ROLES, unit, "reading overdue visits")?;
    let overdue = overdue_in(db, unit, today_in_china()).await?;
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "special_populations.read",
        subject: &format!("unit:{unit}"),
        unit_code: Some(unit),
        detail: json!({ "overdue_visits": true, "rows": overdue.len() }),
    })
    .await?;
    Ok(overdue)
}

/// How many overdue visits each child unit of `unit` has (grids by their whole code), for
/// its leaders; the caller shows them with the small-cell rule at `unit`'s level.
pub async fn overdue_counts(
    db: &Db,
    person: &Person,
    unit: &str,
) -> RuleResult<(Level, Vec<(String, i64)>)> {
    let level = level_of(unit).map_err(|e| RuleError::invalid("unit", e.to_string()))?;
    person.require(&LEADER_ROLES, unit, "counting overdue visits")?;
    Ok((level, counts_by_child_unit(db, unit, level).await?))
}

/// How many overdue visits each child unit of `unit` (at `level`) has, by child code: for
/// a caller that has checked the reader may see the unit's statistics.
pub async fn counts_by_child_unit(
    db: &Db,
    unit: &str,
    level: Level,
) -> RuleResult<Vec<(String, i64)>> {
    let child_len = child_code_len(level);
    let mut counts: Vec<(String, i64)> = Vec::new();
    for overdue in overdue_in(db, unit, today_in_china()).await? {
        let code = &overdue.record.grid_code;
        let key = child_len.map_or(code.as_str(), |n| &code[..n.min(code.len())]);
        match counts.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key.to_owned(), 1)),
        }
    }
    counts.sort();
    Ok(counts)
}
