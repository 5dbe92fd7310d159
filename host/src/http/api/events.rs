//! 事件 over the JSON API: the categories, reporting, a unit's events, one event with its
//! timeline and the actions the caller may take now, and taking one. Every rule is in
//! `rules::events`; this file reads the requests and writes the answers.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::schemas;
use super::user::ApiUser;
use crate::db::evaluations::StoredEvaluation;
use crate::db::events::{Category, StoredEvent, TimelineEntry};
use crate::grid::workflow::EventState;
use crate::rules::events::{self, Action, NewReport, categories};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories))
        .routes(routes!(list, report))
        .routes(routes!(read))
        .routes(routes!(act))
        .routes(routes!(dispatch_targets))
        .routes(routes!(urge))
}

/// A category of events, with its SLA and custom fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryJson {
    /// Its code (`safety-hazard`; a plugin's own start with its id).
    pub code: String,
    /// Its Chinese name.
    pub name: String,
    /// Working days from acceptance to the deadline.
    pub sla_working_days: u32,
    /// What belongs in it.
    pub description: Option<String>,
    /// The JSON Schema of its custom fields (the subset `grid::custom_fields` reads), or
    /// `null` when it has none.
    #[schema(value_type = Option<Object>)]
    pub fields_schema: Option<Value>,
    /// The plugin that registered it; `null` for the platform's own.
    pub owner_plugin: Option<String>,
}

impl From<Category> for CategoryJson {
    fn from(c: Category) -> Self {
        Self {
            code: c.code,
            name: c.name,
            sla_working_days: c.sla_working_days,
            description: c.description,
            fields_schema: c.fields_schema,
            owner_plugin: c.owner_plugin,
        }
    }
}

/// The categories.
#[derive(Debug, Serialize, ToSchema)]
pub struct Categories {
    /// Every category, by code.
    pub categories: Vec<CategoryJson>,
}

/// List the event categories
///
/// Public: the dispute classes and the others, with their SLA in working days, a
/// description and the JSON Schema of their custom fields.
#[utoipa::path(
    get,
    path = "/api/event-categories",
    tag = "events",
    operation_id = "listEventCategories",
    security(()),
    responses((status = 200, description = "Every category.", body = Categories))
)]
async fn list_categories(State(state): State<AppState>) -> Result<Json<Categories>, ApiError> {
    let all = categories::all(state.db()).await?;
    Ok(Json(Categories {
        categories: all.into_iter().map(CategoryJson::from).collect(),
    }))
}

/// Where an event stands in the workflow.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StateName {
    /// 已上报.
    Reported,
    /// 已受理.
    Accepted,
    /// 不予受理.
    Rejected,
    /// 已派遣.
    Dispatched,
    /// 处置中.
    Handling,
    /// 已办结.
    Resolved,
    /// 已结案.
    Closed,
    /// 已评价.
    Evaluated,
}

impl From<EventState> for StateName {
    fn from(state: EventState) -> Self {
        match state {
            EventState::Reported => Self::Reported,
            EventState::Accepted => Self::Accepted,
            EventState::Rejected => Self::Rejected,
            EventState::Dispatched => Self::Dispatched,
            EventState::Handling => Self::Handling,
            EventState::Resolved => Self::Resolved,
            EventState::Closed => Self::Closed,
            EventState::Evaluated => Self::Evaluated,
        }
    }
}

/// An event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    /// Its id.
    pub id: i64,
    /// Its category's code.
    pub category: String,
    /// Its title.
    pub title: String,
    /// What happened.
    pub description: String,
    /// Where it stands.
    pub state: StateName,
    /// The state's Chinese name.
    pub state_zh: String,
    /// The code of the unit that owns it now.
    pub unit: String,
    /// Who reported it: `user:NAME` or `plugin:ID#N`.
    pub reporter: Option<String>,
    /// When it was reported (ms since the epoch).
    pub reported_at: i64,
    /// The SLA deadline (`YYYY-MM-DD`, China time), once accepted.
    #[schema(format = Date)]
    pub deadline: Option<String>,
    /// Marked 督办 for being overdue.
    pub supervised: bool,
    /// The name of the department or lower unit it was dispatched to.
    pub dispatched_to: Option<String>,
    /// The code of the department or lower unit whose queue holds it (kept once they
    /// resolve it; cleared when they return it).
    pub handler: Option<String>,
    /// When the handler received it (ms since the epoch).
    pub received_at: Option<i64>,
    /// Degrees north, if given.
    pub latitude: Option<f64>,
    /// Degrees east, if given.
    pub longitude: Option<f64>,
    /// The address as reported.
    pub address: Option<String>,
    /// The answers to the category's custom fields.
    #[schema(value_type = Object)]
    pub attributes: Value,
    /// When it was reported or last moved (ms since the epoch).
    pub updated_at: i64,
    /// A plugin's emergency report: listed first while it waits for acceptance.
    pub urgent: bool,
    /// When it was last closed (ms since the epoch): the reporter rates it within 7 days.
    pub closed_at: Option<i64>,
    /// How many times it was handled again after its reporter was dissatisfied (at most 1).
    pub reopen_count: i64,
    /// The earlier event this one repeats (重复反映), if its reporter said so.
    pub repeat_of: Option<i64>,
}

