//! 实有单位/组织 over the JSON API (`rules::base_data::organizations`): a unit's
//! organizations page by page, contact phones masked, one with its history, registering
//! one in a grid and editing one at the version read.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::events::Created;
use super::history::HistoryEntry;
use super::numbers;
use super::paging::PageQuery;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::saved::{ConflictBody, SaveAnswer};
use super::schemas;
use super::user::ApiUser;
use crate::db::organizations::StoredOrganization;
use crate::rules::base_data::organizations::{self, NewRegistration};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, register))
        .routes(routes!(read, edit))
}

/// An organization (实有单位).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationJson {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its kind (stored name).
    pub kind: String,
    /// Its unified social credit code.
    pub credit_code: Option<String>,
    /// Its standard address.
    pub address: String,
    /// The registered house at that address.
    pub house_id: Option<i64>,
    /// Whom to contact.
    pub contact_name: Option<String>,
    /// Their phone, masked (`138****5678`).
    pub contact_phone: Option<String>,
    /// Its grid.
    pub grid_code: String,
    /// The version: a change names the one it read.
    pub version: i64,
}

impl From<StoredOrganization> for OrganizationJson {
    fn from(o: StoredOrganization) -> Self {
        Self {
            id: o.id,
            name: o.name,
            kind: o.kind,
            credit_code: o.credit_code,
            address: o.address,
            house_id: o.house_id,
            contact_name: o.contact_name,
            contact_phone: o.contact_phone,
            grid_code: o.grid_code,
            version: o.version,
        }
    }
}

/// A page of organizations.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationPage {
    /// The organizations, by grid and id.
    pub organizations: Vec<OrganizationJson>,
    /// The `after` of the next page; `null` on the last.
    pub next: Option<String>,
}

/// List a unit's organizations
///
/// Grid workers and unit admins over the unit; contact phones masked.
#[utoipa::path(
    get,
    path = "/api/organizations",
    tag = "organizations",
    operation_id = "listOrganizations",
    params(PageQuery),
    responses(
        (status = 200, description = "One page.", body = OrganizationPage),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<PageQuery>,
) -> Result<Json<OrganizationPage>, ApiError> {
    let (rows, next) = organizations::page(
        state.db(),
        user.person(),
        &query.unit,
        query.after.as_deref(),
        query.limit(),
    )
    .await?;
    Ok(Json(OrganizationPage {
        organizations: rows.into_iter().map(OrganizationJson::from).collect(),
        next,
    }))
}

/// An organization to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// Its name: 1 to 100 characters.
    #[schema(schema_with = schemas::organization_name)]
    pub name: String,
    /// Its kind.
    #[schema(schema_with = schemas::organization_kind)]
    pub kind: String,
    /// Its unified social credit code (GB 32100: 18 characters with a check character).
    #[schema(schema_with = schemas::credit_code)]
    pub credit_code: Option<String>,
    /// Its standard address: 1 to 200 characters. When it is a registered house's, the
    /// house's grid is the organization's unless `grid_code` says otherwise.
    #[schema(schema_with = schemas::standard_address)]
    pub address: String,
    /// Its grid's code; may be left out when `address` is a registered house's.
    #[schema(schema_with = schemas::grid_code)]
    pub grid_code: Option<String>,
    /// Whom to contact: at most 50 characters.
    #[schema(schema_with = schemas::contact_name)]
    pub contact_name: Option<String>,
    /// Their phone: at most 20 characters.
    #[schema(schema_with = schemas::contact_phone)]
    pub contact_phone: Option<String>,
}

/// Register an organization
///
/// Grid workers and unit admins over the grid. The credit code is checked (GB 32100); a
/// code already registered is a 409. Audited `organization.registered`.
#[utoipa::path(
    post,
    path = "/api/organizations",
    tag = "organizations",
    operation_id = "registerOrganization",
    request_body = NewOrganization,
    responses(
        (status = 201, description = "Registered.", body = Created),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn register(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<NewOrganization>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = organizations::register(
        state.db(),
        user.person(),
        &NewRegistration {
            name: &body.name,
            kind: &body.kind,
            credit_code: body.credit_code.as_deref(),
            address: &body.address,
            grid_code: body.grid_code.as_deref(),
            contact_name: body.contact_name.as_deref(),
            contact_phone: body.contact_phone.as_deref(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// An organization with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDetail {
    /// The organization, its contact phone masked.
    pub organization: OrganizationJson,
    /// Its changes, newest first.
    pub history: Vec<HistoryEntry>,
}

/// Read an organization
///
/// Grid workers and unit admins over its grid; anyone else gets a 404.
#[utoipa::path(
    get,
    path = "/api/organizations/{id}",
    tag = "organizations",
    operation_id = "readOrganization",
    params(("id" = i64, Path, description = "The organization's id.")),
    responses(
        (status = 200, description = "The organization.", body = OrganizationDetail),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<OrganizationDetail>, ApiError> {
    let (organization, rows) = organizations::get(state.db(), user.person(), id).await?;
    Ok(Json(OrganizationDetail {
        organization: organization.into(),
        history: super::history::History::of(rows).history,
    }))
}

/// An organization's fields as they are to be, at the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationChange {
    /// The `version` read.
    #[serde(deserialize_with = "numbers::integer")]
    pub version: i64,
    /// Its name: 1 to 100 characters.
    #[schema(schema_with = schemas::organization_name)]
    pub name: String,
    /// Its kind.
    #[schema(schema_with = schemas::organization_kind)]
    pub kind: String,
    /// Its unified social credit code (GB 32100).
    #[schema(schema_with = schemas::credit_code)]
    pub credit_code: Option<String>,
    /// Its standard address.
    #[schema(schema_with = schemas::standard_address)]
    pub address: String,
    /// Its grid's code; may be left out when `address` is a registered house's.
    #[schema(schema_with = schemas::grid_code)]
    pub grid_code: Option<String>,
    /// Whom to contact: at most 50 characters.
    #[schema(schema_with = schemas::contact_name)]
    pub contact_name: Option<String>,
    /// Their phone: at most 20 characters. Send it whole; the masked value read is no
    /// phone number.
    #[schema(schema_with = schemas::contact_phone)]
    pub contact_phone: Option<String>,
}

/// Edit an organization
///
/// Grid workers and unit admins over its grid and the grid it goes to; checked as when it
/// was registered. A stale `version` is a 409 with the organization as it stands. Audited
/// `organization.updated` with the fields changed.
#[utoipa::path(
    patch,
    path = "/api/organizations/{id}",
    tag = "organizations",
    operation_id = "editOrganization",
    params(("id" = i64, Path, description = "The organization's id.")),
    request_body = OrganizationChange,
    responses(
        (status = 200, description = "Saved.", body = OrganizationJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, description = "Changed by someone else first.", body = ConflictBody<OrganizationJson>),
    )
)]
async fn edit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<OrganizationChange>,
) -> Result<SaveAnswer<OrganizationJson>, ApiError> {
    let saved = organizations::edit(
        state.db(),
        user.person(),
        id,
        body.version,
        &NewRegistration {
            name: &body.name,
            kind: &body.kind,
            credit_code: body.credit_code.as_deref(),
            address: &body.address,
            grid_code: body.grid_code.as_deref(),
            contact_name: body.contact_name.as_deref(),
            contact_phone: body.contact_phone.as_deref(),
        },
    )
    .await?;
    Ok(SaveAnswer::of(saved))
}
