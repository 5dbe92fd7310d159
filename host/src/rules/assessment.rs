//! 考核: how the units and departments under a unit answered the events reported in a
//! period, by the figures Beijing's 12345 (接诉即办) assesses, counted from what the
//! workflow recorded as each event moved. Every figure is over the events **reported** in
//! the period (China dates, both ends included), so a month's figures do not change as
//! later months go by except as those events move on.
//!
//! - 响应率 (response rate): events answered (受理 or 不予受理) within
//!   [`RESPONSE_WORKING_DAYS`] working day of their report, over the events answered plus
//!   those still unanswered after that day. Events answered before answers were timed
//!   (migration 0021) are left out.
//! - 按期办结率 (on-time resolution rate): events resolved (办结) on or before their
//!   deadline, over the events resolved plus those unresolved past their deadline. A
//!   reopened event counts by its last resolution.
//! - 满意率 (satisfaction rate): (满意 + 基本满意) / ratings given, each rating once (a
//!   reopened event is rated twice).
//! - 退回率 (return rate): events a handler returned (退回) at least once, over the events
//!   dispatched; for a department, the events it returned over the events it received.
//! - 重办率 (reopen rate): events handled again after 不满意, over the events closed.
//! - 督办 and 催办: events marked overdue by the sweep, and manual urgings (each counted).
//!
//! By unit, the rows are the child units (a community's grids by their code; events sitting
//! at the unit itself form its own row) and a total; by department, the departments under
//! the unit that received events; by grid worker (a street or lower only), the grid
//! workers of the grids under the unit, each over the events reported in the grids they
//! hold the grid-worker role at. A grid two workers share counts on both their rows, and a
//! grid with no worker on none, so by worker the total is the unit's own, not the rows'
//! sum. Above community level, rating counts below the small-cell threshold are withheld,
//! since a handful of ratings can single out a resident.

use jiff::ToSpan;
use jiff::civil::Date;
use wangge_registry::Level;

use crate::auth::LEADER_ROLES;
use crate::db::assessment::{Cohort, Figure, Grouping, Tally};
use crate::db::events::StoredEvent;
use crate::grid::calendar::{WorkingCalendar, parse_day, today_in_china};
use crate::grid::small_cells::{SMALL_CELL_THRESHOLD, suppresses};
use crate::grid::unit_code::level_of;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::events::act::RESPONSE_WORKING_DAYS;
use crate::rules::stats::child_code_len;
use crate::state::Ground;

/// The longest period assessed at once: a year (and a leap day), so one request stays one
/// bounded pass over the events.
pub const MAX_PERIOD_DAYS: i32 = 366;

/// Events listed per page of a drill-down.
pub const MAX_DRILL_PAGE: i64 = 100;

/// How rows are formed, as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Child units.
    Unit,
    /// Departments.
    Department,
    /// Grid workers, by the grids they hold (a street or lower only).
    Worker,
}

impl By {
    /// Parses `unit`, `department` or `worker`.
    pub fn parse(name: &str) -> RuleResult<Self> {
        match name {
            "unit" => Ok(Self::Unit),
            "department" => Ok(Self::Department),
            "worker" => Ok(Self::Worker),
            other => Err(RuleError::invalid(
                "by",
                format!("unknown grouping `{other}`; one of: unit, department, worker"),
            )),
        }
    }
}

/// What to assess.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The unit.
    pub unit: &'a str,
    /// The first day (China time).
    pub from: Date,
    /// The last day, included.
    pub to: Date,
    /// The rows.
    pub by: By,
}

/// A figure's rate: its numerator and denominator, and the percentage once there is a
/// denominator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Counted in favour.
    pub count: i64,
    /// Counted at all.
    pub of: i64,
}

