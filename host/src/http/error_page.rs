//! Error pages in the host layout: unknown pages, plugin faults and plugin errors. Details
//! that could expose internals go to the log, never to the page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::{PAGE_CSP, page};
use crate::runtime::bindings::PluginError;
use crate::runtime::fault::{Fault, FaultKind};

/// The header naming the fault kind, for operators and tests.
pub const FAULT_HEADER: &str = "x-wangge-fault";

/// The router's fallback: the API's error shape under `/api/`, else the page below.
pub async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return super::api_error::ApiError::NotFound(format!("route {}", uri.path()))
            .into_response();
    }
    not_found().await
}

/// A friendly 404 in the layout.
pub async fn not_found() -> Response {
    let body = page(
        "页面不存在",
        html! {
            h1 { "页面不存在" }
            p { "您访问的页面不存在，请返回" a href="/" { "首页" } "。" }
        },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

/// A 500 in the layout; the cause is in the log, not on the page.
pub fn internal() -> Response {
    let body = page(
        "系统错误",
        html! {
            h1 { "系统错误" }
            p.notice { "系统暂时无法完成请求，请稍后再试。" }
        },
    );
    (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
}

/// The page shown when a plugin call faulted.
pub fn fault(plugin_id: &str, plugin_name: &str, fault: &Fault) -> Response {
    let status = match fault.kind {
        FaultKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
        FaultKind::Suspended | FaultKind::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let explanation = match fault.kind {
        FaultKind::Suspended => "该插件连续出错，已被暂时停用，稍后将自动重试。",
        FaultKind::Overloaded => "系统繁忙，请稍后再试。",
        _ => "该插件未能完成本次请求，平台和其他服务不受影响。",
    };
    let body = page(
        "服务暂不可用",
        html! {
            h1 { "服务暂不可用" }
            div.notice.fault {
                p { "插件「" (plugin_name) "」（" code { (plugin_id) } "）：" strong { (fault.kind.label_zh()) } }
                p { (explanation) }
            }
        },
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(FAULT_HEADER, HeaderValue::from_static(fault.kind.label()));
    response
}

/// The page shown when a plugin answered with the contract's `error` variant.
pub fn plugin_error(plugin_name: &str, error: &PluginError) -> Response {
    let (status, title, text) = match error {
        PluginError::NotFound(text) => (StatusCode::NOT_FOUND, "页面不存在", text),
        PluginError::Denied(text) => (StatusCode::FORBIDDEN, "没有权限", text),
        PluginError::Invalid(text) => (StatusCode::BAD_REQUEST, "请求有误", text),
        PluginError::QuotaExceeded(text) => (StatusCode::INSUFFICIENT_STORAGE, "超出限额", text),
        PluginError::Unavailable(text) => (StatusCode::SERVICE_UNAVAILABLE, "暂不可用", text),
    };
    let body = page(
        title,
        html! {
            h1 { (title) }
            div.notice {
                p { "插件「" (plugin_name) "」：" (text) }
            }
        },
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    response
}
