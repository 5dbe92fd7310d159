//! 特殊人群 over the JSON API (`rules::special_populations`): a unit's records, every read
//! audited, and registering a resident under a category.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::events::Created;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::schemas;
use super::user::ApiUser;
use crate::grid::special_population::category_zh;
use crate::rules::special_populations::{self, NewRecord};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, register))
}

/// A page of a unit's records, optionally of one category.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The unit's code: its whole subtree is listed.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
    /// Only this category (English or Chinese name).
    #[param(schema_with = schemas::special_population_category)]
    pub category: Option<String>,
    /// `GRID_CODE:ID` of the last row of the previous page (its `next`).
    #[param(pattern = r"^[0-9]{1,18}:-?[0-9]{1,18}$")]
    pub after: Option<String>,
    /// Rows per page: 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// A special-population record.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordJson {
    /// Its id.
    pub id: i64,
    /// The resident.
    pub resident_id: i64,
    /// The resident's name.
    pub resident_name: String,
    /// The category (stored name).
    pub category: String,
    /// Its Chinese name.
    pub category_zh: String,
    /// `1` (closest attention) to `3`.
    pub control_level: String,
    /// The responsible grid worker's username.
    pub responsible: Option<String>,
    /// The grid.
    pub grid_code: String,
    /// A note.
    pub note: String,
}

/// A page of records.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPage {
    /// The records, by grid and id.
    pub special_populations: Vec<RecordJson>,
    /// The `after` of the next page; `null` on the last.
    pub next: Option<String>,
}

/// List a unit's special-population records
///
/// Grid workers and unit admins over the unit only (leaders see counts in `/api/stats`).
/// Every read is audited (`special_populations.read`).
#[utoipa::path(
    get,
    path = "/api/special-populations",
    tag = "special-populations",
    operation_id = "listSpecialPopulations",
    params(ListQuery),
    responses(
        (status = 200, description = "One page.", body = RecordPage),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<RecordPage>, ApiError> {
    let (rows, next) = special_populations::page(
        state.db(),
        user.person(),
        &query.unit,
        query.category.as_deref(),
        query.after.as_deref(),
        crate::rules::paging::clamped_limit(query.limit),
    )
    .await?;
    Ok(Json(RecordPage {
        special_populations: rows
            .into_iter()
            .map(|r| RecordJson {
                category_zh: category_zh(&r.category).to_owned(),
                id: r.id,
                resident_id: r.resident_id,
                resident_name: r.resident_name,
                category: r.category,
                control_level: r.control_level,
                responsible: r.responsible,
                grid_code: r.grid_code,
                note: r.note,
            })
            .collect(),
        next,
    }))
}

/// A record to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSpecialPopulation {
    /// The resident.
    #[serde(deserialize_with = "super::numbers::integer")]
    pub resident_id: i64,
    /// The category.
    #[schema(schema_with = schemas::special_population_category)]
    pub category: String,
    /// The control level.
    #[schema(schema_with = schemas::control_level)]
    pub control_level: String,
    /// The responsible grid worker's username; they must hold `grid-worker` over the
    /// resident's grid.
    pub responsible: Option<String>,
    /// A note: at most 500 characters.
    #[serde(default)]
    #[schema(schema_with = schemas::record_note)]
    pub note: String,
}

/// Register a special-population record
///
/// Grid workers and unit admins over the resident's grid (a resident the caller cannot see
/// is a 404); one record per resident and category (else 409). Audited
/// `special_population.registered`.
#[utoipa::path(
    post,
    path = "/api/special-populations",
    tag = "special-populations",
    operation_id = "registerSpecialPopulation",
    request_body = NewSpecialPopulation,
    responses(
        (status = 201, description = "Registered.", body = Created),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn register(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<NewSpecialPopulation>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = special_populations::register(
        state.db(),
        user.person(),
        &NewRecord {
            resident_id: body.resident_id,
            category: &body.category,
            control_level: &body.control_level,
            responsible: body.responsible.as_deref(),
            note: &body.note,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
