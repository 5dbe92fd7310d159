//! Sending one permitted `outbound.fetch`: the process's HTTP client, the checks on what the
//! plugin asked for, and the capped read of the answer.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method, Url, redirect};

use super::split_authority;
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::outbound::{Request, Response};

/// A server that has not accepted the connection by then is down; the call's deadline
/// usually cuts in sooner, but lifecycle calls have thirty seconds to spare.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Of the call's remaining time, the request gets all but a tenth, and at most this much is
/// kept back: a plugin whose server is too slow still has time to render its "the service is
/// down" page instead of being stopped by the deadline.
const RENDER_RESERVE: Duration = Duration::from_millis(100);

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

/// Headers that frame the message or steer the connection: the HTTP client sets them from
/// the URL and body, and a plugin-supplied one could smuggle a second request.
const REFUSED_HEADERS: [&str; 9] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// One client for the process, so connections to a bureau's server are reused across calls.
fn client() -> Result<&'static Client, PluginError> {
    static CLIENT: OnceLock<Result<Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            Client::builder()
                // A redirect to another host would escape the admin's allow-list: the plugin
                // gets the 3xx and may follow it with another, permitted, fetch.
                .redirect(redirect::Policy::none())
                // The environment's proxy is the operator's, not the plugins'.
                .no_proxy()
                .connect_timeout(CONNECT_TIMEOUT)
                .user_agent(concat!("wangge/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| PluginError::Unavailable(format!("outbound.fetch: no HTTP client: {e}")))
}

/// How long the request may take when `remaining` is left of the call.
fn request_budget(remaining: Duration) -> Duration {
    remaining - (remaining / 10).min(RENDER_RESERVE)
}

fn invalid(text: String) -> PluginError {
    PluginError::Invalid(text)
}

fn method(method: &str) -> Result<Method, PluginError> {
    let upper = method.to_ascii_uppercase();
    if !METHODS.contains(&upper.as_str()) {
        return Err(invalid(format!(
            "method: expected one of {}, got `{method}`",
            METHODS.join(", ")
        )));
    }
    Method::from_bytes(upper.as_bytes()).map_err(|e| invalid(format!("method: {e}")))
}

fn headers(pairs: &[(String, String)]) -> Result<HeaderMap, PluginError> {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid(format!("headers: `{name}` is not a valid HTTP header name")))?;
        if REFUSED_HEADERS.contains(&header.as_str()) {
            return Err(invalid(format!(
                "headers: `{name}` is set by the host from the URL and body; leave it out"
            )));
        }
        let value = HeaderValue::from_str(value).map_err(|_| {
            invalid(format!(
                "headers: the value of `{name}` is not a valid HTTP header value"
            ))
        })?;
        map.append(header, value);
    }
    Ok(map)
}

/// The URL as the HTTP client will see it, which must name the very host (and port) whose
/// permission was checked: a URL the two parsers read differently is refused.
fn target(url: &str, authority: &str) -> Result<Url, PluginError> {
    let parsed = Url::parse(url).map_err(|e| invalid(format!("url: `{url}`: {e}")))?;
    let (host, port) = split_authority(authority);
    let same_port =
        port.is_none_or(|port| port.parse::<u16>().ok() == parsed.port_or_known_default());
    if parsed.host_str() != Some(host) || !same_port {
        return Err(invalid(format!(
            "url: `{url}` does not name its host unambiguously"
        )));
    }
    Ok(parsed)
}

