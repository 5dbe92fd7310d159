//! 实有房屋 in the workspace: `/worker/houses/new?unit=` (add one) and
//! `/worker/houses/{id}` (the house, its history and its edit form), through the same rules
//! as the API. Coordinates find the grid (关联核录) among the worker's grids; a changed
//! position that lands in another grid says so, and the house's residents go with it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{self, Field, Refused};
use super::{history, page, record_id};
use crate::db::houses::StoredHouse;
use crate::grid::house::USAGES;
use crate::http::pages::frame::access::{Worker, WorkerAt};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::rules::RuleError;
use crate::rules::base_data::Saved;
use crate::rules::base_data::houses::{self, HouseForm};
use crate::state::AppState;

const FIELDS: [Field; 5] = [
    forms::ADDRESS,
    forms::USAGE,
    forms::LATITUDE,
    forms::LONGITUDE,
    forms::GRID,
];

/// The Chinese name of a stored usage.
pub(super) fn usage_zh(usage: &str) -> &str {
    USAGES
        .iter()
        .find(|(name, _)| *name == usage)
        .map_or(usage, |(_, zh)| zh)
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct HouseInput {
    version: i64,
    address: String,
    usage: String,
    latitude: String,
    longitude: String,
    grid_code: String,
}

impl HouseInput {
    fn of(house: &StoredHouse) -> Self {
        let degrees = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        Self {
            version: house.version,
            address: house.address.clone(),
            usage: house.usage.clone(),
            latitude: degrees(house.latitude),
            longitude: degrees(house.longitude),
            grid_code: if house.grid_source == "given" {
                house.grid_code.clone()
            } else {
                String::new()
            },
        }
    }

    fn form(&self) -> HouseForm {
        HouseForm {
            address: self.address.clone(),
            usage: self.usage.clone(),
            latitude: self.latitude.clone(),
            longitude: self.longitude.clone(),
            grid_code: self.grid_code.clone(),
        }
    }
}

fn fields(input: &HouseInput, refused: Option<&Refused>) -> Markup {
    html! {
        (forms::general(refused))
        (forms::text_input(&forms::ADDRESS, &input.address, refused, "text", Some("如：黄石港区江边路8号3栋2单元301室")))
        (forms::select(&forms::USAGE, &USAGES, &input.usage, refused))
        div.pair {
            (forms::text_input(&forms::LATITUDE, &input.latitude, refused, "text", Some("30.205")))
            (forms::text_input(&forms::LONGITUDE, &input.longitude, refused, "text", Some("115.005")))
        }
        (forms::text_input(&forms::GRID, &input.grid_code, refused, "text", Some("有坐标时可留空，按网格边界自动确定")))
    }
}

async fn render_new(
    worker: &Worker,
    status: StatusCode,
    input: &HouseInput,
    refused: Option<&Refused>,
) -> Response {
    page(
        status,
        "新增房屋",
        worker,
        html! {
            h1 { "新增房屋" }
            p.muted { "填写坐标时，按网格边界确定所属网格（关联核录）；没有坐标请填写网格代码。" }
            form.worker-action #add-house method="post" action="/worker/houses/new" {
                (fields(input, refused))
                button type="submit" { "新增" }
            }
        },
    )
}

/// `GET /worker/houses/new?unit=`.
pub(super) async fn new_form(at: WorkerAt) -> Response {
    let input = HouseInput {
        usage: "residential".to_owned(),
        grid_code: at.unit.clone(),
        ..HouseInput::default()
    };
    render_new(&at.worker, StatusCode::OK, &input, None).await
}

/// `POST /worker/houses/new`.
pub(super) async fn add(
    State(state): State<AppState>,
    worker: Worker,
    Form(input): Form<HouseInput>,
) -> Result<Response, PageError> {
    match houses::add(state.db(), worker.signed_in.person(), &input.form()).await {
        Ok(house) => Ok(Redirect::to(&format!("/worker/houses/{}", house.id)).into_response()),
        Err(error) => match Refused::of(&error, &FIELDS) {
            Some(refused) => {
                Ok(render_new(&worker, StatusCode::BAD_REQUEST, &input, Some(&refused)).await)
            }
            None => Err(worker.failed(error)),
        },
    }
}

async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    id: i64,
    returned: Option<(&HouseInput, &Refused)>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let (house, rows) = houses::with_history(state.db(), worker.signed_in.person(), id)
        .await
        .map_err(|e| worker.failed(e))?;
    let input = returned.map_or_else(|| HouseInput::of(&house), |(input, _)| input.clone());
    let refused = returned.map(|(_, refused)| refused);
    Ok(page(
        status,
        &house.address,
        worker,
        html! {
            h1 { (house.address) }
            p { a href={ "/worker/houses?unit=" (encode(&house.grid_code)) } { "返回实有房屋列表" } }
            @if let Some(text) = notice { p.notice #page-notice { (text) } }
            div.record-layout {
                section.record {
                    dl.record {
                        dt { "用途" } dd { (usage_zh(&house.usage)) }
                        dt { "网格" } dd #grid { code { (house.grid_code) } }
                        dt { "定位" } dd { (if house.grid_source == "boundary" { "按坐标落入网格边界" } else { "按填报的网格" }) }
                        dt { "坐标" } dd {
                            @match (house.latitude, house.longitude) {
                                (Some(lat), Some(lon)) => { (lat) ", " (lon) }
                                _ => { "（无）" }
                            }
                        }
                        dt { "关联核录" } dd { (if house.verified_at.is_some() { "已由部门数据核录" } else { "未核录" }) }
                    }
                }
                section.acts {
                    form.worker-action #edit method="post" action={ "/worker/houses/" (house.id) } {
                        h2 { "修改" }
                        p.muted { "改动坐标后将重新按网格边界确定所属网格；房屋所在的户和居民随之迁移。" }
                        input type="hidden" name="version" value=(input.version);
                        (fields(&input, refused))
                        button type="submit" { "保存" }
                    }
                }
            }
            (history::table(&rows))
        },
    ))
}

/// `GET /worker/houses/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    render(&state, &worker, StatusCode::OK, id, None, None).await
}

/// `POST /worker/houses/{id}`.
pub(super) async fn edit(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form(input): Form<HouseInput>,
) -> Result<Response, PageError> {
    let id = record_id(&worker, &id)?;
    let edited = houses::edit(
        state.ground(),
        worker.signed_in.person(),
        id,
        input.version,
        &input.form(),
    )
    .await;
    match edited {
        Ok(Saved::Done(edited)) => {
            let notice = edited.moved_from.as_ref().map(|from| {
                format!(
                    "已保存。按新坐标，该房屋现属网格 {}（原网格 {from}），{} 名居民随之迁移。",
                    edited.house.grid_code, edited.residents_moved
                )
            });
            match notice {
                Some(text) => render(&state, &worker, StatusCode::OK, id, None, Some(&text)).await,
                None => Ok(Redirect::to(&format!("/worker/houses/{id}")).into_response()),
            }
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
