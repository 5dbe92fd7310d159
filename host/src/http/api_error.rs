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
    /// 400: a custom field of the event's category (`attributes.NAME`) is missing, unknown
    /// or malformed. Apart from `Invalid` because its name is only known at run time.
    #[error("attributes.{name}: {problem}")]
    InvalidAttribute {
        /// The field's name in the category's schema.
        name: String,
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
    /// 429: too many attempts; try again later.
    #[error("{0}")]
    TooManyRequests(String),
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

impl ApiError {
    /// The stable, machine-readable code of the error (`error.code` in the body): one per
    /// variant, so clients branch on it rather than on the message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } | Self::InvalidAttribute { .. } => "invalid",
            Self::Unauthorized => "unauthorized",
            Self::BadCredentials => "bad_credentials",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::NotFound(_) => "not_found",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Internal(_) => "internal",
        }
    }
}

impl ApiError {
    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid { .. } | Self::InvalidAttribute { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Internal(error) = &self {
            tracing::error!("API request failed: {error:#}");
        }
        let field = match &self {
            Self::Invalid { field, .. } => Some((*field).to_owned()),
            Self::InvalidAttribute { name, .. } => Some(format!("attributes.{name}")),
            _ => None,
        };
        let body = json!({
            "error": { "code": self.code(), "message": self.to_string(), "field": field }
        });
        (status, Json(body)).into_response()
    }
}
