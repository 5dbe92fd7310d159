//! HTTP: the router and the shared state every handler sees.

mod admin;
pub mod api_error;
pub(crate) mod api_rejections;
mod audit_api;
pub mod current_user;
pub(crate) mod dashboard;
mod error_page;
mod event_photos;
mod events_api;
mod houses_api;
mod inbox_api;
pub mod layout;
mod notices_api;
mod open311;
mod openapi;
mod ops;
mod organizations_api;
mod plugin_caller;
mod plugin_pages;
mod portal;
mod residents_api;
mod same_origin;
mod scope;
mod session_api;
mod special_populations_api;
mod stats_api;
mod units_api;
mod warnings_api;
mod worker;

use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};
use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::db::Db;
use crate::grid::calendar::WorkingCalendar;
use crate::metrics::Metrics;
use crate::plugins::Catalog;
use crate::runtime::Runtime;
use crate::runtime::limits::MAX_REQUEST_BODY_BYTES;

/// What handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    calendar: Arc<WorkingCalendar>,
    // Swapped whole by the reload task (`plugins::reload`); a request loads the pointer
    // once and keeps the catalog it got, so one in flight finishes on the old one.
    catalog: ArcSwap<Catalog>,
    metrics: Arc<Metrics>,
    // Compiles reloaded plugins, and keeps the engine's epoch ticker alive for all of them.
    runtime: Runtime,
    // `--sign-in-codes`; unset means off.
    sign_in_codes: std::sync::OnceLock<crate::auth::sign_in_code::Delivery>,
}

impl AppState {
    /// State over an open database, a runtime and the plugins loaded into `catalog`.
    pub fn new(
        db: Db,
        runtime: Runtime,
        metrics: Arc<Metrics>,
        catalog: Catalog,
        calendar: Arc<WorkingCalendar>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                calendar,
                catalog: ArcSwap::from_pointee(catalog),
                metrics,
                runtime,
                sign_in_codes: std::sync::OnceLock::new(),
            }),
        }
    }

    fn db(&self) -> &Db {
        &self.inner.db
    }

    fn calendar(&self) -> &WorkingCalendar {
        &self.inner.calendar
    }

    /// The database.
    pub fn database(&self) -> &Db {
        &self.inner.db
    }

    /// The catalog in force: one atomic pointer load, no lock. Drop the guard before any
    /// `.await` (clone what you need out of it) so a reload is never held up.
    pub fn catalog(&self) -> Guard<Arc<Catalog>> {
        self.inner.catalog.load()
    }

    /// Puts `catalog` in force for the requests that start from now on.
    pub fn replace_catalog(&self, catalog: Catalog) {
        self.inner.catalog.store(Arc::new(catalog));
    }

    /// The plugin runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Delivers one-time sign-in codes by `delivery` from now on (`wangge serve
    /// --sign-in-codes`; the first call wins, and without one codes are off).
    pub fn deliver_sign_in_codes(&self, delivery: crate::auth::sign_in_code::Delivery) {
        let _ = self.inner.sign_in_codes.set(delivery);
    }

    /// How one-time sign-in codes reach users.
    pub fn sign_in_code_delivery(&self) -> crate::auth::sign_in_code::Delivery {
        self.inner.sign_in_codes.get().copied().unwrap_or_default()
    }
}

/// The whole application: every route with its layers. Tests and `wangge serve` use the
/// same function.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(portal::router())
        .merge(admin::router())
        .merge(dashboard::router())
        .merge(worker::router())
        .merge(ops::router())
        .merge(plugin_pages::router())
        .merge(session_api::router())
        .merge(residents_api::router())
        .merge(units_api::router())
        .merge(houses_api::router())
        .merge(organizations_api::router())
        .merge(special_populations_api::router())
        .merge(events_api::router())
        .merge(open311::router())
        .merge(stats_api::router())
        .merge(warnings_api::router())
        .merge(inbox_api::router())
        .merge(notices_api::router())
        .merge(audit_api::router())
        .merge(openapi::router())
        .merge(crate::registry_service::http::router())
        .merge(layout::router())
        .fallback(error_page::fallback)
        .layer(axum::middleware::from_fn(same_origin::check))
        .layer(axum::middleware::from_fn(api_rejections::json_rejections))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY_BYTES))
        .with_state(state)
}
