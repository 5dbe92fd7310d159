//! `/department/`: the queue (待办) of the staff's departments, or of the one `?unit=`
//! names, the earliest deadline first: each event with its place, state, receipt, deadline
//! and the working days left (late ones marked), paged by `?after=`; above it, the events
//! the departments were summoned to (吹哨报到) and have not checked in on.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::http::pages::frame::access::DepartmentStaff;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::{china_time, encode};
use crate::http::pages::frame::{Area, respond};
use crate::rules::events::{queue, summons};
use crate::state::AppState;

/// The page asked for.
#[derive(Debug, Default, Deserialize)]
pub(super) struct QueueParams {
    unit: Option<String>,
    after: Option<String>,
}

/// How the countdown reads: days left, due today, or late.
fn countdown(left: Option<i64>) -> (String, bool) {
    match left {
        None => ("—".to_owned(), false),
        Some(days) if days < 0 => (format!("超期 {} 个工作日", -days), true),
        Some(1) => ("今日到期".to_owned(), true),
        Some(days) => (format!("剩 {days} 个工作日"), false),
    }
}

pub(super) async fn queue(
    State(state): State<AppState>,
    staff: DepartmentStaff,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    let unit = params
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let page = queue::queue(
        state.ground(),
        staff.signed_in.person(),
        unit,
        params.after.as_deref(),
        None,
    )
    .await
    .map_err(|e| staff.failed(e))?;
    // Summoned beside another department's lead, not yet checked in (吹哨报到).
    let summoned = summons::waiting(state.db(), staff.signed_in.person())
        .await
        .map_err(|e| staff.failed(e))?;
    let mut names = Vec::new();
    for code in &page.units {
        let name = state
            .db()
            .unit(code)
            .await?
            .map_or(code.clone(), |u| u.name);
        names.push((code.clone(), name));
    }
    let content = html! {
        h1 { "待办事件" }
        p.muted {
            @for (i, (code, name)) in names.iter().enumerate() {
                @if i > 0 { "、" }
                (name) " " small { code { (code) } }
            }
        }
        @if staff.units.len() > 1 {
            ul.worker-sections {
                li { a href="/department/" { "全部部门" } }
                @for code in &staff.units {
                    li { a href={ "/department/?unit=" (encode(code)) } { (code) } }
                }
            }
        }
        @if !summoned.is_empty() {
            section.summoned {
                h2 { "吹哨待报到" }
                ul.items {
                    @for e in &summoned {
                        li { a href={ "/department/events/" (e.id) } { (e.title) } " " small.muted { code { (e.unit_code) } } }
                    }
                }
            }
        }
        @if page.events.is_empty() {
            p.notice { "暂无待办事件。派遣给本部门的事件会出现在这里。" }
        } @else {
            table.worker-list.queue {
                thead { tr {
                    th { "标题" } th { "所属单位" } th { "状态" } th { "派遣时间" }
                    th { "办理期限" } th { "剩余" }
                } }
                tbody {
                    @for q in &page.events {
                        @let (left, pressing) = countdown(q.working_days_left);
                        tr data-event=(q.event.id) {
                            td {
                                @if q.event.supervised { strong.urgent { "【督办】" } }
                                a href={ "/department/events/" (q.event.id) } { (q.event.title) }
                            }
                            td { code { (q.event.unit_code) } }
                            td.state { (q.event.state.name_zh()) }
                            td { (q.event.received_at.map_or("—".to_owned(), china_time)) }
                            td { (q.event.deadline.as_deref().unwrap_or("—")) }
                            td.countdown {
                                @if pressing { strong.urgent { (left) } } @else { (left) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(next) = &page.next {
            p { a rel="next" href={
                "/department/?after=" (encode(next))
                @if let Some(unit) = unit { "&unit=" (encode(unit)) }
            } { "下一页" } }
        }
    };
    Ok(respond(
        StatusCode::OK,
        "待办事件",
        Area::Department,
        &staff.visitor(),
        content,
    ))
}
