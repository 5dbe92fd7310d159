//! The grid worker workspace (`/worker/…`): server-rendered pages for the people who work
//! a grid. The start page (`/worker/`: the worker's units), the masked lists of a unit's
//! residents, houses and special populations, its events with one form per action the
//! workflow allows the worker (`/worker/events`, `/worker/events/{id}`), and the worker
//! pages of the plugins covering their units (`/worker/plugins`).
//!
//! Every page calls the same rules as the JSON API: the same role checks, the same masking,
//! the same audited special-population read, the same `act` for moving an event. Pages need
//! a `grid-worker` or `unit-admin` grant somewhere (the [`Worker`](super::frame::access::Worker)
//! extractor); anyone else signed in gets a 403 page, and a visitor without a session is
//! sent to sign in first. Forms post with the session cookie; `http::same_origin` keeps
//! other sites from posting them.

mod events;
mod home;
mod lists;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::frame::access::Worker;
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
        .route("/worker/houses", get(lists::houses))
        .route(
            "/worker/special-populations",
            get(lists::special_populations),
        )
        .route("/worker/events", get(events::list))
        .route("/worker/events/{id}", get(events::detail).post(events::act))
        .route("/worker/events/{id}/photo", get(events::photo))
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
            li { a href={ "/worker/special-populations?unit=" (q) } { "特殊人群" } }
            li { a href={ "/worker/events?unit=" (q) } { "事件" } }
        }
    }
}
