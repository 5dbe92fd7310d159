//! `GET discovery.json`: GeoReport's service discovery, so a client configured with only the
//! host's address finds the endpoint, its specification and its one format.

use axum::Json;
use axum::http::HeaderMap;
use axum::http::header::HOST;
use serde_json::{Value, json};

use super::BASE;

/// When this endpoint's shape last changed (the anonymous reads were added).
const CHANGESET: &str = "2026-12-08T00:00:00+08:00";

/// `GET discovery.json`. The endpoint's address is the one the client used to get here
/// (`Host`, and `x-forwarded-proto` from a proxy that ends TLS in front of the host).
pub(super) async fn discovery(headers: HeaderMap) -> Json<Value> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
    };
    let scheme = match header("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    let url = header(HOST.as_str())
        .filter(|host| {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        })
        .map_or_else(
            || BASE.to_owned(),
            |host| format!("{scheme}://{host}{BASE}"),
        );
    Json(json!({
        "changeset": CHANGESET,
        "contact": "本平台的网格化服务管理中心",
        "key_service": "POST /api/session 返回的会话令牌即 api_key；匿名可读公开视图",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": url,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["application/json"],
        }],
    }))
}
