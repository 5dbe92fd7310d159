//! `/dashboard/assessment?unit=CODE`: the 考核 ranking table of a unit's child units or
//! departments for a period (this month by default), with the CSV download, and
//! `/dashboard/assessment/events`: the events behind one figure of one row. The figures
//! are `rules::assessment`'s, as `GET /api/assessment` answers them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::china_time;
use crate::http::pages::frame::{Area, respond};
use crate::rules::RuleError;
use crate::rules::assessment::{self, By, Rate, Request, Row};
use crate::state::AppState;

/// The page's query: the API's, every field optional.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AssessmentQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    by: Option<String>,
    #[serde(default)]
    row: Option<String>,
    #[serde(default)]
    figure: Option<String>,
    #[serde(default)]
    before: Option<i64>,
}

impl AssessmentQuery {
    fn filled(value: &Option<String>) -> Option<&str> {
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
}

/// The figures a drill-down explains, in Chinese.
fn figure_zh(figure: &str) -> &'static str {
    match figure {
        "late-response" => "未按时响应",
        "late-resolution" => "未按期办结",
        "returned" => "被退回",
        "reopened" => "重新办理",
        "dissatisfied" => "不满意",
        "supervised" => "督办",
        "urged" => "催办",
        _ => "全部事件",
    }
}

/// The page's refusal of a bad query, the field named in Chinese, or its error.
fn refused(signed_in: &SignedIn, error: RuleError) -> PageError {
    let message = match &error {
        RuleError::Invalid {
            field,
            problem: message,
        } => format!(
            "{}：{message}",
            match field.as_ref() {
                "from" => "开始日期",
                "to" => "结束日期",
                "by" => "考核对象",
                "unit" => "单位",
                "figure" => "指标",
                "row" => "行",
                _ => "参数",
            }
        ),
        RuleError::Forbidden(_) => "查看考核需要该单位的领导或单位管理员角色。".to_owned(),
        _ => return error.into(),
    };
    let status = if matches!(error, RuleError::Forbidden(_)) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::BAD_REQUEST
    };
    PageError::page(
        status,
        "考核",
        Area::Dashboard,
        signed_in.visitor(),
        html! { p.notice role="alert" { (message) } p { a href="/dashboard/assessment" { "返回考核" } } },
    )
}

fn percent(rate: Rate) -> Markup {
    html! {
        @match rate.percent() {
            Some(p) => { (format!("{p:.1}%")) }
            None => { "—" }
        }
        " " small.muted { "(" (rate.count) "/" (rate.of) ")" }
    }
}

