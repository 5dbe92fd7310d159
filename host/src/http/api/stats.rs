//! Dashboard aggregates over the JSON API (`/api/stats`, `rules::stats`), with small cells
//! shown as `<5` above community level.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wangge_registry::Level;

use super::error::ApiError;
use super::responses::{Forbidden, Invalid};
use super::user::ApiUser;
use crate::db::stats::Count;
use crate::grid::small_cells::{SMALL_CELL_THRESHOLD, shown, suppresses};
use crate::rules::stats;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read))
}

/// The unit whose subtree is counted.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// A unit code (2, 4, 6, 9, 12 or 13 to 18 digits); the caller must be a leader or unit
    /// admin there.
    #[param(
        pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3}([0-9]{1,6})?)?)?)?)?$",
        example = "4202"
    )]
    pub unit: String,
}

/// One group and its count.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cell {
    /// The group (category code, state, unit code, `YYYY-MM-DD` …).
    pub key: String,
    /// How many: a number, or `"<5"` for 1 to 4 above community level.
    #[schema(value_type = CellCount)]
    pub count: Value,
}

/// A count as shown: a number, or `"<5"`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "documents the two shapes of `Cell::count`")]
pub enum CellCount {
    /// The number.
    Exact(i64),
    /// 1 to 4, hidden.
    Hidden(String),
}

/// Events counted four ways.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventCounts {
    /// By category code.
    pub by_category: Vec<Cell>,
    /// By state.
    pub by_state: Vec<Cell>,
    /// By child unit.
    pub by_child_unit: Vec<Cell>,
    /// By day reported, the last 30 days.
    pub by_day: Vec<Cell>,
}

/// Residents counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentCounts {
    /// By population type.
    pub by_type: Vec<Cell>,
}

/// Houses counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseCounts {
    /// By usage.
    pub by_usage: Vec<Cell>,
}

/// Special-population records counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecialPopulationCounts {
    /// By category.
    pub by_category: Vec<Cell>,
}

/// A unit's aggregates.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    /// The unit.
    pub unit: String,
    /// Its level: `province`, `city`, `county`, `street`, `community` or `grid`.
    pub level: String,
    /// The threshold below which counts show as `<5`; `null` at community level and below.
    pub small_cells_below: Option<i64>,
    /// Events.
    pub events: EventCounts,
    /// Residents.
    pub residents: ResidentCounts,
    /// Houses.
    pub houses: HouseCounts,
    /// Special populations.
    pub special_populations: SpecialPopulationCounts,
}

fn cells(counts: Vec<Count>, level: Level) -> Vec<Cell> {
    counts
        .into_iter()
        .map(|c| Cell {
            count: shown(c.count, level),
            key: c.key,
        })
        .collect()
}

/// Read a unit's statistics
///
/// Leaders and unit admins over the unit: events by category, state, child unit and day
/// (30 days), residents by type, houses by usage and special populations by category.
#[utoipa::path(
    get,
    path = "/api/stats",
    tag = "stats",
    operation_id = "readStats",
    params(StatsQuery),
    responses(
        (status = 200, description = "The aggregates.", body = Stats),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<StatsQuery>,
) -> Result<Json<Stats>, ApiError> {
    let unit = query.unit;
    let s = stats::of_unit(state.db(), user.person(), &unit).await?;
    let level = s.level;
    Ok(Json(Stats {
        level: format!("{level:?}").to_lowercase(),
        small_cells_below: suppresses(level).then_some(SMALL_CELL_THRESHOLD),
        events: EventCounts {
            by_category: cells(s.events_by_category, level),
            by_state: cells(s.events_by_state, level),
            by_child_unit: cells(s.events_by_child_unit, level),
            by_day: cells(s.events_by_day, level),
        },
        residents: ResidentCounts {
            by_type: cells(s.residents_by_type, level),
        },
        houses: HouseCounts {
            by_usage: cells(s.houses_by_usage, level),
        },
        special_populations: SpecialPopulationCounts {
            by_category: cells(s.special_populations_by_category, level),
        },
        unit,
    }))
}
