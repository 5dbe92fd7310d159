//! The grid worker workspace (`/worker/…`): server-rendered pages for the people who work
//! a grid. The start page (`/worker/`: the worker's units with their 关联核录 rates), the
//! masked lists of a unit's residents (searchable), houses, organizations and special
//! populations, each record's page with its history and the forms that keep it (register,
//! edit, move, close; households and their members; visits and the overdue list), its
//! events with one form per action the workflow allows the worker (`/worker/events`,
//! `/worker/events/{id}`), the patrol report form (巡查上报, `/worker/report`), the risk warnings to their grids with 签收 and 反馈
//! (`/worker/warnings`), and the worker pages of the plugins covering their units
//! (`/worker/plugins`).
//!
//! Every page calls the same rules as the JSON API: the same role checks, the same masking,
//! the same audited special-population read, the same `act` for moving an event. Pages need
//! a `grid-worker` or `unit-admin` grant somewhere (the [`Worker`](super::frame::access::Worker)
//! extractor); anyone else signed in gets a 403 page, and a visitor without a session is
//! sent to sign in first. Forms post with the session cookie; `http::same_origin` keeps
//! other sites from posting them.

mod events;
mod forms;
mod history;
mod home;
mod households;
mod houses;
mod lists;
mod organizations;
mod report;
mod residents;
mod special_populations;
mod warnings;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use super::frame::access::Worker;
use super::frame::error::PageError;
use super::frame::text::encode;
use super::frame::{Area, respond};
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/worker", get(|| async { Redirect::permanent("/worker/") }))
        .route("/worker/", get(home::home))
        .route("/worker/plugins", get(home::plugins))
        .route("/worker/residents", get(lists::residents))
        .route(
            "/worker/residents/new",
            get(residents::register::form).post(residents::register::register),
        )
        .route(
            "/worker/residents/{id}",
            get(residents::detail).post(residents::acts::edit),
        )
        .route(
            "/worker/residents/{id}/move",
            post(residents::acts::relocate),
        )
        .route("/worker/residents/{id}/close", post(residents::acts::close))
        .route(
            "/worker/residents/{id}/reveal",
            post(residents::acts::reveal),
        )
        .route(
            "/worker/residents/{id}/special-population",
            post(residents::acts::register_special),
        )
        .route("/worker/houses", get(lists::houses))
        .route(
            "/worker/houses/new",
            get(houses::new_form).post(houses::add),
        )
        .route(
            "/worker/houses/{id}",
            get(houses::detail).post(houses::edit),
        )
        .route(
            "/worker/households/new",
            get(households::new_form).post(households::create),
        )
        .route("/worker/households/{id}", get(households::detail))
        .route("/worker/households/{id}/members", post(households::members))
        .route("/worker/organizations", get(lists::organizations))
        .route(
            "/worker/organizations/new",
            get(organizations::new_form).post(organizations::register),
        )
        .route(
            "/worker/organizations/{id}",
            get(organizations::detail).post(organizations::edit),
        )
        .route(
            "/worker/special-populations",
            get(lists::special_populations),
        )
        .route(
            "/worker/special-populations/overdue",
            get(special_populations::overdue),
        )
        .route(
            "/worker/special-populations/{id}",
            get(special_populations::detail).post(special_populations::act),
        )
        .route("/worker/events", get(events::list))
        .route("/worker/events/{id}", get(events::detail).post(events::act))
        .route("/worker/events/{id}/photo", get(events::photo))
        .route(
            "/worker/report",
            get(report::form)
                .post(report::submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    super::report_form::MAX_REPORT_BODY_BYTES,
                )),
        )
        .route("/worker/warnings", get(warnings::list))
        .route(
            "/worker/warnings/{id}/acknowledgement",
            post(warnings::acknowledge),
        )
        .route("/worker/warnings/{id}/feedback", post(warnings::feedback))
}

/// A workspace page: the layout with the worker's navigation above `content`.
fn page(status: StatusCode, title: &str, worker: &Worker, content: Markup) -> Response {
    respond(status, title, Area::Worker, &worker.visitor(), content)
}

/// The links to a unit's sections.
fn unit_links(unit: &str) -> Markup {
    let q = encode(unit);
    html! {
        ul.worker-sections {
            li { a href={ "/worker/residents?unit=" (q) } { "实有人口" } }
            li { a href={ "/worker/houses?unit=" (q) } { "实有房屋" } }
            li { a href={ "/worker/organizations?unit=" (q) } { "实有单位" } }
            li { a href={ "/worker/special-populations?unit=" (q) } { "特殊人群" } }
            li { a href={ "/worker/special-populations/overdue?unit=" (q) } { "走访逾期" } }
            li { a href={ "/worker/events?unit=" (q) } { "事件" } }
        }
    }
}

/// The id in a record page's path, or the 404 page for anything that is no id.
fn record_id(worker: &Worker, text: &str) -> Result<i64, PageError> {
    text.parse()
        .map_err(|_| PageError::not_found(worker.visitor()))
}
