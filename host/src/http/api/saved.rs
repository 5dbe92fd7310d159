//! The answer of a save made at a version (`rules::base_data::Saved`): the record as it
//! stands now, with 200 when saved, or with 409 and the conflict's error when someone
//! changed the record first (nothing was written; start again from `current`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ErrorDetail;
use crate::rules::base_data::Saved;

/// The body of a 409 for a stale save: the conflict, and the record as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaleBody<T: ToSchema> {
    /// `conflict`, saying the record changed since it was read.
    pub error: ErrorDetail,
    /// The record as it stands now, with its new `version`.
    pub current: T,
}

/// What a 409 of a save holds: a stale save's conflict with the record as it stands, or
/// the plain error of a change that does not fit the record at all (a closed record).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "documents the two shapes of a save's 409")]
pub enum ConflictBody<T: ToSchema> {
    /// Changed by someone else first.
    Stale(StaleBody<T>),
    /// The record's state refuses the change.
    Refused(super::error::ErrorBody),
}

/// A save's answer, the record shown as `T`.
#[derive(Debug)]
pub struct SaveAnswer<T>(pub Saved<T>);

impl<T> SaveAnswer<T> {
    /// The answer of `saved`, its record shown as `T`.
    pub fn of<R: Into<T>>(saved: Saved<R>) -> Self {
        Self(match saved {
            Saved::Done(record) => Saved::Done(record.into()),
            Saved::Stale(record) => Saved::Stale(record.into()),
        })
    }
}

impl<T: Serialize + ToSchema> IntoResponse for SaveAnswer<T> {
    fn into_response(self) -> Response {
        match self.0 {
            Saved::Done(record) => Json(record).into_response(),
            Saved::Stale(current) => (
                StatusCode::CONFLICT,
                Json(StaleBody {
                    error: ErrorDetail {
                        code: "conflict".to_owned(),
                        message: "the record was changed by someone else since you read it; \
                                  nothing was saved (current is the record as it stands)"
                            .to_owned(),
                        field: Some("version".to_owned()),
                        problems: Vec::new(),
                    },
                    current,
                }),
            )
                .into_response(),
        }
    }
}
