//! Keeping a resident's record over the JSON API: register (登记), edit, move (迁移) and
//! close (注销), each through its rule in `rules::base_data::residents`. A change names the
//! `version` it read; a stale one is a 409 with the record as it stands.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::ResidentJson;
use crate::http::api::error::ApiError;
use crate::http::api::numbers;
use crate::http::api::responses::{Forbidden, Invalid, NotFound};
use crate::http::api::saved::{ConflictBody, SaveAnswer};
use crate::http::api::schemas;
use crate::http::api::user::ApiUser;
use crate::rules::base_data::residents::{
    self, Close, Dwelling, Edit, Move, PersonFields, Registration,
};
use crate::state::AppState;

/// A resident to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResident {
    /// 姓名.
    #[schema(schema_with = schemas::resident_name)]
    pub name: String,
    /// 性别.
    #[schema(schema_with = schemas::gender)]
    pub gender: String,
    /// 出生日期.
    #[schema(schema_with = schemas::day)]
    pub birth_date: String,
    /// 身份证号: unique among all residents.
    #[schema(schema_with = schemas::id_number)]
    pub id_number: String,
    /// 电话.
    #[serde(default)]
    #[schema(schema_with = schemas::mobile)]
    pub phone: Option<String>,
    /// 人口类型.
    #[schema(schema_with = schemas::population_type)]
    pub population_type: String,
    /// The grid that keeps the resident.
    #[schema(schema_with = schemas::unit_code)]
    pub grid_code: String,
    /// Tags.
    #[serde(default)]
    #[schema(schema_with = schemas::tags)]
    pub tags: Vec<String>,
    /// The house they live in, of that grid.
    #[serde(default, deserialize_with = "numbers::optional_integer")]
    pub house_id: Option<i64>,
    /// Their household, of that grid.
    #[serde(default, deserialize_with = "numbers::optional_integer")]
    pub household_id: Option<i64>,
    /// Their relation to the household's head (`户主` or `head` for the head), with
    /// `household_id`.
    #[serde(default)]
    #[schema(schema_with = schemas::household_relation, nullable)]
    pub household_relation: Option<String>,
}

/// `household_id` with its relation, or a bad field when one comes without the other.
fn household_of(
    household_id: Option<i64>,
    relation: Option<String>,
) -> Result<Option<(i64, String)>, ApiError> {
    match (household_id, relation) {
        (None, None) => Ok(None),
        (Some(id), Some(relation)) => Ok(Some((id, relation))),
        (Some(_), None) => Err(crate::rules::RuleError::invalid(
            "household_relation",
            "give the relation to the head of the household with household_id",
        )
        .into()),
        (None, Some(_)) => Err(crate::rules::RuleError::invalid(
            "household_id",
            "a relation needs the household it is relative to",
        )
        .into()),
    }
}

/// Register a resident
///
/// Grid workers and unit admins over the grid. Every field is checked as the import
/// checks a row (the ID number against GB 11643 and the birth date and gender); a bad
/// field is a 400 naming it, with every problem in `problems`. Audited
/// `resident.registered`; plugins subscribed to `resident-changed` hear `added`.
#[utoipa::path(
    post,
    path = "/api/residents",
    tag = "residents",
    operation_id = "registerResident",
    request_body = NewResident,
    responses(
        (status = 201, description = "Registered.", body = ResidentJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub(super) async fn register(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<NewResident>,
) -> Result<(StatusCode, Json<ResidentJson>), ApiError> {
    let household = household_of(body.household_id, body.household_relation)?;
    let registration = Registration {
        fields: PersonFields {
            name: body.name,
            gender: body.gender,
            birth_date: body.birth_date,
            id_number: body.id_number,
            phone: body.phone.unwrap_or_default(),
            population_type: body.population_type,
            tags: body.tags,
        },
        grid_code: body.grid_code,
        dwelling: Dwelling {
            house_id: body.house_id,
            household,
        },
    };
    let shown = residents::register(state.ground(), user.person(), &registration).await?;
    Ok((StatusCode::CREATED, Json(shown.into())))
}

/// A change of a resident's record: each field given is changed, each left out stays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentChange {
    /// The `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// 姓名.
    #[schema(schema_with = schemas::resident_name)]
    pub name: Option<String>,
    /// 性别.
    #[schema(schema_with = schemas::gender)]
    pub gender: Option<String>,
    /// 出生日期.
    #[schema(schema_with = schemas::day)]
    pub birth_date: Option<String>,
    /// 身份证号.
    #[schema(schema_with = schemas::id_number)]
    pub id_number: Option<String>,
    /// 电话; `null` or blank clears it.
    #[serde(default, deserialize_with = "present_text")]
    #[schema(schema_with = schemas::mobile)]
    pub phone: Option<Option<String>>,
    /// 人口类型.
    #[schema(schema_with = schemas::population_type)]
    pub population_type: Option<String>,
    /// Every tag.
    #[schema(schema_with = schemas::tags)]
    pub tags: Option<Vec<String>>,
    /// The house, of the resident's grid; `null` for none.
    #[serde(default, deserialize_with = "numbers::present_integer")]
    #[schema(value_type = Option<i64>)]
    pub house_id: Option<Option<i64>>,
    /// The household, of the resident's grid, with `household_relation`; `null` for none.
    #[serde(default, deserialize_with = "numbers::present_integer")]
    #[schema(value_type = Option<i64>)]
    pub household_id: Option<Option<i64>>,
    /// The relation to the household's head, with `household_id`.
    #[schema(schema_with = schemas::household_relation, nullable)]
    pub household_relation: Option<String>,
}

/// Reads a field that may be left out, `null` or a string.
fn present_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Edit a resident
///
/// Grid workers and unit admins over the resident's grid; a living resident only (a closed
/// record is a 409). The fields are checked together as the import checks a row, the
/// house and household within the resident's grid. A `version` other than the record's
/// is a 409 with the record as it stands; nothing is overwritten. Audited
/// `resident.updated` with the fields changed; plugins hear `updated`.
#[utoipa::path(
    patch,
    path = "/api/residents/{id}",
    tag = "residents",
    operation_id = "editResident",
    params(("id" = i64, Path, description = "The resident's id.")),
    request_body = ResidentChange,
    responses(
        (status = 200, description = "Saved: the record as it stands.", body = ResidentJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first, or closed.", body = ConflictBody<ResidentJson>),
    )
)]
pub(super) async fn edit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ResidentChange>,
) -> Result<SaveAnswer<ResidentJson>, ApiError> {
    let household = match (body.household_id, body.household_relation) {
        (None, None) => None,
        (Some(None), _) => Some(None),
        (Some(Some(id)), Some(relation)) => Some(Some((id, relation))),
        (other_id, relation) => {
            household_of(other_id.flatten(), relation)?;
            None
        }
    };
    let edit = Edit {
        version: body.version,
        name: body.name,
        gender: body.gender,
        birth_date: body.birth_date,
        id_number: body.id_number,
        phone: body.phone.map(Option::unwrap_or_default),
        population_type: body.population_type,
        tags: body.tags,
        house_id: body.house_id,
        household,
    };
    let saved = residents::edit(state.ground(), user.person(), id, &edit).await?;
    Ok(SaveAnswer::of(saved))
}

