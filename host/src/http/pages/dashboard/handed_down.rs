//! `/dashboard/handed-down?unit=CODE` (交办跟踪): the events a unit's streets, communities
//! and grids hold by hand-down, newest first, with their state, deadline and working days
//! left, each linking to the event's page where a leader urges (催办). The list is
//! `rules::events::handed_down`'s, as `GET /api/handed-down` answers it.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::http::pages::frame::{Area, respond};
use crate::rules::RuleError;
use crate::rules::events::handed_down;
use crate::state::AppState;

/// The page's query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct HandedDownQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    before: Option<i64>,
}

/// `GET /dashboard/handed-down`.
pub(super) async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<HandedDownQuery>,
) -> Result<Response, PageError> {
    let unit =
        super::page::unit_asked_or_highest(query.unit.as_deref(), &signed_in.person().grants);
    let refused = || {
        PageError::forbidden(
            Area::Dashboard,
            signed_in.visitor(),
            html! { "交办跟踪需要该单位的领导或单位管理员角色。" },
        )
    };
    let Some(unit) = unit else {
        return Err(refused());
    };
    let page = handed_down::handed_down(
        state.ground(),
        signed_in.person(),
        &unit,
        query.before,
        None,
    )
    .await
    .map_err(|e| match e {
        RuleError::Forbidden(_) => refused(),
        other => other.into(),
    })?;
    let content = html! {
        h1 { "交办跟踪" }
        p.muted {
            "单位 " (unit) " 交办给下级单位的事件，最新的在前 · "
            a href={ "/dashboard/?unit=" (encode(&unit)) } { "返回统计看板" }
        }
        @if page.events.is_empty() {
            p.notice { "没有交办给下级单位的事件。" }
        } @else {
            table.worker-list.handed-down {
                thead { tr {
                    th { "编号" } th { "标题" } th { "承办单位" } th { "状态" }
                    th { "办理期限" } th { "剩余工作日" } th { "督办" }
                } }
                tbody {
                    @for q in &page.events {
                        @let e = &q.event;
                        tr {
                            td { "#" (e.id) }
                            td { a href={ "/worker/events/" (e.id) } { (e.title) } }
                            td { (e.dispatched_to.as_deref().unwrap_or("—")) }
                            td.state { (e.state.name_zh()) }
                            td { (e.deadline.as_deref().unwrap_or("—")) }
                            td.number {
                                @match q.working_days_left {
                                    Some(days) if days < 0 => { span.urgent { "超期 " (-days) " 个工作日" } }
                                    Some(days) => { (days) }
                                    None => { "—" }
                                }
                            }
                            td { @if e.supervised { span.urgent { "已督办" } } }
                        }
                    }
                }
            }
            @if let Some(before) = page.next_before {
                p.pager { a href={ "/dashboard/handed-down?unit=" (encode(&unit)) "&before=" (before) } { "更早的事件" } }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        "交办跟踪",
        Area::Dashboard,
        &signed_in.visitor(),
        content,
    ))
}
