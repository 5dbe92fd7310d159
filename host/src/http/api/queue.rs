//! A handler's queue over the JSON API (`rules::events::queue`): the open events dispatched
//! to the caller's departments (or to the unit named), the earliest deadline first, each
//! with its countdown in working days.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::events::EventJson;
use super::responses::{Forbidden, Invalid};
use super::user::ApiUser;
use crate::rules::events::queue;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_queue))
}

/// Whose queue, and which page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// The department or lower unit whose queue is read; absent: every department where
    /// the caller holds `department-staff`.
    #[param(
        pattern = r"^[0-9]{2,18}(\.[a-z][a-z0-9-]{1,15})?$",
        example = "420202.cgj"
    )]
    pub unit: Option<String>,
    /// The previous page's `next` (`DEADLINE:ID`).
    #[param(
        pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}:[0-9]{1,18}$",
        example = "2026-12-09:17"
    )]
    pub after: Option<String>,
    /// Events per page, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// An event in a queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedJson {
    /// The event.
    #[serde(flatten)]
    pub event: EventJson,
    /// Working days to the deadline: 1 on the last day, negative once late (-1 the first
    /// working day after it); `null` without a deadline. Holidays and 调休 follow the
    /// working-day calendar.
    pub working_days_left: Option<i64>,
}

/// A page of a queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueJson {
    /// The units whose queues were read.
    pub units: Vec<String>,
    /// Dispatched and in-hand events, the earliest deadline first.
    pub events: Vec<QueuedJson>,
    /// The next page's `after` when this one was full.
    pub next: Option<String>,
}

/// Read a handler's queue
///
/// Department staff (their departments' queues), or anyone holding a handling role
/// (department-staff, grid-worker, unit-admin) at the unit named.
#[utoipa::path(
    get,
    path = "/api/queue",
    tag = "events",
    operation_id = "readQueue",
    params(QueueQuery),
    responses(
        (status = 200, description = "The queue.", body = QueueJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn read_queue(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<QueueQuery>,
) -> Result<Json<QueueJson>, ApiError> {
    let page = queue::queue(
        state.ground(),
        user.person(),
        query.unit.as_deref(),
        query.after.as_deref(),
        query.limit,
    )
    .await?;
    Ok(Json(QueueJson {
        units: page.units,
        events: page
            .events
            .into_iter()
            .map(|q| QueuedJson {
                event: EventJson::from(&q.event),
                working_days_left: q.working_days_left,
            })
            .collect(),
        next: page.next,
    }))
}
