//! `/department/events/{id}`: the event page of `event_view` for the staff of the
//! department it is dispatched to or summoned to (吹哨报到; an event outside their queue is
//! a 404, as one that does not exist), with its photo at `/department/events/{id}/photo`.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::db::events::StoredEvent;
use crate::grid::unit_code::is_within;
use crate::http::pages::event_view::{self, ActionForm, Place};
use crate::http::pages::frame::Area;
use crate::http::pages::frame::access::DepartmentStaff;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::photos::photo_response;
use crate::rules::RuleError;
use crate::rules::events;
use crate::state::AppState;

/// The event `id` if it is dispatched to one of the staff's departments, else the 404
/// page.
async fn queued_event(
    state: &AppState,
    staff: &DepartmentStaff,
    id: &str,
) -> Result<StoredEvent, PageError> {
    let not_found = || PageError::not_found(staff.visitor());
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found());
    };
    let theirs = |event: &StoredEvent| {
        event
            .handler_unit
            .as_deref()
            .is_some_and(|h| staff.units.iter().any(|u| is_within(h, u)))
    };
    let summoned = || async {
        state.db().event_summons(id).await.map(|all| {
            all.iter()
                .any(|s| staff.units.iter().any(|u| is_within(&s.department, u)))
        })
    };
    match events::in_scope(state.db(), &staff.signed_in.actor(), id).await {
        Ok(event) if theirs(&event) => Ok(event),
        // A department summoned beside the lead (吹哨报到) opens the event to check in.
        Ok(event) if summoned().await? => Ok(event),
        Ok(_) | Err(RuleError::NotFound(_)) => Err(not_found()),
        Err(error) => Err(staff.failed(error)),
    }
}

fn place() -> Place {
    Place {
        area: Area::Department,
        base: "/department/events",
        back: ("/department/".to_owned(), "返回待办事件"),
    }
}

pub(super) async fn detail(
    State(state): State<AppState>,
    staff: DepartmentStaff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = queued_event(&state, &staff, &id).await?;
    event_view::page(&state, &staff.signed_in, &place(), &event).await
}

/// The event's photo, to whoever may see the event page.
pub(super) async fn photo(
    State(state): State<AppState>,
    staff: DepartmentStaff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = queued_event(&state, &staff, &id).await?;
    match state.db().event_photo(event.id).await? {
        Some(photo) => Ok(photo_response(photo)),
        None => Err(PageError::not_found(staff.visitor())),
    }
}

pub(super) async fn act(
    State(state): State<AppState>,
    staff: DepartmentStaff,
    Path(id): Path<String>,
    Form(input): Form<ActionForm>,
) -> Result<Response, PageError> {
    let event = queued_event(&state, &staff, &id).await?;
    event_view::act(&state, &staff.signed_in, &place(), &event, input, || {
        queued_event(&state, &staff, &id)
    })
    .await
}
