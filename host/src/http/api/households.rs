//! 户 over the JSON API (`rules::base_data::households`): one household with its members and
//! history, a household created, its head changed, members added and removed (each a
//! change of the member's resident record, made at the version read).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::history::{History, HistoryEntry};
use super::numbers;
use super::residents::ResidentJson;
use super::responses::{Forbidden, Invalid, NotFound};
use super::saved::{ConflictBody, SaveAnswer};
use super::schemas;
use super::user::ApiUser;
use crate::db::houses::StoredHousehold;
use crate::rules::base_data::households::{self, NewHousehold};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(read))
        .routes(routes!(change_head))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
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
    /// Every living member's resident id, ascending.
    pub member_ids: Vec<i64>,
    /// The version: changing the head names the one it read.
    pub version: i64,
}

impl From<StoredHousehold> for HouseholdJson {
    fn from(h: StoredHousehold) -> Self {
        Self {
            id: h.id,
            number: h.number,
            house_id: h.house_id,
            grid_code: h.grid_code,
            head_resident_id: h.head_resident_id,
            member_ids: h.member_ids,
            version: h.version,
        }
    }
}

/// A household with its members and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdDetail {
    /// The household.
    pub household: HouseholdJson,
    /// Its living members, masked.
    pub members: Vec<ResidentJson>,
    /// Its own changes (created, head changed), newest first.
    pub history: Vec<HistoryEntry>,
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
        (status = 200, description = "The household.", body = HouseholdDetail),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<HouseholdDetail>, ApiError> {
    let (household, members, rows) =
        households::with_members(state.db(), user.person(), id).await?;
    Ok(Json(HouseholdDetail {
        household: household.into(),
        members: members.into_iter().map(ResidentJson::from).collect(),
        history: History::of(rows).history,
    }))
}

/// A household to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHouseholdJson {
    /// 户号: unique.
    #[schema(schema_with = schemas::household_number)]
    pub number: String,
    /// Its grid.
    #[schema(schema_with = schemas::unit_code)]
    pub grid_code: String,
    /// Its house, of that grid.
    #[serde(default, deserialize_with = "numbers::optional_integer")]
    pub house_id: Option<i64>,
}

/// Create a household
///
/// Grid workers and unit admins over the grid; members join it with
/// `POST /api/households/{id}/members`. Audited `household.created`.
#[utoipa::path(
    post,
    path = "/api/households",
    tag = "houses",
    operation_id = "createHousehold",
    request_body = NewHouseholdJson,
    responses(
        (status = 201, description = "Created.", body = HouseholdJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<NewHouseholdJson>,
) -> Result<(StatusCode, Json<HouseholdJson>), ApiError> {
    let household = households::create(
        state.db(),
        user.person(),
        &NewHousehold {
            number: body.number,
            grid_code: body.grid_code,
            house_id: body.house_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(household.into())))
}

/// A new head.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeadChange {
    /// The household's `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// The member who becomes the head.
    #[serde(deserialize_with = "numbers::integer")]
    pub resident_id: i64,
    /// The former head's relation to the new one.
    #[schema(schema_with = schemas::household_relation)]
    pub former_relation: String,
}

/// Change a household's head
///
/// The member named becomes the head (户主); the former head takes `former_relation`.
/// Audited `household.head_changed`.
#[utoipa::path(
    post,
    path = "/api/households/{id}/head",
    tag = "houses",
    operation_id = "changeHouseholdHead",
    params(("id" = i64, Path, description = "The household's id.")),
    request_body = HeadChange,
    responses(
        (status = 200, description = "Changed.", body = HouseholdJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first.", body = ConflictBody<HouseholdJson>),
    )
)]
async fn change_head(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<HeadChange>,
) -> Result<SaveAnswer<HouseholdJson>, ApiError> {
    let saved = households::change_head(
        state.db(),
        user.person(),
        id,
        body.version,
        body.resident_id,
        &body.former_relation,
    )
    .await?;
    Ok(SaveAnswer::of(saved))
}

/// A member to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// The resident, of the household's grid.
    #[serde(deserialize_with = "numbers::integer")]
    pub resident_id: i64,
    /// The resident record's `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// Their relation to the head (`户主` only for a household without one).
    #[schema(schema_with = schemas::household_relation)]
    pub relation: String,
}

/// Add a member to a household
///
/// A living resident of the household's grid joins it (leaving any other). A change of the
/// resident's record: audited `resident.updated`, a stale `version` a 409.
#[utoipa::path(
    post,
    path = "/api/households/{id}/members",
    tag = "houses",
    operation_id = "addHouseholdMember",
    params(("id" = i64, Path, description = "The household's id.")),
    request_body = NewMember,
    responses(
        (status = 200, description = "Added: the resident as they stand.", body = ResidentJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "The resident changed first, or is closed.", body = ConflictBody<ResidentJson>),
    )
)]
async fn add_member(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<NewMember>,
) -> Result<SaveAnswer<ResidentJson>, ApiError> {
    let saved = households::add_member(
        state.ground(),
        user.person(),
        id,
        body.resident_id,
        body.version,
        &body.relation,
    )
    .await?;
    Ok(SaveAnswer::of(saved))
}

/// The version of the member's record read.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The resident record's `version` read.
    pub version: i64,
}

/// Remove a member from a household
///
/// The head leaves last (with other members, change the head first: a 409). A change of
/// the resident's record: audited `resident.updated`, a stale `version` a 409.
#[utoipa::path(
    delete,
    path = "/api/households/{id}/members/{resident_id}",
    tag = "houses",
    operation_id = "removeHouseholdMember",
    params(
        ("id" = i64, Path, description = "The household's id."),
        ("resident_id" = i64, Path, description = "The member's resident id."),
        VersionQuery,
    ),
    responses(
        (status = 200, description = "Removed: the resident as they stand.", body = ResidentJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "The resident changed first, or is the head of others.", body = ConflictBody<ResidentJson>),
    )
)]
async fn remove_member(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, resident_id)): Path<(i64, i64)>,
    Query(query): Query<VersionQuery>,
) -> Result<SaveAnswer<ResidentJson>, ApiError> {
    let saved = households::remove_member(
        state.ground(),
        user.person(),
        id,
        resident_id,
        query.version,
    )
    .await?;
    Ok(SaveAnswer::of(saved))
}
