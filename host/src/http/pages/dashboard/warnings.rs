//! `/dashboard/warnings?unit=CODE` (风险预警): the form that pushes a warning to every grid
//! of the unit and the warnings pushed in it with their 签收率; `/dashboard/warnings/{id}`:
//! per grid, who acknowledged it and when, and the feedback. The rules are
//! `rules::warnings`'s, as `POST /api/warnings` and `GET /api/warnings/{id}` call them.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::{china_time, encode};
use crate::http::pages::frame::{Area, respond};
use crate::rules::RuleError;
use crate::rules::assessment::Rate;
use crate::rules::warnings::{self, MAX_BODY_CHARS, MAX_TITLE_CHARS};
use crate::state::AppState;

/// The list's query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    before: Option<i64>,
}

/// The push form.
#[derive(Debug, Deserialize)]
pub(super) struct PushForm {
    unit: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// A detail page's query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct DetailQuery {
    #[serde(default)]
    done: Option<String>,
}

fn refused(signed_in: &SignedIn, error: RuleError) -> PageError {
    match error {
        RuleError::Forbidden(_) => PageError::forbidden(
            Area::Dashboard,
            signed_in.visitor(),
            html! { "推送和查看风险预警需要该单位的领导或单位管理员角色。" },
        ),
        RuleError::NotFound(_) => PageError::not_found(signed_in.visitor()),
        RuleError::Invalid { .. } => PageError::page(
            StatusCode::BAD_REQUEST,
            "风险预警",
            Area::Dashboard,
            signed_in.visitor(),
            html! { p.notice role="alert" { "页面参数有误。" } p { a href="/dashboard/warnings" { "返回风险预警" } } },
        ),
        other => other.into(),
    }
}

fn rate(acknowledged: i64, grids: i64) -> Markup {
    html! {
        @match (Rate { count: acknowledged, of: grids }).percent() {
            Some(p) => { (format!("{p:.1}%")) }
            None => { "—" }
        }
        " " small.muted { "(" (acknowledged) "/" (grids) ")" }
    }
}

/// `GET /dashboard/warnings`.
pub(super) async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let unit =
        super::page::unit_asked_or_highest(query.unit.as_deref(), &signed_in.person().grants);
    let Some(unit) = unit else {
        return Err(refused(&signed_in, RuleError::Forbidden(String::new())));
    };
    render(
        &state,
        &signed_in,
        StatusCode::OK,
        &unit,
        query.before,
        None,
    )
    .await
}

/// `POST /dashboard/warnings`: push, then the warning's page.
pub(super) async fn push(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<PushForm>,
) -> Result<Response, PageError> {
    match warnings::push(
        state.db(),
        signed_in.person(),
        &form.unit,
        &form.title,
        &form.body,
    )
    .await
    {
        Ok(pushed) => Ok(
            Redirect::to(&format!("/dashboard/warnings/{}?done=pushed", pushed.id)).into_response(),
        ),
        Err(RuleError::Invalid { field, problem }) => {
            let name = if field == "title" { "标题" } else { "内容" };
            let notice = format!("{name}：{problem}");
            render(
                &state,
                &signed_in,
                StatusCode::BAD_REQUEST,
                &form.unit,
                None,
                Some((&notice, &form)),
            )
            .await
        }
        Err(other) => Err(refused(&signed_in, other)),
    }
}

