//! 户 in the workspace: `/worker/households/new?unit=` (create one in a grid) and
//! `/worker/households/{id}` (its members with their relation to the head, forms to add a
//! resident of the grid, make another member the head, or take one out, and its history),
//! through the same rules as the API.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::forms::{self, Field, Refused};
use super::{history, page, record_id};
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::rules::RuleError;
use crate::rules::base_data::households::{self, NewHousehold};
use crate::rules::base_data::{Saved, residents};
use crate::state::AppState;

const NEW_FIELDS: [Field; 3] = [forms::NUMBER, forms::GRID, forms::HOUSE];
const MEMBER_FIELDS: [Field; 3] = [forms::MEMBER, forms::RELATION, forms::FORMER_RELATION];

/// The new-household form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct NewInput {
    number: String,
    grid_code: String,
}

fn render_new(
    worker: &Worker,
    status: StatusCode,
    input: &NewInput,
    refused: Option<&Refused>,
) -> Response {
    page(
        status,
        "新建户",
        worker,
        html! {
            h1 { "新建户" }
            form.worker-action #new-household method="post" action="/worker/households/new" {
                (forms::general(refused))
                (forms::text_input(&forms::NUMBER, &input.number, refused, "text", Some("如：H-0001")))
                (forms::text_input(&forms::GRID, &input.grid_code, refused, "text", None))
                button type="submit" { "新建" }
            }
        },
    )
}

/// `GET /worker/households/new?unit=`.
pub(super) async fn new_form(at: WorkerAt) -> Response {
    let input = NewInput {
        grid_code: at.unit.clone(),
        ..NewInput::default()
    };
    render_new(&at.worker, StatusCode::OK, &input, None)
}

/// `POST /worker/households/new`.
pub(super) async fn create(
    State(state): State<AppState>,
    worker: Worker,
    Form(input): Form<NewInput>,
) -> Result<Response, PageError> {
    let new = NewHousehold {
        number: input.number.clone(),
        grid_code: input.grid_code.clone(),
        house_id: None,
    };
    match households::create(state.db(), worker.signed_in.person(), &new).await {
        Ok(h) => Ok(Redirect::to(&format!("/worker/households/{}", h.id)).into_response()),
        Err(RuleError::Forbidden(_)) => {
            let refused = Refused {
                fields: vec!["grid_code"],
                general: None,
            };
            Ok(render_new(
                &worker,
                StatusCode::FORBIDDEN,
                &input,
                Some(&refused),
            ))
        }
        Err(error) => match Refused::of(&error, &NEW_FIELDS) {
            Some(refused) => Ok(render_new(
                &worker,
                StatusCode::BAD_REQUEST,
                &input,
                Some(&refused),
            )),
            None => Err(worker.failed(error)),
        },
    }
}

/// A member form as typed: add (a resident and their relation), head (a member and the
/// former head's relation), or remove (a member).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct MemberInput {
    /// `add`, `head` or `remove`.
    act: String,
    resident_id: String,
    household_relation: String,
    former_relation: String,
    version: i64,
}

fn relation_zh(relation: Option<&str>) -> &str {
    match relation {
        Some("head") => "户主",
        Some(other) => other,
        None => "",
    }
}

