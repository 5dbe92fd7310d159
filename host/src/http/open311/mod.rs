//! Open311 GeoReport v2 at `/open311/v2/`: the event categories as services and events as
//! service requests, so that existing citizen apps and dashboards can report into the
//! platform and follow what happens.
//!
//! Only the `.json` format is served; every `.xml` URL answers 400 saying so. Errors have
//! the GeoReport shape, `[{"code": STATUS, "description": "…"}]`, with the same HTTP status.
//! The `api_key` is a session token from `POST /api/session` (or sent as `Authorization:
//! Bearer`); requests are reported, and read in full, within the caller's grants, like the
//! JSON API. Without a key, services, their definitions and the requests' public view
//! (`rules::events::public`) can be read, as GeoReport clients expect; `discovery.json`
//! points a client at the endpoint.

mod auth;
mod discovery;
mod error;
mod format;
mod list_requests;
mod post_request;
mod request_json;
mod services;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

/// Where the routes live.
const BASE: &str = "/open311/v2";

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{BASE}/discovery.json"), get(discovery::discovery))
        .route(&format!("{BASE}/services.json"), get(services::list))
        .route(
            &format!("{BASE}/services/{{file}}"),
            get(services::definition),
        )
        .route(
            &format!("{BASE}/requests.json"),
            get(list_requests::list).post(post_request::post),
        )
        .route(
            &format!("{BASE}/requests/{{file}}"),
            get(list_requests::one),
        )
        .route(&format!("{BASE}/services.xml"), get(format::xml_refused))
        .route(
            &format!("{BASE}/requests.xml"),
            get(format::xml_refused).post(format::xml_refused),
        )
}
