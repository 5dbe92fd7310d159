//! `/worker/events?unit=…` (the unit's events, urgent ones waiting for acceptance first, as
//! the API lists them) and `/worker/events/{id}`: the event page of `event_view` for the
//! workers of its unit, with its photo (`/worker/events/{id}/photo`, to the same workers).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::{page, unit_links};
use crate::db::events::StoredEvent;
use crate::http::pages::event_view::{self, ActionForm, Place};
use crate::http::pages::frame::Area;
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::photos::photo_response;
use crate::http::pages::frame::text::{china_time, encode};
use crate::rules::RuleError;
use crate::rules::events;
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

/// The workspace's place for an event page.
fn place(event: &StoredEvent) -> Place {
    Place {
        area: Area::Worker,
        base: "/worker/events",
        back: (
            format!("/worker/events?unit={}", encode(&event.unit_code)),
            "返回事件列表",
        ),
    }
}

pub(super) async fn detail(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = worked_event(&state, &worker, &id).await?;
    event_view::page(&state, &worker.signed_in, &place(&event), &event).await
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
    event_view::act(
        &state,
        &worker.signed_in,
        &place(&event),
        &event,
        input,
        || worked_event(&state, &worker, &id),
    )
    .await
}
