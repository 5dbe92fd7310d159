//! The progress of the signed-in user's reports (`/api/notices`, `rules::inbox`): a notice
//! for each move of an event they reported made by someone else, and marking one read.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::events::StateName;
use super::inbox::NewestFirst;
use super::responses::{Invalid, NotFound};
use super::user::ApiUser;
use crate::rules::inbox;
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(mark_read))
}

/// A notice on one of the user's reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeJson {
    /// Its id.
    pub id: i64,
    /// The event.
    pub event: i64,
    /// The event's title.
    pub title: String,
    /// The action taken (`accept`, `dispatch` …).
    pub action: String,
    /// The state it led to.
    pub state: StateName,
    /// The note of whoever took it.
    pub note: String,
    /// When (ms since the epoch).
    pub created_at: i64,
    /// Whether the user has read it.
    pub read: bool,
}

/// A page of notices.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticePage {
    /// The notices, newest first.
    pub notices: Vec<NoticeJson>,
    /// The `before` of the next page; `null` on the last.
    pub next_before: Option<i64>,
}

/// Read the progress of my reports
///
/// Signed in: a notice for each move of an event the user reported made by someone else
/// (受理, 派遣, 办结 …, with the note), newest first.
#[utoipa::path(
    get,
    path = "/api/notices",
    tag = "notices",
    operation_id = "readNotices",
    params(NewestFirst),
    responses(
        (status = 200, description = "One page.", body = NoticePage),
        (status = 400, response = Invalid),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<NewestFirst>,
) -> Result<Json<NoticePage>, ApiError> {
    let (rows, next_before) =
        inbox::notices(state.db(), user.person(), query.before, query.limit).await?;
    Ok(Json(NoticePage {
        notices: rows
            .into_iter()
            .map(|n| NoticeJson {
                id: n.id,
                event: n.event_id,
                title: n.title,
                action: n.action,
                state: n.to_state.into(),
                note: n.note,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect(),
        next_before,
    }))
}

/// Mark a notice read
///
/// The notice's user only; anyone else's is a 404.
#[utoipa::path(
    post,
    path = "/api/notices/{id}/read",
    tag = "notices",
    operation_id = "markNoticeRead",
    params(("id" = i64, Path, description = "The notice's id.")),
    responses(
        (status = 204, description = "Marked read."),
        (status = 404, response = NotFound),
    )
)]
async fn mark_read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    inbox::mark_notice_read(state.db(), user.person(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