impl Rate {
    /// The percentage, one decimal; `None` with nothing counted.
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| (self.count as f64 * 1000.0 / self.of as f64).round() / 10.0)
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The child unit's or department's code (the unit's own for the total).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Events reported (by unit) or received (by department).
    pub events: i64,
    /// 响应率.
    pub response: Rate,
    /// 按期办结率.
    pub on_time_resolution: Rate,
    /// 满意率; `None` where the small-cell rule withholds the ratings.
    pub satisfaction: Option<Rate>,
    /// 退回率.
    pub returns: Rate,
    /// 重办率.
    pub reopens: Rate,
    /// Events marked 督办.
    pub supervised: i64,
    /// 催办 given.
    pub urged: i64,
}

/// An assessment.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The unit's level.
    pub level: Level,
    /// The rows, by code.
    pub rows: Vec<Row>,
    /// All rows together (by department: every department's).
    pub total: Row,
}

/// The period asked for by its first and last day (`YYYY-MM-DD`, China time): by default
/// this month so far, from its first day (or the first day of `to`'s month) to today (or
/// to the end of `from`'s month).
pub fn period(from: Option<&str>, to: Option<&str>) -> RuleResult<(Date, Date)> {
    let day = |field: &'static str, text: Option<&str>| -> RuleResult<Option<Date>> {
        text.map(|t| {
            parse_day(t).ok_or_else(|| {
                RuleError::invalid(field, format!("`{t}` is not a day written YYYY-MM-DD"))
            })
        })
        .transpose()
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    Ok(match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from.last_of_month()),
        (None, Some(to)) => (to.first_of_month(), to),
        (None, None) => {
            let today = today_in_china();
            (today.first_of_month(), today)
        }
    })
}

/// Checks `request` for `person` and the period in the store's terms.
fn cohort<'a>(
    ground: &Ground,
    person: &Person,
    request: &Request<'a>,
    today: &'a str,
) -> RuleResult<(Level, Cohort<'a>)> {
    let level = level_of(request.unit).map_err(|e| RuleError::invalid("unit", e.to_string()))?;
    if !person.holds_any(&LEADER_ROLES, request.unit) {
        return Err(RuleError::Forbidden(format!(
            "the assessment of unit {} needs a leader or unit-admin role there",
            request.unit
        )));
    }
    if request.by == By::Worker && !matches!(level, Level::Street | Level::Community | Level::Grid)
    {
        return Err(RuleError::invalid(
            "by",
            format!(
                "assessment by grid worker is for a street, community or grid, whose workers fit one table; unit {} is a {}: ask by=unit and open a street",
                request.unit,
                crate::grid::unit_code::kind_name(request.unit).unwrap_or("unit")
            ),
        ));
    }
    if request.to < request.from {
        return Err(RuleError::invalid(
            "to",
            format!(
                "the period ends ({}) before it starts ({})",
                request.to, request.from
            ),
        ));
    }
    let days = (request.to - request.from).get_days() + 1;
    if days > MAX_PERIOD_DAYS {
        return Err(RuleError::invalid(
            "to",
            format!("a period is at most {MAX_PERIOD_DAYS} days; this one is {days}"),
        ));
    }
    let next_day = request
        .to
        .tomorrow()
        .map_err(|e| RuleError::invalid("to", e.to_string()))?;
    Ok((
        level,
        Cohort {
            unit: request.unit,
            from_ms: china_midnight_ms(request.from),
            until_ms: china_midnight_ms(next_day),
            today,
            response_due_before_ms: response_due_before(&ground.calendar)?,
        },
    ))
}

/// The instant (ms) a day begins in China Standard Time.
fn china_midnight_ms(day: Date) -> i64 {
    jiff::tz::offset(8)
        .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .map_or(0, |at| at.as_millisecond())
}

/// The instant (ms) before which an event still unanswered is past its response window:
/// the start of the day after the last report day whose window ended before today.
fn response_due_before(calendar: &WorkingCalendar) -> RuleResult<i64> {
    let today = today_in_china();
    let mut day = today;
    // A window is a working day or two; a month back is far beyond any holiday.
    for _ in 0..31 {
        day = day
            .yesterday()
            .map_err(|e| RuleError::Internal(anyhow::anyhow!(e)))?;
        let last = calendar
            .deadline(day, RESPONSE_WORKING_DAYS)
            .map_err(|e| RuleError::Internal(e.into()))?
            .date;
        if last < today {
            return Ok(china_midnight_ms(day.checked_add(1.day()).unwrap_or(day)));
        }
    }
    Ok(china_midnight_ms(day))
}

