//! `/worker/` (我的网格: the units the worker works, with their sections) and
//! `/worker/plugins` (the worker pages of the plugins covering those units, the nearest
//! installation per plugin, as the resident start page picks them).

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use maud::html;
use wangge_registry::Audience;

use super::{page, unit_links, worker, worker_units};
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::CurrentUser;
use crate::http::portal::home::{services_for, services_list};

pub(super) async fn home(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let current = match worker(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let mut units = Vec::new();
    for code in worker_units(&current) {
        let name = match state.db().unit(&code).await {
            Ok(unit) => unit.map(|u| u.name),
            Err(error) => return super::failed(&current, error.into()),
        };
        units.push((code, name));
    }
    page(
        StatusCode::OK,
        "我的网格",
        &current,
        html! {
            h1 { "我的网格" }
            p.muted { (current.user.display_name) "，您好。以下是您负责的网格和单位。" }
            @for (code, name) in &units {
                section.worker-unit {
                    h2 {
                        (name.as_deref().unwrap_or(code.as_str()))
                        " " small.muted { code { (code) } }
                    }
                    (unit_links(code))
                }
            }
            p { a href="/worker/plugins" { "业务插件" } }
        },
    )
}

pub(super) async fn plugins(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let current = match worker(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let services = services_for(&state, &worker_units(&current), Audience::Worker);
    page(
        StatusCode::OK,
        "业务插件",
        &current,
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
