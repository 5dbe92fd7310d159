//! A handler's queue over the JSON API (`rules::events::queue`): the open events dispatched
//! to the caller's departments (or to the unit named), the earliest deadline first, each
//! with its countdown in working days; and the other end of a hand-down (交办,
//! `rules::events::handed_down`): the events a unit's lower units hold, for the unit above.

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
use crate::rules::events::queue::Queued;
use crate::rules::events::{handed_down, queue};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read_queue))
        .routes(routes!(read_handed_down))
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

impl From<Queued> for QueuedJson {
    fn from(q: Queued) -> Self {
        Self {
            event: EventJson::from(&q.event),
            working_days_left: q.working_days_left,
        }
    }
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
        events: page.events.into_iter().map(QueuedJson::from).collect(),
        next: page.next,
    }))
}

/// Whose hand-downs, and which page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HandedDownQuery {
    /// The unit above: the events held by the streets, communities and grids below it.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202")]
    pub unit: String,
    /// Only events with a smaller id: the previous page's `next_before`.
    pub before: Option<i64>,
    /// Events per page, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Events handed down.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandedDownJson {
    /// Newest first, whatever their state; `working_days_left` only while dispatched or
    /// in hand.
    pub events: Vec<QueuedJson>,
    /// The `before` of the next page; `null` on the last.
    pub next_before: Option<i64>,
}

/// Follow the events handed down (交办)
///
/// Leaders and unit admins of the unit: the events dispatched to the lower units below it
/// (streets, communities, grids; not departments), newest first, with their state, handler,
/// deadline and working days left, to urge (催办) where one lags.
#[utoipa::path(
    get,
    path = "/api/handed-down",
    tag = "events",
    operation_id = "readHandedDown",
    params(HandedDownQuery),
    responses(
        (status = 200, description = "The events.", body = HandedDownJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn read_handed_down(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<HandedDownQuery>,
) -> Result<Json<HandedDownJson>, ApiError> {
    let page = handed_down::handed_down(
        state.ground(),
        user.person(),
        &query.unit,
        query.before,
        query.limit,
    )
    .await?;
    Ok(Json(HandedDownJson {
        events: page.events.into_iter().map(QueuedJson::from).collect(),
        next_before: page.next_before,
    }))
}
