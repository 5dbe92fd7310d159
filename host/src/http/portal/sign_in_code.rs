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
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::signin::username_field;
use super::{encode, local_path, respond};
use crate::auth::sign_in_code::{self, CODE_LIFETIME_MS, Delivery, RESEND_INTERVAL_MS};
use crate::db::audit::AuditEntry;
use crate::db::now_ms;
use crate::db::sign_in_codes::{CodeCheck, CodeIssue};
use crate::db::users::User;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::error_page;
use crate::http::layout::Visitor;
use crate::http::session_api::{
    open_session_for, record_failed_sign_in, refuse_if_throttled, session_cookie, sign_in_name,
};

/// The audit action of asking for a code, known user or not; the resend interval counts
/// these per username.
const CODE_REQUESTED: &str = "session.sign_in_code_requested";

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
        Visitor::Anonymous,
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
        Visitor::Anonymous,
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
        Visitor::Anonymous,
        html! {
            h1 { "验证码登录未开通" }
            p { "本平台暂未开通验证码登录，请" a href="/signin" { "使用密码登录" } "。" }
        },
    )
}

/// Hands `code` to `user` by `delivery`.
fn deliver(delivery: Delivery, user: &User, code: &str) {
    match delivery {
        Delivery::Off => {}
        Delivery::Log => tracing::warn!(
            "sign-in code for {}: {code} (valid {} minutes; --sign-in-codes log is for demos \
             and development only)",
            user.username,
            CODE_LIFETIME_MS / 60_000
        ),
    }
}

/// `GET /signin/code`.
pub(super) async fn form(
    State(state): State<AppState>,
    Query(query): Query<NextQuery>,
) -> Response {
    if state.sign_in_code_delivery() == Delivery::Off {
        return not_enabled();
    }
    request_page(StatusCode::OK, "", &query.next, None)
}

/// `POST /signin/code`: issues a code (if the user exists and may have one) and asks for it.
pub(super) async fn request(
    State(state): State<AppState>,
    Form(form): Form<CodeRequestForm>,
) -> Response {
    let delivery = state.sign_in_code_delivery();
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
    match issue(&state, delivery, &username).await {
        Ok(None) => code_page(StatusCode::OK, &username, "", &form.next, None),
        Ok(Some(problem)) => code_page(
            StatusCode::TOO_MANY_REQUESTS,
            &username,
            "",
            &form.next,
            Some(problem),
        ),
        Err(error) => {
            tracing::error!("sign-in code request: {error}");
            error_page::internal()
        }
    }
}

/// Issues and delivers a code for `username` if the rules allow: `Some(problem)` when they
/// do not. Unknown users pass the same checks and get nothing.
async fn issue(
    state: &AppState,
    delivery: Delivery,
    username: &str,
) -> Result<Option<Problem>, ApiError> {
    match refuse_if_throttled(state, username).await {
        Err(ApiError::TooManyRequests(_)) => return Ok(Some(Problem::Code(THROTTLED))),
        other => other?,
    }
    let subject = format!("user:{username}");
    let now = now_ms();
    let recent = state
        .db()
        .audit_count_since(CODE_REQUESTED, &subject, now - RESEND_INTERVAL_MS)
        .await?;
    if recent > 0 {
        return Ok(Some(Problem::Code(TOO_SOON)));
    }
    state
        .db()
        .audit(AuditEntry {
            actor: "anonymous",
            action: CODE_REQUESTED,
            subject: &subject,
            unit_code: None,
            detail: json!({}),
        })
        .await?;
    let Some((user, _)) = state.db().user_for_sign_in(username).await? else {
        return Ok(None);
    };
    let code = sign_in_code::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let digest = sign_in_code::digest(user.id, &code);
    match state.db().issue_sign_in_code(user.id, &digest, now).await? {
        CodeIssue::Issued => {
            deliver(delivery, &user, &code);
            Ok(None)
        }
        // Another request for the same user got in between the audit check and here.
        CodeIssue::TooSoon => Ok(Some(Problem::Code(TOO_SOON))),
    }
}

/// `POST /signin/code/verify`: checks the code and signs in exactly as `/signin` does.
pub(super) async fn verify(State(state): State<AppState>, Form(form): Form<CodeForm>) -> Response {
    if state.sign_in_code_delivery() == Delivery::Off {
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
    match check(&state, &username, code).await {
        Ok(user) => match signed_in(&state, user, &form.next).await {
            Ok(response) => response,
            Err(error) => {
                tracing::error!("sign-in with a code: {error}");
                error_page::internal()
            }
        },
        Err(ApiError::BadCredentials) => {
            refuse(StatusCode::UNAUTHORIZED, Problem::Code(WRONG_CODE))
        }
        Err(ApiError::TooManyRequests(_)) => {
            refuse(StatusCode::TOO_MANY_REQUESTS, Problem::Code(THROTTLED))
        }
        Err(error) => {
            tracing::error!("sign-in code check: {error}");
            error_page::internal()
        }
    }
}

/// The user whose live code `code` is (used up by this), or `BadCredentials` (audited as a
/// failed sign-in, so wrong codes count in the throttle), or `TooManyRequests`.
async fn check(state: &AppState, username: &str, code: &str) -> Result<User, ApiError> {
    refuse_if_throttled(state, username).await?;
    if let Some((user, _)) = state.db().user_for_sign_in(username).await? {
        let digest = sign_in_code::digest(user.id, code);
        if state
            .db()
            .use_sign_in_code(user.id, &digest, now_ms())
            .await?
            == CodeCheck::Accepted
        {
            return Ok(user);
        }
    }
    record_failed_sign_in(state, username, json!({ "with": "sign-in code" })).await?;
    Err(ApiError::BadCredentials)
}

/// Opens the session and sends the user on to `next`, as the password form does.
async fn signed_in(state: &AppState, user: User, next: &str) -> Result<Response, ApiError> {
    let opened = open_session_for(state, user).await?;
    let mut response = Redirect::to(local_path(next)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&opened.token)?);
    Ok(response)
}
