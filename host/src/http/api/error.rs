//! The JSON API's one error type. Every error has one shape, `{"error": {"code", "message",
//! "field"}}`; each kind has one documented status and one stable `code` for clients to
//! branch on. Internal errors become a generic 500 whose detail goes to the log, never to
//! the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::rules::RuleError;

/// An API failure: no session, or what a rule refused.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 401: no valid session or token.
    #[error("sign in first")]
    Unauthorized,
    /// What the rule said.
    #[error(transparent)]
    Rule(#[from] RuleError),
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::Rule(error.into())
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        Self::Rule(RuleError::Internal(error))
    }
}

impl ApiError {
    /// The stable, machine-readable code of the error (`error.code` in the body).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Rule(rule) => match rule {
                RuleError::Invalid { .. }
                | RuleError::InvalidAttribute { .. }
                | RuleError::InvalidFields(_) => "invalid",
                RuleError::BadCredentials => "bad_credentials",
                RuleError::Forbidden(_) => "forbidden",
                RuleError::Conflict(_) => "conflict",
                RuleError::NotFound(_) => "not_found",
                RuleError::TooManyRequests(_) => "too_many_requests",
                RuleError::Internal(_) => "internal",
            },
        }
    }

    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Rule(rule) => Self::status_of(rule),
        }
    }

    /// The HTTP status of what a rule refused: one per kind, for every door that speaks
    /// HTTP statuses (the JSON API, the registry API, Open311).
    pub fn status_of(rule: &RuleError) -> StatusCode {
        match rule {
            RuleError::Invalid { .. }
            | RuleError::InvalidAttribute { .. }
            | RuleError::InvalidFields(_) => StatusCode::BAD_REQUEST,
            RuleError::BadCredentials => StatusCode::UNAUTHORIZED,
            RuleError::Forbidden(_) => StatusCode::FORBIDDEN,
            RuleError::NotFound(_) => StatusCode::NOT_FOUND,
            RuleError::Conflict(_) => StatusCode::CONFLICT,
            RuleError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            RuleError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The field the error names, as the API spells it.
    fn field(&self) -> Option<String> {
        match self {
            Self::Rule(rule) => rule.first_field(),
            Self::Unauthorized => None,
        }
    }
}

/// The body of every error the API answers: nothing but `error` (so the document tells it
/// apart from a stale save's 409, which adds `current`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// One of `invalid` (400), `unauthorized` or `bad_credentials` (401), `forbidden` (403),
    /// `not_found` (404), `method_not_allowed` (405), `conflict` (409), `too_large` (413),
    /// `unsupported_media_type` (415), `too_many_requests` (429), `internal` (500).
    #[schema(example = "invalid")]
    pub code: String,
    /// A sentence for people, naming the field and what was expected.
    pub message: String,
    /// The offending field for `invalid` (the first, when several are wrong), else `null`.
    pub field: Option<String>,
    /// For `invalid` with several problems (a record checked as the import checks it, the
    /// rows of a pushed file), each of them; otherwise left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ProblemJson>,
}

/// One of several problems of a request or a file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemJson {
    /// The row of the file (from 1), for a problem of one row; else left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The field.
    pub field: String,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl ErrorBody {
    /// The body for `code` with `message` about `field`.
    pub fn new(code: &str, message: String, field: Option<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field,
                problems: Vec::new(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Self::Rule(RuleError::Internal(error)) = &self {
            tracing::error!("API request failed: {error:#}");
        }
        let mut body = ErrorBody::new(self.code(), self.to_string(), self.field());
        if let Self::Rule(RuleError::InvalidFields(problems)) = &self {
            body.error.problems = problems
                .iter()
                .map(|p| ProblemJson {
                    row: p.row,
                    field: p.field.to_owned(),
                    problem: p.problem.clone(),
                })
                .collect();
            if problems.iter().any(|p| p.row.is_some()) {
                // A file's problems can be thousands: the list says each, the message sums
                // them up.
                body.error.message = format!(
                    "{} problem(s) in the file, nothing applied (see problems; skip_invalid \
                     applies the good rows)",
                    problems.len()
                );
            }
        }
        (status, Json(body)).into_response()
    }
}
