//! 实有人口 over the JSON API (`rules::base_data::residents`): a unit's residents page by
//! page or searched, one record and its history, with ID numbers and phones masked; the
//! audited unmasked read; and keeping the record (`keep`: register, edit, move, close).

mod keep;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::history::History;
use super::responses::{Forbidden, Invalid, NotFound};
use super::schemas;
use super::user::ApiUser;
use crate::rules::base_data::residents::{self, SearchBy, Shown};
use crate::rules::paging::clamped_limit;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, keep::register))
        .routes(routes!(read, keep::edit))
        .routes(routes!(history))
        .routes(routes!(unmask))
        .routes(routes!(keep::relocate))
        .routes(routes!(keep::close))
}

/// When and why a record was closed (注销).
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedJson {
    /// `moved-out` (迁出) or `deceased` (死亡).
    pub reason: String,
    /// The day it happened.
    #[schema(format = Date)]
    pub on: String,
}

/// A resident.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentJson {
    /// Its id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `male` or `female`.
    pub gender: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub birth_date: String,
    /// The GB 11643 ID number, masked (`420202********1234`) unless unmasked.
    pub id_number: String,
    /// The phone, masked (`138****5678`) unless unmasked.
    pub phone: Option<String>,
    /// `registered`, `floating`, `left-behind` or `foreign`.
    pub population_type: String,
    /// The grid's code.
    pub grid_code: String,
    /// Tags (plugins', the import's and workers').
    pub tags: Vec<String>,
    /// The household.
    pub household_id: Option<i64>,
    /// Relation to the household's head (`head` for the head).
    pub household_relation: Option<String>,
    /// The house.
    pub house_id: Option<i64>,
    /// The version: a change names the one it read.
    pub version: i64,
    /// When and why the record was closed; `null` for a living resident.
    pub closed: Option<ClosedJson>,
    /// Whether a department push has carried the record (关联核录).
    pub verified: bool,
}

impl From<Shown> for ResidentJson {
    fn from(shown: Shown) -> Self {
        let r = shown.resident;
        Self {
            id: r.id,
            name: r.name,
            gender: r.gender,
            birth_date: r.birth_date,
            id_number: r.id_number,
            phone: r.phone,
            population_type: r.population_type,
            grid_code: r.grid_code,
            tags: r.tags,
            household_id: r.household_id,
            household_relation: r.household_relation,
            house_id: r.house_id,
            version: r.version,
            closed: r.closed.map(|c| ClosedJson {
                reason: c.reason,
                on: c.on,
            }),
            verified: r.verified_at.is_some(),
        }
    }
}

/// A page of residents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentPage {
    /// The residents: by grid and id, or for a search by name, by name and id.
    pub residents: Vec<ResidentJson>,
    /// The `after` of the next page; `null` on the last.
    pub next: Option<String>,
}

/// What to search by.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// The start of the name.
    Name,
    /// The whole ID number (audited).
    IdNumber,
    /// The whole phone number.
    Phone,
    /// The start of the standard address, in any of its common spellings.
    Address,
}

impl From<By> for SearchBy {
    fn from(by: By) -> Self {
        match by {
            By::Name => Self::Name,
            By::IdNumber => Self::IdNumber,
            By::Phone => Self::Phone,
            By::Address => Self::Address,
        }
    }
}

/// A page of a unit's residents, or of a search among them.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The unit's code: its whole subtree is listed or searched.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
    /// Search for this: a name's start, a whole ID number, a whole phone number or an
    /// address's start. Without it, every living resident is listed.
    #[param(schema_with = schemas::search_text)]
    pub q: Option<String>,
    /// What `q` is; guessed when left out (18 characters of an ID number, 11 digits of a
    /// mobile number, else a name).
    #[param(inline)]
    pub by: Option<By>,
    /// `GRID_CODE:ID` of the last row of the previous page (its `next`).
    #[param(pattern = r"^[0-9]{1,18}:-?[0-9]{1,18}$")]
    pub after: Option<String>,
    /// Rows per page: 1 to 200 (more is read as 200, fewer than 1 as 1).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// List or search a unit's residents
///
/// Grid workers and unit admins over the unit; living residents only, ID numbers and
/// phones masked. With `q`, a search: by name (its start), by whole ID number (the search
/// is audited `residents.searched_by_id_number`), by whole phone, or by address (its
/// start, however the address is spelt).
#[utoipa::path(
    get,
    path = "/api/residents",
    tag = "residents",
    operation_id = "listResidents",
    params(ListQuery),
    responses(
        (status = 200, description = "One page.", body = ResidentPage),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<ResidentPage>, ApiError> {
    let limit = clamped_limit(query.limit);
    let (rows, next) = match &query.q {
        Some(q) => {
            residents::search(
                state.db(),
                user.person(),
                &query.unit,
                q,
                query.by.map(SearchBy::from),
                query.after.as_deref(),
                limit,
            )
            .await?
        }
        None => {
            residents::page(
                state.db(),
                user.person(),
                &query.unit,
                query.after.as_deref(),
                limit,
            )
            .await?
        }
    };
    Ok(Json(ResidentPage {
        residents: rows.into_iter().map(ResidentJson::from).collect(),
        next,
    }))
}

/// Read a resident
///
/// Grid workers and unit admins over the resident's grid, living or closed; masked. Anyone
/// else gets a 404.
#[utoipa::path(
    get,
    path = "/api/residents/{id}",
    tag = "residents",
    operation_id = "readResident",
    params(("id" = i64, Path, description = "The resident's id.")),
    responses(
        (status = 200, description = "The record.", body = ResidentJson),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ResidentJson>, ApiError> {
    Ok(Json(
        residents::get(state.db(), user.person(), id).await?.into(),
    ))
}

/// Read a resident's history
///
/// Every change of the record (fields before and after, ID numbers and phones masked),
/// who made it and when, and every audited read of it; newest first, at most 100.
#[utoipa::path(
    get,
    path = "/api/residents/{id}/history",
    tag = "residents",
    operation_id = "readResidentHistory",
    params(("id" = i64, Path, description = "The resident's id.")),
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
    let rows = residents::history(state.db(), user.person(), id).await?;
    Ok(Json(History::of(rows)))
}

/// Why the unmasked record is needed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmaskRequest {
    /// The reason, for the audit log: at least 4 characters once trimmed.
    #[schema(schema_with = schemas::unmask_reason)]
    pub reason: String,
}

/// Read a resident unmasked
///
/// Holders of `sensitive-data` over the resident's grid; the reason goes to the audit log
/// (`resident.unmasked`). A resident the caller cannot see at all is a 404.
#[utoipa::path(
    post,
    path = "/api/residents/{id}/unmask",
    tag = "residents",
    operation_id = "unmaskResident",
    params(("id" = i64, Path, description = "The resident's id.")),
    request_body = UnmaskRequest,
    responses(
        (status = 200, description = "The record, unmasked.", body = ResidentJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn unmask(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<UnmaskRequest>,
) -> Result<Json<ResidentJson>, ApiError> {
    let shown = residents::unmask(state.db(), user.person(), id, &body.reason).await?;
    Ok(Json(ResidentJson::from(shown)))
}
