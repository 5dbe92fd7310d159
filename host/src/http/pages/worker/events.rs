//! `/worker/events?unit=…` (the unit's events, urgent ones waiting for acceptance first, as
//! the API lists them) and `/worker/events/{id}`: the event with its timeline, its photo
//! (`/worker/events/{id}/photo`, to the same workers) and one form per action the workflow
//! allows this user now. Posting a form moves the event through the rules' own `act` and
//! comes back (303) to the event; a refused action re-renders the page with the message
//! next to the field, the note kept.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::{page, unit_links};
use crate::db::events::StoredEvent;
use crate::grid::workflow::action_zh;
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::photos::{photo_figure, photo_response};
use crate::http::pages::frame::text::{china_time, encode};
use crate::rules::RuleError;
use crate::rules::events::{self, Action};
use crate::state::AppState;

pub(super) async fn list(
    State(state): State<AppState>,
    at: WorkerAt,
) -> Result<Response, PageError> {
    let worker = &at.worker;
    let unit = &at.unit;
    let events = events::work_list(state.db(), &worker.signed_in.actor(), unit)
        .await
        .map_err(|e| worker.failed(e))?;
    Ok(page(
        StatusCode::OK,
        "事件",
        worker,
        html! {
            h1 { "事件 " small.muted { code { (unit) } } }
            (unit_links(unit))
            @if events.is_empty() {
                p.notice { "暂无事件。" }
            } @else {
                table.worker-list.events {
                    thead { tr { th { "标题" } th { "状态" } th { "上报时间" } th { "办理期限" } } }
                    tbody {
                        @for e in &events {
                            tr {
                                td {
                                    @if e.urgent { strong.urgent { "【紧急】" } }
                                    @if e.supervised { strong.urgent { "【督办】" } }
                                    a href={ "/worker/events/" (e.id) } { (e.title) }
                                }
                                td.state { (e.state.name_zh()) }
                                td { (china_time(e.reported_at)) }
                                td { (e.deadline.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// One action form as posted.
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    dispatched_to: String,
}

/// Why an action was refused, shown on its form.
struct Refusal<'a> {
    /// What was posted, kept in its form.
    input: &'a ActionForm,
    /// The field the message stands next to (`note`, `dispatched_to`), or `None` for the
    /// form as a whole.
    field: Option<&'static str>,
    message: &'static str,
}

/// The event `id` (the path segment) if `worker` works its unit, else the 404 page, as for
/// an event that does not exist.
async fn worked_event(
    state: &AppState,
    worker: &Worker,
    id: &str,
) -> Result<StoredEvent, PageError> {
    let not_found = || PageError::not_found(worker.visitor());
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found());
    };
    match events::in_scope(state.db(), &worker.signed_in.actor(), id).await {
        Ok(event) if worker.works(&event.unit_code) => Ok(event),
        Ok(_) | Err(RuleError::NotFound(_)) => Err(not_found()),
        Err(error) => Err(worker.failed(error)),
    }
}

/// The event page, with `refusal` on its form if an action was just refused.
async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    event: &StoredEvent,
    refusal: Option<&Refusal<'_>>,
) -> Result<Response, PageError> {
    let timeline = state.db().event_timeline(event.id).await?;
    let has_photo = state.db().has_event_photo(event.id).await?;
    let actor = worker.signed_in.actor();
    let actions: Vec<_> = events::possible(&actor, event).collect();
    let refused = |action: &str| refusal.filter(|r| r.input.action == action);
    let message_for = |action: &str, field: Option<&str>| {
        refused(action)
            .filter(|r| r.field == field)
            .map(|r| r.message)
    };
    Ok(page(
        status,
        &event.title,
        worker,
        html! {
            h1 { (event.title) }
            p { "状态：" strong.state id="event-state" data-state=(event.state.name()) { (event.state.name_zh()) } }
            @if event.urgent { p { strong.urgent { "紧急事件" } } }
            @if event.supervised { p { strong.urgent { "已督办" } } }
            @if !event.description.is_empty() { p { (event.description) } }
            @if let Some(address) = &event.address { p.muted { "地址：" (address) } }
            p.muted { "所属单位：" code { (event.unit_code) } }
            p.muted { "上报时间：" (china_time(event.reported_at)) }
            @if let Some(deadline) = &event.deadline { p.muted { "办理期限：" (deadline) } }
            @if let Some(to) = &event.dispatched_to { p.muted { "承办：" (to) } }
            @if has_photo { (photo_figure(&format!("/worker/events/{}/photo", event.id))) }
            h2 { "办理经过" }
            ol.timeline {
                @for entry in &timeline {
                    li {
                        (china_time(entry.at)) " "
                        strong { (action_zh(&entry.action)) }
                        " " small.muted { (entry.actor) }
                        @if !entry.note.is_empty() { "：" (entry.note) }
                    }
                }
            }
            h2 { "办理" }
            @if let Some(r) = refusal.filter(|r| !actions.iter().any(|t| t.action == r.input.action)) {
                p.field-error id="action-error" { (r.message) }
            }
            @if actions.is_empty() {
                p.muted { "当前状态下您没有可执行的操作。" }
            }
            @for t in &actions {
                @let kept = refused(t.action).map(|r| r.input);
                form.worker-action id={ "action-" (t.action) } method="post" action={ "/worker/events/" (event.id) } {
                    input type="hidden" name="action" value=(t.action);
                    @if let Some(m) = message_for(t.action, None) { p.field-error { (m) } }
                    @if t.action == "dispatch" {
                        label {
                            "承办部门或下级单位"
                            input type="text" name="dispatched_to" maxlength="100"
                                value=(kept.map_or("", |k| k.dispatched_to.as_str()));
                            @if let Some(m) = message_for(t.action, Some("dispatched_to")) {
                                span.field-error id="dispatched_to-error" { (m) }
                            }
                        }
                    }
                    label {
                        "办理意见（选填）"
                        textarea name="note" maxlength="2000" { (kept.map_or("", |k| k.note.as_str())) }
                    }
                    button type="submit" { (t.action_zh) }
                }
            }
            p { a href={ "/worker/events?unit=" (encode(&event.unit_code)) } { "返回事件列表" } }
        },
    ))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = worked_event(&state, &worker, &id).await?;
    render(&state, &worker, StatusCode::OK, &event, None).await
}

/// `/worker/events/{id}/photo`: the event's photo, to whoever may see the event page; a
/// 404 page for anyone else and for an event without one.
pub(super) async fn photo(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = worked_event(&state, &worker, &id).await?;
    match state.db().event_photo(event.id).await? {
        Some(photo) => Ok(photo_response(photo)),
        None => Err(PageError::not_found(worker.visitor())),
    }
}

pub(super) async fn act(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(input): Form<ActionForm>,
) -> Result<Response, PageError> {
    let event = worked_event(&state, &worker, &id).await?;
    let dispatched_to = (input.action == "dispatch").then_some(input.dispatched_to.as_str());
    let taken = events::act(
        state.ground(),
        worker.signed_in.actor(),
        Action {
            event_id: event.id,
            action: &input.action,
            note: &input.note,
            dispatched_to,
        },
    )
    .await;
    let (status, field, message) = match taken {
        Ok(_) => return Ok(Redirect::to(&format!("/worker/events/{}", event.id)).into_response()),
        Err(RuleError::Invalid { field, .. }) if field == "dispatched_to" => (
            StatusCode::BAD_REQUEST,
            Some("dispatched_to"),
            "请填写承办部门或下级单位。",
        ),
        Err(RuleError::Invalid { field, .. }) if field == "note" => {
            (StatusCode::BAD_REQUEST, None, "办理意见最多 2000 字。")
        }
        Err(RuleError::Invalid { .. }) => (
            StatusCode::BAD_REQUEST,
            None,
            "填写的内容有误，请检查后重试。",
        ),
        Err(RuleError::Conflict(_)) => (
            StatusCode::CONFLICT,
            None,
            "事件状态已变化，此操作当前不可执行，请刷新后重试。",
        ),
        Err(RuleError::Forbidden(_)) => (StatusCode::FORBIDDEN, None, "您无权对该事件执行此操作。"),
        Err(error) => return Err(worker.failed(error)),
    };
    // The event as it stands now (another worker may have moved it meanwhile).
    let event = worked_event(&state, &worker, &id).await?;
    let refusal = Refusal {
        input: &input,
        field,
        message,
    };
    render(&state, &worker, status, &event, Some(&refusal)).await
}
