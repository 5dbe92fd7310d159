//! `/worker/report` (巡查上报): the report form of `report_form` for a grid worker on patrol,
//! the place given by choosing one of their grids or by coordinates (the grid whose
//! boundary holds them, `rules::events::locate`), then `rules::events::report` as
//! `POST /api/events` calls it; for a dispute, the parties typed (申请人/被申请人, name and
//! phone) are checked first and added to its mediation record once it is stored. The new
//! event's page follows.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::page;
use crate::db::units::StoredUnit;
use crate::grid::dispute::is_dispute;
use crate::http::pages::frame::access::Worker;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::report_form::upload::read_report;
use crate::http::pages::report_form::{self, Offered, PARTY_SIDES, Problem, ReportForm};
use crate::rules::RuleError;
use crate::rules::events::mediation::{self, PartyInput};
use crate::rules::events::{self, NewReport, locate};
use crate::state::AppState;

/// Grids offered in the form's choice at most (a street's admin may keep many).
const MAX_GRIDS_OFFERED: usize = 500;

/// The grids of the worker's units, by code.
async fn grids_of(state: &AppState, worker: &Worker) -> Result<Vec<StoredUnit>, PageError> {
    let mut grids: Vec<StoredUnit> = Vec::new();
    for unit in &worker.units {
        for found in state.db().unit_subtree(unit).await? {
            if found.level == "grid" && !grids.iter().any(|g| g.code == found.code) {
                grids.push(found);
            }
        }
    }
    grids.sort_by(|a, b| a.code.cmp(&b.code));
    grids.truncate(MAX_GRIDS_OFFERED);
    Ok(grids)
}

/// The place fields: the grid, or coordinates to find it by.
fn place(grids: &[StoredUnit], input: &ReportForm, problem: Option<Problem<'_>>) -> Markup {
    let error_for = |field: &str| problem.filter(|(f, _)| *f == field).map(|(_, m)| m);
    html! {
        label {
            "所在网格"
            select name="unit" {
                option value="" selected[input.unit.is_empty()] { "按下面的坐标定位" }
                @for g in grids {
                    option value=(g.code) selected[g.code == input.unit] { (g.name) " (" (g.code) ")" }
                }
            }
            @if let Some(m) = error_for("unit") { span.field-error id="unit-error" { (m) } }
        }
        fieldset.attributes {
            legend { "坐标（选填；未选网格时必填，WGS 84）" }
            label {
                "纬度"
                input type="text" name="latitude" inputmode="decimal" value=(input.latitude) placeholder="30.2012";
            }
            label {
                "经度"
                input type="text" name="longitude" inputmode="decimal" value=(input.longitude) placeholder="115.0953";
            }
            @if let Some(m) = error_for("latitude") { span.field-error id="latitude-error" { (m) } }
        }
        @if is_dispute(&input.category) {
            fieldset.attributes.parties {
                legend { "当事人（选填；身份证号等可在事件页补充）" }
                @for (at, side) in PARTY_SIDES.iter().enumerate() {
                    @let typed = &input.parties[at];
                    @let name = format!("party.{}.name", side.name());
                    @let phone = format!("party.{}.phone", side.name());
                    label {
                        (side.name_zh()) "姓名"
                        input type="text" name=(name) value=(typed.name) maxlength="50";
                        @if let Some(m) = error_for(&name) { span.field-error { (m) } }
                    }
                    label {
                        (side.name_zh()) "手机号码"
                        input type="text" name=(phone) inputmode="numeric" value=(typed.phone) maxlength="11";
                        @if let Some(m) = error_for(&phone) { span.field-error { (m) } }
                    }
                }
            }
        }
    }
}

/// The parties typed on the form, each checked as the event page would add it: the
/// inputs to add once the event is stored, or the first bad field (`party.SIDE.FIELD`)
/// and its message.
fn typed_parties(input: &ReportForm) -> Result<Vec<PartyInput<'_>>, (String, &'static str)> {
    let mut parties = Vec::new();
    if !is_dispute(&input.category) {
        return Ok(parties);
    }
    for (at, side) in PARTY_SIDES.iter().enumerate() {
        let typed = &input.parties[at];
        if typed.name.trim().is_empty() && typed.phone.trim().is_empty() {
            continue;
        }
        let party = PartyInput {
            side: side.name(),
            name: &typed.name,
            id_number: "",
            phone: &typed.phone,
        };
        if let Err(error) = mediation::check_party(party) {
            // `check_party` names every bad field at once; the form shows the first.
            let field = match &error {
                RuleError::InvalidFields(problems) => problems.first().map_or("name", |p| p.field),
                _ => "name",
            };
            let message = if field == "phone" {
                "手机号码须为 1 开头的 11 位数字。"
            } else {
                "填写当事人时请写姓名（50 字以内）。"
            };
            return Err((format!("party.{}.{field}", side.name()), message));
        }
        parties.push(party);
    }
    Ok(parties)
}

