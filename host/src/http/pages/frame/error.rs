//! The one error type of the pages. A handler returns `Result<Response, PageError>` and
//! states what it needs in its signature (the extractors of `access` reject with a
//! `PageError` too): a visitor without a session is sent to sign in and back, a refusal or
//! a missing page is shown framed for its area with the visitor's navigation, and anything
//! else is logged and answered with the 500 page, its cause never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::text::encode;
use super::{Area, respond};
use crate::http::visitor::Visitor;

/// Why a page is not shown.
#[derive(Debug)]
pub enum PageError {
    /// No valid session: 303 to `/signin?next=…`, which brings the visitor back.
    SignIn {
        /// Where to come back to (a path on this site).
        next: String,
    },
    /// A page saying why (403, 404, 400, 409 …).
    Shown(Box<Shown>),
    /// The platform failed: logged, and the 500 page.
    Internal(anyhow::Error),
}

/// A page that says why.
#[derive(Debug)]
pub struct Shown {
    status: StatusCode,
    title: String,
    area: Area,
    visitor: Visitor,
    content: Markup,
}

impl PageError {
    /// A page of `area` with `status`, `title` as its heading and `body` below it.
    pub fn page(
        status: StatusCode,
        title: &str,
        area: Area,
        visitor: Visitor,
        body: Markup,
    ) -> Self {
        Self::whole_page(
            status,
            title,
            area,
            visitor,
            html! {
                h1 { (title) }
                (body)
            },
        )
    }

    /// A page of `area` with `status` and `title`, `content` being all of it (its own
    /// heading included): for a page that explains itself in its usual shape.
    pub fn whole_page(
        status: StatusCode,
        title: &str,
        area: Area,
        visitor: Visitor,
        content: Markup,
    ) -> Self {
        Self::Shown(Box::new(Shown {
            status,
            title: title.to_owned(),
            area,
            visitor,
            content,
        }))
    }

    /// The 403 page: 没有权限, with `why` and a way home.
    pub fn forbidden(area: Area, visitor: Visitor, why: Markup) -> Self {
        Self::page(
            StatusCode::FORBIDDEN,
            "没有权限",
            area,
            visitor,
            html! {
                p.notice { (why) }
                p { a href="/" { "返回首页" } }
            },
        )
    }

    /// The 404 page, which looks the same whatever is missing (or not the visitor's).
    pub fn not_found(visitor: Visitor) -> Self {
        Self::page(
            StatusCode::NOT_FOUND,
            "页面不存在",
            Area::Portal,
            visitor,
            html! {
                p { "您访问的页面不存在，请返回" a href="/" { "首页" } "。" }
            },
        )
    }

    /// The 500 page for `error`, which goes to the log.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(anyhow::anyhow!("{error}"))
    }
}

/// What a rule refused, when the page has no answer of its own for it: a page that shows
/// a refusal (a form's message, a 403 or 404 page) matches the error first, so what comes
/// here is the platform's failure (or a refusal the page never expects, logged as one).
impl From<crate::rules::RuleError> for PageError {
    fn from(error: crate::rules::RuleError) -> Self {
        match error {
            crate::rules::RuleError::Internal(detail) => Self::Internal(detail),
            other => Self::Internal(anyhow::anyhow!("unexpected refusal: {other}")),
        }
    }
}

impl From<sqlx::Error> for PageError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}

impl From<anyhow::Error> for PageError {
    fn from(error: anyhow::Error) -> Self {
        Self::Internal(error)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn { next } => {
                Redirect::to(&format!("/signin?next={}", encode(&next))).into_response()
            }
            Self::Shown(shown) => {
                let Shown {
                    status,
                    title,
                    area,
                    visitor,
                    content,
                } = *shown;
                respond(status, &title, area, &visitor, content)
            }
            Self::Internal(error) => {
                tracing::error!("page failed: {error:#}");
                internal_page()
            }
        }
    }
}

/// The 500 page; the cause is in the log, not on the page.
pub fn internal_page() -> Response {
    respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        "系统错误",
        Area::Portal,
        &Visitor::Unknown,
        html! {
            h1 { "系统错误" }
            p.notice { "系统暂时无法完成请求，请稍后再试。" }
        },
    )
}
