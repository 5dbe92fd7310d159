//! The media type a request body says it is (`Content-Type` without its parameters,
//! lower-cased), for the operations that take more than one.

use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;

/// The body's media type, `""` when none is given.
pub fn of(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}
