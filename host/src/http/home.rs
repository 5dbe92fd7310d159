//! The start page: what this host serves.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};

use super::AppState;
use super::layout::page;

/// The `/` route.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<AppState>) -> Markup {
    let plugins: Vec<_> = state.catalog().iter().cloned().collect();
    page(
        "首页",
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
        },
    )
}
