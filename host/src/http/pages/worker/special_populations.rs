//! 特殊人群 records in the workspace: `/worker/special-populations/{id}` (the record, its
//! visits and history, and forms to record a visit, change the control level, responsible
//! worker and note, or close it) and `/worker/special-populations/overdue?unit=` (the
//! records whose visit is overdue, most overdue first). Every read is audited, as in the
//! API.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::forms::{self, Field, Refused};
use super::{history, page, record_id, unit_links};
use crate::grid::calendar::today_in_china;
use crate::grid::special_population::{CONTROL_LEVELS, category_zh};
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::rules::RuleError;
use crate::rules::base_data::Saved;
use crate::rules::base_data::special_populations::{self, Edit};
use crate::rules::base_data::visits::{self, KINDS, NewVisit, kind_zh};
use crate::state::AppState;

const EDIT_FIELDS: [Field; 3] = [forms::CONTROL_LEVEL, forms::RESPONSIBLE, forms::NOTE];
const VISIT_FIELDS: [Field; 3] = [forms::VISITED_ON, forms::VISIT_KIND, forms::VISIT_CONTENT];
const CLOSE_FIELDS: [Field; 1] = [forms::RECORD_CLOSE_REASON];

/// The Chinese name of a stored control level.
pub(super) fn level_zh(level: &str) -> &str {
    CONTROL_LEVELS
        .iter()
        .find(|(name, _)| *name == level)
        .map_or(level, |(_, zh)| zh)
}

/// A form of the record's page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RecordInput {
    /// `edit`, `visit` or `close`.
    act: String,
    version: i64,
    control_level: String,
    responsible: String,
    note: String,
    visited_on: String,
    kind: String,
    content: String,
    reason: String,
}

async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    id: i64,
    returned: Option<(&RecordInput, &Refused)>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let person = worker.signed_in.person();
    let (record, rows) = special_populations::get(state.db(), person, id)
        .await
        .map_err(|e| worker.failed(e))?;
    let visits = visits::of(state.db(), person, id)
        .await
        .map_err(|e| worker.failed(e))?;
    let refused_in = |act: &str| {
        returned
            .filter(|(input, _)| input.act == act)
            .map(|(_, refused)| refused)
    };
    let typed = |act: &str| {
        returned
            .filter(|(input, _)| input.act == act)
            .map(|(input, _)| input)
    };
    let edit = typed("edit").cloned().unwrap_or_else(|| RecordInput {
        version: record.version,
        control_level: record.control_level.clone(),
        responsible: record.responsible.clone().unwrap_or_default(),
        note: record.note.clone(),
        ..RecordInput::default()
    });
    let visit = typed("visit").cloned().unwrap_or_else(|| RecordInput {
        visited_on: today_in_china().to_string(),
        kind: "home".to_owned(),
        ..RecordInput::default()
    });
    let close = typed("close").cloned().unwrap_or_default();
    let action = format!("/worker/special-populations/{}", record.id);
    Ok(page(
        status,
        &record.resident_name,
        worker,
        html! {
            h1 {
                (record.resident_name) " " small.muted { (category_zh(&record.category)) }
                @if let Some((_, reason)) = &record.closed { " " span.badge.closed { "已解除：" (reason) } }
            }
            p {
                a href={ "/worker/special-populations?unit=" (encode(&record.grid_code)) } { "返回特殊人群列表" }
                " · " a href={ "/worker/residents/" (record.resident_id) } { "居民信息" }
            }
            @if let Some(text) = notice { p.notice #page-notice { (text) } }
            dl.record {
                dt { "管控级别" } dd { (level_zh(&record.control_level)) }
                dt { "责任人" } dd { (record.responsible.as_deref().unwrap_or("（未指定）")) }
                dt { "网格" } dd { code { (record.grid_code) } }
                dt { "最近走访" } dd { (record.last_visited_on.as_deref().unwrap_or("未走访")) }
                dt { "备注" } dd { (record.note) }
            }
            @if record.closed.is_none() {
                section.acts {
                    form.worker-action #visit method="post" action=(action) {
                        h2 { "记录走访" }
                        @let refused = refused_in("visit");
                        (forms::general(refused))
                        input type="hidden" name="act" value="visit";
                        (forms::text_input(&forms::VISITED_ON, &visit.visited_on, refused, "text", Some("2026-11-30")))
                        (forms::select(&forms::VISIT_KIND, &KINDS, &visit.kind, refused))
                        label {
                            (forms::VISIT_CONTENT.label)
                            textarea name="content" { (visit.content) }
                            (forms::message(&forms::VISIT_CONTENT, refused))
                        }
                        button type="submit" { "保存走访" }
                    }
                    form.worker-action #edit method="post" action=(action) {
                        h2 { "修改" }
                        @let refused = refused_in("edit");
                        (forms::general(refused))
                        input type="hidden" name="act" value="edit";
                        input type="hidden" name="version" value=(edit.version);
                        (forms::select(&forms::CONTROL_LEVEL, &CONTROL_LEVELS, &edit.control_level, refused))
                        (forms::text_input(&forms::RESPONSIBLE, &edit.responsible, refused, "text", Some("网格员的用户名")))
                        (forms::text_input(&forms::NOTE, &edit.note, refused, "text", None))
                        button type="submit" { "保存" }
                    }
                    form.worker-action #close method="post" action=(action) {
                        h2 { "解除" }
                        @let refused = refused_in("close");
                        (forms::general(refused))
                        input type="hidden" name="act" value="close";
                        input type="hidden" name="version" value=(record.version);
                        (forms::text_input(&forms::RECORD_CLOSE_REASON, &close.reason, refused, "text", Some("如：矫正期满")))
                        button type="submit" { "解除" }
                    }
                }
            }
            section.visits {
                h2 { "走访记录" }
                @if visits.is_empty() {
                    p.muted { "暂无走访记录。" }
                } @else {
                    table.worker-list.visits {
                        thead { tr { th { "日期" } th { "方式" } th { "内容" } th { "走访人" } } }
                        tbody {
                            @for v in &visits {
                                tr {
                                    td.when { (v.visited_on) }
                                    td { (kind_zh(&v.kind)) }
                                    td.long { (v.content) }
                                    td { code { (v.visitor) } }
                                }
                            }
                        }
                    }
                }
            }
            (history::table(&rows))
        },
    ))
}

