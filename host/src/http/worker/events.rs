//! `/worker/events?unit=…` (the unit's events, urgent ones waiting for acceptance first, as
//! the API lists them) and `/worker/events/{id}`: the event with its timeline, its photo
//! (`/worker/events/{id}/photo`, to the same workers) and one form per action the workflow
//! allows this user now. Posting a form moves the event through the
//! API's own `act_as` and comes back (303) to the event; a refused action re-renders the
//! page with the message next to the field, the note kept.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::lists::ListQuery;
use super::{failed, page, unit_links, worker, worker_at, works};
use crate::db::events::StoredEvent;
use crate::grid::workflow::actions_from;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::CurrentUser;
use crate::http::event_photos::{photo_figure, photo_response};
use crate::http::events_api::{MAX_LIST, act_as, event_in_scope, may_take};
use crate::http::layout::Visitor;
use crate::http::portal::reports::action_zh;
use crate::http::portal::{china_time, not_found};

pub(super) async fn list(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (current, unit) = match worker_at(found, &uri, query.unit.as_deref()) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let events = match state.db().events_under(&unit, MAX_LIST).await {
        Ok(events) => events,
        Err(error) => return failed(&current, error.into()),
    };
    page(
        StatusCode::OK,
        "事件",
        &current,
        html! {
            h1 { "事件 " small.muted { code { (unit) } } }
            (unit_links(&unit))
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
    )
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

/// The event `id` if `current` works its unit, else the response (a 404 page, as for an
/// event that does not exist).
async fn worked_event(
    state: &AppState,
    current: &CurrentUser,
    id: &str,
) -> Result<StoredEvent, Response> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found(Visitor::SignedIn(current)));
    };
    match event_in_scope(state, current, id).await {
        Ok(event) if works(current, &event.unit_code) => Ok(event),
        Ok(_) => Err(not_found(Visitor::SignedIn(current))),
        Err(error) => Err(failed(current, error)),
    }
}

/// The event page, with `refusal` on its form if an action was just refused.
async fn render(
    state: &AppState,
    current: &CurrentUser,
    status: StatusCode,
    event: &StoredEvent,
    refusal: Option<&Refusal<'_>>,
) -> Response {
    let timeline = match state.db().event_timeline(event.id).await {
        Ok(timeline) => timeline,
        Err(error) => return failed(current, error.into()),
    };
    let has_photo = match state.db().has_event_photo(event.id).await {
        Ok(has_photo) => has_photo,
        Err(error) => return failed(current, error.into()),
    };
    let actions: Vec<_> = actions_from(event.state)
        .filter(|t| may_take(&current.grants, &current.user.username, event, t))
        .collect();
    let refused = |action: &str| refusal.filter(|r| r.input.action == action);
    let message_for = |action: &str, field: Option<&str>| {
        refused(action)
            .filter(|r| r.field == field)
            .map(|r| r.message)
    };
    page(
        status,
        &event.title,
        current,
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
            p { a href={ "/worker/events?unit=" (crate::http::portal::encode(&event.unit_code)) } { "返回事件列表" } }
        },
    )
}

pub(super) async fn detail(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let current = match worker(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    match worked_event(&state, &current, &id).await {
        Ok(event) => render(&state, &current, StatusCode::OK, &event, None).await,
        Err(response) => response,
    }
}

/// `/worker/events/{id}/photo`: the event's photo, to whoever may see the event page; a
/// 404 page for anyone else and for an event without one.
pub(super) async fn photo(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let current = match worker(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let event = match worked_event(&state, &current, &id).await {
        Ok(event) => event,
        Err(response) => return response,
    };
    match state.db().event_photo(event.id).await {
        Ok(Some(photo)) => photo_response(photo),
        Ok(None) => not_found(Visitor::SignedIn(&current)),
        Err(error) => failed(&current, error.into()),
    }
}

pub(super) async fn act(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Path(id): Path<String>,
    Form(input): Form<ActionForm>,
) -> Response {
    let current = match worker(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let event = match worked_event(&state, &current, &id).await {
        Ok(event) => event,
        Err(response) => return response,
    };
    let dispatched_to = (input.action == "dispatch").then_some(input.dispatched_to.as_str());
    let (status, field, message) = match act_as(
        &state,
        &current,
        event.id,
        &input.action,
        &input.note,
        dispatched_to,
    )
    .await
    {
        Ok(_) => return Redirect::to(&format!("/worker/events/{}", event.id)).into_response(),
        Err(ApiError::Invalid {
            field: "dispatched_to",
            ..
        }) => (
            StatusCode::BAD_REQUEST,
            Some("dispatched_to"),
            "请填写承办部门或下级单位。",
        ),
        Err(ApiError::Invalid { .. }) => (
            StatusCode::BAD_REQUEST,
            None,
            "填写的内容有误，请检查后重试。",
        ),
        Err(ApiError::Conflict(_)) => (
            StatusCode::CONFLICT,
            None,
            "事件状态已变化，此操作当前不可执行，请刷新后重试。",
        ),
        Err(ApiError::Forbidden(_)) => (StatusCode::FORBIDDEN, None, "您无权对该事件执行此操作。"),
        Err(error) => return failed(&current, error),
    };
    // The event as it stands now (another worker may have moved it meanwhile).
    let event = match worked_event(&state, &current, &id).await {
        Ok(event) => event,
        Err(response) => return response,
    };
    let refusal = Refusal {
        input: &input,
        field,
        message,
    };
    render(&state, &current, status, &event, Some(&refusal)).await
}
