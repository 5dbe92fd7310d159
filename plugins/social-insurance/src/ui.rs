//! What every page of the plugin shares: message pages, the bureau's failures as pages,
//! and who may see the workers' pages.

use wangge_sdk::Role;
use wangge_sdk::prelude::*;

use crate::bureau::BureauError;

/// A page that only explains something, with a way back.
pub fn message(status: u16, title: &str, text: &str, back: Option<(&str, &str)>) -> Response {
    page_with_status(
        status,
        title,
        html! {
            h1 { (title) }
            p .message role="alert" { (text) }
            @if let Some((href, label)) = back {
                p { a href=(href) { (label) } }
            }
        },
    )
}

/// The page for a bureau call that failed: 503 while the bureau cannot be reached, and a
/// clear explanation otherwise. Nothing was changed.
pub fn bureau_failed(error: &BureauError, back: Option<(&str, &str)>) -> Response {
    if let BureauError::Unavailable(detail) | BureauError::Misconfigured(detail) = error {
        wangge_sdk::log::write(
            wangge_sdk::log::Level::Warn,
            "the insurance bureau could not be reached",
            &[("detail".to_owned(), detail.clone())],
        );
    }
    message(error.status(), "社保服务", &error.message(), back)
}

/// Whether the caller may use the workers' pages: grid workers and unit administrators.
pub fn is_worker(caller: &Caller) -> bool {
    caller
        .roles
        .iter()
        .any(|role| matches!(role, Role::GridWorker | Role::UnitAdmin))
}

/// The 403 page for everyone else.
pub fn workers_only() -> Response {
    message(
        403,
        "无权访问",
        "此页面仅供网格员和单位管理员使用。",
        Some(("/p/social-insurance/", "返回我的社保")),
    )
}
