//! `/worker/events?unit=…` (the unit's events newest first, filtered by state, category,
//! overdue and 督办 and paged, with the emergency reports still waiting for acceptance
//! above them) and `/worker/events/{id}`: the event page of `event_view` for the
//! workers of its unit, with its photo (`/worker/events/{id}/photo`, to the same workers).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::{page, unit_links};
use crate::db::events::StoredEvent;
use crate::grid::calendar::today_in_china;
use crate::grid::workflow::EventState;
use crate::http::pages::event_view::{self, ActionForm, Place};
use crate::http::pages::frame::Area;
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::photos::photo_response;
use crate::http::pages::frame::text::{china_time, encode};
use crate::rules::RuleError;
use crate::rules::events::{self, Search};
use crate::state::AppState;

/// Events per page of the list.
const EVENTS_PER_PAGE: i64 = 50;

/// Emergency reports shown above the list while they wait for acceptance.
const URGENT_SHOWN: i64 = 20;

/// The list's filters and page, as the filter form sends them (blank is "any").
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    overdue: Option<String>,
    #[serde(default)]
    supervised: Option<String>,
    #[serde(default)]
    before: Option<i64>,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl ListQuery {
    /// The filters as a query string (without the page), for the next page's link.
    fn filters(&self, unit: &str) -> String {
        let mut query = format!("unit={}", encode(unit));
        for (name, value) in [
            ("state", filled(&self.state)),
            ("category", filled(&self.category)),
            ("overdue", filled(&self.overdue)),
            ("supervised", filled(&self.supervised)),
        ] {
            if let Some(value) = value {
                query.push_str(&format!("&{name}={}", encode(value)));
            }
        }
        query
    }

    fn any(&self) -> bool {
        [&self.state, &self.category, &self.overdue, &self.supervised]
            .into_iter()
            .any(|v| filled(v).is_some())
    }
}

/// `GET /worker/events?unit=…[&state=&category=&overdue=1&supervised=1&before=ID]`: the
/// unit's events newest first, filtered and a page at a time, with the emergency reports
/// still waiting for acceptance above them.
pub(super) async fn list(
    State(state): State<AppState>,
    at: WorkerAt,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let worker = &at.worker;
    let unit = &at.unit;
    let actor = worker.signed_in.actor();
    let bad_filter = || worker.failed(RuleError::invalid("state", "unknown state in the filter"));
    let chosen_state = match filled(&query.state) {
        Some(name) => Some(EventState::parse(name).ok_or_else(bad_filter)?),
        None => None,
    };
    let categories = events::categories::all(state.db())
        .await
        .map_err(|e| worker.failed(e))?;
    let chosen_category = filled(&query.category);
    if chosen_category.is_some_and(|c| !categories.iter().any(|k| k.code == c)) {
        return Err(bad_filter());
    }
    let today = today_in_china().to_string();
    let state_names = chosen_state.map(|s| [s.name()]);
    let listed = events::search(
        state.db(),
        &actor,
        &Search {
            within: Some(unit),
            category: chosen_category,
            states: state_names.as_ref().map(|s| &s[..]),
            before_id: query.before,
            overdue_on: filled(&query.overdue).map(|_| today.as_str()),
            supervised_only: filled(&query.supervised).is_some(),
            limit: EVENTS_PER_PAGE,
            ..Search::default()
        },
    )
    .await
    .map_err(|e| worker.failed(e))?;
    let urgent = if query.before.is_none() && !query.any() {
        events::search(
            state.db(),
            &actor,
            &Search {
                within: Some(unit),
                urgent_waiting_only: true,
                limit: URGENT_SHOWN,
                ..Search::default()
            },
        )
        .await
        .map_err(|e| worker.failed(e))?
    } else {
        Vec::new()
    };
    let next = (listed.len() as i64 == EVENTS_PER_PAGE)
        .then(|| listed.last().map(|e| e.id))
        .flatten();
    let overdue = |e: &StoredEvent| {
        e.state.is_open() && e.deadline.as_deref().is_some_and(|d| d < today.as_str())
    };
    let row = |e: &StoredEvent| {
        html! {
            tr {
                td { "#" (e.id) }
                td.long {
                    @if e.urgent && e.state == EventState::Reported { strong.urgent { "【紧急】" } }
                    @if e.supervised { strong.urgent { "【督办】" } }
                    a href={ "/worker/events/" (e.id) } { (e.title) }
                }
                td { (categories.iter().find(|k| k.code == e.category).map_or(e.category.as_str(), |k| k.name.as_str())) }
                td.state { (e.state.name_zh()) }
                td { (china_time(e.reported_at)) }
                td {
                    (e.deadline.as_deref().unwrap_or("—"))
                    @if overdue(e) { " " span.urgent { "已超期" } }
                }
            }
        }
    };
    let head = html! {
        thead { tr {
            th { "编号" } th { "标题" } th { "类别" } th { "状态" } th { "上报时间" } th { "办理期限" }
        } }
    };
    Ok(page(
        StatusCode::OK,
        "事件",
        worker,
        html! {
            h1 { "事件 " small.muted { code { (unit) } } }
            (unit_links(unit))
            form.search method="get" action="/worker/events" {
                input type="hidden" name="unit" value=(unit);
                label {
                    "状态"
                    select name="state" {
                        option value="" { "全部" }
                        @for s in EventState::all() {
                            option value=(s.name()) selected[chosen_state == Some(s)] { (s.name_zh()) }
                        }
                    }
                }
                label {
                    "类别"
                    select name="category" {
                        option value="" { "全部" }
                        @for k in &categories {
                            option value=(k.code) selected[chosen_category == Some(k.code.as_str())] { (k.name) }
                        }
                    }
                }
                label.check { input type="checkbox" name="overdue" value="1" checked[filled(&query.overdue).is_some()]; "已超期" }
                label.check { input type="checkbox" name="supervised" value="1" checked[filled(&query.supervised).is_some()]; "已督办" }
                button type="submit" { "筛选" }
            }
            @if !urgent.is_empty() {
                h2 { "紧急待受理" }
                table.worker-list.events.urgent-list {
                    (head)
                    tbody { @for e in &urgent { (row(e)) } }
                }
            }
            @if listed.is_empty() {
                p.notice { @if query.any() { "没有符合条件的事件。" } @else { "暂无事件。" } }
            } @else {
                table.worker-list.events {
                    (head)
                    tbody { @for e in &listed { (row(e)) } }
                }
            }
            @if let Some(before) = next {
                p.pager { a href={ "/worker/events?" (query.filters(unit)) "&before=" (before) } { "下一页" } }
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
