//! `/`: a signed-in user's services (the resident pages of every plugin installed at or
//! above one of their units, the nearest installation per plugin as `catalog.resolve`
//! picks it), or the public list of services for anyone else.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wangge_registry::Audience;

use super::{respond, visitor};
use crate::grid::unit_code::is_within;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::CurrentUser;
use crate::plugins::catalog::Served;

/// One service on the start page (or the worker's plugin page).
pub(in crate::http) struct Service {
    pub(in crate::http) plugin_id: String,
    pub(in crate::http) name: String,
    pub(in crate::http) description: String,
    /// (path below `/p/ID`, Chinese title) of its pages for the audience asked for.
    pub(in crate::http) pages: Vec<(String, String)>,
    pub(in crate::http) suspended: bool,
}

pub(super) async fn home(
    State(state): State<AppState>,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let content = match &found {
        Ok(current) => my_services(&state, current),
        Err(_) => public_services(&state),
    };
    respond(StatusCode::OK, "首页", visitor(&found), content)
}

/// The services with `audience` pages covering `units`: of every plugin installed at or
/// above one of them, the nearest installation (as `catalog.resolve` picks it), enabled,
/// with at least one such page.
pub(in crate::http) fn services_for(
    state: &AppState,
    units: &[String],
    audience: Audience,
) -> Vec<Service> {
    let catalog = state.catalog();
    let ids: Vec<String> = catalog
        .iter()
        .map(|p| p.installation.manifest.id.to_string())
        .collect();
    ids.iter()
        .filter_map(|id| match catalog.resolve(id, units)? {
            Served::Enabled(plugin) => {
                let code = &plugin.installation.unit.code;
                // `resolve` falls back to the highest installation; only those covering
                // one of the user's units are theirs.
                if !units.iter().any(|unit| is_within(unit, code)) {
                    return None;
                }
                let manifest = &plugin.installation.manifest;
                Some(Service {
                    plugin_id: manifest.id.to_string(),
                    name: manifest.name.to_string(),
                    description: manifest.description.to_string(),
                    pages: manifest
                        .pages
                        .iter()
                        .filter(|p| p.audience == audience)
                        .map(|p| (p.path.clone(), p.title.clone()))
                        .collect(),
                    suspended: plugin.installation.breaker.is_suspended(),
                })
            }
            Served::Disabled { .. } => None,
        })
        .filter(|s| !s.pages.is_empty())
        .collect()
}

/// The list of `services` with links to their pages, each marked （已暂停） while its
/// plugin is suspended: the same markup on the resident start page and the worker's
/// plugin page.
pub(in crate::http) fn services_list(services: &[Service]) -> Markup {
    html! {
        ul.plugins {
            @for service in services {
                li {
                    strong { (service.name) }
                    @if service.suspended { " " strong { "（已暂停）" } }
                    br;
                    small.muted { (service.description) }
                    ul {
                        @for (path, title) in &service.pages {
                            li { a href={ "/p/" (service.plugin_id) (path) } { (title) } }
                        }
                    }
                }
            }
        }
    }
}

fn my_services(state: &AppState, current: &CurrentUser) -> Markup {
    let units: Vec<String> = current
        .grants
        .0
        .iter()
        .map(|g| g.unit_code.clone())
        .collect();
    let services = services_for(state, &units, Audience::Resident);
    html! {
        h1 { "我的社区服务" }
        p.muted { (current.user.display_name) "，您好。" }
        @if services.is_empty() {
            p.notice { "您所在的社区暂未开通线上服务。" }
        } @else {
            (services_list(&services))
        }
        p { a href="/report" { "上报问题" } " · " a href="/reports" { "我的上报" } " · " a href="/inbox" { "收件箱" } }
    }
}

fn public_services(state: &AppState) -> Markup {
    let plugins: Vec<_> = state.catalog().iter().cloned().collect();
    html! {
        h1 { "社区服务" }
        @if plugins.is_empty() {
            p.notice { "尚未安装任何插件。" }
        } @else {
            ul.plugins {
                @for plugin in plugins {
                    @let manifest = &plugin.installation.manifest;
                    li {
                        a href={ "/p/" (manifest.id) "/" } { (manifest.name) }
                        " "
                        small { (manifest.description) }
                        @if plugin.installation.breaker.is_suspended() {
                            " "
                            strong { "（已暂停）" }
                        }
                    }
                }
            }
        }
        p { a href="/signin" { "登录" } "，查看您所在社区的服务、上报问题和消息。" }
    }
}
