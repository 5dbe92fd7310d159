//! 风险预警 over the JSON API (`rules::warnings`): pushing a warning down to every grid of a
//! subtree, the pusher's view of who acknowledged it per grid, the grid worker's list with
//! acknowledgement (签收) and feedback (反馈), and a unit's inbox of warnings and 督办
//! notices.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::user::ApiUser;
use crate::db::warnings::{Receipt, StoredWarning, WarningTally};
use crate::rules::paging::next_before;
use crate::rules::warnings;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(push, pushed))
        .routes(routes!(received))
        .routes(routes!(progress))
        .routes(routes!(acknowledge))
        .routes(routes!(feedback))
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
    /// The warning's id (`GET /api/warnings/{id}` shows its grids' answers).
    pub id: i64,
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
    let pushed = warnings::push(
        state.db(),
        user.person(),
        &body.unit,
        &body.title,
        &body.body,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Pushed {
            id: pushed.id,
            grids: pushed.grids,
        }),
    ))
}

/// A warning as pushed.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningJson {
    /// Its id.
    pub id: i64,
    /// The unit whose grids it was pushed to.
    pub unit: String,
    /// Its title, `风险预警：` first.
    pub title: String,
    /// What to do.
    pub body: String,
    /// Who pushed it (`user:NAME`).
    pub pushed_by: String,
    /// When (ms since the epoch).
    pub pushed_at: i64,
}

impl From<StoredWarning> for WarningJson {
    fn from(w: StoredWarning) -> Self {
        Self {
            id: w.id,
            unit: w.unit_code,
            title: w.title,
            body: w.body,
            pushed_by: w.pushed_by,
            pushed_at: w.pushed_at,
        }
    }
}

/// One grid's answer to a warning.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptJson {
    /// The grid's code.
    pub grid: String,
    /// Its name.
    pub grid_name: String,
    /// The grid worker who acknowledged it (username); `null` until someone does.
    pub acknowledged_by: Option<String>,
    /// Their name.
    pub acknowledged_by_name: Option<String>,
    /// When (ms since the epoch).
    pub acknowledged_at: Option<i64>,
    /// The grid's feedback; `null` until sent.
    pub feedback: Option<String>,
    /// When (ms since the epoch).
    pub feedback_at: Option<i64>,
}

impl From<Receipt> for ReceiptJson {
    fn from(r: Receipt) -> Self {
        let (by, name) = r.acknowledged_by.unzip();
        Self {
            grid: r.grid_code,
            grid_name: r.grid_name,
            acknowledged_by: by,
            acknowledged_by_name: name,
            acknowledged_at: r.acknowledged_at,
            feedback: r.feedback,
            feedback_at: r.feedback_at,
        }
    }
}

/// How the grids answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct Answers {
    /// Grids it reached.
    pub grids: i64,
    /// Of them acknowledged.
    pub acknowledged: i64,
    /// Of them with feedback.
    pub fed_back: i64,
    /// 签收率: `acknowledged` of `grids` in percent, one decimal; `null` for no grid.
    pub acknowledged_percent: Option<f64>,
}

impl Answers {
    fn new(grids: i64, acknowledged: i64, fed_back: i64) -> Self {
        Self {
            grids,
            acknowledged,
            fed_back,
            acknowledged_percent: crate::rules::assessment::Rate {
                count: acknowledged,
                of: grids,
            }
            .percent(),
        }
    }
}

/// A warning with how its grids answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushedWarning {
    /// The warning.
    pub warning: WarningJson,
    /// Its grids' answers.
    pub answers: Answers,
}

impl From<WarningTally> for PushedWarning {
    fn from(t: WarningTally) -> Self {
        Self {
            answers: Answers::new(t.grids, t.acknowledged, t.fed_back),
            warning: t.warning.into(),
        }
    }
}

/// A page of warnings.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WarningPage {
    /// Warnings per page, 1 to 50 (default 50).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
    /// Only warnings with a smaller id: the previous page's `next_before`.
    pub before: Option<i64>,
}

/// The unit whose pushed warnings are listed, and the page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PushedQuery {
    /// The unit: warnings pushed to it or to a unit inside it.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
    /// Warnings per page, 1 to 50 (default 50).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
    /// Only warnings with a smaller id: the previous page's `next_before`.
    pub before: Option<i64>,
}

/// Warnings pushed in a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushedPage {
    /// Newest first.
    pub warnings: Vec<PushedWarning>,
    /// The `before` of the next page; `null` on the last.
    pub next_before: Option<i64>,
}

/// List the warnings pushed in a unit
///
/// Leaders and unit admins over the unit: the warnings pushed to it or inside it, newest
/// first, each with its 签收率.
#[utoipa::path(
    get,
    path = "/api/warnings",
    tag = "warnings",
    operation_id = "listPushedWarnings",
    params(PushedQuery),
    responses(
        (status = 200, description = "The warnings.", body = PushedPage),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn pushed(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<PushedQuery>,
) -> Result<Json<PushedPage>, ApiError> {
    let rows = warnings::pushed(
        state.db(),
        user.person(),
        &query.unit,
        query.before,
        query.limit,
    )
    .await?;
    let limit = query.limit.unwrap_or(warnings::WARNING_PAGE);
    let next_before = next_before(rows.len(), limit, rows.last().map(|t| t.warning.id));
    Ok(Json(PushedPage {
        warnings: rows.into_iter().map(PushedWarning::from).collect(),
        next_before,
    }))
}

/// A warning with every grid's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningProgress {
    /// The warning.
    pub warning: WarningJson,
    /// The grids' answers together.
    pub answers: Answers,
    /// Each grid's, by grid code.
    pub receipts: Vec<ReceiptJson>,
}

