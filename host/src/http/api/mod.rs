//! The JSON API at `/api/…`: one file per resource, each a door that reads its request,
//! calls one rule (`crate::rules`) and writes the answer; [`ApiError`] turns what a rule
//! refused into the API's one error shape. Every route is registered with its OpenAPI
//! description (`openapi`), and the registry's API joins them in one document.

mod accounts;
mod assessment;
mod audit;
mod disputes;
mod error;
mod events;
mod history;
mod households;
mod houses;
mod imports;
mod inbox;
mod media_type;
mod notices;
mod numbers;
pub mod openapi;
mod organizations;
mod paging;
mod queue;
mod rejections;
mod residents;
pub mod responses;
mod saved;
pub mod schemas;
mod session;
mod special_populations;
mod stats;
mod summons;
mod units;
mod user;
mod warnings;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use error::{ApiError, ErrorBody};
pub use rejections::json_rejections;
pub use user::ApiUser;

use crate::state::AppState;

/// Every documented route: the JSON API's, the registry API's and the document's own.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::Root::openapi())
        .merge(session::router())
        .merge(accounts::router())
        .merge(residents::router())
        .merge(units::router())
        .merge(houses::router())
        .merge(imports::router())
        .merge(households::router())
        .merge(organizations::router())
        .merge(special_populations::router())
        .merge(events::router())
        .merge(summons::router())
        .merge(disputes::router())
        .merge(queue::router())
        .merge(stats::router())
        .merge(assessment::router())
        .merge(warnings::router())
        .merge(inbox::router())
        .merge(notices::router())
        .merge(audit::router())
        .merge(super::registry_api::router())
        .merge(openapi::router())
}

/// The routes, for the application's router.
pub fn router() -> Router<AppState> {
    routes().split_for_parts().0
}
