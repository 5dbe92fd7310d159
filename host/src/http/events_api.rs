//! 事件 over the JSON API: report, list and read in scope (with the timeline and the
//! actions the caller may take), and move events through the workflow.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::{ApiError, text_field};
use super::current_user::CurrentUser;
use crate::auth::{Grants, Role};
use crate::db::events::{Category, MoveDetails, MoveError, NewEvent, StoredEvent};
use crate::grid::calendar::today_in_china;
use crate::grid::custom_fields::{FieldsSchema, validate_attributes};
use crate::grid::workflow::{Transition, actions_from, transition};
use crate::plugins::hooks::{Notice, spawn_delivery};

/// Events per list.
pub(super) const MAX_LIST: i64 = 200;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/event-categories", get(categories))
        .route("/api/events", get(list).post(report))
        .route("/api/events/{id}", get(read))
        .route("/api/events/{id}/actions", post(act))
}

async fn categories(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let categories: Vec<Value> = state
        .db()
        .event_categories()
        .await?
        .into_iter()
        .map(|c| {
            json!({
                "code": c.code,
                "name": c.name,
                "sla_working_days": c.sla_working_days,
                "description": c.description,
                "fields_schema": c.fields_schema,
                "owner_plugin": c.owner_plugin,
            })
        })
        .collect();
    Ok(Json(json!({ "categories": categories })))
}

/// An event as the JSON API shows it.
pub(super) fn event_json(event: &StoredEvent) -> Value {
    json!({
        "id": event.id,
        "category": event.category,
        "title": event.title,
        "description": event.description,
        "state": event.state.name(),
        "state_zh": event.state.name_zh(),
        "unit": event.unit_code,
        "reporter": event.reporter,
        "reported_at": event.reported_at,
        "deadline": event.deadline,
        "supervised": event.supervised,
        "dispatched_to": event.dispatched_to,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "address": event.address,
        "attributes": event.attributes,
        "updated_at": event.updated_at,
        "urgent": event.urgent,
    })
}

/// Longest address kept.
const MAX_ADDRESS_CHARS: usize = 200;

/// Where an event is, checked.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Place<'a> {
    /// Degrees north.
    pub latitude: Option<f64>,
    /// Degrees east.
    pub longitude: Option<f64>,
    /// The address, trimmed; `None` when blank.
    pub address: Option<&'a str>,
}

/// Checks a point (both coordinates or neither, in range) and an address (at most 200
/// characters); errors name the fields as the caller's API calls them.
pub(super) fn checked_place<'a>(
    [latitude_field, longitude_field, address_field]: [&'static str; 3],
    latitude: Option<f64>,
    longitude: Option<f64>,
    address: Option<&'a str>,
) -> Result<Place<'a>, ApiError> {
    let invalid = |field: &'static str, problem: String| ApiError::Invalid { field, problem };
    match (latitude, longitude) {
        (Some(_), None) => {
            return Err(invalid(
                longitude_field,
                format!("give {longitude_field} with {latitude_field}, or neither"),
            ));
        }
        (None, Some(_)) => {
            return Err(invalid(
                latitude_field,
                format!("give {latitude_field} with {longitude_field}, or neither"),
            ));
        }
        _ => {}
    }
    if let Some(lat) = latitude.filter(|l| !(-90.0..=90.0).contains(l)) {
        return Err(invalid(
            latitude_field,
            format!("expected degrees from -90 to 90, got {lat}"),
        ));
    }
    if let Some(long) = longitude.filter(|l| !(-180.0..=180.0).contains(l)) {
        return Err(invalid(
            longitude_field,
            format!("expected degrees from -180 to 180, got {long}"),
        ));
    }
    let address = match address.map(str::trim).filter(|a| !a.is_empty()) {
        Some(text) if text.chars().count() > MAX_ADDRESS_CHARS => {
            return Err(invalid(
                address_field,
                format!(
                    "expected at most {MAX_ADDRESS_CHARS} characters, got {}",
                    text.chars().count()
                ),
            ));
        }
        other => other,
    };
    Ok(Place {
        latitude,
        longitude,
        address,
    })
}

/// The category with `code`, or `Invalid` naming `field`.
pub(super) async fn known_category(
    state: &AppState,
    field: &'static str,
    code: &str,
) -> Result<Category, ApiError> {
    state
        .db()
        .event_categories()
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| ApiError::Invalid {
            field,
            problem: format!("unknown category `{code}` (GET /api/event-categories lists them)"),
        })
}

