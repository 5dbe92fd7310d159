//! `/inbox`: the progress of the user's reports (the workflow's notices: 受理, 派遣, 办结 …,
//! each linking to the report) and the messages plugins sent to the user (as
//! `GET /api/inbox` reads them, linking to the plugins' pages), each unread one with a form
//! to mark it read.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::reports::action_zh;
use super::{china_time, not_found, required, respond};
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::CurrentUser;
use crate::http::error_page;
use crate::http::inbox_api::reader_of;
use crate::http::layout::Visitor;

/// Messages shown.
const SHOWN: i64 = 100;

fn internal(error: ApiError) -> Response {
    tracing::error!("resident portal inbox: {error}");
    error_page::internal()
}

pub(super) async fn list(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let current = match required(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let reader = match reader_of(&state, &current).await {
        Ok(reader) => reader,
        Err(error) => return internal(error),
    };
    let messages = match state.db().inbox_page(&reader, None, SHOWN).await {
        Ok(messages) => messages,
        Err(error) => return internal(error.into()),
    };
    let notices = match state.db().event_notices(current.user.id, None, SHOWN).await {
        Ok(notices) => notices,
        Err(error) => return internal(error.into()),
    };
    respond(
        StatusCode::OK,
        "收件箱",
        Visitor::SignedIn(&current),
        html! {
            h1 { "收件箱" }
            @if !notices.is_empty() {
                h2 { "上报进展" }
                ul.items.notices {
                    @for notice in &notices {
                        li.unread[notice.read_at.is_none()] id={ "notice-" (notice.id) } {
                            a href={ "/reports/" (notice.event_id) } { (notice.title) }
                            " " (action_zh(&notice.action))
                            " · " span.state { (notice.to_state.name_zh()) }
                            @if notice.read_at.is_none() { " " span.state { "未读" } }
                            @if !notice.note.is_empty() { p { (notice.note) } }
                            small.muted { (china_time(notice.created_at)) }
                            @if notice.read_at.is_none() {
                                " "
                                form.inline method="post" action={ "/inbox/notices/" (notice.id) "/read" } {
                                    button type="submit" { "标为已读" }
                                }
                            }
                        }
                    }
                }
                h2 { "服务消息" }
            }
            @if messages.is_empty() {
                p.notice { "暂无消息。" }
            } @else {
                ul.items {
                    @for message in &messages {
                        li.unread[message.read_at.is_none()] id={ "message-" (message.id) } {
                            strong { (message.title) }
                            @if message.read_at.is_none() { " " span.state { "未读" } }
                            p { (message.body) }
                            small.muted { (china_time(message.created_at)) }
                            @if let Some(link) = &message.link {
                                " · " a href={ "/p/" (message.plugin_id) (link) } { "查看详情" }
                            }
                            @if message.read_at.is_none() {
                                " "
                                form.inline method="post" action={ "/inbox/" (message.id) "/read" } {
                                    button type="submit" { "标为已读" }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub(super) async fn mark_read(
    State(state): State<AppState>,
    found: Result<CurrentUser, ApiError>,
    Path(id): Path<String>,
) -> Response {
    mark_then_back(found, &id, async |current: &CurrentUser, id| {
        let reader = reader_of(&state, current).await?;
        Ok(state.db().mark_inbox_read(&reader, id).await?)
    })
    .await
}

pub(super) async fn mark_notice_read(
    State(state): State<AppState>,
    found: Result<CurrentUser, ApiError>,
    Path(id): Path<String>,
) -> Response {
    mark_then_back(found, &id, async |current: &CurrentUser, id| {
        Ok(state
            .db()
            .mark_event_notice_read(current.user.id, id)
            .await?)
    })
    .await
}

/// Marks item `id` of the signed-in user's inbox read with `mark` and goes back to the
/// inbox; the 404 page when `mark` finds no such item of theirs (someone else's looks
/// exactly like a missing one).
async fn mark_then_back(
    found: Result<CurrentUser, ApiError>,
    id: &str,
    mark: impl AsyncFnOnce(&CurrentUser, i64) -> Result<bool, ApiError>,
) -> Response {
    // A post cannot be repeated after signing in: come back to the inbox instead.
    let current = match required(found, &Uri::from_static("/inbox")) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found(Visitor::SignedIn(&current));
    };
    match mark(&current, id).await {
        Ok(true) => Redirect::to("/inbox").into_response(),
        Ok(false) => not_found(Visitor::SignedIn(&current)),
        Err(error) => internal(error),
    }
}