/// Read who acknowledged a warning
///
/// Leaders and unit admins of the unit it was pushed to (or above): per grid, who
/// acknowledged it and when, and the feedback. Anyone else gets a 404.
#[utoipa::path(
    get,
    path = "/api/warnings/{id}",
    tag = "warnings",
    operation_id = "readWarningProgress",
    params(("id" = i64, Path, description = "The warning's id.")),
    responses(
        (status = 200, description = "The grids' answers.", body = WarningProgress),
        (status = 404, response = NotFound),
    )
)]
async fn progress(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<WarningProgress>, ApiError> {
    let (warning, receipts) = warnings::progress(state.db(), user.person(), id).await?;
    let grids = receipts.len() as i64;
    let acknowledged = receipts
        .iter()
        .filter(|r| r.acknowledged_at.is_some())
        .count() as i64;
    let fed_back = receipts.iter().filter(|r| r.feedback_at.is_some()).count() as i64;
    Ok(Json(WarningProgress {
        warning: warning.into(),
        answers: Answers::new(grids, acknowledged, fed_back),
        receipts: receipts.into_iter().map(ReceiptJson::from).collect(),
    }))
}

/// A warning to the caller's grids.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceivedWarning {
    /// The warning.
    pub warning: WarningJson,
    /// The receipts of the caller's grids it was addressed to.
    pub receipts: Vec<ReceiptJson>,
}

/// Warnings to the caller's grids.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceivedPage {
    /// Newest first.
    pub warnings: Vec<ReceivedWarning>,
    /// The `before` of the next page; `null` on the last.
    pub next_before: Option<i64>,
}

/// List the warnings to my grids
///
/// The warnings addressed to the grids the caller works as a grid worker, newest first,
/// with each grid's receipt. Empty for anyone who is no grid worker.
#[utoipa::path(
    get,
    path = "/api/warnings/received",
    tag = "warnings",
    operation_id = "listReceivedWarnings",
    params(WarningPage),
    responses(
        (status = 200, description = "The warnings.", body = ReceivedPage),
        (status = 400, response = Invalid),
    )
)]
async fn received(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<WarningPage>,
) -> Result<Json<ReceivedPage>, ApiError> {
    let rows = warnings::received(state.db(), user.person(), query.before, query.limit).await?;
    let limit = query.limit.unwrap_or(warnings::WARNING_PAGE);
    let next_before = next_before(rows.len(), limit, rows.last().map(|(w, _)| w.id));
    Ok(Json(ReceivedPage {
        warnings: rows
            .into_iter()
            .map(|(warning, receipts)| ReceivedWarning {
                warning: warning.into(),
                receipts: receipts.into_iter().map(ReceiptJson::from).collect(),
            })
            .collect(),
        next_before,
    }))
}

/// The grid signed for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementRequest {
    /// A grid the warning was addressed to, that the caller works as a grid worker.
    #[schema(pattern = r"^[0-9]{13,18}$", example = "420202001001001")]
    pub grid: String,
}

/// Acknowledge a warning (签收)
///
/// A grid worker of the grid, once per grid. A warning not addressed to a grid the caller
/// works is a 404, whether or not it exists.
#[utoipa::path(
    post,
    path = "/api/warnings/{id}/acknowledgement",
    tag = "warnings",
    operation_id = "acknowledgeWarning",
    params(("id" = i64, Path, description = "The warning's id.")),
    request_body = AcknowledgementRequest,
    responses(
        (status = 200, description = "Acknowledged.", body = ReceiptJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn acknowledge(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<AcknowledgementRequest>,
) -> Result<Json<ReceiptJson>, ApiError> {
    let receipt = warnings::acknowledge(state.db(), user.person(), id, &body.grid).await?;
    Ok(Json(receipt.into()))
}

/// A grid's feedback.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// As for acknowledging.
    #[schema(pattern = r"^[0-9]{13,18}$", example = "420202001001001")]
    pub grid: String,
    /// What was done: 1 to 500 characters.
    #[schema(schema_with = super::schemas::warning_feedback)]
    pub feedback: String,
}

/// Send feedback on a warning (反馈)
///
/// A grid worker of the grid, once per grid; acknowledges the warning too if nobody had.
#[utoipa::path(
    post,
    path = "/api/warnings/{id}/feedback",
    tag = "warnings",
    operation_id = "sendWarningFeedback",
    params(("id" = i64, Path, description = "The warning's id.")),
    request_body = FeedbackRequest,
    responses(
        (status = 200, description = "Sent.", body = ReceiptJson),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn feedback(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<FeedbackRequest>,
) -> Result<Json<ReceiptJson>, ApiError> {
    let receipt =
        warnings::feedback(state.db(), user.person(), id, &body.grid, &body.feedback).await?;
    Ok(Json(receipt.into()))
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
