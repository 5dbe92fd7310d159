//! The progress of the signed-in user's reports (`/api/notices`): a notice for each move of
//! an event they reported made by someone else (受理, 派遣, 办结 …), as the portal's inbox
//! lists them under 上报进展, newest first, and marking one read.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use super::inbox_api::page_limit;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/notices", get(list))
        .route("/api/notices/{id}/read", post(mark_read))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticesQuery {
    /// Notices per page, 1 to 100.
    limit: Option<i64>,
    /// Only notices with a smaller id (the previous page's `next_before`).
    before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<NoticesQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = page_limit(query.limit)?;
    let rows = state
        .db()
        .event_notices(current.user.id, query.before, limit)
        .await?;
    let next_before = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|n| n.id))
        .flatten();
    let notices: Vec<Value> = rows
        .into_iter()
        .map(|n| {
            json!({
                "id": n.id,
                "event": n.event_id,
                "title": n.title,
                "action": n.action,
                "state": n.to_state.name(),
                "note": n.note,
                "created_at": n.created_at,
                "read": n.read_at.is_some(),
            })
        })
        .collect();
    Ok(Json(
        json!({ "notices": notices, "next_before": next_before }),
    ))
}

async fn mark_read(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if state
        .db()
        .mark_event_notice_read(current.user.id, id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        // Someone else's notice looks exactly like a missing one.
        Err(ApiError::NotFound(format!("notice {id}")))
    }
}
