//! The signed-in user of a JSON API request, from `Authorization: Bearer TOKEN` or the
//! session cookie: a handler that takes an [`ApiUser`] answers 401 in the API's error shape
//! to anyone else. Every request made with a department's service-account token is audited
//! (`service_account.used`, with the method and path) before the handler runs.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::ApiError;
use crate::http::credentials::request_token;
use crate::rules::accounts;
use crate::rules::sessions::{self, SessionPerson};
use crate::rules::{Actor, Person};
use crate::state::AppState;

/// A signed-in user with their grants.
#[derive(Debug, Clone)]
pub struct ApiUser(pub SessionPerson);

impl ApiUser {
    /// Who, with what they hold.
    pub fn person(&self) -> &Person {
        &self.0.person
    }

    /// The user as the rules' actor.
    pub fn actor(&self) -> Actor<'_> {
        Actor::Person(&self.0.person)
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = request_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let found = sessions::person_of(state.db(), &token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if found.service {
            accounts::record_service_use(
                state.db(),
                &found.person,
                parts.method.as_str(),
                parts.uri.path(),
            )
            .await?;
        }
        Ok(Self(found))
    }
}
