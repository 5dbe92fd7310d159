//! Sign-in and sign-out (`/api/session`), who am I (`/api/me`), and granting roles
//! (`/api/grants`).

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::api_error::ApiError;
use super::current_user::{CurrentUser, SESSION_COOKIE};
use crate::auth::{Grant, Role, password, token};
use crate::db::audit::AuditEntry;
use crate::db::now_ms;

/// How long a session lasts: a working day and then some.
const SESSION_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// Failed sign-ins for one username within [`FAILED_SIGN_IN_WINDOW_SECS`] after which
/// further attempts are refused until the window has passed: password guessing gets five
/// tries per quarter hour, not thousands.
const MAX_FAILED_SIGN_INS: i64 = 5;

/// The window failed sign-ins are counted over.
const FAILED_SIGN_IN_WINDOW_SECS: i64 = 15 * 60;

/// The audit action of a failed sign-in (also what the throttle counts).
const SIGN_IN_FAILED: &str = "session.sign_in_failed";

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/session", post(sign_in).delete(sign_out))
        .route("/api/me", get(me))
        .route("/api/grants", post(grant))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

/// A session opened by [`open_session`]: the token to hand out, when it expires, and whom
/// it is for.
pub(super) struct OpenedSession {
    /// The bearer token (also the cookie's value).
    pub token: String,
    /// When it expires (ms).
    pub expires_at: i64,
    /// Who signed in.
    pub user: crate::db::users::User,
}

/// Checks `username` and `password` (throttled, argon2 off the executor, failures audited)
/// and opens a session: what `POST /api/session` and the sign-in page both do.
pub(super) async fn open_session(
    state: &AppState,
    username: &str,
    password: String,
) -> Result<OpenedSession, ApiError> {
    let username = sign_in_name(username);
    refuse_if_throttled(state, &username).await?;
    let found = state.db().user_for_sign_in(&username).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let typed = password;
    // Argon2 takes tens of milliseconds of CPU: keep it off the async executor.
    let matches = tokio::task::spawn_blocking(move || {
        password::verify_in_constant_time(&typed, hash.as_deref())
    })
    .await
    .map_err(|e| anyhow::anyhow!("password check: {e}"))?;
    let Some(user) = user.filter(|_| matches) else {
        record_failed_sign_in(state, &username, json!({})).await?;
        return Err(ApiError::BadCredentials);
    };
    open_session_for(state, user).await
}

/// `username` as sign-in keys it (trimmed, at most 64 characters), also in the throttle.
pub(super) fn sign_in_name(username: &str) -> String {
    username.trim().chars().take(64).collect()
}

/// Refuses (429) a sign-in as `username` (see [`sign_in_name`]) after
/// [`MAX_FAILED_SIGN_INS`] failures within [`FAILED_SIGN_IN_WINDOW_SECS`], whether or not
/// the user exists.
pub(super) async fn refuse_if_throttled(state: &AppState, username: &str) -> Result<(), ApiError> {
    let since = now_ms() - FAILED_SIGN_IN_WINDOW_SECS * 1000;
    let failures = state
        .db()
        .audit_count_since(SIGN_IN_FAILED, &format!("user:{username}"), since)
        .await?;
    if failures >= MAX_FAILED_SIGN_INS {
        return Err(ApiError::TooManyRequests(format!(
            "{MAX_FAILED_SIGN_INS} failed sign-ins for this user in the last {} minutes; try again later",
            FAILED_SIGN_IN_WINDOW_SECS / 60
        )));
    }
    Ok(())
}

/// Audits a failed sign-in as `username` (see [`sign_in_name`]): what the throttle counts.
pub(super) async fn record_failed_sign_in(
    state: &AppState,
    username: &str,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    state
        .db()
        .audit(AuditEntry {
            actor: "anonymous",
            action: SIGN_IN_FAILED,
            subject: &format!("user:{username}"),
            unit_code: None,
            detail,
        })
        .await?;
    Ok(())
}

/// Opens a session for `user`, who has proved who they are.
pub(super) async fn open_session_for(
    state: &AppState,
    user: crate::db::users::User,
) -> Result<OpenedSession, ApiError> {
    let token = token::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let expires_at = now_ms() + SESSION_LIFETIME_SECS * 1000;
    state
        .db()
        .create_session(&token::digest(&token), user.id, expires_at)
        .await?;
    Ok(OpenedSession {
        token,
        expires_at,
        user,
    })
}

/// The `Set-Cookie` value carrying `token`: HttpOnly, SameSite=Strict, the whole site.
pub(super) fn session_cookie(token: &str) -> Result<HeaderValue, ApiError> {
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_LIFETIME_SECS}"
    );
    HeaderValue::try_from(cookie).map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))
}

/// The `Set-Cookie` value that removes the session cookie.
pub(super) const CLEARED_COOKIE: &str =
    "wangge_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";

async fn sign_in(
    State(state): State<AppState>,
    Json(body): Json<SignIn>,
) -> Result<Response, ApiError> {
    let opened = open_session(&state, &body.username, body.password).await?;
    let mut response = Json(json!({
        "token": opened.token,
        "expires_at": opened.expires_at,
        "user": { "username": opened.user.username, "display_name": opened.user.display_name },
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&opened.token)?);
    Ok(response)
}

async fn sign_out(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, ApiError> {
    state.db().delete_session(&current.token_digest).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static(CLEARED_COOKIE));
    Ok(response)
}

async fn me(current: CurrentUser) -> Json<serde_json::Value> {
    let grants: Vec<_> = current
        .grants
        .0
        .iter()
        .map(|g| json!({ "role": g.role.name(), "unit": g.unit_code }))
        .collect();
    Json(json!({
        "username": current.user.username,
        "display_name": current.user.display_name,
        "grants": grants,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantRequest {
    username: String,
    role: String,
    unit: String,
}

async fn grant(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<GrantRequest>,
) -> Result<StatusCode, ApiError> {
    grant_role(&state, &current, &body.username, &body.role, &body.unit).await?;
    Ok(StatusCode::CREATED)
}

/// Grants `role` at `unit` to `username` on behalf of `current`: never above the granter's
/// own rank there, never outside their subtree (`Grants::may_grant`); audited
/// `grant.added`. What `POST /api/grants` and the admin console's user page both do.
pub(super) async fn grant_role(
    state: &AppState,
    current: &CurrentUser,
    username: &str,
    role: &str,
    unit: &str,
) -> Result<(), ApiError> {
    let role: Role = role.parse().map_err(|problem| ApiError::Invalid {
        field: "role",
        problem,
    })?;
    if state.db().unit(unit).await?.is_none() {
        return Err(ApiError::Invalid {
            field: "unit",
            problem: format!("no unit with code `{unit}`"),
        });
    }
    current
        .grants
        .may_grant(role, unit)
        .map_err(|e| ApiError::Forbidden(e.to_string()))?;
    let (user, _) = state
        .db()
        .user_for_sign_in(username)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("user `{username}`")))?;
    let actor = format!("user:{}", current.user.username);
    let grant = Grant {
        role,
        unit_code: unit.to_owned(),
    };
    state.db().add_grant(user.id, &grant, &actor).await?;
    state
        .db()
        .audit(AuditEntry {
            actor: &actor,
            action: "grant.added",
            subject: &format!("user:{}", user.username),
            unit_code: Some(unit),
            detail: json!({ "role": role.name() }),
        })
        .await?;
    Ok(())
}
