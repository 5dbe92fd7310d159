//! Signing in and out (`/api/session`), who am I (`/api/me`) and granting and revoking
//! roles (`/api/grants`); the rules are `rules::sessions` and `rules::grants`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::responses::{Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized};
use super::schemas;
use super::user::ApiUser;
use crate::http::credentials::{CLEARED_COOKIE, session_cookie};
use crate::rules::{grants, sessions};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(me))
        .routes(routes!(grant, revoke))
}

/// A username and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The username (trimmed; only its first 64 characters count).
    pub username: String,
    /// The password.
    #[schema(format = Password)]
    pub password: String,
}

/// Who signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInUser {
    /// Their username.
    pub username: String,
    /// Their name as pages show it.
    pub display_name: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    /// The bearer token: send it as `Authorization: Bearer TOKEN`.
    pub token: String,
    /// When the session ends (ms since the epoch): 12 hours from now.
    pub expires_at: i64,
    /// Who signed in.
    pub user: SignedInUser,
}

/// Sign in
///
/// Anyone may call it. Checks the username and password and starts a session of 12 hours:
/// the token comes back in the body and in an HttpOnly, SameSite=Strict `wangge_session`
/// cookie. A wrong username or password is a 401 `bad_credentials` (which one is not
/// said). Failed attempts are audited; after five in 15 minutes the username is refused
/// (429) until the window passes, whether or not it exists.
#[utoipa::path(
    post,
    path = "/api/session",
    tag = "session",
    operation_id = "signIn",
    security(()),
    request_body = SignIn,
    responses(
        (status = 200, description = "Signed in.", body = Session, headers(
            ("set-cookie" = String, description = "`wangge_session=TOKEN; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`")
        )),
        (status = 401, response = Unauthorized),
        (status = 429, response = TooManyRequests),
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    Json(body): Json<SignIn>,
) -> Result<Response, ApiError> {
    let opened = sessions::sign_in(state.db(), &body.username, body.password).await?;
    let cookie = session_cookie(&opened.token)
        .ok_or_else(|| anyhow::anyhow!("a session token that is no header value"))?;
    let mut response = Json(Session {
        token: opened.token,
        expires_at: opened.expires_at,
        user: SignedInUser {
            username: opened.user.username,
            display_name: opened.user.display_name,
        },
    })
    .into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Sign out
///
/// Ends the session of the token (or cookie) sent and clears the cookie.
#[utoipa::path(
    delete,
    path = "/api/session",
    tag = "session",
    operation_id = "signOut",
    responses((status = 204, description = "Signed out; the cookie is cleared."))
)]
async fn sign_out(State(state): State<AppState>, user: ApiUser) -> Result<Response, ApiError> {
    sessions::sign_out(state.db(), &user.0.token_digest).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static(CLEARED_COOKIE));
    Ok(response)
}

/// A (role, unit) pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantJson {
    /// The role's name.
    pub role: String,
    /// The unit's code: the grant reaches its whole subtree.
    pub unit: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Their username.
    pub username: String,
    /// Their name as pages show it.
    pub display_name: String,
    /// Every role they hold, and where.
    pub grants: Vec<GrantJson>,
}

/// Who am I
///
/// The signed-in user and their (role, unit) grants.
#[utoipa::path(
    get,
    path = "/api/me",
    tag = "session",
    operation_id = "me",
    responses((status = 200, description = "The user.", body = Me))
)]
async fn me(user: ApiUser) -> Json<Me> {
    let person = user.person();
    Json(Me {
        username: person.user.username.clone(),
        display_name: person.user.display_name.clone(),
        grants: person
            .grants
            .0
            .iter()
            .map(|g| GrantJson {
                role: g.role.name().to_owned(),
                unit: g.unit_code.clone(),
            })
            .collect(),
    })
}

/// A role to grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// Whom to grant it to.
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    /// The role.
    #[schema(schema_with = schemas::role)]
    pub role: String,
    /// Where: the grant reaches the unit's whole subtree.
    #[schema(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
}

/// Grant a role
///
/// Unit admins (grid workers: `resident` in their grids); never above the granter's own
/// rank at the unit, never outside their subtree. Audited `grant.added`. An unknown unit
/// is a 400 naming `unit`; an unknown user a 404.
#[utoipa::path(
    post,
    path = "/api/grants",
    tag = "session",
    operation_id = "grantRole",
    request_body = GrantRequest,
    responses(
        (status = 201, description = "Granted."),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn grant(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<GrantRequest>,
) -> Result<StatusCode, ApiError> {
    grants::grant_role(
        state.db(),
        user.person(),
        &body.username,
        &body.role,
        &body.unit,
    )
    .await?;
    Ok(StatusCode::CREATED)
}

/// Revoke a role
///
/// Under the same rule as granting it: unit admins, never above their own rank at the
/// unit, never outside their subtree, never their own grants (409). The grant stops working
/// at the holder's next request. Audited `grant.revoked`. A grant not held is a 404.
#[utoipa::path(
    delete,
    path = "/api/grants",
    tag = "session",
    operation_id = "revokeRole",
    request_body = GrantRequest,
    responses(
        (status = 204, description = "Revoked."),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn revoke(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<GrantRequest>,
) -> Result<StatusCode, ApiError> {
    grants::revoke_role(
        state.db(),
        user.person(),
        &body.username,
        &body.role,
        &body.unit,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
