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
use crate::rules::base_data::verification::{GridRate, Rate, TARGET_PERCENT};
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

/// Overdue visits of special-population records counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueVisitCounts {
    /// By child unit (grids by their whole code).
    pub by_child_unit: Vec<Cell>,
}

/// Verified records out of all: a 关联核录 rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateJson {
    /// Records a department push has carried.
    #[schema(value_type = CellCount)]
    pub verified: Value,
    /// All records.
    #[schema(value_type = CellCount)]
    pub total: Value,
    /// `verified` of `total` in percent, one decimal; `null` without records.
    pub percent: Option<f64>,
    /// Whether `percent` reaches the target.
    pub meets_target: bool,
}

fn rate_json(rate: Rate, level: Level) -> RateJson {
    RateJson {
        verified: shown(rate.verified, level),
        total: shown(rate.total, level),
        percent: rate.percent().map(|p| (p * 10.0).round() / 10.0),
        meets_target: rate.meets_target(),
    }
}

/// A unit's (or child unit's) 关联核录 rates.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationJson {
    /// The unit's code.
    pub unit: String,
    /// Living residents.
    pub residents: RateJson,
    /// Houses.
    pub houses: RateJson,
    /// Both together: what the target is about.
    pub combined: RateJson,
}

fn verification_json(rate: &GridRate, level: Level) -> VerificationJson {
    VerificationJson {
        unit: rate.grid_code.clone(),
        residents: rate_json(rate.residents, level),
        houses: rate_json(rate.houses, level),
        combined: rate_json(rate.combined(), level),
    }
}

/// The 关联核录 rates of a unit against the seed's target.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationStats {
    /// The target, in percent (80).
    pub target_percent: f64,
    /// The unit's own, all its grids together.
    pub whole: VerificationJson,
    /// Each child unit's (grids by their whole code).
    pub by_child_unit: Vec<VerificationJson>,
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
    /// Overdue visits.
    pub overdue_visits: OverdueVisitCounts,
    /// How much of the base data department data has confirmed (关联核录).
    pub verification: VerificationStats,
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
/// (30 days), residents by type, houses by usage, special populations by category,
/// overdue visits by child unit, and the 关联核录 rate against the 80% target.
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
        overdue_visits: OverdueVisitCounts {
            by_child_unit: cells(s.overdue_visits_by_child_unit, level),
        },
        verification: VerificationStats {
            target_percent: TARGET_PERCENT,
            whole: verification_json(&s.verification, level),
            by_child_unit: s
                .verification_by_child_unit
                .iter()
                .map(|rate| verification_json(rate, level))
                .collect(),
        },
        unit,
    }))
}
