//! Who is calling: the `api_key` parameter or an `Authorization: Bearer` header, both a
//! session token from `POST /api/session`. The session cookie is not accepted here, so a
//! form posted from another site can never report in a signed-in user's name.

use axum::http::{HeaderMap, StatusCode, header};

use super::error::Open311Error;
use crate::auth::{Grants, token};
use crate::http::AppState;

/// A signed-in caller.
pub(super) struct Caller {
    /// Their username.
    pub username: String,
    /// What they hold.
    pub grants: Grants,
}

/// The caller of a request with `api_key` (a parameter) and `headers`.
pub(super) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    api_key: Option<&str>,
) -> Result<Caller, Open311Error> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(key) = api_key.or(bearer).map(str::trim).filter(|k| !k.is_empty()) else {
        return Err(Open311Error::new(
            StatusCode::UNAUTHORIZED,
            "api_key is required: the token that POST /api/session returns",
        ));
    };
    let user = state
        .db()
        .session_user(&token::digest(key))
        .await?
        .ok_or_else(|| {
            Open311Error::new(
                StatusCode::FORBIDDEN,
                "invalid api_key: the session has ended or never existed; sign in again",
            )
        })?;
    let grants = state.db().grants_of(user.id).await?;
    Ok(Caller {
        username: user.username,
        grants,
    })
}
