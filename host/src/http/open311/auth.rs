//! Who is calling: the `api_key` parameter or an `Authorization: Bearer` header, both a
//! session token from `POST /api/session`. The session cookie is not accepted here, so a
//! form posted from another site can never report in a signed-in user's name.

use axum::http::{HeaderMap, StatusCode};

use super::error::Open311Error;
use crate::http::credentials::bearer_token;
use crate::rules::Person;
use crate::rules::accounts;
use crate::rules::sessions;
use crate::state::AppState;

/// The signed-in caller of a request with `api_key` (a parameter) and `headers`.
pub(super) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    api_key: Option<&str>,
) -> Result<Person, Open311Error> {
    let Some(key) = api_key
        .or(bearer_token(headers))
        .map(str::trim)
        .filter(|k| !k.is_empty())
    else {
        return Err(Open311Error::new(
            StatusCode::UNAUTHORIZED,
            "api_key is required: the token that POST /api/session returns",
        ));
    };
    let found = sessions::person_of(state.db(), key).await?;
    let signed_in = found.ok_or_else(|| {
        Open311Error::new(
            StatusCode::FORBIDDEN,
            "invalid api_key: the session has ended or never existed; sign in again",
        )
    })?;
    if signed_in.service {
        accounts::record_service_use(state.db(), &signed_in.person, "open311", "/open311/v2")
            .await?;
    }
    Ok(signed_in.person)
}

/// The signed-in caller if the request carries a key (a bad key is refused as in
/// [`caller`]); `None` for an anonymous request, which may read only the public view.
pub(super) async fn caller_if_any(
    state: &AppState,
    headers: &HeaderMap,
    api_key: Option<&str>,
) -> Result<Option<Person>, Open311Error> {
    let given = api_key
        .or(bearer_token(headers))
        .is_some_and(|k| !k.trim().is_empty());
    if !given {
        return Ok(None);
    }
    caller(state, headers, api_key).await.map(Some)
}
