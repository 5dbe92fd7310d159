//! The signed-in user's inbox (`/api/inbox`, `rules::inbox`): what plugins sent through
//! `notify`, newest first, and marking a message read.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
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

/// A page of a newest-first list (the inbox, the notices).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NewestFirst {
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Only items with a smaller id: the previous page's `next_before`.
    pub before: Option<i64>,
}

/// A message from a plugin.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageJson {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its body.
    pub body: String,
    /// The plugin page it points to (`/p/ID/…`), if any.
    pub link: Option<String>,
    /// The plugin that sent it.
    pub from_plugin: String,
    /// When (ms since the epoch).
    pub created_at: i64,
    /// Whether this user has marked it read.
    pub read: bool,
}

/// A page of messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    /// The messages, newest first.
    pub messages: Vec<MessageJson>,
    /// The `before` of the next page; `null` on the last.
    pub next_before: Option<i64>,
}

/// Read the inbox
///
/// Signed in: messages to the resident record the account is linked to (for holders of
/// the `resident` role) and to the grids where the user is a grid worker.
#[utoipa::path(
    get,
    path = "/api/inbox",
    tag = "inbox",
    operation_id = "readInbox",
    params(NewestFirst),
    responses(
        (status = 200, description = "One page.", body = MessagePage),
        (status = 400, response = Invalid),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<NewestFirst>,
) -> Result<Json<MessagePage>, ApiError> {
    let (rows, next_before) =
        inbox::messages(state.db(), user.person(), query.before, query.limit).await?;
    Ok(Json(MessagePage {
        messages: rows
            .into_iter()
            .map(|r| MessageJson {
                // Plugins give links relative to their own pages; clients get the full path.
                link: r.link.map(|link| format!("/p/{}{link}", r.plugin_id)),
                id: r.id,
                title: r.title,
                body: r.body,
                from_plugin: r.plugin_id,
                created_at: r.created_at,
                read: r.read_at.is_some(),
            })
            .collect(),
        next_before,
    }))
}

/// Mark a message read
///
/// For this user only (each reader of a grid's message has their own mark); someone
/// else's message is a 404.
#[utoipa::path(
    post,
    path = "/api/inbox/{id}/read",
    tag = "inbox",
    operation_id = "markInboxMessageRead",
    params(("id" = i64, Path, description = "The message's id.")),
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
    inbox::mark_message_read(state.db(), user.person(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
