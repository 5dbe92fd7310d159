//! Cross-site request forgery protection for everything the session cookie authenticates.
//!
//! The session cookie is `SameSite=Strict`, which already keeps modern browsers from
//! sending it on requests another site starts. That is one line of defence that depends on
//! the browser; this layer is the second, on the server, following OWASP's "verifying
//! origin with standard headers": a state-changing request (POST, PUT, PATCH, DELETE) that
//! carries the session cookie and no `Authorization: Bearer` token must say that it comes
//! from this site, either by an `Origin` header equal to the request's own origin
//! (`http://` or `https://` followed by its `Host` header: the host does not know whether
//! a proxy in front of it terminates TLS, and both name the same host), or, if a browser
//! sent no `Origin`, by `Sec-Fetch-Site: same-origin`. Anything else is refused with 403
//! in the usual shape (the JSON error under `/api/`, the error page elsewhere), before any
//! handler runs.
//!
//! Why this shape:
//!
//! - No tokens in forms: plugin pages under `/p/` are written by third parties and post
//!   plain HTML forms; they are covered without carrying or knowing a token.
//! - Bearer-token calls are not forgeable: a browser attaches no `Authorization` header on
//!   its own, and a page elsewhere cannot add one to a cross-site request without CORS,
//!   which the host does not grant. So they pass untouched, and API clients need no
//!   `Origin`.
//! - Requests without the cookie carry no one's authority (signing in itself does not
//!   depend on the cookie), so they pass too.
//! - Every current browser sends `Origin` on POST, and `Sec-Fetch-Site` on every request;
//!   a cookie-carrying request with neither is not from a browser we can vouch for.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::api::ApiError;
use super::credentials::{bearer_token, has_session_cookie};
use super::pages::frame::layout::page;
use crate::rules::RuleError;

/// Refuses cookie-authenticated state-changing requests that do not come from this origin.
pub async fn check(request: Request, next: Next) -> Response {
    if is_forged(request.method(), request.headers()) {
        tracing::warn!(
            method = %request.method(),
            path = request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "refused a cross-site request carrying the session cookie"
        );
        return refusal(request.uri().path());
    }
    next.run(request).await
}

/// Whether a request must be refused: unsafe, cookie-authenticated, not same-origin.
fn is_forged(method: &Method, headers: &HeaderMap) -> bool {
    let unsafe_method = matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if !unsafe_method || bearer_token(headers).is_some() || !has_session_cookie(headers) {
        return false;
    }
    match headers.get(header::ORIGIN) {
        Some(origin) => {
            let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
                return true;
            };
            let Ok(origin) = origin.to_str() else {
                return true;
            };
            origin != format!("http://{host}") && origin != format!("https://{host}")
        }
        None => headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) != Some("same-origin"),
    }
}

fn refusal(path: &str) -> Response {
    if path.starts_with("/api/") || path.starts_with("/registry/api/") {
        return ApiError::from(RuleError::Forbidden(
            "cross-site request refused: a request authenticated by the session cookie must come from this site (Origin)"
                .into(),
        ))
        .into_response();
    }
    let body = page(
        "请求被拒绝",
        html! {
            h1 { "请求被拒绝" }
            p.notice { "该请求并非来自本站页面，为保护您的账号已被拒绝。请返回" a href="/" { "首页" } "后重试。" }
        },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    const COOKIE: (&str, &str) = ("cookie", "a=b; wangge_session=t");
    const HOST: (&str, &str) = ("host", "127.0.0.1:8080");

    #[test]
    fn cookie_posts_must_be_same_origin() {
        let post = &Method::POST;
        assert!(is_forged(post, &headers(&[COOKIE, HOST])));
        assert!(is_forged(
            post,
            &headers(&[COOKIE, HOST, ("origin", "http://evil.example")])
        ));
        assert!(is_forged(
            post,
            &headers(&[COOKIE, HOST, ("origin", "http://127.0.0.1:8081")])
        ));
        assert!(is_forged(
            post,
            &headers(&[COOKIE, HOST, ("origin", "null")])
        ));
        assert!(is_forged(
            post,
            &headers(&[COOKIE, HOST, ("sec-fetch-site", "cross-site")])
        ));
        assert!(!is_forged(
            post,
            &headers(&[COOKIE, HOST, ("origin", "http://127.0.0.1:8080")])
        ));
        assert!(!is_forged(
            post,
            &headers(&[COOKIE, HOST, ("origin", "https://127.0.0.1:8080")])
        ));
        assert!(!is_forged(
            post,
            &headers(&[COOKIE, HOST, ("sec-fetch-site", "same-origin")])
        ));
        assert!(is_forged(&Method::DELETE, &headers(&[COOKIE, HOST])));
    }

    #[test]
    fn safe_methods_bearer_calls_and_cookieless_requests_pass() {
        assert!(!is_forged(&Method::GET, &headers(&[COOKIE, HOST])));
        assert!(!is_forged(
            &Method::POST,
            &headers(&[COOKIE, HOST, ("authorization", "Bearer x")])
        ));
        assert!(!is_forged(
            &Method::POST,
            &headers(&[HOST, ("origin", "http://evil.example")])
        ));
        assert!(!is_forged(
            &Method::POST,
            &headers(&[HOST, ("cookie", "wangge_session_other=1")])
        ));
    }
}
