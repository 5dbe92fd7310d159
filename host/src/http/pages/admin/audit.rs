//! `/admin/audit?unit=CODE`: the audit log of a unit's subtree, newest first, 50 a page —
//! the same rule as `GET /api/audit` (unit admins there only).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::page;
use crate::http::pages::frame::access::Admin;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::china_time;
use crate::rules::{RuleError, audit_log};
use crate::state::AppState;

/// Entries per page.
const PAGE: i64 = 50;

#[derive(Debug, Deserialize)]
pub(super) struct AuditQuery {
    unit: Option<String>,
    before: Option<i64>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    admin: Admin,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let unit = query
        .unit
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| admin.units[0].clone());
    let (rows, next) = match audit_log::page(
        state.db(),
        admin.signed_in.person(),
        &unit,
        query.before,
        PAGE,
    )
    .await
    {
        Ok(found) => found,
        Err(RuleError::Forbidden(_)) => return Err(admin.outside(&unit)),
        Err(error) => return Err(error.into()),
    };
    Ok(page(
        StatusCode::OK,
        "审计日志",
        &admin,
        html! {
            h1 { "审计日志 " code { (unit) } }
            form.admin.inline method="get" action="/admin/audit" {
                label {
                    "单位代码"
                    input type="text" name="unit" value=(unit);
                }
                button type="submit" { "查看" }
            }
            @if rows.is_empty() {
                p.muted { "没有记录。" }
            }
            div.admin-table {
                table.audit {
                    thead { tr { th { "时间" } th { "操作者" } th { "动作" } th { "对象" } th { "单位" } th { "详情" } } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { (china_time(r.at)) }
                                td { code { (r.actor) } }
                                td.action { code { (r.action) } }
                                td { code { (r.subject) } }
                                td { code { (r.unit_code.as_deref().unwrap_or("")) } }
                                td.detail { code { (r.detail) } }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = next {
                p { a #next-page href={ "/admin/audit?unit=" (unit) "&before=" (next) } { "下一页" } }
            }
        },
    ))
}
