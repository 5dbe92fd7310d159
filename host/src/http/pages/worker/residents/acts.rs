//! The resident page's forms, posted: edit, move, close, reveal and the registration as a
//! special population, each through its rule
//! in `rules::base_data::residents`. Saved: back to the page (303) saying what was done. Refused: the page again
//! with the form as typed and the bad field named; beaten by someone else's save: the
//! page with the record as it stands (409).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{CloseForm, Done, EditForm, MoveForm, Returned, RevealForm, SpecialForm, render};
use crate::http::pages::frame::access::Worker;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::worker::forms::{self, Field, Refused};
use crate::http::pages::worker::record_id;
use crate::rules::RuleError;
use crate::rules::base_data::Saved;
use crate::rules::base_data::residents::{self, Close, Edit, Move, Shown};
use crate::rules::base_data::special_populations::{self, NewRecord};
use crate::state::AppState;

const EDIT_FIELDS: [Field; 9] = [
    forms::NAME,
    forms::GENDER,
    forms::BIRTH_DATE,
    forms::ID_NUMBER,
    forms::PHONE,
    forms::POPULATION_TYPE,
    forms::TAGS,
    forms::HOUSE,
    forms::RELATION,
];
const MOVE_FIELDS: [Field; 3] = [forms::GRID, forms::HOUSE, forms::HOUSEHOLD];
const CLOSE_FIELDS: [Field; 2] = [forms::CLOSE_REASON, forms::CLOSE_ON];
const SPECIAL_FIELDS: [Field; 4] = [
    forms::CATEGORY,
    forms::CONTROL_LEVEL,
    forms::RESPONSIBLE,
    forms::NOTE,
];

/// What a posted act did, as the page shows it.
async fn answer(
    state: &AppState,
    worker: &Worker,
    id: i64,
    saved: Result<Saved<Shown>, RuleError>,
    fields: &[Field],
    done: Done,
    returned: impl FnOnce(Refused) -> Returned,
) -> Result<Response, PageError> {
    match saved {
        Ok(Saved::Done(_)) => Ok(Redirect::to(&format!(
            "/worker/residents/{id}?done={}",
            done.name()
        ))
        .into_response()),
        Ok(Saved::Stale(current)) => {
            render(
                state,
                worker,
                StatusCode::CONFLICT,
                &current,
                &Returned::None,
                Some(forms::STALE),
            )
            .await
        }
        Err(RuleError::Conflict(_)) => {
            let current = residents::get(state.db(), worker.signed_in.person(), id)
                .await
                .map_err(|e| worker.failed(e))?;
            render(
                state,
                worker,
                StatusCode::CONFLICT,
                &current,
                &Returned::None,
                Some(forms::CLOSED),
            )
            .await
        }
        Err(RuleError::Forbidden(_)) if fields.iter().any(|f| f.name == "grid_code") => {
            let current = residents::get(state.db(), worker.signed_in.person(), id)
                .await
                .map_err(|e| worker.failed(e))?;
            let refused = Refused {
                fields: vec!["grid_code"],
                general: None,
            };
            render(
                state,
                worker,
                StatusCode::FORBIDDEN,
                &current,
                &returned(refused),
                None,
            )
            .await
        }
        Err(error) => match Refused::of(&error, fields) {
            Some(refused) => {
                let current = residents::get(state.db(), worker.signed_in.person(), id)
                    .await
                    .map_err(|e| worker.failed(e))?;
                render(
                    state,
                    worker,
                    StatusCode::BAD_REQUEST,
                    &current,
                    &returned(refused),
                    None,
                )
                .await
            }
            None => Err(worker.failed(error)),
        },
    }
}

