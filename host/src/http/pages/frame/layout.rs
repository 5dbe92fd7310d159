//! The host's page layout, its stylesheet and the security headers of framed pages.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};

use crate::auth::Role;
use crate::http::visitor::Visitor;
use crate::rules::Person;
use crate::state::AppState;

/// The stylesheet, small enough to serve from memory.
const STYLESHEET: &str = include_str!("wangge.css");

/// No script runs on a framed page: not the plugin's, not injected. Styles come from the
/// host's stylesheet or inline style attributes; forms post back to this origin only.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Raw (non-HTML) plugin responses may not be rendered as an active document at all.
pub const RAW_CSP: &str = "default-src 'none'; sandbox; frame-ancestors 'none'";

/// Routes for the layout's static assets.
pub fn router() -> Router<AppState> {
    Router::new().route("/static/wangge.css", get(stylesheet))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

/// The areas beyond the portal, each shown to users holding one of its roles anywhere
/// (the area itself checks the unit).
const AREAS: [(&str, &str, &[Role]); 4] = [
    ("/worker/", "工作台", &crate::auth::BASE_DATA_ROLES),
    ("/department/", "部门待办", &[Role::DepartmentStaff]),
    ("/dashboard/", "统计看板", &crate::auth::LEADER_ROLES),
    ("/admin/", "管理", &[Role::UnitAdmin]),
];

/// The areas `person` may open, as (path, name).
fn areas_of(person: &Person) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    AREAS
        .iter()
        .filter(|(_, _, roles)| person.grants.0.iter().any(|g| roles.contains(&g.role)))
        .map(|(path, name, _)| (*path, *name))
}

/// A whole page: `title` in the head and header bar, `content` in the main column.
pub fn page(title: &str, content: Markup) -> Markup {
    page_for(title, &Visitor::Unknown, content)
}

/// A whole page with the navigation for `visitor`, in the portal's reading column.
pub fn page_for(title: &str, visitor: &Visitor, content: Markup) -> Markup {
    page_in(title, visitor, Column::Reading, content)
}

/// How wide the main column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A reading width: the portal, sign-in, error pages.
    Reading,
    /// The whole width of an office screen: the worker's and admin's tables and forms.
    Wide,
}

/// A whole page with the navigation for `visitor`, its main column `column` wide.
pub fn page_in(title: &str, visitor: &Visitor, column: Column, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 网格服务平台" }
                link rel="stylesheet" href="/static/wangge.css";
            }
            body {
                header.site {
                    a href="/" { "网格服务平台" }
                }
                nav.site aria-label="主导航" {
                    a href="/" { "首页" }
                    a href="/reports" { "我的上报" }
                    a href="/inbox" { "收件箱" }
                    a href="/report" { "上报问题" }
                    @match visitor {
                        Visitor::Unknown => {}
                        Visitor::Anonymous => { a href="/signin" { "登录" } }
                        Visitor::SignedIn(signed_in) => {
                            @for (path, name) in areas_of(&signed_in.person) {
                                a.area href=(path) { (name) }
                            }
                            form.signout method="post" action="/signout" {
                                span.who { (signed_in.person.user.display_name) }
                                button type="submit" { "退出" }
                            }
                        }
                    }
                }
                main.wide[column == Column::Wide] { (content) }
            }
        }
    }
}