/// Where a resident moves.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// The grid they now live in (their own, to change only the house or household).
    #[schema(schema_with = schemas::unit_code)]
    pub grid_code: String,
    /// The house, of that grid.
    #[serde(default, deserialize_with = "numbers::optional_integer")]
    pub house_id: Option<i64>,
    /// The household, of that grid, with `household_relation`.
    #[serde(default, deserialize_with = "numbers::optional_integer")]
    pub household_id: Option<i64>,
    /// The relation to the household's head.
    #[serde(default)]
    #[schema(schema_with = schemas::household_relation, nullable)]
    pub household_relation: Option<String>,
}

/// Move a resident
///
/// To another grid, house or household (迁移). The caller must keep the base data of both
/// grids; a grid outside their units is a 403 with the same words whether or not it
/// exists. The receiving grid's workers are told in its inbox. Audited `resident.moved`;
/// plugins hear `updated` (and `removed`, where they cover the old grid but not the new).
#[utoipa::path(
    post,
    path = "/api/residents/{id}/move",
    tag = "residents",
    operation_id = "moveResident",
    params(("id" = i64, Path, description = "The resident's id.")),
    request_body = MoveRequest,
    responses(
        (status = 200, description = "Moved: the record as it stands.", body = ResidentJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first, or closed.", body = ConflictBody<ResidentJson>),
    )
)]
pub(super) async fn relocate(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<MoveRequest>,
) -> Result<SaveAnswer<ResidentJson>, ApiError> {
    let household = household_of(body.household_id, body.household_relation)?;
    let to = Move {
        version: body.version,
        grid_code: body.grid_code,
        dwelling: Dwelling {
            house_id: body.house_id,
            household,
        },
    };
    let saved = residents::relocate(state.ground(), user.person(), id, &to).await?;
    Ok(SaveAnswer::of(saved))
}

/// Why and when a record is closed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// The `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// Why.
    #[schema(schema_with = schemas::close_reason)]
    pub reason: String,
    /// When it happened: not before the birth date, not after today.
    #[schema(schema_with = schemas::day)]
    pub on: String,
}

/// Close a resident's record
///
/// 注销: moved out (迁出) or deceased (死亡), with the day. The record is kept, no longer
/// counted or offered to plugins as a living resident; their open special-population
/// records are closed with it. Audited `resident.closed`; plugins hear `removed`.
#[utoipa::path(
    post,
    path = "/api/residents/{id}/close",
    tag = "residents",
    operation_id = "closeResident",
    params(("id" = i64, Path, description = "The resident's id.")),
    request_body = CloseRequest,
    responses(
        (status = 200, description = "Closed: the record as it stands.", body = ResidentJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first, or closed already.", body = ConflictBody<ResidentJson>),
    )
)]
pub(super) async fn close(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<CloseRequest>,
) -> Result<SaveAnswer<ResidentJson>, ApiError> {
    let close = Close {
        version: body.version,
        reason: body.reason,
        on: body.on,
    };
    let saved = residents::close(state.ground(), user.person(), id, &close).await?;
    Ok(SaveAnswer::of(saved))
}
