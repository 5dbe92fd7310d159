//! 风险预警 over the JSON API (`rules::warnings`): pushing a warning down to every grid of a
//! subtree, and a unit's inbox of warnings and 督办 notices.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::responses::{Forbidden, Invalid};
use super::user::ApiUser;
use crate::rules::warnings;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(push))
        .routes(routes!(unit_inbox))
}

/// A warning to push down.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningRequest {
    /// The unit whose grids receive it.
    #[schema(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
    /// Its title: 1 to 100 characters (`风险预警：` is put before it).
    #[schema(schema_with = super::schemas::title)]
    pub title: String,
    /// What to do: at most 2000 characters.
    #[schema(schema_with = super::schemas::warning_body)]
    pub body: String,
}

/// How far a warning went.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pushed {
    /// How many grids received it.
    pub grids: u64,
}

/// Push a risk warning
///
/// Leaders and unit admins over the unit: to every grid of its subtree. Audited
/// `warning.pushed`.
#[utoipa::path(
    post,
    path = "/api/warnings",
    tag = "warnings",
    operation_id = "pushWarning",
    request_body = WarningRequest,
    responses(
        (status = 201, description = "Pushed.", body = Pushed),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn push(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<WarningRequest>,
) -> Result<(StatusCode, Json<Pushed>), ApiError> {
    let grids = warnings::push(
        state.db(),
        user.person(),
        &body.unit,
        &body.title,
        &body.body,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Pushed { grids })))
}

/// The unit whose inbox is read.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// The unit's code (a department's too); messages to it alone, not to its subtree.
    #[param(
        pattern = r"^[0-9]{2,18}(\.[a-z][a-z0-9-]{1,15})?$",
        example = "420202001001001"
    )]
    pub unit: String,
}

/// A message to a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitMessage {
    /// Its title.
    pub title: String,
    /// Its body.
    pub body: String,
    /// The event a 督办 notice is about.
    pub event: Option<i64>,
    /// When (ms since the epoch).
    pub at: i64,
}

/// A unit's inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitInbox {
    /// The unit.
    pub unit: String,
    /// The newest 100 messages, newest first.
    pub messages: Vec<UnitMessage>,
}

/// Read a unit's inbox
///
/// The unit's staff (grid workers, department staff, unit admins, leaders): warnings, 督办
/// notices and, for a department or lower unit, the events dispatched to it.
#[utoipa::path(
    get,
    path = "/api/unit-inbox",
    tag = "warnings",
    operation_id = "readUnitInbox",
    params(InboxQuery),
    responses(
        (status = 200, description = "The messages.", body = UnitInbox),
        (status = 403, response = Forbidden),
    )
)]
async fn unit_inbox(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<InboxQuery>,
) -> Result<Json<UnitInbox>, ApiError> {
    let rows = warnings::unit_inbox(state.db(), user.person(), &query.unit).await?;
    Ok(Json(UnitInbox {
        unit: query.unit,
        messages: rows
            .into_iter()
            .map(|n| UnitMessage {
                title: n.title,
                body: n.body,
                event: n.event_id,
                at: n.created_at,
            })
            .collect(),
    }))
}
