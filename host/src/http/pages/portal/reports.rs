//! `/report` (report a problem at the user's grid, through the same rule as
//! `POST /api/events`, with an optional photo), `/reports` (what the user reported) and
//! `/reports/{id}` (one of them with its timeline, photo and the reporter's rating; anyone
//! else's is a 404, and so is its photo at `/reports/{id}/photo`).

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::auth::Role;
use crate::db::events::StoredEvent;
use crate::grid::workflow::action_zh;
use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::photos::{photo_figure, photo_response};
use crate::http::pages::frame::text::china_time;
use crate::http::pages::frame::{Area, respond};
use crate::http::pages::report_form::upload::read_report;
use crate::http::pages::report_form::{self, Offered, Problem, ReportForm};
use crate::rules::RuleError;
use crate::rules::events::{self, NewReport};
use crate::state::AppState;

use super::evaluation::{self, Open, RatingForm};

/// Most reports listed.
const MAX_LISTED: i64 = 200;

/// The grid a resident reports at: their first `resident` grant.
fn home_grid(signed_in: &SignedIn) -> Option<String> {
    signed_in
        .person()
        .grants
        .0
        .iter()
        .find(|g| g.role == Role::Resident)
        .map(|g| g.unit_code.clone())
}

/// The page with the form, `input` filled in and `problem`'s message next to its field.
fn render_form(
    status: StatusCode,
    signed_in: &SignedIn,
    categories: &[Offered],
    input: &ReportForm,
    problem: Option<Problem<'_>>,
) -> Response {
    respond(
        status,
        "上报问题",
        Area::Portal,
        &signed_in.visitor(),
        html! {
            h1 { "上报问题" }
            p.muted { "您上报的问题将由所在网格的网格员受理。" }
            (report_form::form("/report", categories, input, problem, html! {}))
        },
    )
}

fn not_a_resident(signed_in: &SignedIn) -> PageError {
    PageError::page(
        StatusCode::FORBIDDEN,
        "上报问题",
        Area::Portal,
        signed_in.visitor(),
        html! { p.notice { "您的账号不是居民账号，请在工作台" a href="/worker/report" { "巡查上报" } "。" } },
    )
}

/// `/report`, empty or filled in from its query: the form's second button sends what was
/// typed here to show the chosen category's fields.
pub(super) async fn form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if home_grid(&signed_in).is_none() {
        return Err(not_a_resident(&signed_in));
    }
    let input = ReportForm::from_pairs(query);
    let categories = report_form::own_categories(&state).await?;
    Ok(render_form(
        StatusCode::OK,
        &signed_in,
        &categories,
        &input,
        None,
    ))
}

pub(super) async fn submit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    request: Request,
) -> Result<Response, PageError> {
    let Some(grid) = home_grid(&signed_in) else {
        return Err(not_a_resident(&signed_in));
    };
    let posted = match read_report(request).await {
        Ok(posted) => posted,
        Err(response) => return Ok(response),
    };
    let input = posted.input;
    let categories = report_form::own_categories(&state).await?;
    // The photo is checked before anything is stored: a refused one stores no event.
    if let Some((status, message)) = report_form::photo_refusal(&posted.photo) {
        return Ok(render_form(
            status,
            &signed_in,
            &categories,
            &input,
            Some(("photo", message)),
        ));
    }
    let refuse = |message: Problem<'_>| {
        Ok(render_form(
            StatusCode::BAD_REQUEST,
            &signed_in,
            &categories,
            &input,
            Some(message),
        ))
    };
    let attributes = match report_form::attributes(&categories, &input) {
        None => return refuse(("category", "请选择问题类别。")),
        Some(Err((field, message))) => return refuse((&field, &message)),
        Some(Ok(attributes)) => attributes,
    };
    let reported = events::report(
        state.ground(),
        signed_in.actor(),
        &NewReport {
            category: &input.category,
            title: &input.title,
            description: &input.description,
            unit: &grid,
            latitude: None,
            longitude: None,
            address: Some(&input.address),
            attributes: &attributes,
            urgent: false,
            repeat_of: None,
        },
    )
    .await;
    let id = match reported {
        Ok(reported) => reported.event.id,
        Err(error) => {
            return match report_form::field_message(&error) {
                Some(message) => refuse(message),
                None => Err(error.into()),
            };
        }
    };
    let uploaded_by = signed_in.person().actor_name();
    report_form::store_photo(&state, id, &posted.photo, &uploaded_by).await?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// The signed-in user's own report `id` (the path segment), or the 404 page: someone
