//! The grid worker workspace (`/worker/…`): server-rendered pages for the people who work
//! a grid. The start page (`/worker/`: the worker's units), the masked lists of a unit's
//! residents, houses and special populations, its events with one form per action the
//! workflow allows the worker (`/worker/events`, `/worker/events/{id}`), and the worker
//! pages of the plugins covering their units (`/worker/plugins`).
//!
//! Everything reuses the JSON API's checks and queries: the same role lists, the same
//! masking, the same audited special-population read and the same `act_as` for moving an
//! event. Pages need a `grid-worker` or `unit-admin` grant somewhere; anyone else signed
//! in gets a 403 page, and a visitor without a session is sent to sign in first. Forms post
//! with the session cookie; [`super::same_origin`] keeps other sites from posting them.

mod events;
mod home;
mod lists;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use super::error_page;
use super::layout::Visitor;
use super::portal::{required, respond};
use super::residents_api::LIST_ROLES;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/worker", get(|| async { Redirect::permanent("/worker/") }))
        .route("/worker/", get(home::home))
        .route("/worker/plugins", get(home::plugins))
        .route("/worker/residents", get(lists::residents))
        .route("/worker/houses", get(lists::houses))
        .route(
            "/worker/special-populations",
            get(lists::special_populations),
        )
        .route("/worker/events", get(events::list))
        .route("/worker/events/{id}", get(events::detail).post(events::act))
        .route("/worker/events/{id}/photo", get(events::photo))
}

/// The units `current` works: those of their `grid-worker` and `unit-admin` grants, in
/// grant order, each once.
fn worker_units(current: &CurrentUser) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for grant in &current.grants.0 {
        if LIST_ROLES.contains(&grant.role) && !units.contains(&grant.unit_code) {
            units.push(grant.unit_code.clone());
        }
    }
    units
}

/// The signed-in worker, or the response instead: sign in first (no session), or the 403
/// page for a user who works no unit.
fn worker(found: Result<CurrentUser, ApiError>, uri: &Uri) -> Result<CurrentUser, Box<Response>> {
    let current = required(found, uri)?;
    if worker_units(&current).is_empty() {
        return Err(Box::new(forbidden(&current)));
    }
    Ok(current)
}

/// Whether `current` works `unit` (a worker role there or above).
fn works(current: &CurrentUser, unit: &str) -> bool {
    LIST_ROLES
        .iter()
        .any(|role| current.grants.has_role_at(*role, unit))
}

/// The unit a list page is about: `unit` if given and worked by `current`, else the 403
/// page; without `unit`, the worker's first unit.
fn unit_asked(current: &CurrentUser, unit: Option<&str>) -> Result<String, Box<Response>> {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(unit) if works(current, unit) => Ok(unit.to_owned()),
        Some(_) => Err(Box::new(forbidden(current))),
        None => worker_units(current)
            .into_iter()
            .next()
            .ok_or_else(|| Box::new(forbidden(current))),
    }
}

/// The signed-in worker and the unit a unit page is about, as [`worker`] and [`unit_asked`]
/// find them, or the response instead (sign in first, or the 403 page).
fn worker_at(
    found: Result<CurrentUser, ApiError>,
    uri: &Uri,
    unit: Option<&str>,
) -> Result<(CurrentUser, String), Box<Response>> {
    let current = worker(found, uri)?;
    let unit = unit_asked(&current, unit)?;
    Ok((current, unit))
}

/// A worker page: the layout with the worker's navigation above `content`.
fn page(status: StatusCode, title: &str, current: &CurrentUser, content: Markup) -> Response {
    respond(
        status,
        title,
        Visitor::SignedIn(current),
        html! {
            nav.worker aria-label="网格工作" {
                a href="/worker/" { "我的网格" }
                a href="/worker/plugins" { "业务插件" }
            }
            (content)
        },
    )
}

/// The 403 page for someone who may not see a worker page.
fn forbidden(current: &CurrentUser) -> Response {
    respond(
        StatusCode::FORBIDDEN,
        "没有权限",
        Visitor::SignedIn(current),
        html! {
            h1 { "没有权限" }
            p.notice { "此页面仅供所辖网格的网格员和单位管理员使用。" }
            p { a href="/" { "返回首页" } }
        },
    )
}

/// The 400 page for a malformed query (a tampered page cursor).
fn bad_request(current: &CurrentUser) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "请求有误",
        current,
        html! {
            h1 { "请求有误" }
            p.notice { "页面参数有误，请从列表第一页重新浏览。" }
        },
    )
}

/// The response for an error of the shared API code: its 403 and 404 as pages, a bad
/// query as the 400 page, anything else logged and the 500 page.
fn failed(current: &CurrentUser, error: ApiError) -> Response {
    match error {
        ApiError::Forbidden(_) => forbidden(current),
        ApiError::NotFound(_) => super::portal::not_found(Visitor::SignedIn(current)),
        ApiError::Invalid { .. } => bad_request(current),
        other => {
            tracing::error!("worker page: {other}");
            error_page::internal()
        }
    }
}

/// The links to a unit's sections.
fn unit_links(unit: &str) -> Markup {
    let q = super::portal::encode(unit);
    html! {
        ul.worker-sections {
            li { a href={ "/worker/residents?unit=" (q) } { "实有人口" } }
            li { a href={ "/worker/houses?unit=" (q) } { "实有房屋" } }
            li { a href={ "/worker/special-populations?unit=" (q) } { "特殊人群" } }
            li { a href={ "/worker/events?unit=" (q) } { "事件" } }
        }
    }
}
