//! Dashboard aggregates (`/api/stats`): events by category, state, child unit and day,
//! residents by type, houses by usage and special populations by category (counts only),
//! over a unit's subtree, with small cells suppressed above community.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use crate::auth::Role;
use crate::db::now_ms;
use crate::db::stats::{Count, EventGrouping};
use crate::grid::small_cells::{SMALL_CELL_THRESHOLD, shown, suppresses};
use crate::grid::unit_code::{child_level, level_of};

/// The longest unit code (a grid's).
pub(crate) const MAX_UNIT_CODE_LEN: usize = 18;

/// Days of the daily trend.
pub(crate) const TREND_DAYS: i64 = 30;

/// Code length of units at each level below the root; grids group by their full code.
pub(crate) fn child_code_len(level: wangge_registry::Level) -> Option<usize> {
    use wangge_registry::Level::*;
    match child_level(level)? {
        City => Some(4),
        County => Some(6),
        Street => Some(9),
        Community => Some(12),
        Grid => None,
        Province => None,
    }
}

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/stats", get(stats))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatsQuery {
    unit: String,
}

async fn stats(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<StatsQuery>,
) -> Result<Json<Value>, ApiError> {
    let unit = query.unit;
    let level = level_of(&unit).map_err(|e| ApiError::Invalid {
        field: "unit",
        problem: e.to_string(),
    })?;
    if ![Role::Leader, Role::UnitAdmin]
        .iter()
        .any(|role| current.grants.has_role_at(*role, &unit))
    {
        return Err(ApiError::Forbidden(format!(
            "statistics of unit {unit} need a leader or unit-admin role there"
        )));
    }
    let db = state.db();
    let cells = |counts: Vec<Count>| -> Vec<Value> {
        counts
            .into_iter()
            .map(|c| json!({ "key": c.key, "count": shown(c.count, level) }))
            .collect()
    };
    // Below a community the children are grids, whose codes vary in length: group by the
    // whole code.
    let child_len = child_code_len(level).unwrap_or(MAX_UNIT_CODE_LEN);
    let by_child = db
        .event_counts(&unit, EventGrouping::ChildUnit(child_len), None)
        .await?;
    let since = now_ms() - TREND_DAYS * 24 * 60 * 60 * 1000;
    Ok(Json(json!({
        "unit": unit,
        "level": format!("{level:?}").to_lowercase(),
        "small_cells_below": suppresses(level).then_some(SMALL_CELL_THRESHOLD),
        "events": {
            "by_category": cells(db.event_counts(&unit, EventGrouping::Category, None).await?),
            "by_state": cells(db.event_counts(&unit, EventGrouping::State, None).await?),
            "by_child_unit": cells(by_child),
            "by_day": cells(db.event_counts(&unit, EventGrouping::Day, Some(since)).await?),
        },
        "residents": {
            "by_type": cells(db.resident_counts_by_type(&unit).await?),
        },
        "houses": {
            "by_usage": cells(db.house_counts_by_usage(&unit).await?),
        },
        "special_populations": {
            "by_category": cells(db.special_population_counts(&unit).await?),
        },
    })))
}