async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    id: i64,
    returned: Option<(&MemberInput, &Refused)>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let (household, members, rows) =
        households::with_members(state.db(), worker.signed_in.person(), id)
            .await
            .map_err(|e| worker.failed(e))?;
    let refused_in = |act: &str| {
        returned
            .filter(|(input, _)| input.act == act)
            .map(|(_, refused)| refused)
    };
    let typed = returned.map(|(input, _)| input.clone()).unwrap_or_default();
    let choices: Vec<(String, String)> = members
        .iter()
        .map(|m| (m.resident.id.to_string(), m.resident.name.clone()))
        .collect();
    let choices: Vec<(&str, &str)> = choices
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    Ok(page(
        status,
        &format!("户 {}", household.number),
        worker,
        html! {
            h1 { "户 " (household.number) " " small.muted { code { (household.grid_code) } } }
            p { a href={ "/worker/residents?unit=" (encode(&household.grid_code)) } { "返回实有人口列表" } }
            @if let Some(text) = notice { p.notice #page-notice { (text) } }
            table.worker-list.members {
                thead { tr { th { "姓名" } th { "与户主关系" } th { "身份证号" } th { "" } } }
                tbody {
                    @for m in &members {
                        @let r = &m.resident;
                        tr {
                            td { a href={ "/worker/residents/" (r.id) } { (r.name) } }
                            td { (relation_zh(r.household_relation.as_deref())) }
                            td.masked { (r.id_number) }
                            td.actions {
                                form.inline method="post" action={ "/worker/households/" (household.id) "/members" } {
                                    input type="hidden" name="act" value="remove";
                                    input type="hidden" name="resident_id" value=(r.id);
                                    button type="submit" { "移出本户" }
                                }
                            }
                        }
                    }
                }
            }
            @if members.is_empty() { p.muted { "本户暂无成员。" } }
            div.record-layout {
                form.worker-action #add-member method="post" action={ "/worker/households/" (household.id) "/members" } {
                    h2 { "添加成员" }
                    p.muted { "填写本网格居民的编号（居民页面地址中的数字）。" }
                    @let refused = refused_in("add");
                    (forms::general(refused))
                    input type="hidden" name="act" value="add";
                    (forms::text_input(&forms::MEMBER, if refused.is_some() { &typed.resident_id } else { "" }, refused, "text", None))
                    (forms::text_input(&forms::RELATION, if refused.is_some() { &typed.household_relation } else { "" }, refused, "text", Some("户主、配偶、子女……")))
                    button type="submit" { "添加" }
                }
                @if members.len() > 1 {
                    form.worker-action #change-head method="post" action={ "/worker/households/" (household.id) "/members" } {
                        h2 { "变更户主" }
                        @let refused = refused_in("head");
                        (forms::general(refused))
                        input type="hidden" name="act" value="head";
                        input type="hidden" name="version" value=(household.version);
                        (forms::select(&forms::MEMBER, &choices, &typed.resident_id, refused))
                        (forms::text_input(&forms::FORMER_RELATION, &typed.former_relation, refused, "text", Some("如：配偶")))
                        button type="submit" { "设为户主" }
                    }
                }
            }
            (history::table(&rows))
        },
    ))
}

/// `GET /worker/households/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    render(&state, &worker, StatusCode::OK, id, None, None).await
}

/// `POST /worker/households/{id}/members`: add, make head, or remove.
pub(super) async fn members(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(input): Form<MemberInput>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let person = worker.signed_in.person();
    let resident_id = input.resident_id.trim().parse::<i64>().unwrap_or(0);
    // The member's record is read now: membership is the household page's business, and
    // the change is made at the version it has.
    let version = match residents::get(state.db(), person, resident_id).await {
        Ok(shown) => shown.resident.version,
        Err(_) => 0,
    };
    let ground = state.ground();
    let done: Result<bool, RuleError> = match input.act.as_str() {
        "add" => households::add_member(
            ground,
            person,
            id,
            resident_id,
            version,
            &input.household_relation,
        )
        .await
        .map(|saved| matches!(saved, Saved::Done(_))),
        "head" => households::change_head(
            state.db(),
            person,
            id,
            input.version,
            resident_id,
            &input.former_relation,
        )
        .await
        .map(|saved| matches!(saved, Saved::Done(_))),
        _ => households::remove_member(ground, person, id, resident_id, version)
            .await
            .map(|saved| matches!(saved, Saved::Done(_))),
    };
    match done {
        Ok(true) => Ok(Redirect::to(&format!("/worker/households/{id}")).into_response()),
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
        Err(RuleError::NotFound(_)) if resident_id != 0 || input.act == "add" => {
            let refused = Refused {
                fields: vec!["resident_id"],
                general: None,
            };
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
        Err(RuleError::Conflict(_)) => {
            let text = if input.act == "remove" {
                "户主须最后移出：请先把其他成员设为户主。"
            } else {
                forms::CLOSED
            };
            render(&state, &worker, StatusCode::CONFLICT, id, None, Some(text)).await
        }
        // A resident of another grid: the household is not theirs to join.
        Err(error) if error.first_field().as_deref() == Some("household_id") => {
            let refused = Refused {
                fields: vec!["resident_id"],
                general: None,
            };
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
        Err(error) => match Refused::of(&error, &MEMBER_FIELDS) {
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
