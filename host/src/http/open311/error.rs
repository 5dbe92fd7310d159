//! Open311's error shape: `[{"code": STATUS, "description": "…"}]` with that HTTP status.
//! Internal failures are logged and answered with a detail-free 500, as in the JSON API.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::api::ApiError;
use crate::rules::RuleError;

/// A GeoReport error.
#[derive(Debug)]
pub(super) struct Open311Error {
    status: StatusCode,
    description: String,
}

impl Open311Error {
    /// 400 with `description`.
    pub(super) fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    /// 404 with `description`.
    pub(super) fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    /// Any status with `description`.
    pub(super) fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
        }
    }
}

/// What a rule refused, in GeoReport's words: its status, and its message with the field
/// named as GeoReport names it (`service_code`, `lat`, `attribute[NAME]` …).
impl From<RuleError> for Open311Error {
    fn from(error: RuleError) -> Self {
        if let RuleError::Internal(detail) = &error {
            tracing::error!("Open311 request failed: {detail:#}");
            return Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
        // The same status as the JSON API answers.
        let status = ApiError::status_of(&error);
        let description = match error {
            RuleError::Invalid { field, problem } => {
                format!("{}: {problem}", georeport_name(&field))
            }
            RuleError::InvalidAttribute { name, problem } => {
                format!("attribute[{name}]: {problem}")
            }
            other => other.to_string(),
        };
        Self::new(status, description)
    }
}

/// GeoReport's name for a field the rules name their own way.
fn georeport_name(field: &str) -> &str {
    match field {
        "category" => "service_code",
        "unit" => "jurisdiction_id",
        "latitude" => "lat",
        "longitude" => "long",
        "address" => "address_string",
        other => other,
    }
}

impl From<sqlx::Error> for Open311Error {
    fn from(error: sqlx::Error) -> Self {
        RuleError::from(error).into()
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = json!([{ "code": self.status.as_u16(), "description": self.description }]);
        (self.status, Json(body)).into_response()
    }
}
