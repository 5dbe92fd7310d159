//! `/inbox`: the messages plugins sent to the user (as `GET /api/inbox` reads them), with
//! links to the plugins' pages and a form to mark each unread one read.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

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
    respond(
        StatusCode::OK,
        "收件箱",
        Visitor::SignedIn(&current.user.display_name),
        html! {
            h1 { "收件箱" }
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
    // A post cannot be repeated after signing in: come back to the inbox instead.
    let current = match required(found, &Uri::from_static("/inbox")) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let visitor = Visitor::SignedIn(&current.user.display_name);
    let Ok(id) = id.parse::<i64>() else {
        return not_found(visitor);
    };
    let reader = match reader_of(&state, &current).await {
        Ok(reader) => reader,
        Err(error) => return internal(error),
    };
    match state.db().mark_inbox_read(&reader, id).await {
        Ok(true) => Redirect::to("/inbox").into_response(),
        // Someone else's message looks exactly like a missing one.
        Ok(false) => not_found(visitor),
        Err(error) => internal(error.into()),
    }
}
