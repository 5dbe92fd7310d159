//! How a request carries its session: `Authorization: Bearer TOKEN` (API clients, Open311's
//! `api_key` aside) or the `wangge_session` cookie (pages), and the cookie the host sets:
//! HttpOnly, SameSite=Strict, the whole site, as long as the session lasts.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::rules::sessions::SESSION_LIFETIME_SECS;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "wangge_session";

/// The `Set-Cookie` value that removes the session cookie.
pub const CLEARED_COOKIE: &str = "wangge_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";

/// The session token a request carries, if any: the bearer token first, else the cookie.
pub fn request_token(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = bearer_token(headers) {
        return Some(bearer.to_owned());
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

/// The `Authorization: Bearer` token, trimmed, if the request has one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Whether the request carries the session cookie (valid or not).
pub fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, _)| name == SESSION_COOKIE)
}

/// The `Set-Cookie` value carrying `token`. A token is URL-safe base64 from
/// `auth::token::generate`, always a valid header value; `None` only if that ever changed.
pub fn session_cookie(token: &str) -> Option<HeaderValue> {
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_LIFETIME_SECS}"
    );
    HeaderValue::try_from(cookie).ok()
}
