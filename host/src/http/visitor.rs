//! Who is visiting a page: nobody looked up (error pages rendered before anything is
//! known), nobody signed in, or a signed-in person with their grants and linked resident
//! record. The one visitor type of the pages, their navigation and the plugin pages.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::credentials::request_token;
use super::pages::frame::error::PageError;
use crate::rules::sessions::{self, SessionPerson};
use crate::rules::{Actor, Person};
use crate::state::AppState;

/// Who is visiting.
#[derive(Debug, Clone)]
pub enum Visitor {
    /// Not looked up: the navigation shows neither a sign-in link nor a name.
    Unknown,
    /// No valid session (none, or an expired one).
    Anonymous,
    /// Signed in.
    SignedIn(SessionPerson),
}

impl Visitor {
    /// The signed-in person, if any.
    pub fn person(&self) -> Option<&Person> {
        match self {
            Self::SignedIn(signed_in) => Some(&signed_in.person),
            Self::Unknown | Self::Anonymous => None,
        }
    }

    /// The signed-in session, if any.
    pub fn signed_in(&self) -> Option<&SessionPerson> {
        match self {
            Self::SignedIn(signed_in) => Some(signed_in),
            Self::Unknown | Self::Anonymous => None,
        }
    }

    /// The signed-in person as the rules' actor, if any.
    pub fn actor(&self) -> Option<Actor<'_>> {
        self.person().map(Actor::Person)
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;

    /// Looks the session up once; a missing or expired one is [`Visitor::Anonymous`].
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let Some(token) = request_token(&parts.headers) else {
            return Ok(Self::Anonymous);
        };
        let found = sessions::person_of(state.db(), &token)
            .await
            .map_err(|e| PageError::Internal(anyhow::anyhow!("session look-up: {e}")))?;
        // A service account's token is a machine credential for the JSON API: pages treat
        // it as no session at all.
        Ok(found
            .filter(|signed_in| !signed_in.service)
            .map_or(Self::Anonymous, Self::SignedIn))
    }
}
