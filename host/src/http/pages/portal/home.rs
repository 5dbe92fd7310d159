//! `/`: a signed-in user's services (the resident pages of every plugin installed over one
//! of their units, `pages::services`), or the public list of services for anyone else.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wangge_registry::Audience;

use crate::http::pages::frame::{Area, respond};
use crate::http::pages::services::{services_for, services_list};
use crate::http::visitor::Visitor;
use crate::rules::Person;
use crate::state::AppState;

pub(super) async fn home(State(state): State<AppState>, visitor: Visitor) -> Response {
    let content = match visitor.person() {
        Some(person) => my_services(&state, person),
        None => public_services(&state),
    };
    respond(StatusCode::OK, "首页", Area::Portal, &visitor, content)
}

fn my_services(state: &AppState, person: &Person) -> Markup {
    let services = services_for(state, &person.grant_units(), Audience::Resident);
    html! {
        h1 { "我的社区服务" }
        p.muted { (person.user.display_name) "，您好。" }
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
