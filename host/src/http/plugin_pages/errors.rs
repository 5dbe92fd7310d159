//! The pages a plugin page answers with when the plugin did not answer: its call faulted
//! (trap, deadline, memory, suspension …) or it answered with the contract's `error`
//! variant. Details that could expose internals go to the log, never to the page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::http::pages::frame::layout::{PAGE_CSP, page};
use crate::runtime::bindings::PluginError;
use crate::runtime::fault::{Fault, FaultKind};

/// The header naming the fault kind, for operators and tests.
pub const FAULT_HEADER: &str = "x-wangge-fault";

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
