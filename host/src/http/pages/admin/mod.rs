//! The admin console (`/admin/`): for unit admins, over the subtrees of the units they
//! administer. The registry's approved plugins (`/admin/registry`), the consent screen that
//! installs one at a unit (`/admin/registry/{id}/install?unit=`), the installations with
//! their state, circuit breaker and metrics and the lifecycle acts on them
//! (`/admin/installations`), users and their grants (`/admin/users`: create, grant, revoke,
//! reset a password, link a resident), the departments' service accounts
//! (`/admin/service-accounts`), the audit log
//! (`/admin/audit`) and the hook deliveries plugins could not take
//! (`/admin/hook-deliveries`).
//!
//! Every install, upgrade, rollback, disable, enable and uninstall goes through
//! `plugins::lifecycle` exactly as `wangge plugin …` does (the same checks, the same consent
//! rule, the same audit rows), with `user:NAME` as the actor. Pages that need a user send a
//! visitor to `/signin?next=…`; anyone without a `unit-admin` grant gets a 403 page. Forms
//! post with the session cookie; `same_origin` keeps other sites from posting them.

mod audit;
mod config_form;
mod hook_deliveries;
mod installations;
mod lifecycle;
mod registry;
mod service_accounts;
mod users;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use maud::{Markup, html};
use wangge_registry::Level;

use super::frame::access::{Admin, ReturnTo};
use super::frame::error::PageError;
use super::frame::rates::verification_table;
use super::frame::{Area, respond};
use crate::rules::base_data::verification;
use crate::state::AppState;

/// The routes. The installations' acts only take posts: a visitor whose session ran out
/// comes back to the list after signing in.
pub fn router() -> Router<AppState> {
    let back_to_list = || Extension(ReturnTo("/admin/installations"));
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
            post(installations::rollback).layer(back_to_list()),
        )
        .route(
            "/admin/installations/{id}/disable",
            post(installations::disable).layer(back_to_list()),
        )
        .route(
            "/admin/installations/{id}/enable",
            post(installations::enable).layer(back_to_list()),
        )
        .route(
            "/admin/installations/{id}/uninstall",
            post(installations::uninstall).layer(back_to_list()),
        )
        .route("/admin/users", get(users::list).post(users::grant))
        .route("/admin/users/new", post(users::create))
        .route("/admin/users/revoke", post(users::revoke))
        .route("/admin/users/password", post(users::reset_password))
        .route("/admin/users/resident", post(users::link_resident))
        .route(
            "/admin/service-accounts",
            get(service_accounts::list).post(service_accounts::create),
        )
        .route(
            "/admin/service-accounts/{id}/revoke",
            post(service_accounts::revoke),
        )
        .route("/admin/audit", get(audit::list))
        .route("/admin/hook-deliveries", get(hook_deliveries::list))
}

/// An admin page: the layout, the console's navigation, then `content`.
fn page(status: StatusCode, title: &str, admin: &Admin, content: Markup) -> Response {
    respond(status, title, Area::Admin, &admin.visitor(), content)
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
async fn index(State(state): State<AppState>, admin: Admin) -> Result<Response, PageError> {
    let mut units = Vec::new();
    for code in &admin.units {
        let unit = state.db().unit(code).await?;
        let (whole, grids) =
            verification::of_unit(state.db(), admin.signed_in.person(), code).await?;
        units.push((
            code.clone(),
            unit.map(|u| u.name).unwrap_or_default(),
            whole,
            grids,
        ));
    }
    Ok(page(
        StatusCode::OK,
        "管理",
        &admin,
        html! {
            h1 { "管理" }
            p.muted { "您是以下单位的管理员，管理范围包括其下级单位。" }
            ul.admin-units {
                @for (code, name, whole, grids) in &units {
                    li {
                        strong { (name) } " " code { (code) }
                        " · " a href={ "/admin/audit?unit=" (code) } { "审计日志" }
                        (verification_table(whole, grids))
                    }
                }
            }
            ul.admin-links {
                li { a href="/admin/registry" { "插件市场" } "：本平台注册表中已审核通过的插件，安装到本单位。" }
                li { a href="/admin/installations" { "已安装插件" } "：状态、熔断、调用统计；升级、回滚、停用、卸载。" }
                li { a href="/admin/users" { "用户" } "：管辖范围内的用户及其角色；新建用户、授予与撤销角色、重置密码、关联居民。" }
                li { a href="/admin/service-accounts" { "服务账号" } "：部门推送数据用的机器凭据，创建与撤销。" }
                li { a href="/admin/audit" { "审计日志" } "：管辖范围内的操作记录。" }
                li { a href="/admin/hook-deliveries" { "钩子投递失败" } "：插件未能处理的通知，自动重试与已放弃的投递。" }
            }
        },
    ))
}

/// A redirect after a successful post (303: the browser GETs the page).
fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