impl From<&StoredEvent> for EventJson {
    fn from(event: &StoredEvent) -> Self {
        Self {
            id: event.id,
            category: event.category.clone(),
            title: event.title.clone(),
            description: event.description.clone(),
            state: event.state.into(),
            state_zh: event.state.name_zh().to_owned(),
            unit: event.unit_code.clone(),
            reporter: event.reporter.clone(),
            reported_at: event.reported_at,
            deadline: event.deadline.clone(),
            supervised: event.supervised,
            dispatched_to: event.dispatched_to.clone(),
            handler: event.handler_unit.clone(),
            received_at: event.received_at,
            latitude: event.latitude,
            longitude: event.longitude,
            address: event.address.clone(),
            attributes: event.attributes.clone(),
            updated_at: event.updated_at,
            urgent: event.urgent,
            closed_at: event.closed_at,
            reopen_count: event.reopen_count,
            repeat_of: event.repeat_of,
        }
    }
}

/// A report of a problem (上报).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// A category's code (`GET /api/event-categories` lists them).
    #[schema(min_length = 1, max_length = 64, example = "dispute.neighbour")]
    pub category: String,
    /// A short title: 1 to 100 characters once trimmed.
    #[schema(schema_with = schemas::title)]
    pub title: String,
    /// What happened: at most 2000 characters.
    #[schema(schema_with = schemas::description)]
    pub description: String,
    /// The code of the unit where it happened; the caller must hold a role there.
    #[schema(pattern = r"^[0-9]{2,18}$", example = "420202001001001")]
    pub unit: String,
    /// Degrees north, with `longitude` or not at all.
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub latitude: Option<f64>,
    /// Degrees east, with `latitude` or not at all.
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub longitude: Option<f64>,
    /// Where, in words: at most 200 characters.
    #[schema(schema_with = schemas::address)]
    pub address: Option<String>,
    /// The answers to the category's custom fields, checked against its `fields_schema`
    /// (an unknown or missing field is a 400 naming `attributes.NAME`).
    #[serde(default)]
    pub attributes: Map<String, Value>,
    /// The id of an earlier event this one repeats (重复反映): one the caller reported or
    /// may read. Both timelines show the link.
    #[serde(default, deserialize_with = "super::numbers::optional_integer")]
    #[schema(minimum = 1)]
    pub repeat_of: Option<i64>,
}

/// The new event's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// Report an event
///
/// Any role at the unit. The event starts in `reported`; the plugins subscribed to
/// `event-reported` are told once it is stored.
#[utoipa::path(
    post,
    path = "/api/events",
    tag = "events",
    operation_id = "reportEvent",
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Reported.", body = Created, links(
            ("ReadEvent" = (operation_id = "readEvent", parameters(("id" = "$response.body#/id")))),
            ("ActOnEvent" = (operation_id = "actOnEvent", parameters(("id" = "$response.body#/id"))))
        )),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn report(
    State(state): State<AppState>,
    user: ApiUser,
    Json(body): Json<ReportRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let attributes = Value::Object(body.attributes);
    let reported = events::report(
        state.ground(),
        user.actor(),
        &NewReport {
            category: &body.category,
            title: &body.title,
            description: &body.description,
            unit: &body.unit,
            latitude: body.latitude,
            longitude: body.longitude,
            address: body.address.as_deref(),
            attributes: &attributes,
            urgent: false,
            repeat_of: body.repeat_of,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: reported.event.id,
        }),
    ))
}

/// The unit whose events are listed.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The unit's code: its whole subtree is listed. The caller must hold a role there.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
}

/// A unit's events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    /// At most 200: urgent ones still waiting for acceptance first, then newest first.
    pub events: Vec<EventJson>,
}

