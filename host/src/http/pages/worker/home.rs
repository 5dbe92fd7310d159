//! `/worker/` (我的网格: the units the worker works, with their sections, how much of
//! their base data department data has confirmed, 关联核录, against the 80% target, and
//! how many risk warnings wait for 签收) and
//! `/worker/plugins` (the worker pages of the plugins covering those units, the nearest
//! installation per plugin, as the resident start page picks them).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use wangge_registry::Audience;

use super::{page, unit_links};
use crate::http::pages::frame::access::Worker;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::rates::verification_table;
use crate::http::pages::services::{services_for, services_list};
use crate::rules::base_data::verification;
use crate::rules::warnings;
use crate::state::AppState;

pub(super) async fn home(
    State(state): State<AppState>,
    worker: Worker,
) -> Result<Response, PageError> {
    let mut units = Vec::new();
    for code in &worker.units {
        let name = state.db().unit(code).await?.map(|u| u.name);
        let (whole, grids) = verification::of_unit(state.db(), worker.signed_in.person(), code)
            .await
            .map_err(|e| worker.failed(e))?;
        units.push((code.clone(), name, whole, grids));
    }
    let display_name = worker.signed_in.person().user.display_name.clone();
    let waiting = warnings::unacknowledged(state.db(), worker.signed_in.person())
        .await
        .map_err(|e| worker.failed(e))?;
    Ok(page(
        StatusCode::OK,
        "我的网格",
        &worker,
        html! {
            h1 { "我的网格" }
            p.muted { (display_name) "，您好。以下是您负责的网格和单位。" }
            @if waiting > 0 {
                p.notice role="status" {
                    a href="/worker/warnings" { "有 " (waiting) " 条风险预警待签收" }
                }
            }
            @for (code, name, whole, grids) in &units {
                section.worker-unit {
                    h2 {
                        (name.as_deref().unwrap_or(code.as_str()))
                        " " small.muted { code { (code) } }
                    }
                    (unit_links(code))
                    (verification_table(whole, grids))
                }
            }
            p { a href="/worker/plugins" { "业务插件" } }
        },
    ))
}

pub(super) async fn plugins(State(state): State<AppState>, worker: Worker) -> Response {
    let services = services_for(&state, &worker.units, Audience::Worker);
    page(
        StatusCode::OK,
        "业务插件",
        &worker,
        html! {
            h1 { "业务插件" }
            @if services.is_empty() {
                p.notice { "您负责的单位暂未开通面向网格员的插件页面。" }
            } @else {
                (services_list(&services))
            }
        },
    )
}
