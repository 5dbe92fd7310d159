//! `/worker/warnings` (风险预警): the warnings pushed to the grids the worker works, newest
//! first, each grid with a 签收 button until someone signs for it and a 反馈 form until
//! feedback is sent; both post to `rules::warnings`, as `POST /api/warnings/{id}/…` does.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::{page, record_id};
use crate::db::warnings::{Receipt, StoredWarning};
use crate::http::pages::frame::access::Worker;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::china_time;
use crate::rules::RuleError;
use crate::rules::warnings::{self, MAX_FEEDBACK_CHARS};
use crate::state::AppState;

/// The list's query: what was just done, and the page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    before: Option<i64>,
}

/// A grid's form.
#[derive(Debug, Deserialize)]
pub(super) struct ReceiptForm {
    grid: String,
    #[serde(default)]
    feedback: String,
}

/// What a refused form keeps: the notice and, for feedback, the words typed.
struct Kept<'a> {
    warning: i64,
    grid: &'a str,
    feedback: &'a str,
    notice: String,
}

/// `GET /worker/warnings`.
pub(super) async fn list(
    State(state): State<AppState>,
    worker: Worker,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    // What was just done, as a fixed sentence: nothing typed into the address is shown.
    let notice = match query.done.as_deref() {
        Some("acknowledged") => Some("已签收。"),
        Some("feedback") => Some("反馈已提交。"),
        _ => None,
    };
    render(&state, &worker, StatusCode::OK, query.before, notice, None).await
}

/// `POST /worker/warnings/{id}/acknowledgement`.
pub(super) async fn acknowledge(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(form): Form<ReceiptForm>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let done = warnings::acknowledge(state.db(), worker.signed_in.person(), id, &form.grid).await;
    answer(&state, &worker, id, &form, done.map(|_| "acknowledged")).await
}

/// `POST /worker/warnings/{id}/feedback`.
pub(super) async fn feedback(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(form): Form<ReceiptForm>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let done = warnings::feedback(
        state.db(),
        worker.signed_in.person(),
        id,
        &form.grid,
        &form.feedback,
    )
    .await;
    answer(&state, &worker, id, &form, done.map(|_| "feedback")).await
}

/// Back to the list on success; the list again with the refusal and the typed words kept
/// on a bad or late form.
async fn answer(
    state: &AppState,
    worker: &Worker,
    id: i64,
    form: &ReceiptForm,
    done: Result<&str, RuleError>,
) -> Result<Response, PageError> {
    let (status, notice) = match done {
        Ok(done) => {
            return Ok(Redirect::to(&format!("/worker/warnings?done={done}#w{id}")).into_response());
        }
        Err(RuleError::Invalid { problem, .. }) => (
            StatusCode::BAD_REQUEST,
            format!("反馈：请填写 1 至 {MAX_FEEDBACK_CHARS} 个字（{problem}）"),
        ),
        Err(RuleError::Conflict(_)) => (
            StatusCode::CONFLICT,
            "该网格已签收或已反馈，以下为最新情况。".to_owned(),
        ),
        Err(other) => return Err(worker.failed(other)),
    };
    let kept = Kept {
        warning: id,
        grid: &form.grid,
        feedback: &form.feedback,
        notice,
    };
    render(state, worker, status, None, None, Some(kept)).await
}

async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    before: Option<i64>,
    notice: Option<&str>,
    kept: Option<Kept<'_>>,
) -> Result<Response, PageError> {
    let person = worker.signed_in.person();
    let rows = warnings::received(state.db(), person, before, None)
        .await
        .map_err(|e| worker.failed(e))?;
    let next = (rows.len() as i64 == warnings::WARNING_PAGE)
        .then(|| rows.last().map(|(w, _)| w.id))
        .flatten();
    Ok(page(
        status,
        "风险预警",
        worker,
        html! {
            h1 { "风险预警" }
            @if let Some(text) = notice { p.notice #page-notice role="status" { (text) } }
            @if let Some(kept) = &kept { p.notice #page-notice role="alert" { (kept.notice) } }
            @if rows.is_empty() {
                p.notice { "您负责的网格暂无风险预警。签收和反馈由网格员进行。" }
            }
            @for (warning, receipts) in &rows {
                (warning_card(warning, receipts, kept.as_ref()))
            }
            @if let Some(before) = next {
                p.pager { a href={ "/worker/warnings?before=" (before) } { "更早的预警" } }
            }
        },
    ))
}

fn warning_card(warning: &StoredWarning, receipts: &[Receipt], kept: Option<&Kept<'_>>) -> Markup {
    html! {
        article.warning id={ "w" (warning.id) } {
            h2 { (warning.title) }
            p.muted { (china_time(warning.pushed_at)) " 下发至 " (warning.unit_code) }
            @if !warning.body.is_empty() { p.warning-body { (warning.body) } }
            @for receipt in receipts {
                (receipt_block(warning.id, receipt, kept.filter(|k| k.warning == warning.id && k.grid == receipt.grid_code)))
            }
        }
    }
}

fn receipt_block(id: i64, receipt: &Receipt, kept: Option<&Kept<'_>>) -> Markup {
    let grid = if receipt.grid_name.is_empty() {
        receipt.grid_code.clone()
    } else {
        receipt.grid_name.clone()
    };
    html! {
        section.receipt {
            h3 { (grid) }
            @match (&receipt.acknowledged_by, receipt.acknowledged_at) {
                (Some((_, name)), Some(at)) => {
                    p.state { "已签收：" (name) " · " (china_time(at)) }
                }
                _ => {
                    form.worker-action.acknowledge method="post" action={ "/worker/warnings/" (id) "/acknowledgement" } {
                        input type="hidden" name="grid" value=(receipt.grid_code);
                        button type="submit" { "签收" }
                    }
                }
            }
            @match (&receipt.feedback, receipt.feedback_at) {
                (Some(feedback), Some(at)) => {
                    p.feedback { "反馈（" (china_time(at)) "）：" (feedback) }
                }
                _ => {
                    form.worker-action method="post" action={ "/worker/warnings/" (id) "/feedback" } {
                        input type="hidden" name="grid" value=(receipt.grid_code);
                        label {
                            "反馈（做了什么，" (MAX_FEEDBACK_CHARS) " 字以内）"
                            textarea name="feedback" rows="2" maxlength=(MAX_FEEDBACK_CHARS) required {
                                (kept.map_or("", |k| k.feedback))
                            }
                        }
                        button type="submit" { "提交反馈" }
                    }
                }
            }
        }
    }
}