/// The category's custom fields. A stored schema outside the subset is the platform's
/// fault (registration checks it), so it is an internal error, not the reporter's.
pub(super) fn category_fields(category: &Category) -> Result<Option<FieldsSchema>, ApiError> {
    category
        .fields_schema
        .as_ref()
        .map(FieldsSchema::parse)
        .transpose()
        .map_err(|e| {
            ApiError::Internal(anyhow::anyhow!(
                "category {} has a fields schema outside the subset: {e}",
                category.code
            ))
        })
}

/// Checks `attributes` against the category's custom fields; the error names
/// `attributes.NAME`.
pub(super) fn check_attributes(category: &Category, attributes: &Value) -> Result<(), ApiError> {
    let fields = category_fields(category)?;
    validate_attributes(fields.as_ref(), attributes).map_err(|problem| {
        match problem.path.strip_prefix("attributes.") {
            Some(name) => ApiError::InvalidAttribute {
                name: name.to_owned(),
                problem: problem.message,
            },
            None => ApiError::Invalid {
                field: "attributes",
                problem: problem.message,
            },
        }
    })
}

/// Whether the caller may take `transition` on `event`: a listed role over the event's
/// unit; a resident evaluates only what they reported.
pub(super) fn may_take(
    grants: &Grants,
    username: &str,
    event: &StoredEvent,
    transition: &Transition,
) -> bool {
    transition.roles.iter().any(|role| {
        grants.has_role_at(*role, &event.unit_code)
            && (*role != Role::Resident
                || event.reporter.as_deref() == Some(&format!("user:{username}")))
    })
}

/// A report of a problem, as `POST /api/events` takes it (the resident portal's form fills
/// the same).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReportRequest {
    pub category: String,
    pub title: String,
    pub description: String,
    pub unit: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub address: Option<String>,
    /// The category's custom fields (`GET /api/event-categories` has their schema).
    #[serde(default = "empty_object")]
    pub attributes: Value,
}

fn empty_object() -> Value {
    json!({})
}