/// `POST /worker/residents/{id}`: the edit form.
pub(in crate::http::pages::worker) async fn edit(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let house_id = match form.house_id.trim() {
        "" => Some(None),
        text => match text.parse::<i64>() {
            Ok(house) => Some(Some(house)),
            Err(_) => Some(Some(0)),
        },
    };
    let phone = if form.clear_phone.is_some() {
        Some(String::new())
    } else {
        (!form.phone.trim().is_empty()).then(|| form.phone.clone())
    };
    let edit = Edit {
        version: form.version,
        name: Some(form.name.clone()),
        gender: Some(form.gender.clone()),
        birth_date: Some(form.birth_date.clone()),
        id_number: (!form.id_number.trim().is_empty()).then(|| form.id_number.clone()),
        phone,
        population_type: Some(form.population_type.clone()),
        tags: Some(forms::tags_of(&form.tags)),
        house_id,
        household: None,
    };
    let saved = residents::edit(state.ground(), worker.signed_in.person(), id, &edit).await;
    answer(
        &state,
        &worker,
        id,
        saved,
        &EDIT_FIELDS,
        Done::Saved,
        |refused| Returned::Edit(form, refused),
    )
    .await
}

/// `POST /worker/residents/{id}/move`.
pub(in crate::http::pages::worker) async fn relocate(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let to = Move {
        version: form.version,
        grid_code: form.grid_code.clone(),
        dwelling: residents::Dwelling::default(),
    };
    let saved = residents::relocate(state.ground(), worker.signed_in.person(), id, &to).await;
    answer(
        &state,
        &worker,
        id,
        saved,
        &MOVE_FIELDS,
        Done::Moved,
        |refused| Returned::Move(form, refused),
    )
    .await
}

/// `POST /worker/residents/{id}/close`.
pub(in crate::http::pages::worker) async fn close(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let close = Close {
        version: form.version,
        reason: form.reason.clone(),
        on: form.on.clone(),
    };
    let saved = residents::close(state.ground(), worker.signed_in.person(), id, &close).await;
    answer(
        &state,
        &worker,
        id,
        saved,
        &CLOSE_FIELDS,
        Done::Closed,
        |refused| Returned::Close(form, refused),
    )
    .await
}

/// `POST /worker/residents/{id}/special-population`: registers the resident as a special
/// population and goes to the new record's page.
pub(in crate::http::pages::worker) async fn register_special(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(form): Form<SpecialForm>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let responsible = form.responsible.trim();
    let new = NewRecord {
        resident_id: id,
        category: &form.category,
        control_level: &form.control_level,
        responsible: (!responsible.is_empty()).then_some(responsible),
        note: &form.note,
    };
    match special_populations::register(state.db(), worker.signed_in.person(), &new).await {
        Ok(record) => {
            Ok(Redirect::to(&format!("/worker/special-populations/{record}")).into_response())
        }
        Err(error) => {
            let refused = match &error {
                RuleError::Conflict(_) => Some(Refused {
                    fields: vec!["category"],
                    general: None,
                }),
                other => Refused::of(other, &SPECIAL_FIELDS),
            };
            let Some(refused) = refused else {
                return Err(worker.failed(error));
            };
            let current = residents::get(state.db(), worker.signed_in.person(), id)
                .await
                .map_err(|e| worker.failed(e))?;
            let status = if matches!(error, RuleError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            render(
                &state,
                &worker,
                status,
                &current,
                &Returned::Special(form, refused),
                None,
            )
            .await
        }
    }
}

/// `POST /worker/residents/{id}/reveal`: break the glass. The page comes back with the ID
/// number and phone whole; nothing keeps them, so the next page is masked again.
pub(in crate::http::pages::worker) async fn reveal(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(form): Form<RevealForm>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    match residents::unmask(state.db(), worker.signed_in.person(), id, &form.reason).await {
        Ok(shown) => {
            render(
                &state,
                &worker,
                StatusCode::OK,
                &shown,
                &Returned::None,
                None,
            )
            .await
        }
        Err(RuleError::Invalid { .. }) => {
            let current = residents::get(state.db(), worker.signed_in.person(), id)
                .await
                .map_err(|e| worker.failed(e))?;
            let refused = Refused {
                fields: vec!["reason"],
                general: None,
            };
            render(
                &state,
                &worker,
                StatusCode::BAD_REQUEST,
                &current,
                &Returned::Reveal(form, refused),
                None,
            )
            .await
        }
        Err(error) => Err(worker.failed(error)),
    }
}
