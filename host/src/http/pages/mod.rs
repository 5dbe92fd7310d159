//! The server-rendered pages, in Chinese: the resident portal (`portal`), the grid worker's
//! workspace (`worker`), the department's queue (`department`), the admin console (`admin`)
//! and the leader dashboards (`dashboard`), sharing one frame (`frame`: layout, error page,
//! access extractors), the event page (`event_view`, with a dispute's mediation record in `dispute_view`) and the report form both the portal
//! and the workspace show (`report_form`). A
//! page is a door like any other: it reads the form or query, calls the rules and renders.

pub mod admin;
pub mod dashboard;
pub mod department;
mod dispute_view;
pub mod event_view;
pub mod frame;
pub mod portal;
mod report_form;
pub mod services;
pub mod worker;

use axum::Router;

use crate::state::AppState;

/// Every page's route, with the layout's static assets.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(portal::router())
        .merge(worker::router())
        .merge(department::router())
        .merge(admin::router())
        .merge(dashboard::router())
        .merge(frame::layout::router())
}
