//! 实有房屋 over the JSON API (`rules::base_data::houses`): a unit's houses page by page,
//! one house and its history, a house added and edited; the grid is found again from the
//! coordinates (关联核录) and the answer says where the house now lies.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::history::History;
use super::numbers;
use super::paging::PageQuery;
use super::responses::{Forbidden, Invalid, NotFound};
use super::saved::{ConflictBody, SaveAnswer};
use super::schemas;
use super::user::ApiUser;
use crate::db::houses::StoredHouse;
use crate::rules::base_data::houses::{self, Edited, HouseForm};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(read, edit))
        .routes(routes!(history))
}

/// A house (实有房屋).
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseJson {
    /// Its id.
    pub id: i64,
    /// Its standard address.
    pub address: String,
    /// Degrees north.
    pub latitude: Option<f64>,
    /// Degrees east.
    pub longitude: Option<f64>,
    /// `residential`, `rental`, `commercial` …
    pub usage: String,
    /// The grid it lies in.
    pub grid_code: String,
    /// How the grid was found: `boundary` (its coordinates in the grid's boundary) or
    /// `given`.
    pub grid_source: String,
    /// The version: a change names the one it read.
    pub version: i64,
    /// Whether a department push has carried the record (关联核录).
    pub verified: bool,
}

impl From<StoredHouse> for HouseJson {
    fn from(h: StoredHouse) -> Self {
        Self {
            id: h.id,
            address: h.address,
            latitude: h.latitude,
            longitude: h.longitude,
            usage: h.usage,
            grid_code: h.grid_code,
            grid_source: h.grid_source,
            version: h.version,
            verified: h.verified_at.is_some(),
        }
    }
}

/// A page of houses.
#[derive(Debug, Serialize, ToSchema)]
pub struct HousePage {
    /// The houses, by grid and id.
    pub houses: Vec<HouseJson>,
    /// The `after` of the next page; `null` on the last.
    pub next: Option<String>,
}

/// List a unit's houses
///
/// Grid workers and unit admins over the unit.
#[utoipa::path(
    get,
    path = "/api/houses",
    tag = "houses",
    operation_id = "listHouses",
    params(PageQuery),
    responses(
        (status = 200, description = "One page.", body = HousePage),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<PageQuery>,
) -> Result<Json<HousePage>, ApiError> {
    let (rows, next) = houses::page(
        state.db(),
        user.person(),
        &query.unit,
        query.after.as_deref(),
        query.limit(),
    )
    .await?;
    Ok(Json(HousePage {
        houses: rows.into_iter().map(HouseJson::from).collect(),
        next,
    }))
}

/// Read a house
///
/// Grid workers and unit admins over its grid; anyone else gets a 404.
#[utoipa::path(
    get,
    path = "/api/houses/{id}",
    tag = "houses",
    operation_id = "readHouse",
    params(("id" = i64, Path, description = "The house's id.")),
    responses(
        (status = 200, description = "The house.", body = HouseJson),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<HouseJson>, ApiError> {
    Ok(Json(
        houses::house(state.db(), user.person(), id).await?.into(),
    ))
}

/// Read a house's history
///
/// Every change of the record, who made it and when; newest first, at most 100.
#[utoipa::path(
    get,
    path = "/api/houses/{id}/history",
    tag = "houses",
    operation_id = "readHouseHistory",
    params(("id" = i64, Path, description = "The house's id.")),
    responses(
        (status = 200, description = "The history.", body = History),
        (status = 404, response = NotFound),
    )
)]
async fn history(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<History>, ApiError> {
    let (_, rows) = houses::with_history(state.db(), user.person(), id).await?;
    Ok(Json(History::of(rows)))
}

/// A house's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseFields {
    /// Its standard address (标准地址): unique, however it is spelt.
    #[schema(schema_with = schemas::standard_address)]
    pub address: String,
    /// What it is used for.
    #[schema(schema_with = schemas::usage)]
    pub usage: String,
    /// Degrees north (WGS 84), with `longitude`.
    #[serde(default)]
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub latitude: Option<f64>,
    /// Degrees east (WGS 84), with `latitude`.
    #[serde(default)]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub longitude: Option<f64>,
    /// The grid, when the coordinates do not find it (or to check they find this one).
    #[serde(default)]
    #[schema(schema_with = schemas::grid_code)]
    pub grid_code: Option<String>,
}

