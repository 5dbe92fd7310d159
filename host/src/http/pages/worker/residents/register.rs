//! `/worker/residents/new?unit=`: registering a resident (登记) in one of the worker's
//! grids, through the same rule as `POST /api/residents`: every field checked as the import
//! checks a row, each bad one named in Chinese next to it, the form kept as typed.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::{GENDERS, POPULATION_TYPES};
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::worker::forms::{self, Field, Refused};
use crate::http::pages::worker::page;
use crate::rules::base_data::residents::{self, Dwelling, PersonFields, Registration};
use crate::rules::units;
use crate::state::AppState;

const FIELDS: [Field; 8] = [
    forms::NAME,
    forms::GENDER,
    forms::BIRTH_DATE,
    forms::ID_NUMBER,
    forms::PHONE,
    forms::POPULATION_TYPE,
    forms::GRID,
    forms::TAGS,
];

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(in crate::http::pages::worker) struct RegisterForm {
    name: String,
    gender: String,
    birth_date: String,
    id_number: String,
    phone: String,
    population_type: String,
    grid_code: String,
    tags: String,
}

async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    form: &RegisterForm,
    refused: Option<&Refused>,
) -> Result<Response, PageError> {
    let grids = units::grids_kept(state.db(), worker.signed_in.person(), 300)
        .await
        .map_err(|e| worker.failed(e))?;
    let labels: Vec<(String, String)> = grids
        .iter()
        .map(|g| (g.code.clone(), format!("{}（{}）", g.name, g.code)))
        .collect();
    let choices: Vec<(&str, &str)> = labels
        .iter()
        .map(|(c, l)| (c.as_str(), l.as_str()))
        .collect();
    Ok(page(
        status,
        "登记居民",
        worker,
        html! {
            h1 { "登记居民" }
            p.muted { "各项按导入规则校验：身份证号须符合 GB 11643，并与出生日期、性别一致。" }
            form.worker-action.wide #register method="post" action="/worker/residents/new" {
                (forms::general(refused))
                (forms::text_input(&forms::NAME, &form.name, refused, "text", None))
                (forms::select(&forms::GENDER, &GENDERS, &form.gender, refused))
                (forms::text_input(&forms::BIRTH_DATE, &form.birth_date, refused, "text", Some("1990-01-01")))
                (forms::text_input(&forms::ID_NUMBER, &form.id_number, refused, "text", None))
                (forms::text_input(&forms::PHONE, &form.phone, refused, "tel", Some("选填")))
                (forms::select(&forms::POPULATION_TYPE, &POPULATION_TYPES, &form.population_type, refused))
                (forms::select(&forms::GRID, &choices, &form.grid_code, refused))
                (forms::text_input(&forms::TAGS, &form.tags, refused, "text", Some("选填，多个标签用空格分隔")))
                button type="submit" { "登记" }
            }
        },
    ))
}

/// `GET /worker/residents/new?unit=`.
pub(in crate::http::pages::worker) async fn form(
    State(state): State<AppState>,
    at: WorkerAt,
) -> Result<Response, PageError> {
    let form = RegisterForm {
        gender: "male".to_owned(),
        population_type: "registered".to_owned(),
        grid_code: at.unit.clone(),
        ..RegisterForm::default()
    };
    render(&state, &at.worker, StatusCode::OK, &form, None).await
}

/// `POST /worker/residents/new`.
pub(in crate::http::pages::worker) async fn register(
    State(state): State<AppState>,
    worker: Worker,
    Form(form): Form<RegisterForm>,
) -> Result<Response, PageError> {
    let registration = Registration {
        fields: PersonFields {
            name: form.name.clone(),
            gender: form.gender.clone(),
            birth_date: form.birth_date.clone(),
            id_number: form.id_number.clone(),
            phone: form.phone.clone(),
            population_type: form.population_type.clone(),
            tags: forms::tags_of(&form.tags),
        },
        grid_code: form.grid_code.clone(),
        dwelling: Dwelling::default(),
    };
    match residents::register(state.ground(), worker.signed_in.person(), &registration).await {
        Ok(shown) => {
            Ok(Redirect::to(&format!("/worker/residents/{}", shown.resident.id)).into_response())
        }
        Err(crate::rules::RuleError::Forbidden(_)) => {
            let refused = Refused {
                fields: vec!["grid_code"],
                general: None,
            };
            render(
                &state,
                &worker,
                StatusCode::FORBIDDEN,
                &form,
                Some(&refused),
            )
            .await
        }
        Err(error) => match Refused::of(&error, &FIELDS) {
            Some(refused) => {
                render(
                    &state,
                    &worker,
                    StatusCode::BAD_REQUEST,
                    &form,
                    Some(&refused),
                )
                .await
            }
            None => Err(worker.failed(error)),
        },
    }
}