/// else's report looks exactly like a missing one.
pub(super) async fn own_report(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
) -> Result<StoredEvent, PageError> {
    let not_found = || PageError::not_found(signed_in.visitor());
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found());
    };
    match events::read::own_report(state.db(), &signed_in.actor(), id).await {
        Ok(event) => Ok(event),
        Err(RuleError::NotFound(_)) => Err(not_found()),
        Err(error) => Err(error.into()),
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    let events = events::read::reported_by(state.db(), &signed_in.actor(), MAX_LISTED).await?;
    Ok(respond(
        StatusCode::OK,
        "我的上报",
        Area::Portal,
        &signed_in.visitor(),
        html! {
            h1 { "我的上报" }
            @if events.is_empty() {
                p.notice { "您还没有上报过问题。" a href="/report" { "上报问题" } }
            } @else {
                ul.items {
                    @for event in &events {
                        li {
                            a href={ "/reports/" (event.id) } { (event.title) }
                            br;
                            span.state { (event.state.name_zh()) }
                            " · "
                            small.muted { (china_time(event.reported_at)) }
                        }
                    }
                }
            }
        },
    ))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = own_report(&state, &signed_in, &id).await?;
    show(
        &state,
        &signed_in,
        event,
        StatusCode::OK,
        &RatingForm::default(),
        None,
    )
    .await
}

/// The report page: the event, its timeline, the links to repeats, and the reporter's
/// ratings with the rating form while it is open (filled with `input`, `problem` named).
pub(super) async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    event: StoredEvent,
    status: StatusCode,
    input: &RatingForm,
    problem: Option<(&str, &str)>,
) -> Result<Response, PageError> {
    let id = event.id;
    let timeline = state.db().event_timeline(id).await?;
    // The reporter has now seen where the report stands: its inbox notices are read.
    crate::rules::inbox::mark_notices_seen(state.db(), signed_in.person(), id).await?;
    let has_photo = state.db().has_event_photo(id).await?;
    let evaluations = state.db().event_evaluations(id).await?;
    let actor = signed_in.actor();
    let possible: Vec<&str> = events::possible(&actor, &event).map(|t| t.action).collect();
    let open = Open {
        rate: possible.contains(&"evaluate"),
        reopen: possible.contains(&"reopen"),
    };
    Ok(respond(
        status,
        &event.title,
        Area::Portal,
        &signed_in.visitor(),
        html! {
            h1 { (event.title) }
            p { "状态：" strong.state { (event.state.name_zh()) } }
            @if !event.description.is_empty() { p { (event.description) } }
            @if let Some(address) = &event.address { p.muted { "地址：" (address) } }
            p.muted { "上报时间：" (china_time(event.reported_at)) }
            @if let Some(deadline) = &event.deadline { p.muted { "办理期限：" (deadline) } }
            @if let Some(earlier) = event.repeat_of {
                p.muted { "重复反映：" a href={ "/reports/" (earlier) } { "事件 #" (earlier) } }
            }
            @if has_photo { (photo_figure(&format!("/reports/{id}/photo"))) }
            (evaluation::section(&evaluations, open, id, input, problem))
            h2 { "办理经过" }
            ol.timeline {
                @for entry in &timeline {
                    li {
                        (china_time(entry.at)) " "
                        strong { (action_zh(&entry.action)) }
                        @if !entry.note.is_empty() { "：" (entry.note) }
                    }
                }
            }
            p { a href="/reports" { "返回我的上报" } }
        },
    ))
}

/// `/reports/{id}/photo`: the photo of the user's own report; anyone else's, or a report
/// without one, is the 404 page.
pub(super) async fn photo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = own_report(&state, &signed_in, &id).await?;
    match state.db().event_photo(event.id).await? {
        Some(photo) => Ok(photo_response(photo)),
        None => Err(PageError::not_found(signed_in.visitor())),
    }
}
