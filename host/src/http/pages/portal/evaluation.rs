//! The reporter's rating on `/reports/{id}` (评价, through the same rule as
//! `POST /api/events/{id}/actions`): once the event is closed, within 7 days, a choice of
//! 满意 / 基本满意 / 不满意 with a comment, and for 不满意 the choice to have it handled again
//! (重新办理, once) with the reason. Their earlier ratings are listed.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::reports::{own_report, show};
use crate::db::evaluations::StoredEvaluation;
use crate::grid::evaluation::{EVALUATION_WINDOW_DAYS, Rating};
use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::china_time;
use crate::rules::RuleError;
use crate::rules::events::{self, Action};
use crate::state::AppState;

/// The form as posted (and shown again with its problem).
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct RatingForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    /// `1` when a dissatisfied reporter asks for the event to be handled again.
    #[serde(default)]
    reopen: String,
}

/// What the reporter may do now: rate, and whether reopening is still open to them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Open {
    /// 评价 is possible.
    pub rate: bool,
    /// 重新办理 is possible.
    pub reopen: bool,
}

/// The section: earlier ratings, then the form while the reporter may rate.
pub(super) fn section(
    evaluations: &[StoredEvaluation],
    open: Open,
    id: i64,
    input: &RatingForm,
    problem: Option<(&str, &str)>,
) -> Markup {
    let error_for = |field: &str| problem.filter(|(f, _)| *f == field).map(|(_, m)| m);
    html! {
        @if !evaluations.is_empty() {
            h2 { "我的评价" }
            ul.items {
                @for e in evaluations {
                    li {
                        strong { (e.rating.name_zh()) }
                        @if !e.comment.is_empty() { "：" (e.comment) }
                        br;
                        small.muted { (china_time(e.at)) }
                    }
                }
            }
        }
        @if open.rate || open.reopen {
            h2 { "评价办理结果" }
            p.muted { "事件已结案。请在结案后 " (EVALUATION_WINDOW_DAYS) " 天内评价；不满意的，可以要求重新办理一次。" }
            @if let Some(m) = error_for("form") { p.notice role="alert" { (m) } }
            form.portal method="post" action={ "/reports/" (id) "/evaluation" } {
                fieldset {
                    legend { "您对办理结果" }
                    @for rating in Rating::ALL {
                        label.choice {
                            input type="radio" name="rating" value=(rating.name())
                                checked[input.rating == rating.name()] required;
                            " " (rating.name_zh())
                        }
                    }
                    @if let Some(m) = error_for("rating") { span.field-error id="rating-error" { (m) } }
                }
                label {
                    "评价意见（选填；要求重新办理的请写明原因）"
                    textarea name="comment" maxlength="500" { (input.comment) }
                    @if let Some(m) = error_for("comment") { span.field-error id="comment-error" { (m) } }
                }
                @if open.reopen {
                    label.choice {
                        input type="checkbox" name="reopen" value="1" checked[input.reopen == "1"];
                        " 不满意，要求重新办理（仅一次）"
                    }
                }
                button type="submit" { "提交评价" }
            }
        }
    }
}

/// The problem of a refused rating, by the form's field, in Chinese.
fn field_message(error: &RuleError) -> Option<(&'static str, &'static str)> {
    match error {
        RuleError::Invalid { field, .. } => Some(match field.as_ref() {
            "rating" => (
                "rating",
                "请选择满意、基本满意或不满意；要求重新办理的请选择不满意。",
            ),
            _ => ("comment", "请写明原因（最多 500 字）。"),
        }),
        RuleError::Conflict(_) => Some((
            "form",
            "已无法评价：可能已超过评价期限、已评价或已重新办理过一次。如问题仍未解决，请重新上报并注明重复反映。",
        )),
        _ => None,
    }
}

/// `POST /reports/{id}/evaluation`: rates the user's own report (or has it handled again);
/// back to the report, or the report again with the problem named.
pub(super) async fn submit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(input): Form<RatingForm>,
) -> Result<Response, PageError> {
    let event = own_report(&state, &signed_in, &id).await?;
    let reopen = input.reopen == "1";
    let rating = (!input.rating.is_empty()).then_some(input.rating.as_str());
    let taken = events::act(
        state.ground(),
        signed_in.actor(),
        Action {
            event_id: event.id,
            action: if reopen { "reopen" } else { "evaluate" },
            note: &input.comment,
            dispatched_to: None,
            deadline: None,
            summon: &[],
            rating,
        },
    )
    .await;
    match taken {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{}", event.id)).into_response()),
        Err(error) => match field_message(&error) {
            Some(problem) => {
                let status = if matches!(error, RuleError::Conflict(_)) {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::BAD_REQUEST
                };
                show(&state, &signed_in, event, status, &input, Some(problem)).await
            }
            None => Err(error.into()),
        },
    }
}