fn render(
    status: StatusCode,
    worker: &Worker,
    categories: &[Offered],
    grids: &[StoredUnit],
    input: &ReportForm,
    problem: Option<Problem<'_>>,
) -> Response {
    page(
        status,
        "巡查上报",
        worker,
        html! {
            h1 { "巡查上报" }
            p.muted { "上报巡查中发现的问题：选择所在网格，或填写坐标由系统定位网格。" }
            (report_form::form("/worker/report", categories, input, problem, place(grids, input, problem)))
        },
    )
}

/// `GET /worker/report`, empty or filled in from its query (the category reload).
pub(super) async fn form(
    State(state): State<AppState>,
    worker: Worker,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let input = ReportForm::from_pairs(query);
    let categories = report_form::own_categories(&state)
        .await
        .map_err(|e| worker.failed(e))?;
    let grids = grids_of(&state, &worker).await?;
    Ok(render(
        StatusCode::OK,
        &worker,
        &categories,
        &grids,
        &input,
        None,
    ))
}

/// `POST /worker/report`.
pub(super) async fn submit(
    State(state): State<AppState>,
    worker: Worker,
    request: Request,
) -> Result<Response, PageError> {
    let posted = match read_report(request).await {
        Ok(posted) => posted,
        Err(response) => return Ok(response),
    };
    let input = posted.input;
    let categories = report_form::own_categories(&state)
        .await
        .map_err(|e| worker.failed(e))?;
    let grids = grids_of(&state, &worker).await?;
    let refuse = |status: StatusCode, message: Problem<'_>| {
        Ok(render(
            status,
            &worker,
            &categories,
            &grids,
            &input,
            Some(message),
        ))
    };
    // The photo is checked before anything is stored: a refused one stores no event.
    if let Some((status, message)) = report_form::photo_refusal(&posted.photo) {
        return refuse(status, ("photo", message));
    }
    let attributes = match report_form::attributes(&categories, &input) {
        None => return refuse(StatusCode::BAD_REQUEST, ("category", "请选择问题类别。")),
        Some(Err((field, message))) => return refuse(StatusCode::BAD_REQUEST, (&field, &message)),
        Some(Ok(attributes)) => attributes,
    };
    // The parties are checked before anything is stored, as the photo is.
    let parties = match typed_parties(&input) {
        Ok(parties) => parties,
        Err((field, message)) => return refuse(StatusCode::BAD_REQUEST, (&field, message)),
    };
    let person = worker.signed_in.person();
    let typed_point = !input.latitude.trim().is_empty() || !input.longitude.trim().is_empty();
    let chosen = input.unit.trim();
    // The point, when typed, is checked and kept; it decides the grid unless one is named.
    let located = if typed_point || chosen.is_empty() {
        match locate::grid_at(state.db(), person, &input.latitude, &input.longitude).await {
            Ok(located) => Some(located),
            Err(error) => {
                return match report_form::field_message(&error) {
                    Some(message) => refuse(StatusCode::BAD_REQUEST, message),
                    None => Err(worker.failed(error)),
                };
            }
        }
    } else {
        None
    };
    let unit = if chosen.is_empty() {
        located.as_ref().map_or("", |l| l.grid.as_str())
    } else {
        chosen
    };
    let reported = events::report(
        state.ground(),
        worker.signed_in.actor(),
        &NewReport {
            category: &input.category,
            title: &input.title,
            description: &input.description,
            unit,
            latitude: located.as_ref().map(|l| l.latitude),
            longitude: located.as_ref().map(|l| l.longitude),
            address: Some(&input.address),
            attributes: &attributes,
            urgent: false,
            repeat_of: None,
        },
    )
    .await;
    let id = match reported {
        Ok(reported) => reported.event.id,
        Err(RuleError::Forbidden(_)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                ("unit", "请选择您负责的网格，或填写坐标。"),
            );
        }
        Err(error) => {
            return match report_form::field_message(&error) {
                Some(message) => refuse(StatusCode::BAD_REQUEST, message),
                None => Err(worker.failed(error)),
            };
        }
    };
    let uploaded_by = person.actor_name();
    report_form::store_photo(&state, id, &posted.photo, &uploaded_by).await?;
    for party in parties {
        mediation::add_party(state.ground(), person, id, party)
            .await
            .map_err(|e| worker.failed(e))?;
    }
    Ok(Redirect::to(&format!("/worker/events/{id}")).into_response())
}
