//! HTTP: the router and its doors. Each door reads its request, checks who is asking (typed
//! extractors), calls one rule (`crate::rules`) and renders the answer; none holds a rule
//! of its own.
//!
//! - `api`: the JSON API, with its OpenAPI document derived from the handlers;
//! - `pages`: the server-rendered pages (portal, worker, admin, dashboard) on one frame;
//! - `plugin_pages`: plugins' pages, handed to a fresh instance and framed;
//! - `open311`: GeoReport v2 for citizen apps;
//! - `registry_api`: the plugin registry's API;
//! - `ops`: health and metrics; `same_origin`: the CSRF check; `credentials` and `visitor`:
//!   how a request says who it is; `request_log`: each request's id and access line.

pub mod api;
pub mod credentials;
mod open311;
mod ops;
pub mod pages;
mod plugin_pages;
mod registry_api;
pub mod request_log;
mod same_origin;
pub mod visitor;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};

use self::api::ApiError;
use self::pages::frame::error::PageError;
use crate::rules::RuleError;
use crate::runtime::limits::MAX_REQUEST_BODY_BYTES;
use crate::state::AppState;

/// The whole application: every route with its layers. Tests and `wangge serve` use the
/// same function.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(ops::router())
        .merge(plugin_pages::router())
        .merge(api::router())
        .merge(open311::router())
        .fallback(fallback)
        .layer(axum::middleware::from_fn(same_origin::check))
        .layer(axum::middleware::from_fn(api::json_rejections))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY_BYTES))
        .layer(axum::middleware::from_fn(request_log::trace))
        .with_state(state)
}

/// The registry alone, with the host's error shape and body limit: what `wangge registry
/// serve` runs.
pub fn registry_app(state: AppState) -> Router {
    registry_api::router()
        .split_for_parts()
        .0
        .fallback(|| async { ApiError::from(RuleError::NotFound("route".to_owned())) })
        .layer(axum::middleware::from_fn(api::json_rejections))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY_BYTES))
        .layer(axum::middleware::from_fn(request_log::trace))
        .with_state(state)
}

/// The router's fallback: the API's error shape under `/api/`, else the 404 page.
async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::from(RuleError::NotFound(format!("route {}", uri.path())))
            .into_response();
    }
    PageError::not_found(visitor::Visitor::Unknown).into_response()
}
