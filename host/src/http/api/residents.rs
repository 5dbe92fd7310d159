//! 实有人口 over the JSON API: a unit's residents with ID numbers and phones masked, and the
//! audited unmasked read (`rules::residents`).

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::paging::PageQuery;
use super::responses::{Forbidden, Invalid, NotFound};
use super::user::ApiUser;
use crate::rules::residents::{self, Shown};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(unmask))
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
    /// Tags (plugins' and the import's).
    pub tags: Vec<String>,
    /// The household.
    pub household_id: Option<i64>,
    /// Relation to the household's head (`head` for the head).
    pub household_relation: Option<String>,
    /// The house.
    pub house_id: Option<i64>,
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
        }
    }
}

/// A page of residents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentPage {
    /// The residents, by grid and id.
    pub residents: Vec<ResidentJson>,
    /// The `after` of the next page; `null` on the last.
    pub next: Option<String>,
}

/// List a unit's residents
///
/// Grid workers and unit admins over the unit. ID numbers and phones are masked.
#[utoipa::path(
    get,
    path = "/api/residents",
    tag = "residents",
    operation_id = "listResidents",
    params(PageQuery),
    responses(
        (status = 200, description = "One page.", body = ResidentPage),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<PageQuery>,
) -> Result<Json<ResidentPage>, ApiError> {
    let (rows, next) = residents::page(
        state.db(),
        user.person(),
        &query.unit,
        query.after.as_deref(),
        query.limit(),
    )
    .await?;
    Ok(Json(ResidentPage {
        residents: rows.into_iter().map(ResidentJson::from).collect(),
        next,
    }))
}

/// Why the unmasked record is needed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmaskRequest {
    /// The reason, for the audit log: at least 4 characters once trimmed.
    #[schema(schema_with = super::schemas::unmask_reason)]
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
