//! The signed-in user of a request: from `Authorization: Bearer TOKEN` (API clients) or the
//! `wangge_session` cookie (pages).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use super::AppState;
use super::api_error::ApiError;
use crate::auth::{Grants, token};
use crate::db::users::User;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "wangge_session";

/// A signed-in user with their grants.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// Who.
    pub user: User,
    /// What they hold.
    pub grants: Grants,
    /// The digest of the session token used.
    pub token_digest: String,
}

/// The session token a request carries, if any.
pub fn request_token(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_owned());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE).then(|| value.to_owned())
        })
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = request_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let token_digest = token::digest(&token);
        let user = state
            .db()
            .session_user(&token_digest)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let grants = state.db().grants_of(user.id).await?;
        Ok(Self {
            user,
            grants,
            token_digest,
        })
    }
}
