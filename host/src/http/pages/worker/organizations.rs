//! 实有单位 in the workspace: `/worker/organizations/new?unit=` (register one) and
//! `/worker/organizations/{id}` (the organization, its history and its edit form), through
//! the same rules as the API (credit code checked, contact phone masked as read).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{self, Field, Refused};
use super::{history, page, record_id};
use crate::db::organizations::StoredOrganization;
use crate::grid::organization::KINDS;
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::rules::RuleError;
use crate::rules::base_data::Saved;
use crate::rules::base_data::organizations::{self, NewRegistration};
use crate::state::AppState;

const FIELDS: [Field; 7] = [
    forms::ORG_NAME,
    forms::ORG_KIND,
    forms::CREDIT_CODE,
    forms::ADDRESS,
    forms::GRID,
    forms::CONTACT_NAME,
    forms::CONTACT_PHONE,
];

/// The Chinese name of a stored kind.
pub(super) fn kind_zh(kind: &str) -> &str {
    KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map_or(kind, |(_, zh)| zh)
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct OrganizationInput {
    version: i64,
    name: String,
    kind: String,
    credit_code: String,
    address: String,
    grid_code: String,
    contact_name: String,
    contact_phone: String,
}

impl OrganizationInput {
    fn of(o: &StoredOrganization) -> Self {
        Self {
            version: o.version,
            name: o.name.clone(),
            kind: o.kind.clone(),
            credit_code: o.credit_code.clone().unwrap_or_default(),
            address: o.address.clone(),
            grid_code: o.grid_code.clone(),
            contact_name: o.contact_name.clone().unwrap_or_default(),
            contact_phone: o.contact_phone.clone().unwrap_or_default(),
        }
    }

    fn registration(&self) -> NewRegistration<'_> {
        NewRegistration {
            name: &self.name,
            kind: &self.kind,
            credit_code: Some(&self.credit_code),
            address: &self.address,
            grid_code: Some(&self.grid_code),
            contact_name: Some(&self.contact_name),
            contact_phone: Some(&self.contact_phone),
        }
    }
}

fn fields(input: &OrganizationInput, refused: Option<&Refused>) -> Markup {
    html! {
        (forms::general(refused))
        (forms::text_input(&forms::ORG_NAME, &input.name, refused, "text", None))
        (forms::select(&forms::ORG_KIND, &KINDS, &input.kind, refused))
        (forms::text_input(&forms::CREDIT_CODE, &input.credit_code, refused, "text", Some("选填")))
        (forms::text_input(&forms::ADDRESS, &input.address, refused, "text", None))
        (forms::text_input(&forms::GRID, &input.grid_code, refused, "text", Some("地址为已登记房屋时可留空")))
        (forms::text_input(&forms::CONTACT_NAME, &input.contact_name, refused, "text", Some("选填")))
        (forms::text_input(&forms::CONTACT_PHONE, &input.contact_phone, refused, "tel", Some("选填")))
    }
}

fn render_new(
    worker: &Worker,
    status: StatusCode,
    input: &OrganizationInput,
    refused: Option<&Refused>,
) -> Response {
    page(
        status,
        "登记单位",
        worker,
        html! {
            h1 { "登记实有单位" }
            form.worker-action #register-organization method="post" action="/worker/organizations/new" {
                (fields(input, refused))
                button type="submit" { "登记" }
            }
        },
    )
}

/// `GET /worker/organizations/new?unit=`.
pub(super) async fn new_form(at: WorkerAt) -> Response {
    let input = OrganizationInput {
        kind: "enterprise".to_owned(),
        grid_code: at.unit.clone(),
        ..OrganizationInput::default()
    };
    render_new(&at.worker, StatusCode::OK, &input, None)
}

/// `POST /worker/organizations/new`.
pub(super) async fn register(
    State(state): State<AppState>,
    worker: Worker,
    Form(input): Form<OrganizationInput>,
) -> Result<Response, PageError> {
    match organizations::register(state.db(), worker.signed_in.person(), &input.registration())
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/worker/organizations/{id}")).into_response()),
        Err(RuleError::Conflict(_)) => {
            let refused = Refused {
                fields: vec!["credit_code"],
                general: None,
            };
            Ok(render_new(
                &worker,
                StatusCode::CONFLICT,
                &input,
                Some(&refused),
            ))
        }
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
        Err(error) => match Refused::of(&error, &FIELDS) {
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

async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    id: i64,
    returned: Option<(&OrganizationInput, &Refused)>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let (organization, rows) = organizations::get(state.db(), worker.signed_in.person(), id)
        .await
        .map_err(|e| worker.failed(e))?;
    let input = returned.map_or_else(
        || OrganizationInput::of(&organization),
        |(input, _)| input.clone(),
    );
    let refused = returned.map(|(_, refused)| refused);
    Ok(page(
        status,
        &organization.name,
        worker,
        html! {
            h1 { (organization.name) }
            p { a href={ "/worker/organizations?unit=" (encode(&organization.grid_code)) } { "返回实有单位列表" } }
            @if let Some(text) = notice { p.notice #page-notice { (text) } }
            form.worker-action #edit method="post" action={ "/worker/organizations/" (organization.id) } {
                h2 { "修改" }
                p.muted { "联系电话以脱敏形式显示；不修改时保持原样即可。" }
                input type="hidden" name="version" value=(input.version);
                (fields(&input, refused))
                button type="submit" { "保存" }
            }
            (history::table(&rows))
        },
    ))
}

/// `GET /worker/organizations/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    render(&state, &worker, StatusCode::OK, id, None, None).await
}

/// `POST /worker/organizations/{id}`.
pub(super) async fn edit(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(input): Form<OrganizationInput>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let saved = organizations::edit(
        state.db(),
        worker.signed_in.person(),
        id,
        input.version,
        &input.registration(),
    )
    .await;
    match saved {
        Ok(Saved::Done(_)) => {
            Ok(Redirect::to(&format!("/worker/organizations/{id}")).into_response())
        }
        Ok(Saved::Stale(_)) => {
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
        Err(RuleError::Forbidden(_)) => Err(worker.forbidden()),
        Err(error) => match Refused::of(&error, &FIELDS) {
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
