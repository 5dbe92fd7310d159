//! `/signin` and `/signout`: the form version of `POST /api/session`, with the same
//! password check, throttle and cookie. The one-time code way in is `sign_in_code`.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::sign_in_code::Delivery;
use crate::auth::token;
use crate::http::credentials::{CLEARED_COOKIE, request_token, session_cookie};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::{encode, local_path};
use crate::http::pages::frame::{Area, respond};
use crate::http::visitor::Visitor;
use crate::rules::{RuleError, sessions};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub(super) struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Which field a message belongs next to.
enum Problem {
    Username(&'static str),
    Password(&'static str),
}

/// The form; with `codes_offered` (`--sign-in-codes` is on) also the way to sign in with a
/// one-time code instead.
fn render(
    status: StatusCode,
    username: &str,
    next: &str,
    problem: Option<Problem>,
    codes_offered: bool,
) -> Response {
    let (user_error, password_error) = match problem {
        Some(Problem::Username(text)) => (Some(text), None),
        Some(Problem::Password(text)) => (None, Some(text)),
        None => (None, None),
    };
    respond(
        status,
        "登录",
        Area::Portal,
        &Visitor::Anonymous,
        html! {
            h1 { "登录" }
            form.portal method="post" action="/signin" {
                input type="hidden" name="next" value=(local_path(next));
                (username_field(username, user_error))
                label {
                    "密码"
                    input type="password" name="password" autocomplete="current-password" required;
                    @if let Some(text) = password_error { span.field-error id="password-error" { (text) } }
                }
                button type="submit" { "登录" }
            }
            p.muted { "请使用网格服务平台为您开通的账号和密码登录。" }
            @if codes_offered {
                p { a href={ "/signin/code?next=" (encode(local_path(next))) } { "使用验证码登录" } }
            }
        },
    )
}

/// The username input with `error` next to it; shared by both ways of signing in.
pub(super) fn username_field(username: &str, error: Option<&str>) -> Markup {
    html! {
        label {
            "用户名"
            input type="text" name="username" value=(username) autocomplete="username" required;
            @if let Some(text) = error { span.field-error id="username-error" { (text) } }
        }
    }
}

pub(super) async fn form(
    State(state): State<AppState>,
    Query(query): Query<NextQuery>,
) -> Response {
    render(StatusCode::OK, "", &query.next, None, codes_offered(&state))
}

fn codes_offered(state: &AppState) -> bool {
    state.settings().sign_in_codes != Delivery::Off
}

pub(super) async fn submit(
    State(state): State<AppState>,
    Form(form): Form<SignInForm>,
) -> Response {
    let codes = codes_offered(&state);
    let username = form.username.trim();
    if username.is_empty() {
        return render(
            StatusCode::BAD_REQUEST,
            username,
            &form.next,
            Some(Problem::Username("请输入用户名。")),
            codes,
        );
    }
    if form.password.is_empty() {
        return render(
            StatusCode::BAD_REQUEST,
            username,
            &form.next,
            Some(Problem::Password("请输入密码。")),
            codes,
        );
    }
    match sessions::sign_in(state.db(), username, form.password.clone()).await {
        Ok(opened) => signed_in_to(&opened.token, &form.next),
        Err(RuleError::BadCredentials) => render(
            StatusCode::UNAUTHORIZED,
            username,
            &form.next,
            Some(Problem::Password("用户名或密码不正确。")),
            codes,
        ),
        Err(RuleError::TooManyRequests(_)) => render(
            StatusCode::TOO_MANY_REQUESTS,
            username,
            &form.next,
            Some(Problem::Password("登录失败次数过多，请 15 分钟后再试。")),
            codes,
        ),
        Err(error) => PageError::internal(format!("sign-in form: {error}")).into_response(),
    }
}

/// The answer to a sign-in: the session cookie, and on to `next` (a path on this site).
pub(super) fn signed_in_to(token: &str, next: &str) -> Response {
    let Some(cookie) = session_cookie(token) else {
        return PageError::internal("a session token that is no header value").into_response();
    };
    let mut response = Redirect::to(local_path(next)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(token) = request_token(&headers)
        && let Err(error) = sessions::sign_out(state.db(), &token::digest(&token)).await
    {
        return PageError::internal(format!("sign-out form: {error}")).into_response();
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        axum::http::HeaderValue::from_static(CLEARED_COOKIE),
    );
    response
}