/// The record page's query: the act just done, if any.
#[derive(Debug, Default, Deserialize)]
pub(super) struct DetailQuery {
    done: Option<String>,
}

/// `GET /worker/special-populations/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    // What was just done, as a fixed sentence: nothing typed into the address is shown.
    let notice = match query.done.as_deref() {
        Some("visit") => Some("走访已记录。"),
        Some("edit") => Some("已保存。"),
        Some("close") => Some("已解除，记录保留在历史中。"),
        _ => None,
    };
    render(&state, &worker, StatusCode::OK, id, None, notice).await
}

/// `POST /worker/special-populations/{id}`: a visit, an edit or the closing.
pub(super) async fn act(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(input): Form<RecordInput>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let person = worker.signed_in.person();
    let db = state.db();
    let (done, fields): (Result<bool, RuleError>, &[Field]) = match input.act.as_str() {
        "visit" => (
            visits::record(
                db,
                person,
                id,
                &NewVisit {
                    visited_on: input.visited_on.clone(),
                    kind: input.kind.clone(),
                    content: input.content.clone(),
                },
            )
            .await
            .map(|_| true),
            &VISIT_FIELDS,
        ),
        "close" => (
            special_populations::close(db, person, id, input.version, &input.reason)
                .await
                .map(|saved| matches!(saved, Saved::Done(_))),
            &CLOSE_FIELDS,
        ),
        _ => (
            special_populations::edit(
                db,
                person,
                id,
                &Edit {
                    version: input.version,
                    control_level: input.control_level.clone(),
                    responsible: input.responsible.clone(),
                    note: input.note.clone(),
                },
            )
            .await
            .map(|saved| matches!(saved, Saved::Done(_))),
            &EDIT_FIELDS,
        ),
    };
    match done {
        Ok(true) => {
            let act = match input.act.as_str() {
                "visit" => "visit",
                "close" => "close",
                _ => "edit",
            };
            Ok(
                Redirect::to(&format!("/worker/special-populations/{id}?done={act}"))
                    .into_response(),
            )
        }
        Ok(false) => {
            render(
                &state,
                &worker,
                StatusCode::CONFLICT,
                id,
                None,
                Some(forms::STALE),
            )
            .await
        }
        Err(RuleError::Conflict(_)) => {
            render(
                &state,
                &worker,
                StatusCode::CONFLICT,
                id,
                None,
                Some(forms::CLOSED),
            )
            .await
        }
        Err(error) => match Refused::of(&error, fields) {
            Some(refused) => {
                render(
                    &state,
                    &worker,
                    StatusCode::BAD_REQUEST,
                    id,
                    Some((&input, &refused)),
                    None,
                )
                .await
            }
            None => Err(worker.failed(error)),
        },
    }
}

/// `GET /worker/special-populations/overdue?unit=`.
pub(super) async fn overdue(
    State(state): State<AppState>,
    at: WorkerAt,
) -> Result<Response, PageError> {
    let rows = visits::overdue(state.db(), at.worker.signed_in.person(), &at.unit)
        .await
        .map_err(|e| at.worker.failed(e))?;
    let intervals = visits::intervals(state.db()).await?;
    Ok(page(
        StatusCode::OK,
        "走访逾期",
        &at.worker,
        html! {
            h1 { "走访逾期 " small.muted { code { (at.unit) } } }
            (unit_links(&at.unit))
            p.muted {
                "走访间隔："
                @for (i, (level, days)) in intervals.iter().enumerate() {
                    @if i > 0 { "，" }
                    (level_zh(level)) " 每 " (days) " 天"
                }
                "。从最近一次走访（未走访的从登记之日）算起。"
            }
            @if rows.is_empty() {
                p.notice { "没有逾期未走访的记录。" }
            } @else {
                table.worker-list.overdue {
                    thead { tr { th { "姓名" } th { "类别" } th { "管控级别" } th { "责任人" } th { "最近走访" } th { "应走访日期" } th { "逾期天数" } } }
                    tbody {
                        @for o in &rows {
                            @let r = &o.record;
                            tr {
                                td { a href={ "/worker/special-populations/" (r.id) } { (r.resident_name) } }
                                td { (category_zh(&r.category)) }
                                td { (level_zh(&r.control_level)) }
                                td { (r.responsible.as_deref().unwrap_or("—")) }
                                td { (r.last_visited_on.as_deref().unwrap_or("未走访")) }
                                td { (o.due_on) }
                                td.count.urgent { (o.days_overdue) }
                            }
                        }
                    }
                }
            }
        },
    ))
}
