//! Plugin pages at `/p/{plugin-id}/{*path}`: the request is handed to a fresh instance of
//! the plugin and its answer framed in the host layout, or served raw with safe headers.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get};
use maud::PreEscaped;

mod caller;
pub mod errors;

use self::caller::{caller_for, resident_in};
use super::pages::frame::error::{PageError, internal_page};
use super::pages::frame::layout::{PAGE_CSP, RAW_CSP, page_for};
use super::visitor::Visitor;
use crate::plugins::catalog::Served;
use crate::runtime::bindings::Request;
use crate::state::AppState;

/// The request header in which the host tells a plugin the caller's own resident id (the
/// SDK's `Ctx::resident_id`). Not in [`FORWARDED_REQUEST_HEADERS`], so a visitor cannot
/// set it.
pub const RESIDENT_ID_HEADER: &str = "x-wangge-resident-id";

/// Request headers a plugin may see; cookies and credentials never cross into a plugin.
const FORWARDED_REQUEST_HEADERS: [&str; 6] = [
    "accept",
    "accept-language",
    "content-type",
    "user-agent",
    "if-none-match",
    "if-modified-since",
];

/// Response headers a plugin may set; anything else (cookies, CSP, CORS …) is the host's.
const ALLOWED_RESPONSE_HEADERS: [&str; 5] = [
    "content-type",
    "cache-control",
    "content-disposition",
    "etag",
    "last-modified",
];

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{plugin}", get(add_slash))
        .route("/p/{plugin}/", any(plugin_root))
        .route("/p/{plugin}/{*path}", any(plugin_path))
}

async fn add_slash(Path(plugin): Path<String>) -> Redirect {
    Redirect::permanent(&format!("/p/{plugin}/"))
}

/// A request for one of a plugin's pages, as the route read it.
struct PageRequest {
    plugin_id: String,
    /// The path below the plugin's mount point, from `/`.
    path: String,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

async fn plugin_root(
    State(state): State<AppState>,
    Path(plugin_id): Path<String>,
    visitor: Visitor,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = PageRequest {
        plugin_id,
        path: "/".to_owned(),
        method,
        uri,
        headers,
        body,
    };
    serve(state, visitor, request).await
}

async fn plugin_path(
    State(state): State<AppState>,
    Path((plugin_id, path)): Path<(String, String)>,
    visitor: Visitor,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = PageRequest {
        plugin_id,
        path: format!("/{path}"),
        method,
        uri,
        headers,
        body,
    };
    serve(state, visitor, request).await
}

/// Hands `request` to a fresh instance of the installation nearest the visitor, and frames
/// its answer. The session was looked up once (the [`Visitor`]): it chooses the
/// installation and makes the caller; an anonymous request costs no query.
async fn serve(state: AppState, visitor: Visitor, request: PageRequest) -> Response {
    let PageRequest {
        plugin_id,
        path,
        method,
        uri,
        headers,
        body,
    } = request;
    // The nearest installation wins: `?unit=` when given, else the caller's grant units.
    let units = match wangge_unit_param(uri.query().unwrap_or_default()) {
        Some(unit) => vec![unit],
        None => visitor
            .person()
            .map(|person| {
                person
                    .grants
                    .0
                    .iter()
                    .map(|g| g.unit_code.clone())
                    .collect()
            })
            .unwrap_or_default(),
    };
    // Cloned out in its own statement so the catalog guard is dropped before any await.
    let served = state.catalog().resolve(&plugin_id, &units).cloned();
    let plugin = match served {
        None => return PageError::not_found(Visitor::Unknown).into_response(),
        Some(Served::Disabled { name, .. }) => return disabled(&name, &visitor),
        Some(Served::Enabled(plugin)) => plugin,
    };
    let installation = &plugin.installation;
    let mut forwarded: Vec<(String, String)> = FORWARDED_REQUEST_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    // Set by the host only (a visitor's own header of that name is never forwarded): the
    // caller's own resident record, so a plugin lets residents act on their records alone.
    if let Some(resident) = visitor
        .signed_in()
        .and_then(|signed_in| resident_in(signed_in, installation))
    {
        forwarded.push((RESIDENT_ID_HEADER.to_owned(), resident.to_string()));
    }
    let request = Request {
        method: method.to_string(),
        path,
        query: uri.query().unwrap_or_default().to_owned(),
        headers: forwarded,
        body: body.to_vec(),
    };
    let name = &installation.manifest.name;
    let caller = match caller_for(&state, &visitor, installation).await {
        Ok(caller) => caller,
        Err(error) => {
            tracing::error!("cannot resolve the caller of a plugin page: {error:#}");
            return internal_page();
        }
    };
    match plugin.page(caller, request).await {
        Err(fault) => errors::fault(&plugin_id, name, &fault),
        Ok(Err(error)) => errors::plugin_error(name, &error),
        Ok(Ok(response)) => render(&plugin_id, response, &visitor),
    }
}

/// A disabled installation's pages: 503, since the service exists but its unit's
/// administrator switched it off (a 404 would tell residents the address is wrong).
fn disabled(plugin_name: &str, nav: &Visitor) -> Response {
    let body = page_for(
        plugin_name,
        nav,
        maud::html! {
            h1 { (plugin_name) }
            p.notice {
                "该服务已被管理员停用。"
                br;
                "This service has been disabled by the administrator."
            }
        },
    );
    let mut out = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    out.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    out
}

/// The `unit` query parameter, when it is a unit code (digits only).
fn wangge_unit_param(query: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "unit")
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
}

fn render(
    plugin_id: &str,
    response: crate::runtime::bindings::Response,
    nav: &Visitor,
) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let content_type = response
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map_or("application/octet-stream", |(_, value)| value.as_str());
    let location = response
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("location"))
        .and_then(|(_, value)| plugin_location(plugin_id, value));

    let mut out = if content_type.starts_with("text/html") {
        let fragment = String::from_utf8_lossy(&response.body);
        let title = response.title.as_deref().unwrap_or(plugin_id);
        let framed = page_for(title, nav, PreEscaped(fragment.into_owned()));
        let mut out = (status, framed).into_response();
        out.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
        out
    } else {
        let mut out = (status, response.body).into_response();
        let headers = out.headers_mut();
        for (name, value) in &response.headers {
            let name = name.to_ascii_lowercase();
            if !ALLOWED_RESPONSE_HEADERS.contains(&name.as_str()) {
                continue;
            }
            if let (Ok(name), Ok(value)) = (
                HeaderName::try_from(name),
                HeaderValue::try_from(value.as_str()),
            ) {
                headers.insert(name, value);
            }
        }
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(RAW_CSP),
        );
        out
    };
    let headers = out.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(location) = location {
        headers.insert(header::LOCATION, location);
    }
    out
}

/// A plugin's `location` is a path below its own mount point; anything that could leave it
/// (absolute URLs, `//host`, `..`) is dropped.
fn plugin_location(plugin_id: &str, value: &str) -> Option<HeaderValue> {
    if !value.starts_with('/') || value.starts_with("//") || value.contains("..") {
        return None;
    }
    HeaderValue::try_from(format!("/p/{plugin_id}{value}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_stay_below_the_plugin() {
        assert_eq!(
            plugin_location("hello", "/done?x=1")
                .as_ref()
                .map(|v| v.to_str().ok()),
            Some(Some("/p/hello/done?x=1"))
        );
        for escape in [
            "https://evil.example/",
            "//evil.example/",
            "/../admin",
            "done",
        ] {
            assert!(plugin_location("hello", escape).is_none(), "{escape}");
        }
    }
}
