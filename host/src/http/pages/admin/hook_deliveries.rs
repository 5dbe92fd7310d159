//! `/admin/hook-deliveries`: the notices plugins of the admin's units could not take —
//! waiting for another attempt (with back-off), or given up after the last one — with the
//! plugin, the hook, the attempts and what the last one met (`rules::hook_deliveries`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde_json::Value;

use super::page;
use crate::http::pages::frame::access::Admin;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::china_time;
use crate::rules::hook_deliveries;
use crate::state::AppState;

/// The hook and subject a stored notice names (`resident-changed`, `resident 7`).
fn described(notice: &str) -> (String, String) {
    let value: Value = serde_json::from_str(notice).unwrap_or(Value::Null);
    let hook = value["hook"].as_str().unwrap_or("?").to_owned();
    let subject = match (&value["resident_id"], &value["event_id"]) {
        (Value::Number(id), _) => {
            format!("居民 {id}（{}）", value["change"].as_str().unwrap_or(""))
        }
        (_, Value::Number(id)) => format!("事件 {id}"),
        _ => String::new(),
    };
    (hook, subject)
}

pub(super) async fn list(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, PageError> {
    let rows = hook_deliveries::failed(state.db(), admin.signed_in.person()).await?;
    Ok(page(
        StatusCode::OK,
        "钩子投递失败",
        &admin,
        html! {
            h1 { "钩子投递失败" }
            p.muted {
                "插件处理通知时出错（崩溃、超时、熔断）的投递。平台会按退避间隔自动重试；"
                "重试次数用尽后标记为“已放弃”，保留在此供核查。"
            }
            @if rows.is_empty() {
                p.notice { "暂无失败的投递。" }
            } @else {
                div.admin-table {
                    table.hook-deliveries {
                        thead { tr {
                            th { "插件" } th { "单位" } th { "钩子" } th { "对象" }
                            th { "尝试次数" } th { "状态" } th { "最近错误" } th { "首次失败" }
                        } }
                        tbody {
                            @for row in &rows {
                                @let (hook, subject) = described(&row.notice);
                                tr {
                                    td { code { (row.plugin_id.as_deref().unwrap_or("（已卸载）")) } }
                                    td { code { (row.unit_code) } }
                                    td { code { (hook) } }
                                    td { (subject) }
                                    td { (row.attempts) }
                                    td {
                                        @if row.state == "failed" { strong.failed { "已放弃" } }
                                        @else { "等待重试（" (china_time(row.next_attempt_at)) "）" }
                                    }
                                    td.error-detail { (row.last_error) }
                                    td { (china_time(row.created_at)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}
