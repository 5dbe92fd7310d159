//! The JSON API's one error type. Each variant has one documented status; database and
//! internal errors become a generic 500 whose detail goes to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: a field is missing or malformed.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// 401: no valid session or token.
    #[error("sign in first")]
    Unauthorized,
    /// 401: wrong username or password (which one is not said).
    #[error("wrong username or password")]
    BadCredentials,
    /// 403: signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 409: the request does not fit the current state.
    #[error("{0}")]
    Conflict(String),
    /// 404: nothing there, or nothing the caller may see.
    #[error("{0} not found")]
    NotFound(String),
    /// 500: logged, not shown.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// `text` trimmed, if it has `min` to `max` characters; else `Invalid` naming `field`.
pub fn text_field<'a>(
    field: &'static str,
    text: &'a str,
    min: usize,
    max: usize,
) -> Result<&'a str, ApiError> {
    let text = text.trim();
    let chars = text.chars().count();
    if (min..=max).contains(&chars) {
        Ok(text)
    } else {
        Err(ApiError::Invalid {
            field,
            problem: format!("expected {min} to {max} characters, got {chars}"),
        })
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::Invalid { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Internal(error) => {
                tracing::error!("API request failed: {error:#}");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut body = json!({ "error": self.to_string() });
        if let Self::Invalid { field, .. } = &self {
            body["field"] = json!(field);
        }
        (status, Json(body)).into_response()
    }
}