async fn report(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<ReportRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = report_as(&state, &current, &body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// Checks `body` and stores the event as reported by `current` (`user:NAME`), then tells
/// the plugins: the API's and the resident portal's one way to report.
pub(super) async fn report_as(
    state: &AppState,
    current: &CurrentUser,
    body: &ReportRequest,
) -> Result<i64, ApiError> {
    if !current.grants.reaches(&body.unit) {
        return Err(ApiError::Forbidden(format!(
            "you hold no role at unit {}",
            body.unit
        )));
    }
    let title = text_field("title", &body.title, 1, 100)?;
    let description_text = text_field("description", &body.description, 0, 2000)?;
    let place = checked_place(
        ["latitude", "longitude", "address"],
        body.latitude,
        body.longitude,
        body.address.as_deref(),
    )?;
    let category = known_category(state, "category", &body.category).await?;
    check_attributes(&category, &body.attributes)?;
    let reporter = format!("user:{}", current.user.username);
    let id = state
        .db()
        .report_event(&NewEvent {
            category: &body.category,
            title,
            description: description_text,
            unit_code: &body.unit,
            reporter: &reporter,
            latitude: place.latitude,
            longitude: place.longitude,
            address: place.address,
            attributes: Some(&body.attributes),
        })
        .await?;
    spawn_delivery(state, Notice::EventReported { event_id: id });
    Ok(id)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    unit: String,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    if !current.grants.reaches(&query.unit) {
        return Err(ApiError::Forbidden(format!(
            "you hold no role at unit {}",
            query.unit
        )));
    }
    let events: Vec<Value> = state
        .db()
        .events_under(&query.unit, MAX_LIST)
        .await?
        .iter()
        .map(event_json)
        .collect();
    Ok(Json(json!({ "events": events })))
}

pub(super) async fn event_in_scope(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<StoredEvent, ApiError> {
    match state.db().event(id).await? {
        Some(event) if current.grants.reaches(&event.unit_code) => Ok(event),
        // Out of scope looks exactly like absent.
        _ => Err(ApiError::NotFound(format!("event {id}"))),
    }
}

async fn read(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let event = event_in_scope(&state, &current, id).await?;
    let timeline: Vec<Value> = state
        .db()
        .event_timeline(id)
        .await?
        .into_iter()
        .map(|t| json!({ "at": t.at, "actor": t.actor, "action": t.action, "state": t.to_state, "note": t.note }))
        .collect();
    let actions: Vec<Value> = actions_from(event.state)
        .filter(|t| may_take(&current.grants, &current.user.username, &event, t))
        .map(|t| json!({ "action": t.action, "name": t.action_zh }))
        .collect();
    let mut body = event_json(&event);
    body["timeline"] = Value::from(timeline);
    body["actions"] = Value::from(actions);
    Ok(Json(body))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRequest {
    action: String,
    #[serde(default)]
    note: String,
    /// For `dispatch`: the department or lower unit that will handle it.
    dispatched_to: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Json(body): Json<ActionRequest>,
) -> Result<Json<Value>, ApiError> {
    let moved = act_as(
        &state,
        &current,
        id,
        &body.action,
        &body.note,
        body.dispatched_to.as_deref(),
    )
    .await?;
    Ok(Json(event_json(&moved)))
}

/// Takes `action` on event `id` as `current` (with `note`, and `dispatched_to` for
/// `dispatch`), then tells the plugins: the API's and the worker pages' one way to move an
/// event. Returns the event as it stands afterwards.
pub(super) async fn act_as(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    action: &str,
    note: &str,
    dispatched_to: Option<&str>,
) -> Result<StoredEvent, ApiError> {
    let event = event_in_scope(state, current, id).await?;
    let Some(transition) = transition(event.state, action) else {
        let possible: Vec<&str> = actions_from(event.state).map(|t| t.action).collect();
        return Err(ApiError::Conflict(format!(
            "`{}` is not possible while the event is {} ({}); possible: {}",
            action,
            event.state.name(),
            event.state.name_zh(),
            if possible.is_empty() {
                "none".to_owned()
            } else {
                possible.join(", ")
            }
        )));
    };
    if !may_take(&current.grants, &current.user.username, &event, transition) {
        let roles: Vec<&str> = transition.roles.iter().map(|r| r.name()).collect();
        return Err(ApiError::Forbidden(format!(
            "`{}` ({}) needs one of these roles at unit {}: {}",
            transition.action,
            transition.action_zh,
            event.unit_code,
            roles.join(", ")
        )));
    }
    let mut details = MoveDetails::default();
    let mut provisional_note = String::new();
    if transition.action == "accept" {
        let categories = state.db().event_categories().await?;
        let sla = categories
            .iter()
            .find(|c| c.code == event.category)
            .map_or(0, |c| c.sla_working_days);
        let deadline = state
            .calendar()
            .deadline(today_in_china(), sla)
            .map_err(|e| ApiError::Internal(e.into()))?;
        details.deadline = Some(deadline.date.to_string());
        if let Some(year) = deadline.assumed_year {
            // Said on the timeline, where the people working the event look, and in the
            // log, where the operator who can add the year looks.
            tracing::warn!(
                event = event.id,
                year,
                "SLA deadline counted Monday to Friday: the working-day calendar has no {year} data; add it to <data-dir>/working-calendar.toml"
            );
            provisional_note = format!(
                "（期限暂按周一至周五计算：工作日历尚无 {year} 年数据 / provisional: no {year} calendar data）"
            );
        }
    }
    if transition.action == "dispatch" {
        let target = dispatched_to.map(str::trim).unwrap_or_default();
        if target.is_empty() {
            return Err(ApiError::Invalid {
                field: "dispatched_to",
                problem: "name the department or lower unit that will handle the event".into(),
            });
        }
        details.dispatched_to = Some(target.to_owned());
    }
    let actor = format!("user:{}", current.user.username);
    state
        .db()
        .move_event(
            &event,
            transition,
            &actor,
            &format!("{}{provisional_note}", note.trim()),
            &details,
        )
        .await
        .map_err(|e| match e {
            MoveError::Database(e) => ApiError::from(e),
            other => ApiError::Conflict(other.to_string()),
        })?;
    let moved = state
        .db()
        .event(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("event {id}")))?;
    spawn_delivery(
        state,
        Notice::EventTransitioned {
            event_id: id,
            from: event.state,
            action: transition.action.to_owned(),
        },
    );
    Ok(moved)
}
