//! `/inbox`: the progress of the user's reports (the workflow's notices: 受理, 派遣, 办结 …,
//! each linking to the report) and the messages plugins sent to the user (as
//! `GET /api/inbox` reads them, linking to the plugins' pages), each unread one with a form
//! to mark it read. The rules are `rules::inbox`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::grid::workflow::action_zh;
use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::china_time;
use crate::http::pages::frame::{Area, respond};
use crate::rules::{RuleError, RuleResult, inbox};
use crate::state::AppState;

/// Messages and notices shown.
const SHOWN: i64 = 100;

pub(super) async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    let person = signed_in.person();
    let (messages, _) = inbox::messages(state.db(), person, None, Some(SHOWN)).await?;
    let (notices, _) = inbox::notices(state.db(), person, None, Some(SHOWN)).await?;
    Ok(respond(
        StatusCode::OK,
        "收件箱",
        Area::Portal,
        &signed_in.visitor(),
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
    ))
}

pub(super) async fn mark_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    mark_then_back(&signed_in, &id, async |id| {
        inbox::mark_message_read(state.db(), signed_in.person(), id).await
    })
    .await
}

pub(super) async fn mark_notice_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    mark_then_back(&signed_in, &id, async |id| {
        inbox::mark_notice_read(state.db(), signed_in.person(), id).await
    })
    .await
}

/// Marks item `id` of the signed-in user's inbox read with `mark` and goes back to the
/// inbox; the 404 page when `mark` finds no such item of theirs (someone else's looks
/// exactly like a missing one).
async fn mark_then_back(
    signed_in: &SignedIn,
    id: &str,
    mark: impl AsyncFnOnce(i64) -> RuleResult<()>,
) -> Result<Response, PageError> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(PageError::not_found(signed_in.visitor()));
    };
    match mark(id).await {
        Ok(()) => Ok(Redirect::to("/inbox").into_response()),
        Err(RuleError::NotFound(_)) => Err(PageError::not_found(signed_in.visitor())),
        Err(error) => Err(error.into()),
    }
}
