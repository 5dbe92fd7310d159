//! 实有房屋 and 户 over the JSON API (`rules::houses`): a unit's houses page by page, one
//! house, one household with its members.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::paging::PageQuery;
use super::responses::{Forbidden, Invalid, NotFound};
use super::user::ApiUser;
use crate::db::houses::StoredHouse;
use crate::rules::houses;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read))
        .routes(routes!(household))
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

/// A household (户).
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdJson {
    /// Its id.
    pub id: i64,
    /// Its registration number (户号).
    pub number: String,
    /// The house it lives in.
    pub house_id: Option<i64>,
    /// The grid.
    pub grid_code: String,
    /// The member whose relation is `head`.
    pub head_resident_id: Option<i64>,
    /// Every member's resident id, ascending.
    pub member_ids: Vec<i64>,
}

/// Read a household
///
/// Grid workers and unit admins over its grid; anyone else gets a 404.
#[utoipa::path(
    get,
    path = "/api/households/{id}",
    tag = "houses",
    operation_id = "readHousehold",
    params(("id" = i64, Path, description = "The household's id.")),
    responses(
        (status = 200, description = "The household.", body = HouseholdJson),
        (status = 404, response = NotFound),
    )
)]
async fn household(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<HouseholdJson>, ApiError> {
    let h = houses::household(state.db(), user.person(), id).await?;
    Ok(Json(HouseholdJson {
        id: h.id,
        number: h.number,
        house_id: h.house_id,
        grid_code: h.grid_code,
        head_resident_id: h.head_resident_id,
        member_ids: h.member_ids,
    }))
}