fn grouping(level: Level, by: By) -> Grouping {
    match by {
        By::Department => Grouping::Departments,
        By::Worker => Grouping::Workers,
        By::Unit => Grouping::Units(child_code_len(level)),
    }
}

fn row(code: String, name: String, t: &Tally, level: Level) -> Row {
    let ratings_shown = !suppresses(level) || !(1..SMALL_CELL_THRESHOLD).contains(&t.evaluations);
    Row {
        code,
        name,
        events: t.events,
        response: Rate {
            count: t.responded_on_time,
            of: t.response_due,
        },
        on_time_resolution: Rate {
            count: t.resolved_on_time,
            of: t.resolution_due,
        },
        satisfaction: ratings_shown.then_some(Rate {
            count: t.satisfied,
            of: t.evaluations,
        }),
        returns: Rate {
            count: t.returned,
            of: t.dispatched,
        },
        reopens: Rate {
            count: t.reopened,
            of: t.closed,
        },
        supervised: t.supervised,
        urged: t.urged,
    }
}

fn sum(tallies: &[Tally]) -> Tally {
    let mut total = Tally::default();
    for t in tallies {
        total.events += t.events;
        total.responded_on_time += t.responded_on_time;
        total.response_due += t.response_due;
        total.resolved_on_time += t.resolved_on_time;
        total.resolution_due += t.resolution_due;
        total.dispatched += t.dispatched;
        total.returned += t.returned;
        total.closed += t.closed;
        total.reopened += t.reopened;
        total.evaluations += t.evaluations;
        total.satisfied += t.satisfied;
        total.supervised += t.supervised;
        total.urged += t.urged;
    }
    total
}

/// The assessment `request` asks for, for `person` (a leader or unit admin over the unit).
pub async fn assess(
    ground: &Ground,
    person: &Person,
    request: &Request<'_>,
) -> RuleResult<Assessment> {
    let today = today_in_china().to_string();
    let (level, cohort) = cohort(ground, person, request, &today)?;
    let db = &ground.db;
    let tallies = db.assessment(&cohort, grouping(level, request.by)).await?;
    let names: Vec<(String, String)> = match request.by {
        By::Department => db.departments_under(request.unit).await?,
        By::Unit | By::Worker => {
            let mut units = db.unit_children(request.unit).await?;
            units.extend(db.unit(request.unit).await?);
            units
        }
    }
    .into_iter()
    .map(|u| (u.code, u.name))
    .collect();
    let workers = match request.by {
        By::Worker => db.grid_workers_under(request.unit).await?,
        By::Unit | By::Department => Vec::new(),
    };
    let name_of = |code: &str| {
        names
            .iter()
            .chain(&workers)
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_owned(), |(_, n)| n.clone())
    };
    let mut rows: Vec<Row> = tallies
        .iter()
        .map(|t| {
            let own = t.key == request.unit;
            let name = if own {
                format!("{}（本级）", name_of(&t.key))
            } else {
                name_of(&t.key)
            };
            row(t.key.clone(), name, t, level)
        })
        .collect();
    // Child units and workers with nothing reported are assessed too: zero is a figure.
    let everyone: &[(String, String)] = match request.by {
        By::Unit => &names,
        By::Worker => &workers,
        By::Department => &[],
    };
    for (code, name) in everyone.iter().filter(|(c, _)| c != request.unit) {
        if !rows.iter().any(|r| &r.code == code) {
            rows.push(row(code.clone(), name.clone(), &Tally::default(), level));
        }
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    let total = match request.by {
        // Shared grids count on several rows and workerless grids on none: the unit's own
        // tally is the total.
        By::Worker => db
            .assessment(&cohort, Grouping::Units(Some(request.unit.len())))
            .await?
            .pop()
            .unwrap_or_default(),
        By::Unit | By::Department => sum(&tallies),
    };
    let total = row(
        request.unit.to_owned(),
        format!("{}（合计）", name_of(request.unit)),
        &total,
        level,
    );
    Ok(Assessment { level, rows, total })
}

