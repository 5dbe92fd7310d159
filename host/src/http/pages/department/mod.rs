//! The department's workspace (`/department/…`): the queue of the events dispatched to the
//! staff's departments (`/department/`, the earliest deadline first with the countdown in
//! working days, paged), and each event's page (`/department/events/{id}`) where they
//! handle, resolve or return it. Pages need a `department-staff` grant (the
//! [`DepartmentStaff`](super::frame::access::DepartmentStaff) extractor) and call the same
//! rules as `GET /api/queue` and `POST /api/events/{id}/actions`.

mod events;
mod queue;

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;

use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/department",
            get(|| async { Redirect::permanent("/department/") }),
        )
        .route("/department/", get(queue::queue))
        .route(
            "/department/events/{id}",
            get(events::detail).post(events::act),
        )
        .route("/department/events/{id}/photo", get(events::photo))
}
