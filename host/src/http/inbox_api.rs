//! The signed-in user's inbox (`/api/inbox`): what plugins sent through `notify` to the
//! resident record the user is linked to (for holders of the `resident` role) and to the
//! grids where the user is a grid worker, newest first, and marking one message read.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use crate::auth::Role;
use crate::db::inbox::InboxReader;

/// Messages per page unless `limit` says otherwise.
const DEFAULT_PAGE: i64 = 50;

/// The largest page.
const MAX_PAGE: i64 = 100;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/inbox", get(list))
        .route("/api/inbox/{id}/read", post(mark_read))
}

/// Whose messages `current` reads. The resident link says who the user is; the `resident`
/// role (held anywhere: people move between grids before their grants are updated) is what
/// lets them use it, as the role is what every other resident service checks. Each
/// `grid-worker` grant reaches the grids below its unit, as grants always do.
pub(super) async fn reader_of(
    state: &AppState,
    current: &CurrentUser,
) -> Result<InboxReader, ApiError> {
    let grants = &current.grants.0;
    let resident_id = if grants.iter().any(|g| g.role == Role::Resident) {
        state.db().user_resident_id(current.user.id).await?
    } else {
        None
    };
    let grid_prefixes = grants
        .iter()
        .filter(|g| g.role == Role::GridWorker)
        .map(|g| g.unit_code.clone())
        .collect();
    Ok(InboxReader {
        user_id: current.user.id,
        resident_id,
        grid_prefixes,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InboxQuery {
    /// Messages per page, 1 to 100.
    limit: Option<i64>,
    /// Only messages with a smaller id (the previous page's `next_before`).
    before: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<InboxQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = page_limit(query.limit)?;
    let reader = reader_of(&state, &current).await?;
    let rows = state.db().inbox_page(&reader, query.before, limit).await?;
    let next_before = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let messages: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            // Plugins give links relative to their own pages; clients get the full path.
            let link = r.link.map(|link| format!("/p/{}{link}", r.plugin_id));
            json!({
                "id": r.id,
                "title": r.title,
                "body": r.body,
                "link": link,
                "from_plugin": r.plugin_id,
                "created_at": r.created_at,
                "read": r.read_at.is_some(),
            })
        })
        .collect();
    Ok(Json(
        json!({ "messages": messages, "next_before": next_before }),
    ))
}

/// The page size `limit` asks for (default 50), or the 400 for one outside 1 to 100. Shared
/// with `/api/notices`.
pub(super) fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Invalid {
            field: "limit",
            problem: format!("expected 1 to {MAX_PAGE}, got {limit}"),
        });
    }
    Ok(limit)
}

async fn mark_read(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let reader = reader_of(&state, &current).await?;
    if state.db().mark_inbox_read(&reader, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        // Someone else's message looks exactly like a missing one.
        Err(ApiError::NotFound(format!("inbox message {id}")))
    }
}