/// `/dashboard/assessment`.
pub(super) async fn table(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AssessmentQuery>,
) -> Result<Response, PageError> {
    let person = signed_in.person();
    let Some(unit) = super::page::unit_asked_or_highest(query.unit.as_deref(), &person.grants)
    else {
        return Err(refused(&signed_in, RuleError::Forbidden(String::new())));
    };
    let (from, to) = assessment::period(
        AssessmentQuery::filled(&query.from),
        AssessmentQuery::filled(&query.to),
    )
    .map_err(|e| refused(&signed_in, e))?;
    let by_name = AssessmentQuery::filled(&query.by).unwrap_or("unit");
    let by = By::parse(by_name).map_err(|e| refused(&signed_in, e))?;
    let request = Request {
        unit: &unit,
        from,
        to,
        by,
    };
    let found = assessment::assess(state.ground(), person, &request)
        .await
        .map_err(|e| refused(&signed_in, e))?;
    let period = format!("unit={unit}&from={from}&to={to}&by={by_name}");
    let subject = match by {
        By::Unit => "下级单位",
        By::Department => "职能部门",
        By::Worker => "网格员",
    };
    let drill = |row: &Row, figure: &str, shown: Markup| {
        html! {
            a href={ "/dashboard/assessment/events?" (period) "&row=" (row.code) "&figure=" (figure) }
                title={ "查看" (figure_zh(figure)) "的事件" } { (shown) }
        }
    };
    let line = |row: &Row, total: bool| {
        html! {
            tr.total[total] {
                td { (row.name) br; small.muted { (row.code) } }
                td.number { (drill(row, "all", html! { (row.events) })) }
                td.number { (drill(row, "late-response", percent(row.response))) }
                td.number { (drill(row, "late-resolution", percent(row.on_time_resolution))) }
                td.number {
                    @match row.satisfaction {
                        Some(rate) => { (drill(row, "dissatisfied", percent(rate))) }
                        None => { "评价 <5" }
                    }
                }
                td.number { (drill(row, "returned", percent(row.returns))) }
                td.number { (drill(row, "reopened", percent(row.reopens))) }
                td.number { (drill(row, "supervised", html! { (row.supervised) })) }
                td.number { (drill(row, "urged", html! { (row.urged) })) }
            }
        }
    };
    let content = html! {
        h1 { "考核" }
        p.muted {
            "单位 " (unit) " · " (from) " 至 " (to) " 上报的事件 · "
            a href={ "/dashboard/?unit=" (unit) } { "返回统计看板" }
        }
        form.search method="get" action="/dashboard/assessment" {
            input type="hidden" name="unit" value=(unit);
            label { "开始日期" input type="date" name="from" value=(from.to_string()); }
            label { "结束日期" input type="date" name="to" value=(to.to_string()); }
            label {
                "考核对象"
                select name="by" {
                    option value="unit" selected[by == By::Unit] { "下级单位" }
                    option value="department" selected[by == By::Department] { "职能部门" }
                    option value="worker" selected[by == By::Worker] { "网格员（街道及以下）" }
                }
            }
            button type="submit" { "查询" }
        }
        p { a href={ "/api/assessment/csv?" (period) } download { "下载 CSV（当前条件）" } }
        @if found.rows.is_empty() {
            p.notice { "该期间没有可考核的" (subject) "。" }
        } @else {
            div.admin-table {
                table.worker-list.assessment {
                    thead { tr {
                        th { (if by == By::Unit { "单位" } else { subject }) }
                        th { "事件数" } th { "响应率" } th { "按期办结率" } th { "满意率" }
                        th { "退回率" } th { "重办率" } th { "督办" } th { "催办" }
                    } }
                    tbody {
                        @for row in &found.rows { (line(row, false)) }
                        (line(&found.total, true))
                    }
                }
            }
        }
        details.definitions {
            summary { "指标口径" }
            ul {
                li { "统计对象：所选期间内上报的事件（按北京时间日期，含首尾两日）。" }
                li { "响应率：上报后 1 个工作日内受理或不予受理的事件 ÷（已受理或不予受理的事件 + 超过 1 个工作日仍未受理的事件）。" }
                li { "按期办结率：在办理期限内办结的事件 ÷（已办结的事件 + 超过期限仍未办结的事件）；重新办理的按最后一次办结计。" }
                li { "满意率：（满意 + 基本满意）÷ 评价数；重新办理的事件可评价两次，各计一次。" }
                li { "退回率：被承办单位退回过的事件 ÷ 派遣过的事件；按职能部门时为该部门退回的 ÷ 该部门收到的。" }
                li { "重办率：不满意后重新办理的事件 ÷ 结案过的事件。" }
                li { "按网格员（街道及以下）：每行为该网格员负责网格内上报的事件；多人共管的网格计入每人，无网格员的网格不计入任何人，故合计为本单位全部事件。" }
                li { "督办：超期被系统督办的事件数；催办：领导手动催办的次数。" }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        "考核",
        Area::Dashboard,
        &signed_in.visitor(),
        content,
    ))
}

/// `/dashboard/assessment/events`: the events behind one figure, a page at a time.
pub(super) async fn events(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AssessmentQuery>,
) -> Result<Response, PageError> {
    let person = signed_in.person();
    let missing =
        |field: &str| refused(&signed_in, RuleError::invalid(field.to_owned(), "缺少此项"));
    let unit = AssessmentQuery::filled(&query.unit).ok_or_else(|| missing("unit"))?;
    let row = AssessmentQuery::filled(&query.row).ok_or_else(|| missing("row"))?;
    let figure_name = AssessmentQuery::filled(&query.figure).unwrap_or("all");
    let figure = assessment::parse_figure(figure_name).map_err(|e| refused(&signed_in, e))?;
    let (from, to) = assessment::period(
        AssessmentQuery::filled(&query.from),
        AssessmentQuery::filled(&query.to),
    )
    .map_err(|e| refused(&signed_in, e))?;
    let by_name = AssessmentQuery::filled(&query.by).unwrap_or("unit");
    let by = By::parse(by_name).map_err(|e| refused(&signed_in, e))?;
    let request = Request { unit, from, to, by };
    let events =
        assessment::events_behind(state.ground(), person, &request, row, figure, query.before)
            .await
            .map_err(|e| refused(&signed_in, e))?;
    let back = format!("/dashboard/assessment?unit={unit}&from={from}&to={to}&by={by_name}");
    let next = (events.len() as i64 == assessment::MAX_DRILL_PAGE)
        .then(|| events.last().map(|e| e.id))
        .flatten();
    let content = html! {
        h1 { (figure_zh(figure_name)) }
        p.muted { (row) " · " (from) " 至 " (to) " 上报 · " a href=(back) { "返回考核" } }
        @if events.is_empty() {
            p.notice { "没有事件。" }
        } @else {
            table.worker-list.events {
                thead { tr { th { "编号" } th { "标题" } th { "状态" } th { "单位" } th { "上报时间" } th { "办理期限" } } }
                tbody {
                    @for e in &events {
                        tr {
                            td { "#" (e.id) }
                            td { a href={ "/worker/events/" (e.id) } { (e.title) } }
                            td.state { (e.state.name_zh()) }
                            td { (e.unit_code) }
                            td { (china_time(e.reported_at)) }
                            td { (e.deadline.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
            @if let Some(before) = next {
                p.pager {
                    a href={ "/dashboard/assessment/events?unit=" (unit) "&from=" (from) "&to=" (to) "&by=" (by_name) "&row=" (row) "&figure=" (figure_name) "&before=" (before) } { "下一页" }
                }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        figure_zh(figure_name),
        Area::Dashboard,
        &signed_in.visitor(),
        content,
    ))
}
