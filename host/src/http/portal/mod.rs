//! The resident portal: server-rendered pages for residents on their phones. Signing in and
//! out with a form (`/signin`, `/signout`), the start page (`/`: the services covering the
//! user's units, or the public list), reporting a problem (`/report`), the user's own
//! reports with their timelines (`/reports`, `/reports/{id}`) and the inbox (`/inbox`).
//!
//! Pages that need a user send a visitor without a valid session to
//! `/signin?next=<the page>`, which brings them back after signing in. Forms post with the
//! session cookie only; [`super::same_origin`] is what keeps other sites from posting them.

pub(super) mod home;
mod inbox;
pub(super) mod reports;
mod sign_in_code;
mod signin;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use super::error_page;
use super::layout::{PAGE_CSP, Visitor, page_for};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signin", get(signin::form).post(signin::submit))
        .route(
            "/signin/code",
            get(sign_in_code::form).post(sign_in_code::request),
        )
        .route("/signin/code/verify", post(sign_in_code::verify))
        .route("/signout", post(signin::sign_out))
        .route(
            "/report",
            get(reports::form)
                .post(reports::submit)
                .layer(DefaultBodyLimit::max(reports::MAX_REPORT_BODY_BYTES)),
        )
        .route("/reports", get(reports::list))
        .route("/reports/{id}", get(reports::detail))
        .route("/reports/{id}/photo", get(reports::photo))
        .route("/inbox", get(inbox::list))
        .route("/inbox/{id}/read", post(inbox::mark_read))
        .route("/inbox/notices/{id}/read", post(inbox::mark_notice_read))
}

/// The signed-in user, or the response that sends the visitor to sign in first (a 303 to
/// `/signin?next=…` for a missing or expired session, the error page for anything else).
pub(super) fn required(
    found: Result<CurrentUser, ApiError>,
    uri: &Uri,
) -> Result<CurrentUser, Box<Response>> {
    match found {
        Ok(current) => Ok(current),
        Err(ApiError::Unauthorized) => {
            let next = uri.path_and_query().map_or("/", |p| p.as_str());
            Err(Box::new(
                Redirect::to(&format!("/signin?next={}", encode(next))).into_response(),
            ))
        }
        Err(error) => {
            tracing::error!("cannot look up the session of a portal page: {error}");
            Err(Box::new(error_page::internal()))
        }
    }
}

/// The visitor as the navigation shows them.
fn visitor(found: &Result<CurrentUser, ApiError>) -> Visitor<'_> {
    match found {
        Ok(current) => Visitor::SignedIn(current),
        Err(_) => Visitor::Anonymous,
    }
}

/// A portal page: the layout with the visitor's navigation, the page CSP, `status`.
pub(super) fn respond(
    status: StatusCode,
    title: &str,
    visitor: Visitor<'_>,
    content: Markup,
) -> Response {
    let mut response = (status, page_for(title, visitor, content)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A 404 that looks like any other missing page.
pub(super) fn not_found(visitor: Visitor<'_>) -> Response {
    respond(
        StatusCode::NOT_FOUND,
        "页面不存在",
        visitor,
        maud::html! {
            h1 { "页面不存在" }
            p { "您访问的页面不存在，请返回" a href="/" { "首页" } "。" }
        },
    )
}

/// What a query value keeps as it is: letters, digits, `-_.~` and `/` (paths stay
/// readable in `next=`).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes `text` for a query value.
pub(super) fn encode(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// `next` if it is a path on this site (`/…`, not `//…` or `/\…`, which browsers take as
/// another host), else `/`.
fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local { next } else { "/" }
}

/// A time in ms as China Standard Time, `YYYY-MM-DD HH:MM`.
pub(super) fn china_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/reports/3"), "/reports/3");
        assert_eq!(local_path("/inbox?x=1"), "/inbox?x=1");
        for foreign in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "",
            "reports",
        ] {
            assert_eq!(local_path(foreign), "/", "{foreign}");
        }
    }

    #[test]
    fn next_is_encoded() {
        assert_eq!(encode("/reports?a=1&b=2"), "/reports%3Fa%3D1%26b%3D2");
    }

    #[test]
    fn times_are_in_china() {
        assert_eq!(china_time(0), "1970-01-01 08:00");
    }
}
