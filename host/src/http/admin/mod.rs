//! The admin console (`/admin/`): for unit admins, over the subtrees of the units they
//! administer. The registry's approved plugins (`/admin/registry`), the consent screen that
//! installs one at a unit (`/admin/registry/{id}/install?unit=`), the installations with
//! their state, circuit breaker and metrics and the lifecycle acts on them
//! (`/admin/installations`), users and their grants (`/admin/users`) and the audit log
//! (`/admin/audit`).
//!
//! Every install, upgrade, rollback, disable, enable and uninstall goes through
//! `plugins::lifecycle` exactly as `wangge plugin …` does (the same checks, the same consent
//! rule, the same audit rows), with `user:NAME` as the actor. Pages that need a user send a
//! visitor to `/signin?next=…`; anyone without a `unit-admin` grant gets a 403 page. Forms
//! post with the session cookie; `same_origin` keeps other sites from posting them.

mod audit;
mod config_form;
mod installations;
mod lifecycle;
mod registry;
mod users;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use wangge_registry::Level;

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use super::error_page;
use super::layout::Visitor;
use super::portal::{required, respond};
use crate::auth::Role;
use crate::grid::unit_code::is_within;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/") }))
        .route("/admin/", get(index))
        .route("/admin/registry", get(registry::list))
        .route(
            "/admin/registry/{id}/install",
            get(registry::consent).post(registry::install),
        )
        .route("/admin/installations", get(installations::list))
        .route(
            "/admin/installations/{id}/upgrade",
            get(installations::upgrade_form).post(installations::upgrade),
        )
        .route(
            "/admin/installations/{id}/rollback",
            post(installations::rollback),
        )
        .route(
            "/admin/installations/{id}/disable",
            post(installations::disable),
        )
        .route(
            "/admin/installations/{id}/enable",
            post(installations::enable),
        )
        .route(
            "/admin/installations/{id}/uninstall",
            post(installations::uninstall),
        )
        .route("/admin/users", get(users::list).post(users::grant))
        .route("/admin/audit", get(audit::list))
}

/// A signed-in unit admin and the units they administer (the highest ones: a unit inside
/// another of their admin units is covered by it).
pub(super) struct Admin {
    current: CurrentUser,
    units: Vec<String>,
}

impl Admin {
    /// Whether `unit` is at or below one of the admin's units.
    fn covers(&self, unit: &str) -> bool {
        self.current.grants.has_role_at(Role::UnitAdmin, unit)
    }

    fn username(&self) -> &str {
        &self.current.user.username
    }
}

/// The admin of a request, or the response for anyone else: sign in first, or a 403 page.
fn admin(found: Result<CurrentUser, ApiError>, uri: &Uri) -> Result<Admin, Box<Response>> {
    let current = required(found, uri)?;
    let mut units: Vec<String> = current
        .grants
        .0
        .iter()
        .filter(|g| g.role == Role::UnitAdmin)
        .map(|g| g.unit_code.clone())
        .collect();
    units.sort();
    units.dedup();
    let all = units.clone();
    units.retain(|unit| {
        !all.iter()
            .any(|other| other != unit && is_within(unit, other))
    });
    if units.is_empty() {
        return Err(Box::new(respond(
            StatusCode::FORBIDDEN,
            "没有权限",
            Visitor::SignedIn(&current),
            html! {
                h1 { "没有权限" }
                p.notice { "管理后台仅供单位管理员使用。" }
            },
        )));
    }
    Ok(Admin { current, units })
}

/// The admin of a request who administers `unit` (at or above it), or the response for
/// anyone else: sign in first, the 403 page of [`admin`], or [`outside`] for a unit beyond
/// the admin's units.
fn admin_of(
    found: Result<CurrentUser, ApiError>,
    uri: &Uri,
    unit: &str,
) -> Result<Admin, Box<Response>> {
    let admin = admin(found, uri)?;
    if !admin.covers(unit) {
        return Err(Box::new(outside(&admin, unit)));
    }
    Ok(admin)
}

/// An admin page: the layout, the console's navigation, then `content`.
fn page(status: StatusCode, title: &str, admin: &Admin, content: Markup) -> Response {
    respond(
        status,
        title,
        Visitor::SignedIn(&admin.current),
        html! {
            nav.admin aria-label="管理导航" {
                a href="/admin/" { "管理" }
                a href="/admin/registry" { "插件市场" }
                a href="/admin/installations" { "已安装插件" }
                a href="/admin/users" { "用户" }
                a href="/admin/audit" { "审计日志" }
            }
            (content)
        },
    )
}

/// A 403 page for a unit outside the admin's subtree.
fn outside(admin: &Admin, unit: &str) -> Response {
    page(
        StatusCode::FORBIDDEN,
        "没有权限",
        admin,
        html! {
            h1 { "没有权限" }
            p.notice { "单位 " code { (unit) } " 不在您管理的范围内。" }
        },
    )
}

/// A 500 page; the cause goes to the log.
fn internal(error: impl std::fmt::Display) -> Response {
    tracing::error!("admin console: {error:#}");
    error_page::internal()
}

/// A level's Chinese name.
fn level_zh(level: Level) -> &'static str {
    match level {
        Level::Province => "省",
        Level::City => "市",
        Level::County => "县（区）",
        Level::Street => "街道（乡镇）",
        Level::Community => "社区（村）",
        Level::Grid => "网格",
    }
}

/// `/admin/`: the admin's units and the console's sections.
async fn index(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let admin = match admin(found, &uri) {
        Ok(admin) => admin,
        Err(response) => return *response,
    };
    let mut units = Vec::new();
    for code in &admin.units {
        match state.database().unit(code).await {
            Ok(unit) => units.push((code.clone(), unit.map(|u| u.name).unwrap_or_default())),
            Err(error) => return internal(error),
        }
    }
    page(
        StatusCode::OK,
        "管理",
        &admin,
        html! {
            h1 { "管理" }
            p.muted { "您是以下单位的管理员，管理范围包括其下级单位。" }
            ul.admin-units {
                @for (code, name) in &units {
                    li {
                        strong { (name) } " " code { (code) }
                        " · " a href={ "/admin/audit?unit=" (code) } { "审计日志" }
                    }
                }
            }
            ul.admin-links {
                li { a href="/admin/registry" { "插件市场" } "：本平台注册表中已审核通过的插件，安装到本单位。" }
                li { a href="/admin/installations" { "已安装插件" } "：状态、熔断、调用统计；升级、回滚、停用、卸载。" }
                li { a href="/admin/users" { "用户" } "：管辖范围内的用户及其角色，授予角色。" }
                li { a href="/admin/audit" { "审计日志" } "：管辖范围内的操作记录。" }
            }
        },
    )
}

/// A redirect after a successful post (303: the browser GETs the page).
fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
