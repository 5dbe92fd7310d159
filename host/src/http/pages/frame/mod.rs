//! What every page shares: the layout and its navigation (`layout`), the one error type
//! pages answer with (`error`), the extractors that say in a handler's signature who may see
//! the page (`access`), photos of events (`photos`), the 关联核录 rate table (`rates`), and how times and links are written
//! (`text`). [`respond`] frames a page for its [`Area`].

pub mod access;
pub mod error;
pub mod layout;
pub mod photos;
pub mod rates;
pub mod text;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use self::layout::{Column, PAGE_CSP, page_in};
use crate::http::visitor::Visitor;

/// Scripts from this host by path only (ECharts and `dashboard.js`), none inline; the rest
/// as on every host page.
pub const DASHBOARD_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// Which part of the site a page belongs to: it decides the navigation under the site's
/// and the page's Content-Security-Policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The resident portal, sign-in and everything without an area of its own.
    Portal,
    /// The grid worker's workspace (`/worker/`).
    Worker,
    /// The department's workspace (`/department/`): its queue.
    Department,
    /// The admin console (`/admin/`).
    Admin,
    /// The leader dashboards (`/dashboard/`), which run the host's own chart scripts.
    Dashboard,
}

impl Area {
    fn navigation(self) -> Markup {
        match self {
            Self::Portal | Self::Dashboard => html! {},
            Self::Worker => html! {
                nav.worker aria-label="网格工作" {
                    a href="/worker/" { "我的网格" }
                    a href="/worker/report" { "巡查上报" }
                    a href="/worker/warnings" { "风险预警" }
                    a href="/worker/plugins" { "业务插件" }
                }
            },
            Self::Department => html! {
                nav.worker aria-label="部门工作" {
                    a href="/department/" { "待办事件" }
                }
            },
            Self::Admin => html! {
                nav.admin aria-label="管理导航" {
                    a href="/admin/" { "管理" }
                    a href="/admin/registry" { "插件市场" }
                    a href="/admin/installations" { "已安装插件" }
                    a href="/admin/users" { "用户" }
                    a href="/admin/service-accounts" { "服务账号" }
                    a href="/admin/hook-deliveries" { "钩子投递" }
                    a href="/admin/audit" { "审计日志" }
                }
            },
        }
    }

    /// Workers and admins work at office screens: their tables use the width.
    fn column(self) -> Column {
        match self {
            // Office screens: dense tables (the dashboard's 考核 ranking among them).
            Self::Worker | Self::Department | Self::Admin | Self::Dashboard => Column::Wide,
            Self::Portal => Column::Reading,
        }
    }

    fn csp(self) -> &'static str {
        match self {
            Self::Dashboard => DASHBOARD_CSP,
            Self::Portal | Self::Worker | Self::Department | Self::Admin => PAGE_CSP,
        }
    }
}

/// A page of `area`: the layout with `visitor`'s navigation and the area's, `content`, the
/// area's CSP, never cached (pages show what this visitor may see).
pub fn respond(
    status: StatusCode,
    title: &str,
    area: Area,
    visitor: &Visitor,
    content: Markup,
) -> Response {
    let body = page_in(
        title,
        visitor,
        area.column(),
        html! {
            (area.navigation())
            (content)
        },
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(area.csp()),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
