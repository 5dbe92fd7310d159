//! A record's history as its page shows it: each change with who, when, what and the
//! fields before and after (masked as stored), newest first, and the audited reads.

use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::db::audit::AuditRow;
use crate::http::pages::frame::text::china_time;

/// The Chinese name of an audited action.
fn action_zh(action: &str) -> &str {
    match action {
        "resident.registered" => "登记",
        "resident.updated" => "修改",
        "resident.moved" => "迁移",
        "resident.closed" => "注销",
        "resident.pushed" | "house.pushed" => "部门推送",
        "resident.unmasked" => "查看完整信息",
        "house.added" => "新增",
        "house.updated" | "organization.updated" | "special_population.updated" => "修改",
        "household.created" => "建户",
        "household.head_changed" => "变更户主",
        "special_population.registered" => "登记",
        "special_population.closed" => "解除",
        "special_population.visited" => "走访",
        "special_population.moved" => "随居民迁移",
        "special_population.read" => "查阅",
        other => other,
    }
}

/// The Chinese name of a recorded field.
fn field_zh(field: &str) -> &str {
    match field {
        "name" => "姓名",
        "gender" => "性别",
        "birth_date" => "出生日期",
        "id_number" => "身份证号",
        "phone" => "手机号",
        "population_type" => "人口类型",
        "grid_code" => "网格",
        "tags" => "标签",
        "household_id" => "户",
        "household_relation" => "与户主关系",
        "house_id" => "房屋",
        "closed_reason" => "注销原因",
        "closed_on" => "注销日期",
        "address" => "地址",
        "usage" => "用途",
        "latitude" => "纬度",
        "longitude" => "经度",
        "grid_source" => "网格来源",
        "number" => "户号",
        "head_resident_id" => "户主",
        "control_level" => "管控级别",
        "responsible" => "责任人",
        "note" => "备注",
        "kind" => "类别",
        "credit_code" => "统一社会信用代码",
        "contact_name" => "联系人",
        "contact_phone" => "联系电话",
        other => other,
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "（空）".to_owned(),
        Value::String(text) if text.is_empty() => "（空）".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("、"),
        other => other.to_string(),
    }
}

/// The changes and the rest of `row`'s detail.
fn parts(row: &AuditRow) -> (Map<String, Value>, Map<String, Value>) {
    let mut detail = match serde_json::from_str(&row.detail) {
        Ok(Value::Object(detail)) => detail,
        _ => Map::new(),
    };
    let changes = match detail.remove("changes") {
        Some(Value::Object(changes)) => changes,
        _ => Map::new(),
    };
    (changes, detail)
}

/// The history table of `rows`, or a line saying there is none.
pub(super) fn table(rows: &[AuditRow]) -> Markup {
    html! {
        section.history {
            h2 { "变更记录" }
            @if rows.is_empty() {
                p.muted { "暂无记录。" }
            } @else {
                table.worker-list.history {
                    thead { tr { th { "时间" } th { "操作人" } th { "操作" } th { "内容" } } }
                    tbody {
                        @for row in rows {
                            @let (changes, detail) = parts(row);
                            tr {
                                td.when { (china_time(row.at)) }
                                td { code { (row.actor) } }
                                td { (action_zh(&row.action)) }
                                td.long {
                                    @for (field, change) in &changes {
                                        @let before = change.get(0).unwrap_or(&Value::Null);
                                        @let after = change.get(1).unwrap_or(&Value::Null);
                                        div.change {
                                            (field_zh(field)) "：" (shown(before)) " → " (shown(after))
                                        }
                                    }
                                    @if let Some(reason) = detail.get("reason").and_then(Value::as_str) {
                                        div.change { "原因：" (reason) }
                                    }
                                    @if let Some(from) = detail.get("from_grid").and_then(Value::as_str) {
                                        div.change { "迁出网格：" code { (from) } }
                                    }
                                    @if let Some(on) = detail.get("visited_on").and_then(Value::as_str) {
                                        div.change { "走访日期：" (on) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