/// List a unit's events
///
/// Any role over the unit.
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "events",
    operation_id = "listEvents",
    params(ListQuery),
    responses(
        (status = 200, description = "The events of the subtree.", body = EventList),
        (status = 403, response = Forbidden),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<EventList>, ApiError> {
    let found = events::work_list(state.db(), &user.actor(), &query.unit).await?;
    Ok(Json(EventList {
        events: found.iter().map(EventJson::from).collect(),
    }))
}

/// One step of an event's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineJson {
    /// When (ms since the epoch).
    pub at: i64,
    /// Who: `user:NAME`, `plugin:ID#N` or `system`.
    pub actor: String,
    /// What: `report`, `supervise` or a workflow action.
    pub action: String,
    /// The state it led to.
    pub state: String,
    /// Their note.
    pub note: String,
}

impl From<TimelineEntry> for TimelineJson {
    fn from(t: TimelineEntry) -> Self {
        Self {
            at: t.at,
            actor: t.actor,
            action: t.action,
            state: t.to_state,
            note: t.note,
        }
    }
}

/// An action the caller may take now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionJson {
    /// Its name in the API (`accept`).
    pub action: String,
    /// Its Chinese name (`受理`).
    pub name: String,
}

/// An event with its timeline and the caller's actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDetail {
    /// The event.
    #[serde(flatten)]
    pub event: EventJson,
    /// Every step so far, oldest first.
    pub timeline: Vec<TimelineJson>,
    /// What the caller may do now.
    pub actions: Vec<ActionJson>,
    /// The reporter's ratings, oldest first (a reopened event is rated again).
    pub evaluations: Vec<EvaluationJson>,
    /// The later events that said they repeat this one, by id.
    pub repeated_by: Vec<i64>,
    /// The departments summoned to it (吹哨报到), the lead first, with their check-ins;
    /// empty for a plain dispatch.
    pub summons: Vec<super::summons::SummonsJson>,
}

/// A reporter's rating of the handling.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationJson {
    /// `satisfied`, `basically-satisfied` or `dissatisfied`.
    #[schema(schema_with = schemas::rating)]
    pub rating: String,
    /// Its Chinese name (满意, 基本满意, 不满意).
    pub rating_zh: String,
    /// The reporter's words.
    pub comment: String,
    /// When (ms since the epoch).
    pub at: i64,
    /// The department or lower unit that had handled what was rated.
    pub handler: Option<String>,
}

impl From<StoredEvaluation> for EvaluationJson {
    fn from(e: StoredEvaluation) -> Self {
        Self {
            rating: e.rating.name().to_owned(),
            rating_zh: e.rating.name_zh().to_owned(),
            comment: e.comment,
            at: e.at,
            handler: e.handler_unit,
        }
    }
}

/// Read an event
///
/// Any role over its unit, or its reporter; an event outside the caller's units is a 404,
/// as if it did not exist.
#[utoipa::path(
    get,
    path = "/api/events/{id}",
    tag = "events",
    operation_id = "readEvent",
    params(("id" = i64, Path, description = "The event's id.")),
    responses(
        (status = 200, description = "The event.", body = EventDetail),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<EventDetail>, ApiError> {
    let actor = user.actor();
    let (event, timeline) = events::with_timeline(state.db(), &actor, id).await?;
    let actions = events::possible(&actor, &event)
        .map(|t| ActionJson {
            action: t.action.to_owned(),
            name: t.action_zh.to_owned(),
        })
        .collect();
    let evaluations = state.db().event_evaluations(id).await?;
    let repeated_by = state.db().repeats_of(id).await?;
    let summons = state.db().event_summons(id).await?;
    Ok(Json(EventDetail {
        event: EventJson::from(&event),
        timeline: timeline.into_iter().map(TimelineJson::from).collect(),
        actions,
        evaluations: evaluations.into_iter().map(EvaluationJson::from).collect(),
        repeated_by,
        summons: summons.into_iter().map(Into::into).collect(),
    }))
}

/// A workflow action to take.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// The action; one that does not start from the event's state is a 409 naming those
    /// that do.
    #[schema(schema_with = schemas::workflow_action)]
    pub action: String,
    /// A note for the timeline: at most 2000 characters.
    #[serde(default)]
    #[schema(schema_with = schemas::note)]
    pub note: String,
    /// For `dispatch`: the code of the department or lower unit that will handle it, one of
    /// `GET /api/events/{id}/dispatch-targets`.
    #[schema(schema_with = schemas::dispatched_to)]
    pub dispatched_to: Option<String>,
    /// For `dispatch`, optional: the day (`YYYY-MM-DD`, China time) the handler must
    /// resolve it by (交办限期), from today to the event's own deadline at the latest; it
    /// becomes the event's deadline.
    #[schema(format = Date)]
    pub deadline: Option<String>,
    /// For `dispatch`, optional (吹哨报到): further departments summoned beside
    /// `dispatched_to`, which must then be a department and leads; each from the dispatch
    /// targets, at most 7, told in its inbox and checking in with
    /// `POST /api/events/{id}/report-in`.
    #[schema(max_items = 7)]
    pub summon: Option<Vec<String>>,
    /// For `evaluate` (required) and `reopen`: the reporter's rating. The comment is `note`
    /// (at most 500 characters; a reopening's reason, required).
    #[schema(schema_with = schemas::rating)]
    pub rating: Option<String>,
}

