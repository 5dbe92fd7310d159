//! Dashboard aggregates over a unit's subtree, for its leaders and unit admins: events by
//! category, state, child unit and day, residents by type, houses by usage and special
//! populations by category (counts only). Counts are as stored; the small-cell rule
//! (`grid::small_cells`) is applied where a count is shown.

use wangge_registry::Level;

use crate::auth::LEADER_ROLES;
use crate::db::stats::{Count, EventGrouping};
use crate::db::{Db, now_ms};
use crate::grid::unit_code::{child_level, level_of};
use crate::rules::actor::Person;
use crate::rules::base_data::verification::{self, GridRate};
use crate::rules::base_data::visits;
use crate::rules::error::{RuleError, RuleResult};

/// The longest unit code (a grid's).
pub const MAX_UNIT_CODE_LEN: usize = 18;

/// Days of the daily trend.
pub const TREND_DAYS: i64 = 30;

/// Code length of the units one level below `level`; `None` below a community, whose
/// children are grids with codes of varying length.
pub fn child_code_len(level: Level) -> Option<usize> {
    match child_level(level)? {
        Level::City => Some(4),
        Level::County => Some(6),
        Level::Street => Some(9),
        Level::Community => Some(12),
        Level::Grid | Level::Province => None,
    }
}

/// A unit's aggregates.
#[derive(Debug, Clone)]
pub struct UnitStats {
    /// The unit's level (which decides the small-cell rule).
    pub level: Level,
    /// Events by category code.
    pub events_by_category: Vec<Count>,
    /// Events by state.
    pub events_by_state: Vec<Count>,
    /// Events by child unit (its code).
    pub events_by_child_unit: Vec<Count>,
    /// Events by day reported (China time), the last [`TREND_DAYS`] days.
    pub events_by_day: Vec<Count>,
    /// Residents by population type.
    pub residents_by_type: Vec<Count>,
    /// Houses by usage.
    pub houses_by_usage: Vec<Count>,
    /// Special-population records by category.
    pub special_populations_by_category: Vec<Count>,
    /// Overdue visits of special-population records by child unit.
    pub overdue_visits_by_child_unit: Vec<Count>,
    /// The unit's 关联核录 rate, all its grids together.
    pub verification: GridRate,
    /// The rate of each child unit (grids by their whole code), by code.
    pub verification_by_child_unit: Vec<GridRate>,
}

/// `Ok` with the unit's level if `person` may see its statistics.
pub fn may_see(person: &Person, unit: &str) -> RuleResult<Level> {
    let level = level_of(unit).map_err(|e| RuleError::invalid("unit", e.to_string()))?;
    if !person.holds_any(&LEADER_ROLES, unit) {
        return Err(RuleError::Forbidden(format!(
            "statistics of unit {unit} need a leader or unit-admin role there"
        )));
    }
    Ok(level)
}

/// Events of `unit`'s subtree counted by `grouping` (by day: since `since`, ms).
pub async fn event_counts(
    db: &Db,
    unit: &str,
    grouping: EventGrouping,
    since: Option<i64>,
) -> RuleResult<Vec<Count>> {
    Ok(db.event_counts(unit, grouping, since).await?)
}

/// The events of `unit`'s subtree by its child units (grids by their whole code).
pub async fn events_by_child_unit(db: &Db, unit: &str, level: Level) -> RuleResult<Vec<Count>> {
    let child_len = child_code_len(level).unwrap_or(MAX_UNIT_CODE_LEN);
    event_counts(db, unit, EventGrouping::ChildUnit(child_len), None).await
}

/// The start of the daily trend (ms).
pub fn trend_start() -> i64 {
    now_ms() - TREND_DAYS * 24 * 60 * 60 * 1000
}

/// Every aggregate of `unit`, for `person`.
pub async fn of_unit(db: &Db, person: &Person, unit: &str) -> RuleResult<UnitStats> {
    let level = may_see(person, unit)?;
    let (verification, grids) = verification::rates(db, unit).await?;
    let child_len = child_code_len(level).unwrap_or(MAX_UNIT_CODE_LEN);
    let mut children: Vec<String> = grids
        .iter()
        .map(|g| g.grid_code[..child_len.min(g.grid_code.len())].to_owned())
        .collect();
    children.dedup();
    let verification_by_child_unit = children
        .iter()
        .map(|child| {
            GridRate::sum(
                child,
                grids
                    .iter()
                    .filter(|g| g.grid_code.starts_with(child.as_str())),
            )
        })
        .collect();
    let overdue_visits_by_child_unit = visits::counts_by_child_unit(db, unit, level)
        .await?
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    Ok(UnitStats {
        overdue_visits_by_child_unit,
        verification,
        verification_by_child_unit,
        level,
        events_by_category: event_counts(db, unit, EventGrouping::Category, None).await?,
        events_by_state: event_counts(db, unit, EventGrouping::State, None).await?,
        events_by_child_unit: events_by_child_unit(db, unit, level).await?,
        events_by_day: event_counts(db, unit, EventGrouping::Day, Some(trend_start())).await?,
        residents_by_type: db.resident_counts_by_type(unit).await?,
        houses_by_usage: db.house_counts_by_usage(unit).await?,
        special_populations_by_category: db.special_population_counts(unit).await?,
    })
}
