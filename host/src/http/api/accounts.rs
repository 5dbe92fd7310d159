//! Accounts over the JSON API (`rules::accounts`), for unit admins: people's accounts
//! created, given a new password and linked to their resident record; departments'
//! service accounts created (the token shown once), listed and revoked.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::numbers;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::schemas;
use super::user::ApiUser;
use crate::db::accounts::ServiceAccount;
use crate::rules::accounts;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user))
        .routes(routes!(reset_password))
        .routes(routes!(link_resident))
        .routes(routes!(list_service_accounts, create_service_account))
        .routes(routes!(revoke_service_account))
}

/// A person's account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The sign-in name: unique.
    #[schema(schema_with = schemas::username)]
    pub username: String,
    /// The name pages show.
    #[schema(schema_with = schemas::display_name)]
    pub display_name: String,
    /// The first password.
    #[schema(schema_with = schemas::password)]
    pub password: String,
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserJson {
    /// Its id.
    pub id: i64,
    /// The sign-in name.
    pub username: String,
    /// The name pages show.
    pub display_name: String,
}

/// Create a user
///
/// Unit admins; the new account holds nothing until granted a role (`POST /api/grants`).
/// A name taken is a 409. Audited `user.created`.
#[utoipa::path(
    post,
    path = "/api/users",
    tag = "accounts",
    operation_id = "createUser",
    request_body = NewUser,
    responses(
        (status = 201, description = "Created.", body = UserJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn create_user(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<UserJson>), ApiError> {
    let created = accounts::create_user(
        state.db(),
        user.person(),
        &body.username,
        &body.display_name,
        body.password,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(UserJson {
            id: created.id,
            username: created.username,
            display_name: created.display_name,
        }),
    ))
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    /// The password.
    #[schema(schema_with = schemas::password)]
    pub password: String,
}

/// Reset a user's password
///
/// Unit admins, for users whose every grant lies in their subtrees and ranks no higher
/// than theirs (anyone else is a 404). Every session of the user ends. Audited
/// `user.password_reset`.
#[utoipa::path(
    post,
    path = "/api/users/{username}/password",
    tag = "accounts",
    operation_id = "resetPassword",
    params(("username" = String, Path, description = "The user's sign-in name.")),
    request_body = NewPassword,
    responses(
        (status = 204, description = "Reset."),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn reset_password(
    State(state): State<AppState>,
    user: ApiUser,
    Path(username): Path<String>,
    Json(body): Json<NewPassword>,
) -> Result<StatusCode, ApiError> {
    accounts::reset_password(state.db(), user.person(), &username, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The resident record to link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentLink {
    /// The resident's id, in the admin's units.
    #[serde(deserialize_with = "numbers::integer")]
    pub resident_id: i64,
}

/// Link a user to their resident record
///
/// Unit admins, for users they manage and residents of their units (else a 404); with the
/// `resident` role the user then reads that resident's inbox. Audited
/// `user.resident-linked`.
#[utoipa::path(
    post,
    path = "/api/users/{username}/resident",
    tag = "accounts",
    operation_id = "linkResident",
    params(("username" = String, Path, description = "The user's sign-in name.")),
    request_body = ResidentLink,
    responses(
        (status = 204, description = "Linked."),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn link_resident(
    State(state): State<AppState>,
    user: ApiUser,
    Path(username): Path<String>,
    Json(body): Json<ResidentLink>,
) -> Result<StatusCode, ApiError> {
    accounts::link_resident(state.db(), user.person(), &username, body.resident_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A department's service account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAccountJson {
    /// Its id.
    pub id: i64,
    /// Its sign-in name (`svc-…`), as the audit log names it.
    pub username: String,
    /// The department.
    pub display_name: String,
    /// The unit of its one grant.
    pub unit: String,
    /// The role of its one grant.
    pub role: String,
    /// Who created it.
    pub created_by: String,
    /// When (ms since the epoch).
    pub created_at: i64,
    /// When it was revoked; `null` while it works.
    pub revoked_at: Option<i64>,
}

impl From<ServiceAccount> for ServiceAccountJson {
    fn from(a: ServiceAccount) -> Self {
        Self {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            unit: a.unit_code,
            role: a.role,
            created_by: a.created_by,
            created_at: a.created_at,
            revoked_at: a.revoked_at,
        }
    }
}

/// The service accounts an admin sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAccounts {
    /// At or below the admin's units, newest first.
    pub service_accounts: Vec<ServiceAccountJson>,
}

/// List service accounts
///
/// Unit admins: the accounts at or below their units, revoked ones too.
#[utoipa::path(
    get,
    path = "/api/service-accounts",
    tag = "accounts",
    operation_id = "listServiceAccounts",
    responses(
        (status = 200, description = "The accounts.", body = ServiceAccounts),
    )
)]
async fn list_service_accounts(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<ServiceAccounts>, ApiError> {
    let listed = accounts::service_accounts(state.db(), user.person()).await?;
    Ok(Json(ServiceAccounts {
        service_accounts: listed.into_iter().map(ServiceAccountJson::from).collect(),
    }))
}

/// A service account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServiceAccount {
    /// Its sign-in name, `svc-…`: unique.
    #[schema(schema_with = schemas::service_username)]
    pub username: String,
    /// The department (社保局, 医保局 …).
    #[schema(schema_with = schemas::display_name)]
    pub display_name: String,
    /// The role of its one grant.
    #[schema(schema_with = schemas::service_role)]
    pub role: String,
    /// The unit of its one grant, where the creator is unit admin.
    #[schema(schema_with = schemas::unit_code)]
    pub unit: String,
}

/// A service account just created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedServiceAccount {
    /// The account.
    pub service_account: ServiceAccountJson,
    /// Its bearer token: shown this once (stored as a digest only), sent as
    /// `Authorization: Bearer TOKEN`; it lasts until revoked.
    pub token: String,
}

/// Create a service account
///
/// Unit admins, at a unit of theirs. A named machine credential for a department's
/// pushes (`/api/imports/…`): one grant, a token shown once, every use audited
/// (`service_account.used`). A name taken is a 409. Audited `service_account.created`.
#[utoipa::path(
    post,
    path = "/api/service-accounts",
    tag = "accounts",
    operation_id = "createServiceAccount",
    request_body = NewServiceAccount,
    responses(
        (status = 201, description = "Created.", body = CreatedServiceAccount),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn create_service_account(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<NewServiceAccount>,
) -> Result<(StatusCode, Json<CreatedServiceAccount>), ApiError> {
    let created = accounts::create_service_account(
        state.db(),
        user.person(),
        &body.username,
        &body.display_name,
        &body.role,
        &body.unit,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedServiceAccount {
            service_account: created.account.into(),
            token: created.token,
        }),
    ))
}

/// Revoke a service account
///
/// Unit admins over its unit (anyone else gets a 404): its token and grant stop working at
/// once; the account stays listed as revoked. Audited `service_account.revoked`.
#[utoipa::path(
    delete,
    path = "/api/service-accounts/{id}",
    tag = "accounts",
    operation_id = "revokeServiceAccount",
    params(("id" = i64, Path, description = "The account's id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn revoke_service_account(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_service_account(state.db(), user.person(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