/// The error and its causes on one line, without the URL (it may carry keys in its query).
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Sends `request` to `authority` (already permitted) and reads at most `max_bytes` of the
/// answer, all before `deadline`.
pub(super) async fn send(
    request: Request,
    authority: &str,
    max_bytes: usize,
    deadline: Instant,
) -> Result<Response, PluginError> {
    let method = method(&request.method)?;
    let headers = headers(&request.headers)?;
    let url = target(&request.url, authority)?;
    if request.body.len() > max_bytes {
        return Err(PluginError::QuotaExceeded(format!(
            "outbound.fetch: the request body is {} bytes, over the host's limit of {max_bytes}",
            request.body.len()
        )));
    }
    if url.scheme() == "https" {
        return Err(PluginError::Unavailable(format!(
            "outbound.fetch: https is not supported by this host build (no TLS); cannot reach \
             {authority}. Use an http:// URL, or ask the operator for a build with TLS"
        )));
    }
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err(PluginError::Unavailable(format!(
            "outbound.fetch: the call's deadline has passed; no time left to ask {authority}"
        )));
    }
    let budget = request_budget(remaining);
    let builder = client()?
        .request(method, url)
        .headers(headers)
        .body(request.body);
    // One timer over connecting, sending and reading the whole body: the request's time
    // counts against the call's deadline, whatever phase it is stuck in.
    tokio::time::timeout(budget, exchange(builder, authority, max_bytes))
        .await
        .unwrap_or_else(|_elapsed| {
            Err(PluginError::Unavailable(format!(
                "outbound.fetch: {authority} did not answer: no complete answer within {} ms \
                 (the rest of the call's deadline)",
                budget.as_millis()
            )))
        })
}

async fn exchange(
    builder: reqwest::RequestBuilder,
    authority: &str,
    max_bytes: usize,
) -> Result<Response, PluginError> {
    let mut response = builder.send().await.map_err(|e| {
        PluginError::Unavailable(format!(
            "outbound.fetch: {authority} did not answer: {}",
            describe(e)
        ))
    })?;
    let too_large = || {
        PluginError::QuotaExceeded(format!(
            "outbound.fetch: the response from {authority} exceeds {max_bytes} bytes"
        ))
    };
    // A declared length over the cap is refused before a byte of it is read.
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes as u64)
    {
        return Err(too_large());
    }
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        PluginError::Unavailable(format!(
            "outbound.fetch: the answer from {authority} broke off: {}",
            describe(e)
        ))
    })? {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_the_six_methods_pass() {
        assert_eq!(method("get").ok(), Some(Method::GET));
        assert_eq!(method("PATCH").ok(), Some(Method::PATCH));
        assert!(matches!(method("CONNECT"), Err(PluginError::Invalid(m)) if m.contains("method")));
        assert!(matches!(method("TRACE"), Err(PluginError::Invalid(_))));
    }

    #[test]
    fn framing_and_malformed_headers_are_refused_by_name() {
        let ok = headers(&pairs(&[("Accept", "application/json"), ("X-Key", "k")]));
        assert_eq!(ok.map(|h| h.len()).ok(), Some(2));
        for bad in ["Host", "content-length", "Transfer-Encoding", "connection"] {
            assert!(
                matches!(headers(&pairs(&[(bad, "x")])), Err(PluginError::Invalid(m)) if m.contains(bad)),
                "{bad}"
            );
        }
        assert!(
            matches!(headers(&pairs(&[("bad name", "x")])), Err(PluginError::Invalid(m)) if m.contains("bad name"))
        );
        assert!(
            matches!(headers(&pairs(&[("x-a", "line\nbreak")])), Err(PluginError::Invalid(m)) if m.contains("x-a"))
        );
    }

    #[test]
    fn the_url_must_name_the_permitted_host_and_port() {
        assert!(target("http://127.0.0.1:9300/api", "127.0.0.1:9300").is_ok());
        assert!(target("http://127.0.0.1/api", "127.0.0.1").is_ok());
        assert!(target("http://127.0.0.1:80/", "127.0.0.1:80").is_ok());
        // `127.1` is 127.0.0.1 to the URL parser but not the name that was checked.
        assert!(target("http://127.1/", "127.1").is_err());
        // An empty port is the default one to the URL parser.
        assert!(target("http://127.0.0.1:/", "127.0.0.1:").is_err());
        assert!(target("http://127.0.0.1\\evil.example/", "127.0.0.1\\evil.example").is_err());
    }

    #[test]
    fn the_request_leaves_time_to_render_a_fallback() {
        assert_eq!(
            request_budget(Duration::from_secs(2)),
            Duration::from_millis(1900)
        );
        assert_eq!(
            request_budget(Duration::from_millis(500)),
            Duration::from_millis(450)
        );
        assert_eq!(request_budget(Duration::ZERO), Duration::ZERO);
    }
}