/// Take a workflow action
///
/// Per action, the roles in `grid::workflow` over the event's unit. `evaluate` and `reopen`
/// are the reporter's alone, within 7 days of the close: `evaluate` with a `rating`;
/// `reopen` (重新办理, once: a second is a 409) with the reason in `note`, back to the
/// event's unit, accepted with a new deadline. `accept` sets the SLA deadline on the working-day calendar;
/// `dispatch` needs `dispatched_to`, the code of a department or lower unit from
/// `GET /api/events/{id}/dispatch-targets`: the event enters that unit's queue and its
/// inbox is told; an optional `deadline` (交办限期) shortens the time the handler has, never
/// beyond the event's own. Once dispatched, only that unit's people (or an admin above it) take
/// `handle`, `resolve` and `return`; a `return` needs its reason in `note` and comes within
/// 2 working days of receipt (a 409 after them). A 409 also says the action does not start
/// from the event's state (someone may have moved it first).
#[utoipa::path(
    post,
    path = "/api/events/{id}/actions",
    tag = "events",
    operation_id = "actOnEvent",
    params(("id" = i64, Path, description = "The event's id.")),
    request_body = ActionRequest,
    responses(
        (status = 200, description = "The event as it stands afterwards.", body = EventJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn act(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ActionRequest>,
) -> Result<Json<EventJson>, ApiError> {
    let moved = events::act(
        state.ground(),
        user.actor(),
        Action {
            event_id: id,
            action: &body.action,
            note: &body.note,
            dispatched_to: body.dispatched_to.as_deref(),
            deadline: body.deadline.as_deref(),
            summon: body.summon.as_deref().unwrap_or_default(),
            rating: body.rating.as_deref(),
        },
    )
    .await?;
    Ok(Json(EventJson::from(&moved)))
}

/// A unit an event may be dispatched to.
#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchTarget {
    /// Its code: the `dispatched_to` of a `dispatch`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// `department`, or the level of a lower unit (`street` … `grid`).
    pub kind: String,
}

/// The units an event may be dispatched to.
#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchTargets {
    /// Departments serving the event's place first (its county's and street's), then the
    /// lower units on the way down to the event's unit; each by code.
    pub targets: Vec<DispatchTarget>,
}

/// List whom an event may be dispatched to
///
/// Those who may dispatch it (unit admins over its unit).
#[utoipa::path(
    get,
    path = "/api/events/{id}/dispatch-targets",
    tag = "events",
    operation_id = "listDispatchTargets",
    params(("id" = i64, Path, description = "The event's id.")),
    responses(
        (status = 200, description = "The units it may be dispatched to.", body = DispatchTargets),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn dispatch_targets(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DispatchTargets>, ApiError> {
    let targets = events::dispatch::targets_of(state.db(), user.person(), id).await?;
    Ok(Json(DispatchTargets {
        targets: targets
            .into_iter()
            .map(|unit| DispatchTarget {
                code: unit.code,
                name: unit.name,
                kind: unit.level,
            })
            .collect(),
    }))
}

/// A 催办.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgeRequest {
    /// What is wanted by when: 2 to 500 characters.
    #[schema(schema_with = schemas::urge_note)]
    pub note: String,
}

/// Urge an event (催办)
///
/// Leaders and unit admins over its unit, while it is open (reported to resolved; a closed,
/// evaluated or rejected event is a 409). Whoever must act next is told in their unit inbox: the department or lower
/// unit while it is in their hands, else the event's unit. On the timeline (`urge`, the
/// state unchanged) and audited `event.urged`.
#[utoipa::path(
    post,
    path = "/api/events/{id}/urge",
    tag = "events",
    operation_id = "urgeEvent",
    params(("id" = i64, Path, description = "The event's id.")),
    request_body = UrgeRequest,
    responses(
        (status = 200, description = "The event, urged.", body = EventJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn urge(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<UrgeRequest>,
) -> Result<Json<EventJson>, ApiError> {
    let event = events::urge::urge(state.ground(), user.person(), id, &body.note).await?;
    Ok(Json(EventJson::from(&event)))
}
