//! The resident portal: server-rendered pages for residents on their phones. Signing in and
//! out with a form (`/signin`, `/signout`), the start page (`/`: the services covering the
//! user's units, or the public list), reporting a problem (`/report`), the user's own
//! reports with their timelines and the rating once closed (`/reports`, `/reports/{id}`,
//! `/reports/{id}/evaluation`) and the inbox (`/inbox`).
//!
//! Pages that need a user send a visitor without a valid session to
//! `/signin?next=<the page>`, which brings them back after signing in. Forms post with the
//! session cookie only; `http::same_origin` is what keeps other sites from posting them.

mod evaluation;
mod home;
mod inbox;
mod reports;
mod sign_in_code;
mod signin;

use axum::routing::{get, post};
use axum::{Extension, Router};

use super::frame::access::ReturnTo;
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signin", get(signin::form).post(signin::submit))
        .route(
            "/signin/code",
            get(sign_in_code::form).post(sign_in_code::request),
        )
        .route("/signin/code/verify", post(sign_in_code::verify))
        .route("/signout", post(signin::sign_out))
        .route(
            "/report",
            get(reports::form)
                .post(reports::submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::http::pages::report_form::MAX_REPORT_BODY_BYTES,
                )),
        )
        .route("/reports", get(reports::list))
        .route("/reports/{id}", get(reports::detail))
        .route("/reports/{id}/photo", get(reports::photo))
        .route("/reports/{id}/evaluation", post(evaluation::submit))
        .route("/inbox", get(inbox::list))
        .route(
            "/inbox/{id}/read",
            post(inbox::mark_read).layer(Extension(ReturnTo("/inbox"))),
        )
        .route(
            "/inbox/notices/{id}/read",
            post(inbox::mark_notice_read).layer(Extension(ReturnTo("/inbox"))),
        )
}
