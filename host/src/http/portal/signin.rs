//! `/signin` and `/signout`: the form version of `POST /api/session`, with the same
//! password check, throttle and cookie. The one-time code way in is `sign_in_code`.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::{encode, local_path, respond};
use crate::auth::sign_in_code::Delivery;
use crate::auth::token;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::request_token;
use crate::http::error_page;
use crate::http::layout::Visitor;
use crate::http::session_api::{CLEARED_COOKIE, open_session, session_cookie};

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
        Visitor::Anonymous,
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
    state.sign_in_code_delivery() != Delivery::Off
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
    match open_session(&state, username, form.password.clone()).await {
        Ok(opened) => {
            let cookie = match session_cookie(&opened.token) {
                Ok(cookie) => cookie,
                Err(_) => return error_page::internal(),
            };
            let mut response = Redirect::to(local_path(&form.next)).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            response
        }
        Err(ApiError::BadCredentials) => render(
            StatusCode::UNAUTHORIZED,
            username,
            &form.next,
            Some(Problem::Password("用户名或密码不正确。")),
            codes,
        ),
        Err(ApiError::TooManyRequests(_)) => render(
            StatusCode::TOO_MANY_REQUESTS,
            username,
            &form.next,
            Some(Problem::Password("登录失败次数过多，请 15 分钟后再试。")),
            codes,
        ),
        Err(error) => {
            tracing::error!("sign-in form: {error}");
            error_page::internal()
        }
    }
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Some(token) = request_token(&headers)
        && let Err(error) = state.db().delete_session(&token::digest(&token)).await
    {
        tracing::error!("sign-out form: {error}");
        return error_page::internal();
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        axum::http::HeaderValue::from_static(CLEARED_COOKIE),
    );
    response
}
