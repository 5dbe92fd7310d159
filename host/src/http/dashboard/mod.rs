//! Leader dashboards (`/dashboard/?unit=CODE`): a unit's events by category, state and day
//! as ECharts charts, its overdue and supervised (督办) events, and its child units with
//! their open events as a table and a map, each linking one level down. For leaders and
//! unit admins over the unit.
//!
//! The numbers are `/api/stats`' own aggregates ([`crate::db::stats`]) with the same
//! small-cell rule ([`shown`]). ECharts comes from npm (`front/`), served by the host at
//! `/static/echarts.min.js` from [`FrontArgs::front_dir`], never from a CDN; the page logic
//! is `/static/dashboard.js`, which reads the page's data from a JSON block. The page's
//! Content-Security-Policy allows scripts from this host by path and nothing inline.

mod map;
mod page;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::AppState;

pub(super) use page::ROLES;

/// Where `npm ci` in `front/` puts ECharts' browser build.
pub(crate) const DEFAULT_FRONT_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../front/node_modules/echarts/dist"
);

/// ECharts' file name in the front directory.
const ECHARTS_FILE: &str = "echarts.min.js";

/// The dashboards' script, small enough to serve from memory.
const DASHBOARD_JS: &str = include_str!("dashboard.js");

/// Scripts from this host by path only (ECharts and `dashboard.js`), none inline; the rest
/// as on every host page.
const DASHBOARD_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

/// Where the browser libraries are.
#[derive(Debug, Clone, clap::Args)]
pub struct FrontArgs {
    /// Directory holding `echarts.min.js` for the leader dashboards (`npm ci` in `front/`,
    /// which `cargo xtask test` and `cargo xtask demo` run).
    #[arg(long, env = "WANGGE_FRONT_DIR", default_value = DEFAULT_FRONT_DIR, global = true)]
    pub front_dir: PathBuf,
}

static FRONT_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Serves ECharts from `dir` from now on (the first call wins; without one, the default).
pub(crate) fn set_front_dir(dir: &Path) {
    let _ = FRONT_DIR.set(dir.to_owned());
}

/// The ECharts file served at `/static/echarts.min.js`.
fn echarts_path() -> PathBuf {
    FRONT_DIR
        .get()
        .map_or_else(|| PathBuf::from(DEFAULT_FRONT_DIR), Clone::clone)
        .join(ECHARTS_FILE)
}

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/dashboard",
            get(|| async { Redirect::permanent("/dashboard/") }),
        )
        .route("/dashboard/", get(page::dashboard))
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
async fn echarts() -> Response {
    match tokio::fs::read(echarts_path()).await {
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