/// Parses a figure's name in a drill-down.
pub fn parse_figure(name: &str) -> RuleResult<Figure> {
    Ok(match name {
        "all" => Figure::All,
        "late-response" => Figure::LateResponse,
        "late-resolution" => Figure::LateResolution,
        "returned" => Figure::Returned,
        "reopened" => Figure::Reopened,
        "dissatisfied" => Figure::Dissatisfied,
        "supervised" => Figure::Supervised,
        "urged" => Figure::Urged,
        other => {
            return Err(RuleError::invalid(
                "figure",
                format!("unknown figure `{other}`; one of: {}", FIGURES.join(", ")),
            ));
        }
    })
}

/// The figures a drill-down lists events behind.
pub const FIGURES: [&str; 8] = [
    "all",
    "late-response",
    "late-resolution",
    "returned",
    "reopened",
    "dissatisfied",
    "supervised",
    "urged",
];

/// The events behind `figure` in the row `row` (a child unit or department under the
/// request's unit, or the unit itself), newest first, a page below `before_id`.
pub async fn events_behind(
    ground: &Ground,
    person: &Person,
    request: &Request<'_>,
    row: &str,
    figure: Figure,
    before_id: Option<i64>,
) -> RuleResult<Vec<StoredEvent>> {
    let today = today_in_china().to_string();
    let (level, cohort) = cohort(ground, person, request, &today)?;
    let inside = row == request.unit
        || match request.by {
            By::Worker => ground
                .db
                .grid_workers_under(request.unit)
                .await?
                .iter()
                .any(|(username, _)| username == row),
            By::Unit | By::Department => {
                row.starts_with(request.unit) && person.holds_any(&LEADER_ROLES, row)
            }
        };
    if !inside {
        return Err(RuleError::invalid(
            "row",
            format!("{row} is not a row of unit {}'s assessment", request.unit),
        ));
    }
    // The total row of a worker assessment is the unit's whole subtree.
    let grouping = if request.by == By::Worker && row == request.unit {
        Grouping::Units(None)
    } else {
        grouping(level, request.by)
    };
    Ok(ground
        .db
        .assessment_events(&cohort, grouping, row, figure, before_id, MAX_DRILL_PAGE)
        .await?)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn rates_round_to_one_decimal_and_nothing_counted_is_no_rate() {
        assert_eq!(Rate { count: 1, of: 3 }.percent(), Some(33.3));
        assert_eq!(Rate { count: 2, of: 3 }.percent(), Some(66.7));
        assert_eq!(Rate { count: 0, of: 0 }.percent(), None);
    }

    #[test]
    fn a_period_defaults_to_the_month_of_the_day_given() {
        assert_eq!(
            period(Some("2026-11-10"), None).expect("from alone"),
            (date(2026, 11, 10), date(2026, 11, 30))
        );
        assert_eq!(
            period(None, Some("2026-02-14")).expect("to alone"),
            (date(2026, 2, 1), date(2026, 2, 14))
        );
        let (from, to) = period(None, None).expect("this month");
        assert_eq!((from.day(), to), (1, today_in_china()));
        assert!(matches!(
            period(Some("2026-2-1"), None),
            Err(RuleError::Invalid { ref field, .. }) if field == "from"
        ));
    }

    #[test]
    fn a_china_day_starts_at_sixteen_hundred_utc_the_day_before() {
        // 2026-12-01 00:00 +08:00 = 2026-11-30 16:00 UTC.
        assert_eq!(china_midnight_ms(date(2026, 12, 1)), 1_796_054_400_000);
    }
}
