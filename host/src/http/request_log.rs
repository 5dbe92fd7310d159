//! Every request's id and its access line. The id comes from the caller's `x-request-id`
//! when it is a plausible one (a proxy in front may have made it) or is made here; it is
//! returned in the response, and every record logged while the request is served (the
//! plugin's own included) carries it, so one request can be followed from its access line
//! to what a plugin wrote. The line gives the route pattern, never the path or query: a
//! query can hold an ID number someone searched for.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header a request id travels in, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// The longest id taken from a caller.
const MAX_REQUEST_ID_LEN: usize = 64;

/// Routes polled by machines (a load balancer's health check, a metrics scraper), logged at
/// debug level so that they do not bury the requests of people.
const POLLED_ROUTES: [&str; 2] = ["/healthz", "/metrics"];

/// Whether `id` may be used as given: letters, digits and `-_.:` only, so that no caller can
/// write a line break or anything else odd into the log.
fn plausible(id: &str) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// A new id: 128 random bits in hex. Ids need to be told apart, not to be secret.
fn new_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// Serves `request` inside a span carrying its id, then writes its access line.
pub async fn trace(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|value| plausible(value))
        .map_or_else(new_id, str::to_owned);
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |path| path.as_str().to_owned());
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let duration_ms = (started.elapsed().as_secs_f64() * 1e5).round() / 100.0;
    span.in_scope(|| {
        if POLLED_ROUTES.contains(&route.as_str()) {
            tracing::debug!(target: "access", %method, %route, status, duration_ms, "served");
        } else {
            tracing::info!(target: "access", %method, %route, status, duration_ms, "served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_ids_are_taken() {
        assert!(plausible("3f2a-9c.1_b:7"));
        assert!(plausible(&"a".repeat(MAX_REQUEST_ID_LEN)));
        assert!(!plausible(""));
        assert!(!plausible(&"a".repeat(MAX_REQUEST_ID_LEN + 1)));
        assert!(!plausible("a b"));
        assert!(!plausible("a\nfake line"));
        assert!(!plausible("编号"));
        let made = new_id();
        assert_eq!(made.len(), 32);
        assert!(plausible(&made));
        assert_ne!(made, new_id());
    }
}
