//! Signing in with a one-time code instead of a password: `/signin/code` asks for the
//! username, `POST /signin/code` issues a code (the rules are in `auth::sign_in_code` and
//! `db::sign_in_codes`) and asks for it, `POST /signin/code/verify` checks it and opens the
//! same session, with the same cookie and the same failure throttle, as `/signin`.
//!
//! The pages answer the same whether or not the username exists, so they cannot be used to
//! find out who has an account: an unknown name gets the "code sent" page (and no code),
//! its wrong codes are throttled like anyone's, and the resend interval is counted per
//! name in the audit log, not per stored user. Codes are off unless `wangge serve
//! --sign-in-codes` chooses a delivery; then every page here says so with a 404.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::signin::{signed_in_to, username_field};
use crate::auth::sign_in_code::{self, CODE_LIFETIME_MS, Delivery};
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::{encode, local_path};
use crate::http::pages::frame::{Area, respond};
use crate::http::visitor::Visitor;
use crate::rules::RuleError;
use crate::rules::sessions::{self, NotIssued, sign_in_name};
use crate::state::AppState;

const WRONG_CODE: &str = "验证码不正确或已过期。";
const TOO_SOON: &str = "请 60 秒后再获取验证码。";
const THROTTLED: &str = "登录失败次数过多，请 15 分钟后再试。";

#[derive(Debug, Default, Deserialize)]
pub(super) struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CodeRequestForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// Which field a message belongs next to.
enum Problem {
    Username(&'static str),
    Code(&'static str),
}

impl Problem {
    fn split(problem: Option<Self>) -> (Option<&'static str>, Option<&'static str>) {
        match problem {
            Some(Self::Username(text)) => (Some(text), None),
            Some(Self::Code(text)) => (None, Some(text)),
            None => (None, None),
        }
    }
}

/// The page asking for the username.
fn request_page(
    status: StatusCode,
    username: &str,
    next: &str,
    problem: Option<Problem>,
) -> Response {
    let (user_error, _) = Problem::split(problem);
    respond(
        status,
        "验证码登录",
        Area::Portal,
        &Visitor::Anonymous,
        html! {
            h1 { "验证码登录" }
            form.portal method="post" action="/signin/code" {
                input type="hidden" name="next" value=(local_path(next));
                (username_field(username, user_error))
                button type="submit" { "获取验证码" }
            }
            (password_link(next))
        },
    )
}

/// The page asking for the code (after one was asked for), with a way to ask again.
fn code_page(
    status: StatusCode,
    username: &str,
    code: &str,
    next: &str,
    problem: Option<Problem>,
) -> Response {
    let (user_error, code_error) = Problem::split(problem);
    let next = local_path(next);
    respond(
        status,
        "验证码登录",
        Area::Portal,
        &Visitor::Anonymous,
        html! {
            h1 { "验证码登录" }
            p.notice {
                "如果该账号存在，验证码已发出，" (CODE_LIFETIME_MS / 60_000) " 分钟内有效。"
            }
            form.portal method="post" action="/signin/code/verify" {
                input type="hidden" name="next" value=(next);
                (username_field(username, user_error))
                label {
                    "验证码"
                    input type="text" name="code" value=(code) inputmode="numeric"
                        autocomplete="one-time-code" maxlength="6" required;
                    @if let Some(text) = code_error { span.field-error id="code-error" { (text) } }
                }
                button type="submit" { "登录" }
            }
            form.inline method="post" action="/signin/code" {
                input type="hidden" name="next" value=(next);
                input type="hidden" name="username" value=(username);
                button type="submit" { "重新获取验证码" }
            }
            (password_link(next))
        },
    )
}

fn password_link(next: &str) -> Markup {
    html! {
        p.muted { a href={ "/signin?next=" (encode(local_path(next))) } { "使用密码登录" } }
    }
}

/// What every page here answers while codes are off.
fn not_enabled() -> Response {
    respond(
        StatusCode::NOT_FOUND,
        "验证码登录未开通",
        Area::Portal,
        &Visitor::Anonymous,
        html! {
            h1 { "验证码登录未开通" }
            p { "本平台暂未开通验证码登录，请" a href="/signin" { "使用密码登录" } "。" }
        },
    )
}

/// `GET /signin/code`.
pub(super) async fn form(
    State(state): State<AppState>,
    Query(query): Query<NextQuery>,
) -> Response {
    if state.settings().sign_in_codes == Delivery::Off {
        return not_enabled();
    }
    request_page(StatusCode::OK, "", &query.next, None)
}

/// `POST /signin/code`: issues a code (if the user exists and may have one) and asks for it.
pub(super) async fn request(
    State(state): State<AppState>,
    Form(form): Form<CodeRequestForm>,
) -> Response {
    let delivery = state.settings().sign_in_codes;
    if delivery == Delivery::Off {
        return not_enabled();
    }
    let username = sign_in_name(&form.username);
    if username.is_empty() {
        return request_page(
            StatusCode::BAD_REQUEST,
            "",
            &form.next,
            Some(Problem::Username("请输入用户名。")),
        );
    }
    match sessions::request_code(state.db(), delivery, &username).await {
        Ok(Ok(())) => code_page(StatusCode::OK, &username, "", &form.next, None),
        Ok(Err(not_issued)) => {
            let message = match not_issued {
                NotIssued::TooSoon => TOO_SOON,
                NotIssued::Throttled => THROTTLED,
            };
            code_page(
                StatusCode::TOO_MANY_REQUESTS,
                &username,
                "",
                &form.next,
                Some(Problem::Code(message)),
            )
        }
        Err(error) => PageError::internal(format!("sign-in code request: {error}")).into_response(),
    }
}

/// `POST /signin/code/verify`: checks the code and signs in exactly as `/signin` does.
pub(super) async fn verify(State(state): State<AppState>, Form(form): Form<CodeForm>) -> Response {
    if state.settings().sign_in_codes == Delivery::Off {
        return not_enabled();
    }
    let username = sign_in_name(&form.username);
    let code = form.code.trim();
    let refuse = |status, problem| code_page(status, &username, "", &form.next, Some(problem));
    if username.is_empty() {
        return code_page(
            StatusCode::BAD_REQUEST,
            "",
            code,
            &form.next,
            Some(Problem::Username("请输入用户名。")),
        );
    }
    if !sign_in_code::is_well_formed(code) {
        return code_page(
            StatusCode::BAD_REQUEST,
            &username,
            code,
            &form.next,
            Some(Problem::Code("请输入 6 位数字验证码。")),
        );
    }
    match sessions::sign_in_with_code(state.db(), &username, code).await {
        Ok(opened) => signed_in_to(&opened.token, &form.next),
        Err(RuleError::BadCredentials) => {
            refuse(StatusCode::UNAUTHORIZED, Problem::Code(WRONG_CODE))
        }
        Err(RuleError::TooManyRequests(_)) => {
            refuse(StatusCode::TOO_MANY_REQUESTS, Problem::Code(THROTTLED))
        }
        Err(error) => PageError::internal(format!("sign-in code check: {error}")).into_response(),
    }
}