async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    unit: &str,
    before: Option<i64>,
    kept: Option<(&str, &PushForm)>,
) -> Result<Response, PageError> {
    let rows = warnings::pushed(state.db(), signed_in.person(), unit, before, None)
        .await
        .map_err(|e| refused(signed_in, e))?;
    let next = (rows.len() as i64 == warnings::WARNING_PAGE)
        .then(|| rows.last().map(|t| t.warning.id))
        .flatten();
    let (title, body) = kept.map_or(("", ""), |(_, f)| (f.title.as_str(), f.body.as_str()));
    let content = html! {
        h1 { "风险预警" }
        p.muted { "单位 " (unit) " · " a href={ "/dashboard/?unit=" (encode(unit)) } { "返回统计看板" } }
        @if let Some((notice, _)) = kept { p.notice #page-notice role="alert" { (notice) } }
        form.worker-action method="post" action="/dashboard/warnings" {
            h2 { "推送预警" }
            input type="hidden" name="unit" value=(unit);
            label {
                "标题（" (MAX_TITLE_CHARS) " 字以内）"
                input type="text" name="title" value=(title) maxlength=(MAX_TITLE_CHARS) required;
            }
            label {
                "内容：需要网格员做什么（" (MAX_BODY_CHARS) " 字以内）"
                textarea name="body" rows="3" maxlength=(MAX_BODY_CHARS) { (body) }
            }
            p.muted { "预警将下发至本单位所有网格，网格员签收并反馈。" }
            button type="submit" { "推送至所有网格" }
        }
        h2 { "已推送的预警" }
        @if rows.is_empty() {
            p.notice { "本单位尚未推送风险预警。" }
        } @else {
            div.admin-table {
                table.worker-list.warnings {
                    thead { tr {
                        th { "预警" } th { "推送时间" } th { "下发单位" } th { "网格数" }
                        th { "签收率" } th { "已反馈" }
                    } }
                    tbody {
                        @for t in &rows {
                            tr {
                                td { a href={ "/dashboard/warnings/" (t.warning.id) } { (t.warning.title) } }
                                td { (china_time(t.warning.pushed_at)) }
                                td { (t.warning.unit_code) }
                                td.number { (t.grids) }
                                td.number { (rate(t.acknowledged, t.grids)) }
                                td.number { (t.fed_back) }
                            }
                        }
                    }
                }
            }
            @if let Some(before) = next {
                p.pager { a href={ "/dashboard/warnings?unit=" (encode(unit)) "&before=" (before) } { "更早的预警" } }
            }
        }
    };
    Ok(respond(
        status,
        "风险预警",
        Area::Dashboard,
        &signed_in.visitor(),
        content,
    ))
}

/// `GET /dashboard/warnings/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let id: i64 = id
        .parse()
        .map_err(|_| PageError::not_found(signed_in.visitor()))?;
    let (warning, receipts) = warnings::progress(state.db(), signed_in.person(), id)
        .await
        .map_err(|e| refused(&signed_in, e))?;
    let grids = receipts.len() as i64;
    let acknowledged = receipts
        .iter()
        .filter(|r| r.acknowledged_at.is_some())
        .count() as i64;
    let content = html! {
        h1 { (warning.title) }
        @if query.done.as_deref() == Some("pushed") {
            p.notice #page-notice role="status" { "已推送至 " (grids) " 个网格。" }
        }
        p.muted {
            (china_time(warning.pushed_at)) " 推送至 " (warning.unit_code) " · "
            a href={ "/dashboard/warnings?unit=" (encode(&warning.unit_code)) } { "返回风险预警" }
        }
        @if !warning.body.is_empty() { p.warning-body { (warning.body) } }
        p { "签收率：" strong { (rate(acknowledged, grids)) } }
        div.admin-table {
            table.worker-list.receipts {
                thead { tr { th { "网格" } th { "签收人" } th { "签收时间" } th { "反馈" } th { "反馈时间" } } }
                tbody {
                    @for r in &receipts {
                        tr.waiting[r.acknowledged_at.is_none()] {
                            td { (if r.grid_name.is_empty() { &r.grid_code } else { &r.grid_name }) br; small.muted { (r.grid_code) } }
                            td { @match &r.acknowledged_by { Some((_, name)) => { (name) } None => { "未签收" } } }
                            td { (r.acknowledged_at.map(china_time).unwrap_or_default()) }
                            td { (r.feedback.as_deref().unwrap_or("")) }
                            td { (r.feedback_at.map(china_time).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    Ok(respond(
        StatusCode::OK,
        "风险预警",
        Area::Dashboard,
        &signed_in.visitor(),
        content,
    ))
}
