//! Leader dashboards (`/dashboard/?unit=CODE`): a unit's events by category, state and day
//! as ECharts charts, its overdue and supervised (督办) events, and its child units with
//! their open events as a table and a map, each linking one level down. For leaders and
//! unit admins over the unit. Beside it, the 考核 table (`/dashboard/assessment`,
//! `assessment.rs`) and the risk warnings pushed to the unit's grids with who signed for
//! them (`/dashboard/warnings`, `warnings.rs`), and the events handed down to its lower
//! units with their progress (交办跟踪, `/dashboard/handed-down`, `handed_down.rs`).
//!
//! The numbers are `/api/stats`' own aggregates ([`crate::db::stats`]) with the same
//! small-cell rule ([`shown`]). ECharts comes from npm (`front/`), served by the host at
//! `/static/echarts.min.js` from the `--front-dir` setting, never from a CDN; the page logic
//! is `/static/dashboard.js`, which reads the page's data from a JSON block. The page's
//! Content-Security-Policy (`frame::DASHBOARD_CSP`) allows scripts from this host by path
//! and nothing inline.

mod assessment;
mod handed_down;
mod map;
mod page;
mod warnings;

use std::path::PathBuf;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::state::AppState;

/// ECharts' file name in the front directory.
const ECHARTS_FILE: &str = "echarts.min.js";

/// The dashboards' script, small enough to serve from memory.
const DASHBOARD_JS: &str = include_str!("dashboard.js");

/// The ECharts file served at `/static/echarts.min.js`, from the `--front-dir` setting.
fn echarts_path(state: &AppState) -> PathBuf {
    state.settings().front_dir.join(ECHARTS_FILE)
}

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard",
            get(|| async { Redirect::permanent("/dashboard/") }),
        )
        .route("/dashboard/", get(page::dashboard))
        .route("/dashboard/assessment", get(assessment::table))
        .route("/dashboard/assessment/events", get(assessment::events))
        .route(
            "/dashboard/warnings",
            get(warnings::list).merge(post(warnings::push)),
        )
        .route("/dashboard/warnings/{id}", get(warnings::detail))
        .route("/dashboard/handed-down", get(handed_down::list))
        .route("/static/dashboard.js", get(dashboard_js))
        .route("/static/echarts.min.js", get(echarts))
}

async fn dashboard_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        DASHBOARD_JS,
    )
}

/// ECharts, read from the front directory on each request (the OS caches it); a 404 when
/// it was not installed.
async fn echarts(State(state): State<AppState>) -> Response {
    match tokio::fs::read(echarts_path(&state)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "ECharts is not installed: run `cargo xtask test` or `cargo xtask demo` (npm ci in front/)",
        )
            .into_response(),
    }
}