impl From<HouseFields> for HouseForm {
    fn from(fields: HouseFields) -> Self {
        let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        Self {
            address: fields.address,
            usage: fields.usage,
            latitude: number(fields.latitude),
            longitude: number(fields.longitude),
            grid_code: fields.grid_code.unwrap_or_default(),
        }
    }
}

/// Add a house
///
/// Grid workers and unit admins over its grid. Checked as the import checks a row; its
/// grid is the one whose boundary holds its coordinates among the caller's grids (关联核录),
/// else the one named. Audited `house.added`.
#[utoipa::path(
    post,
    path = "/api/houses",
    tag = "houses",
    operation_id = "addHouse",
    request_body = HouseFields,
    responses(
        (status = 201, description = "Added: the house with the grid it lies in.", body = HouseJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn add(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<HouseFields>,
) -> Result<(StatusCode, Json<HouseJson>), ApiError> {
    let house = houses::add(state.db(), user.person(), &body.into()).await?;
    Ok((StatusCode::CREATED, Json(house.into())))
}

/// A house's fields, at the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseChange {
    /// The `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// Its standard address, as it is to be.
    #[schema(schema_with = schemas::standard_address)]
    pub address: String,
    /// What it is used for.
    #[schema(schema_with = schemas::usage)]
    pub usage: String,
    /// Degrees north (WGS 84), with `longitude`; `null` or left out for none.
    #[serde(default)]
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub latitude: Option<f64>,
    /// Degrees east (WGS 84), with `latitude`.
    #[serde(default)]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub longitude: Option<f64>,
    /// The grid, when the coordinates do not find it.
    #[serde(default)]
    #[schema(schema_with = schemas::grid_code)]
    pub grid_code: Option<String>,
}

/// A house after an edit.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditedHouse {
    /// The house as it stands, in the grid it now lies in.
    pub house: HouseJson,
    /// The grid it lay in before, when the edit moved it to another; else `null`.
    pub moved_from: Option<String>,
    /// The residents who moved with it.
    pub residents_moved: usize,
}

impl From<Edited> for EditedHouse {
    fn from(edited: Edited) -> Self {
        Self {
            house: edited.house.into(),
            moved_from: edited.moved_from,
            residents_moved: edited.residents_moved,
        }
    }
}

/// Edit a house
///
/// Grid workers and unit admins over its grid. Changed coordinates find its grid again
/// (关联核录) and the answer says which; a house that changes grid takes its households and
/// living residents along (each audited `resident.moved`). A stale `version` is a 409 with
/// the house as it stands. Audited `house.updated`.
#[utoipa::path(
    patch,
    path = "/api/houses/{id}",
    tag = "houses",
    operation_id = "editHouse",
    params(("id" = i64, Path, description = "The house's id.")),
    request_body = HouseChange,
    responses(
        (status = 200, description = "Saved.", body = EditedHouse),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first.", body = ConflictBody<EditedHouse>),
    )
)]
async fn edit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<HouseChange>,
) -> Result<SaveAnswer<EditedHouse>, ApiError> {
    let fields = HouseFields {
        address: body.address,
        usage: body.usage,
        latitude: body.latitude,
        longitude: body.longitude,
        grid_code: body.grid_code,
    };
    let saved = houses::edit(
        state.ground(),
        user.person(),
        id,
        body.version,
        &fields.into(),
    )
    .await?;
    Ok(SaveAnswer::of(saved))
}
