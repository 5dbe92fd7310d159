//! 特殊人群 over the JSON API (`rules::base_data::special_populations`, `visits`): a unit's
//! records, every read audited; registering a resident under a category; one record with
//! its history, changed or closed (解除) at the version read; its visits (走访/帮教) and the
//! unit's overdue visits.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::events::Created;
use super::history::{History, HistoryEntry};
use super::numbers;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::saved::{ConflictBody, SaveAnswer};
use super::schemas;
use super::user::ApiUser;
use crate::db::special_populations::{StoredSpecialPopulation, Visit};
use crate::grid::special_population::category_zh;
use crate::rules::base_data::special_populations::{self, Edit, NewRecord};
use crate::rules::base_data::visits::{self, NewVisit, kind_zh};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, register))
        .routes(routes!(overdue))
        .routes(routes!(read, edit))
        .routes(routes!(close))
        .routes(routes!(visits, record_visit))
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
    /// The version: a change names the one it read.
    pub version: i64,
    /// The day of the latest visit, if any.
    #[schema(format = Date)]
    pub last_visited_on: Option<String>,
    /// Why the record was closed (解除); `null` while it is open.
    pub closed_reason: Option<String>,
}

impl From<StoredSpecialPopulation> for RecordJson {
    fn from(r: StoredSpecialPopulation) -> Self {
        Self {
            category_zh: category_zh(&r.category).to_owned(),
            id: r.id,
            resident_id: r.resident_id,
            resident_name: r.resident_name,
            category: r.category,
            control_level: r.control_level,
            responsible: r.responsible,
            grid_code: r.grid_code,
            note: r.note,
            version: r.version,
            last_visited_on: r.last_visited_on,
            closed_reason: r.closed.map(|(_, reason)| reason),
        }
    }
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
        special_populations: rows.into_iter().map(RecordJson::from).collect(),
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

/// A record with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordDetail {
    /// The record.
    pub record: RecordJson,
    /// Its changes and visits recorded, newest first.
    pub history: Vec<HistoryEntry>,
}

/// Read a special-population record
///
/// Grid workers and unit admins over its grid (anyone else gets a 404); open or closed.
/// Audited `special_population.read`.
#[utoipa::path(
    get,
    path = "/api/special-populations/{id}",
    tag = "special-populations",
    operation_id = "readSpecialPopulation",
    params(("id" = i64, Path, description = "The record's id.")),
    responses(
        (status = 200, description = "The record.", body = RecordDetail),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RecordDetail>, ApiError> {
    let (record, rows) = special_populations::get(state.db(), user.person(), id).await?;
    Ok(Json(RecordDetail {
        record: record.into(),
        history: History::of(rows).history,
    }))
}

/// A record's changeable fields, at the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordChange {
    /// The `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// The control level.
    #[schema(schema_with = schemas::control_level)]
    pub control_level: String,
    /// The responsible grid worker's username (a grid worker of the record's grid); blank
    /// or `null` for none.
    #[serde(default)]
    #[schema(schema_with = schemas::responsible)]
    pub responsible: Option<String>,
    /// A note: at most 500 characters.
    #[serde(default)]
    #[schema(schema_with = schemas::record_note)]
    pub note: String,
}

/// Change a special-population record
///
/// Its control level (which sets how often it is visited), responsible worker and note. A
/// stale `version` is a 409 with the record as it stands; a closed record a 409. Audited
/// `special_population.updated` with the fields changed.
#[utoipa::path(
    patch,
    path = "/api/special-populations/{id}",
    tag = "special-populations",
    operation_id = "editSpecialPopulation",
    params(("id" = i64, Path, description = "The record's id.")),
    request_body = RecordChange,
    responses(
        (status = 200, description = "Saved.", body = RecordJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first, or closed.", body = ConflictBody<RecordJson>),
    )
)]
async fn edit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<RecordChange>,
) -> Result<SaveAnswer<RecordJson>, ApiError> {
    let edit = Edit {
        version: body.version,
        control_level: body.control_level,
        responsible: body.responsible.unwrap_or_default(),
        note: body.note,
    };
    let saved = special_populations::edit(state.db(), user.person(), id, &edit).await?;
    Ok(SaveAnswer::of(saved))
}

/// Why a record is closed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordClose {
    /// The `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// Why (解除的原因): 2 to 200 characters.
    #[schema(schema_with = schemas::close_record_reason)]
    pub reason: String,
}

/// Close a special-population record
///
/// 解除: the record is kept, no longer listed, counted or due for visits. Audited
/// `special_population.closed`.
#[utoipa::path(
    post,
    path = "/api/special-populations/{id}/close",
    tag = "special-populations",
    operation_id = "closeSpecialPopulation",
    params(("id" = i64, Path, description = "The record's id.")),
    request_body = RecordClose,
    responses(
        (status = 200, description = "Closed.", body = RecordJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first, or closed already.", body = ConflictBody<RecordJson>),
    )
)]
async fn close(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<RecordClose>,
) -> Result<SaveAnswer<RecordJson>, ApiError> {
    let saved =
        special_populations::close(state.db(), user.person(), id, body.version, &body.reason)
            .await?;
    Ok(SaveAnswer::of(saved))
}

