//! One error shape for the whole JSON API, including the requests axum refuses before a
//! handler runs (a body that is not JSON or lacks a field, a query or path that does not
//! parse, a wrong content type, an oversized body). Those arrive as plain text; this layer
//! rewrites them as `{"error":{"code","message","field"}}`, keeping their status.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ErrorBody;

/// Longest rejection text read back; axum's are one line.
const MAX_REJECTION_BYTES: usize = 4096;

/// The field a serde message names (`missing field `title``, `unknown field `x``).
fn field_of(message: &str) -> Option<&str> {
    ["missing field `", "unknown field `"]
        .iter()
        .find_map(|marker| {
            let start = message.find(marker)? + marker.len();
            let end = start + message[start..].find('`')?;
            Some(&message[start..end])
        })
}

fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        _ => "invalid",
    }
}

/// Rewrites plain-text client errors of `/api/` and `/registry/api/` routes in the API's error shape.
pub async fn json_rejections(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = path.starts_with("/api/") || path.starts_with("/registry/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !is_api || !status.is_client_error() || !is_plain_text {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, MAX_REJECTION_BYTES)
        .await
        .unwrap_or_default();
    let message = String::from_utf8_lossy(&body).trim().to_owned();
    let message = if message.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("bad request")
            .to_owned()
    } else {
        message
    };
    let field = field_of(&message).map(str::to_owned);
    let body = ErrorBody::new(code_of(status), message, field);
    let mut rewritten = (status, axum::Json(body)).into_response();
    // The refusal's own headers stay (a 405's `Allow` above all); only the body changed.
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name, value.clone());
        }
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_their_field() {
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: missing field `title` at line 1 column 2"
            ),
            Some("title")
        );
        assert_eq!(
            field_of("Failed to deserialize query string: unknown field `unitt`, expected `unit`"),
            Some("unitt")
        );
        assert_eq!(
            field_of("Expected request with `Content-Type: application/json`"),
            None
        );
    }
}
