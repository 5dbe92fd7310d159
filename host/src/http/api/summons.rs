//! 吹哨报到 over the JSON API (`rules::events::summons`): a summoned department checks in
//! (报到) on the event, and the summons as an event reads it. Summoning itself is part of
//! the dispatch (`POST /api/events/{id}/actions` with `summon`).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::events::EventJson;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::user::ApiUser;
use crate::db::summons::Summons;
use crate::rules::events::summons;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report_in))
}

/// One department summoned to an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummonsJson {
    /// The department's code.
    pub department: String,
    /// Its name.
    pub name: String,
    /// Whether it leads (牵头): the event's handler, who resolves it.
    pub lead: bool,
    /// When it was summoned (ms since the epoch).
    pub summoned_at: i64,
    /// When it checked in (报到); `null` until it does.
    pub reported_at: Option<i64>,
    /// Whole minutes from the summons to the check-in: its response time.
    pub response_minutes: Option<i64>,
    /// Who checked in (`user:NAME`).
    pub reported_by: Option<String>,
    /// What it said.
    pub note: Option<String>,
}

impl From<Summons> for SummonsJson {
    fn from(s: Summons) -> Self {
        Self {
            response_minutes: s.reported_at.map(|at| (at - s.summoned_at) / 60_000),
            department: s.department,
            name: s.name,
            lead: s.lead,
            summoned_at: s.summoned_at,
            reported_at: s.reported_at,
            reported_by: s.reported_by,
            note: s.note,
        }
    }
}

/// A check-in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInRequest {
    /// Who came and what they found: at most 500 characters.
    #[serde(default)]
    #[schema(schema_with = super::schemas::record_note)]
    pub note: String,
}

/// Check in on a summoned event (报到)
///
/// Staff of a department summoned to the event (吹哨报到), once per department, while it is
/// dispatched or in hand; on the timeline with its time. Anyone else is a 403 (or a 404
/// for an event outside their reach); a second check-in is a 409.
#[utoipa::path(
    post,
    path = "/api/events/{id}/report-in",
    tag = "events",
    operation_id = "reportInOnEvent",
    params(("id" = i64, Path, description = "The event's id.")),
    request_body = ReportInRequest,
    responses(
        (status = 200, description = "The event as it stands.", body = EventJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn report_in(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ReportInRequest>,
) -> Result<Json<EventJson>, ApiError> {
    let event = summons::report_in(state.ground(), user.person(), id, &body.note).await?;
    Ok(Json(EventJson::from(&event)))
}