/// A visit (走访/帮教).
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitJson {
    /// Its id.
    pub id: i64,
    /// The day.
    #[schema(format = Date)]
    pub visited_on: String,
    /// `home` (上门), `phone` (电话) or `talk` (约谈).
    pub kind: String,
    /// Its Chinese name.
    pub kind_zh: String,
    /// What was done and found.
    pub content: String,
    /// Who visited (`user:NAME`).
    pub visitor: String,
}

impl From<Visit> for VisitJson {
    fn from(v: Visit) -> Self {
        Self {
            id: v.id,
            kind_zh: kind_zh(&v.kind).to_owned(),
            visited_on: v.visited_on,
            kind: v.kind,
            content: v.content,
            visitor: v.visitor,
        }
    }
}

/// A record's visits.
#[derive(Debug, Serialize, ToSchema)]
pub struct Visits {
    /// Latest first.
    pub visits: Vec<VisitJson>,
}

/// List a record's visits
///
/// Grid workers and unit admins over its grid; latest first.
#[utoipa::path(
    get,
    path = "/api/special-populations/{id}/visits",
    tag = "special-populations",
    operation_id = "listVisits",
    params(("id" = i64, Path, description = "The record's id.")),
    responses(
        (status = 200, description = "The visits.", body = Visits),
        (status = 404, response = NotFound),
    )
)]
async fn visits(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Visits>, ApiError> {
    let rows = visits::of(state.db(), user.person(), id).await?;
    Ok(Json(Visits {
        visits: rows.into_iter().map(VisitJson::from).collect(),
    }))
}

/// A visit to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVisitJson {
    /// The day: not after today, not before the record was registered.
    #[schema(schema_with = schemas::day)]
    pub visited_on: String,
    /// How.
    #[schema(schema_with = schemas::visit_kind)]
    pub kind: String,
    /// What was done and found.
    #[schema(schema_with = schemas::visit_content)]
    pub content: String,
}

/// Record a visit
///
/// Grid workers and unit admins over the record's grid; the visitor is the caller. The
/// record's next visit falls due its control level's interval after this one. Audited
/// `special_population.visited`.
#[utoipa::path(
    post,
    path = "/api/special-populations/{id}/visits",
    tag = "special-populations",
    operation_id = "recordVisit",
    params(("id" = i64, Path, description = "The record's id.")),
    request_body = NewVisitJson,
    responses(
        (status = 201, description = "Recorded.", body = VisitJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn record_visit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<NewVisitJson>,
) -> Result<(StatusCode, Json<VisitJson>), ApiError> {
    let visit = visits::record(
        state.db(),
        user.person(),
        id,
        &NewVisit {
            visited_on: body.visited_on,
            kind: body.kind,
            content: body.content,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(visit.into())))
}

/// The unit whose overdue visits are listed.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverdueQuery {
    /// The unit's code: its whole subtree.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
}

/// An overdue record.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueJson {
    /// The record.
    pub record: RecordJson,
    /// When its visit was due.
    #[schema(format = Date)]
    pub due_on: String,
    /// Days past that.
    pub days_overdue: i64,
}

/// A unit's overdue visits.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueList {
    /// Most overdue first.
    pub overdue: Vec<OverdueJson>,
    /// Each control level's interval in days (`{"1": 7, …}`).
    #[schema(value_type = Object)]
    pub intervals: serde_json::Map<String, serde_json::Value>,
}

/// List a unit's overdue visits
///
/// The open records whose last visit (or, before any, their registration) is older than
/// their control level's interval. Grid workers and unit admins over the unit (leaders see
/// counts in `/api/stats`); audited `special_populations.read`.
#[utoipa::path(
    get,
    path = "/api/special-populations/overdue",
    tag = "special-populations",
    operation_id = "listOverdueVisits",
    params(OverdueQuery),
    responses(
        (status = 200, description = "The overdue records.", body = OverdueList),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn overdue(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<OverdueQuery>,
) -> Result<Json<OverdueList>, ApiError> {
    let rows = visits::overdue(state.db(), user.person(), &query.unit).await?;
    let intervals = visits::intervals(state.db())
        .await?
        .into_iter()
        .map(|(level, days)| (level, serde_json::Value::from(days)))
        .collect();
    Ok(Json(OverdueList {
        overdue: rows
            .into_iter()
            .map(|o| OverdueJson {
                record: o.record.into(),
                due_on: o.due_on.to_string(),
                days_overdue: o.days_overdue,
            })
            .collect(),
        intervals,
    }))
}
