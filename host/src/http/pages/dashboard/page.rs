//! `/dashboard/?unit=CODE`: the page itself.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::ToSpan;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use serde_json::{Value, json};
use wangge_registry::Level;

use super::{echarts_path, map};
use crate::auth::{Grants, LEADER_ROLES};
use crate::db::events::StoredEvent;
use crate::db::stats::{Count, EventGrouping};
use crate::grid::calendar::today_in_china;
use crate::grid::small_cells::shown;
use crate::grid::workflow::EventState;
use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::{Area, respond};
use crate::rules::base_data::verification::{GridRate, Rate};
use crate::rules::events::{self, Search, categories};
use crate::rules::stats::{self, TREND_DAYS};
use crate::rules::{Actor, RuleError};
use crate::state::AppState;

/// Open events looked through for overdue and supervised ones, newest first.
const OPEN_EVENTS_SCANNED: i64 = 2000;

/// Overdue and supervised events listed.
const ATTENTION_LISTED: usize = 50;

#[derive(Debug, Deserialize)]
pub(super) struct DashboardQuery {
    unit: Option<String>,
}

/// One child unit: its code, name, boundary and event counts.
pub(super) struct Child {
    pub code: String,
    pub name: String,
    pub boundary: Option<String>,
    /// Events in its subtree.
    pub total: i64,
    /// Open (not yet closed) events in its subtree.
    pub open: i64,
    /// Special-population records of its subtree whose visit is overdue.
    pub overdue_visits: i64,
    /// Its 关联核录 rate, if it has records.
    pub verification: Option<Rate>,
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let person = signed_in.person();
    let Some(unit) = query.unit.or_else(|| highest_unit(&person.grants)) else {
        return Err(forbidden(
            &signed_in,
            "您没有领导或单位管理员角色，无法查看统计看板。".to_owned(),
        ));
    };
    let level = match stats::may_see(person, &unit) {
        Ok(level) => level,
        Err(RuleError::Forbidden(_) | RuleError::Invalid { .. }) => {
            return Err(forbidden(
                &signed_in,
                format!("查看单位 {unit} 的统计看板需要该单位的领导或单位管理员角色。"),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    match render(&state, &signed_in, &unit, level).await? {
        Some(content) => Ok(respond(
            StatusCode::OK,
            "统计看板",
            Area::Dashboard,
            &signed_in.visitor(),
            content,
        )),
        None => Err(PageError::page(
            StatusCode::NOT_FOUND,
            "单位不存在",
            Area::Dashboard,
            signed_in.visitor(),
            html! { p { "单位 " (unit) " 不存在。" } },
        )),
    }
}

/// Whether `grants` show the dashboard of `unit`.
fn may_see(grants: &Grants, unit: &str) -> bool {
    LEADER_ROLES
        .iter()
        .any(|role| grants.has_role_at(*role, unit))
}

/// The unit a dashboard page is about: the one `asked` names (blank is none), else the
/// highest where `grants` hold a dashboard role.
pub(super) fn unit_asked_or_highest(asked: Option<&str>, grants: &Grants) -> Option<String> {
    asked
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .or_else(|| highest_unit(grants))
}

/// The highest unit (shortest code) where `grants` hold a dashboard role.
pub(super) fn highest_unit(grants: &Grants) -> Option<String> {
    grants
        .0
        .iter()
        .filter(|g| LEADER_ROLES.contains(&g.role))
        .min_by_key(|g| (g.unit_code.len(), g.unit_code.clone()))
        .map(|g| g.unit_code.clone())
}

fn forbidden(signed_in: &SignedIn, why: String) -> PageError {
    PageError::page(
        StatusCode::FORBIDDEN,
        "无权查看",
        Area::Dashboard,
        signed_in.visitor(),
        html! { p { (why) } p { a href="/" { "返回首页" } } },
    )
}

/// A count as the page shows it: the number, or `<5` under the small-cell rule.
pub(super) fn text(count: i64, level: Level) -> String {
    match shown(count, level) {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

/// JSON for a `<script type="application/json">` block: `<` escaped so no `</script>` or
/// `<!--` can end or change it.
fn json_block(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    unit: &str,
    level: Level,
) -> Result<Option<Markup>, PageError> {
    let db = state.db();
    let grants = &signed_in.person().grants;
    let Some(stored) = db.unit(unit).await? else {
        return Ok(None);
    };
    let category_names: HashMap<String, String> = categories::all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    // One read of the unit's statistics, the same `GET /api/stats` answers with.
    let unit_stats = stats::of_unit(db, signed_in.person(), unit).await?;
    let by_category = &unit_stats.events_by_category;
    let by_state = &unit_stats.events_by_state;
    let by_day = &unit_stats.events_by_day;
    let by_child: HashMap<&str, i64> = unit_stats
        .events_by_child_unit
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    let overdue_by_child: HashMap<&str, i64> = unit_stats
        .overdue_visits_by_child_unit
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    let mut children = Vec::new();
    for u in db.unit_children(unit).await? {
        // Open events: the child's own events by state, the open states summed.
        let open = stats::event_counts(db, &u.code, EventGrouping::State, None)
            .await?
            .iter()
            .filter(|c| EventState::parse(&c.key).is_some_and(EventState::is_open))
            .map(|c| c.count)
            .sum();
        let rate = unit_stats
            .verification_by_child_unit
            .iter()
            .find(|r| r.grid_code == u.code)
            .map(GridRate::combined);
        children.push(Child {
            total: by_child.get(u.code.as_str()).copied().unwrap_or(0),
            overdue_visits: overdue_by_child.get(u.code.as_str()).copied().unwrap_or(0),
            verification: rate,
            open,
            code: u.code,
            name: u.name,
            boundary: u.boundary,
        });
    }
    let attention = attention_events(state, &signed_in.actor(), unit).await?;

    let category_label = |key: &str| category_names.get(key).cloned().unwrap_or(key.into());
    let state_label =
        |key: &str| EventState::parse(key).map_or(key.to_owned(), |s| s.name_zh().into());
    let series = |counts: &[Count], label: &dyn Fn(&str) -> String| -> Value {
        counts
            .iter()
            .map(|c| json!({ "name": label(&c.key), "value": shown(c.count, level) }))
            .collect()
    };
    // Every day of the trend, days without events as 0.
    let today = today_in_china();
    let per_day: HashMap<&str, i64> = by_day.iter().map(|c| (c.key.as_str(), c.count)).collect();
    let trend: Vec<Value> = (0..TREND_DAYS)
        .rev()
        .filter_map(|back| today.checked_sub(back.days()).ok())
        .map(|day| {
            let key = day.to_string();
            let count = per_day.get(key.as_str()).copied().unwrap_or(0);
            json!({ "name": key, "value": shown(count, level) })
        })
        .collect();
    let data = json!({
        "unit": unit,
        "by_category": series(by_category, &category_label),
        "by_state": series(by_state, &state_label),
        "by_day": trend,
    });
    let charts_installed = echarts_path(state).exists();
    let level_name = format!("{level:?}").to_lowercase();

    Ok(Some(html! {
        h1 { (stored.name) " 统计看板" }
        p.muted {
            "单位 " (unit)
            " · " a href={ "/dashboard/assessment?unit=" (unit) } { "考核" }
            " · " a href={ "/dashboard/warnings?unit=" (unit) } { "风险预警" }
            " · " a href={ "/dashboard/handed-down?unit=" (unit) } { "交办跟踪" }
            @if let Some(parent) = stored.parent_code.as_deref().filter(|p| may_see(grants, p)) {
                " · " a href={ "/dashboard/?unit=" (parent) } { "返回上一级" }
            }
            @if crate::grid::small_cells::suppresses(level) {
                " · 1–4 件显示为 <5"
            }
        }
        script type="application/json" id="data" { (PreEscaped(json_block(&data))) }
        @if !charts_installed {
            p.notice { "图表组件未安装（请运行 cargo xtask test 或 cargo xtask demo），以下仅显示表格。" }
        }
        section.dashboard-charts data-level=(level_name) {
            figure.chart-box {
                figcaption { "按类别" }
                div.chart id="chart-category" {}
                (count_table(by_category, level, &category_label))
            }
            figure.chart-box {
                figcaption { "按状态" }
                div.chart id="chart-state" {}
                (count_table(by_state, level, &state_label))
            }
            figure.chart-box.wide {
                figcaption { "近 30 天上报趋势" }
                div.chart id="chart-trend" {}
            }
        }
        h2 { "下级单位" }
        @if children.is_empty() {
            p.muted { "没有下级单位。" }
        } @else {
            (map::svg(&children, level))
            table.children {
                thead { tr {
                    th { "单位" } th { "代码" } th { "未结案" } th { "事件总数" }
                    th { "走访逾期" } th { "关联核录率" }
                } }
                tbody {
                    @for child in &children {
                        tr {
                            td { a href={ "/dashboard/?unit=" (child.code) } { (child.name) } }
                            td { (child.code) }
                            td.count { (text(child.open, level)) }
                            td.count { (text(child.total, level)) }
                            td.count { (text(child.overdue_visits, level)) }
                            td.count { (rate_text(child.verification)) }
                        }
                    }
                }
            }
        }
        h2 { "超期与督办事件" }
        @if attention.is_empty() {
            p.muted { "没有超期或督办的事件。" }
        } @else {
            table.attention {
                thead { tr { th { "编号" } th { "标题" } th { "单位" } th { "状态" } th { "期限" } th { "" } } }
                tbody {
                    @for event in &attention {
                        tr {
                            td { (event.id) }
                            td { (event.title) }
                            td { (event.unit_code) }
                            td { (event.state.name_zh()) }
                            td { (event.deadline.as_deref().unwrap_or("—")) }
                            td { @if event.supervised { strong { "督办" } } @else { "超期" } }
                        }
                    }
                }
            }
        }
        @if charts_installed {
            script src="/static/echarts.min.js" {}
            script src="/static/dashboard.js" {}
        }
    }))
}

/// A 关联核录 rate as the table shows it: `83.3%`, marked below the target.
fn rate_text(rate: Option<Rate>) -> Markup {
    match rate.and_then(|r| r.percent().map(|p| (r, p))) {
        None => html! { "—" },
        Some((rate, percent)) => html! {
            span class=(if rate.meets_target() { "rate met" } else { "rate short" }) {
                (format!("{percent:.1}%"))
            }
        },
    }
}

fn count_table(counts: &[Count], level: Level, label: &dyn Fn(&str) -> String) -> Markup {
    html! {
        table.counts {
            tbody {
                @for c in counts {
                    tr { td { (label(&c.key)) } td.count { (text(c.count, level)) } }
                }
            }
        }
    }
}

/// Open events of the subtree that are supervised (督办) or past their deadline, newest
/// first.
async fn attention_events(
    state: &AppState,
    actor: &Actor<'_>,
    unit: &str,
) -> Result<Vec<StoredEvent>, RuleError> {
    let open: Vec<&str> = [
        EventState::Reported,
        EventState::Accepted,
        EventState::Dispatched,
        EventState::Handling,
        EventState::Resolved,
    ]
    .into_iter()
    .filter(|s| s.is_open())
    .map(EventState::name)
    .collect();
    let today = today_in_china().to_string();
    let events = events::search(
        state.db(),
        actor,
        &Search {
            within: Some(unit),
            states: Some(&open),
            limit: OPEN_EVENTS_SCANNED,
            ..Search::default()
        },
    )
    .await?;
    Ok(events
        .into_iter()
        .filter(|e| e.supervised || e.deadline.as_deref().is_some_and(|d| d < today.as_str()))
        .take(ATTENTION_LISTED)
        .collect())
}
