//! 矛盾纠纷调处 over the JSON API (`rules::events::mediation`): the items of each dispute
//! class, and a dispute event's mediation record — its item, its parties (ID numbers and
//! phones masked, one unmasked with a reason) and its mediation sessions, with the stage
//! they put it at.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::responses::{Conflict, Forbidden, Invalid, NotFound};
use super::schemas;
use super::user::ApiUser;
use crate::db::disputes::{DisputeItem, Session};
use crate::rules::events::mediation::{self, PartyInput, Record, SessionInput, ShownParty};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_items))
        .routes(routes!(read))
        .routes(routes!(set_item))
        .routes(routes!(add_party))
        .routes(routes!(remove_party))
        .routes(routes!(unmask_party))
        .routes(routes!(record_session))
}

/// One item (事项) of a dispute class.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeItemJson {
    /// `CLASS.NN`.
    #[schema(example = "dispute.neighbour.02")]
    pub code: String,
    /// Its class: a `dispute.*` event category.
    pub category: String,
    /// Its name.
    #[schema(example = "房屋漏水渗水")]
    pub name: String,
}

impl From<DisputeItem> for DisputeItemJson {
    fn from(item: DisputeItem) -> Self {
        Self {
            code: item.code,
            category: item.category,
            name: item.name,
        }
    }
}

/// The dispute items.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeItems {
    /// Every item, by class and in each class's order.
    pub items: Vec<DisputeItemJson>,
}

/// List the dispute items
///
/// Public: the items (事项) of each of the 15 dispute classes (the `dispute.*` event
/// categories) that a dispute event is registered as.
#[utoipa::path(
    get,
    path = "/api/dispute-items",
    tag = "disputes",
    operation_id = "listDisputeItems",
    security(()),
    responses((status = 200, description = "Every item.", body = DisputeItems))
)]
async fn list_items(State(state): State<AppState>) -> Result<Json<DisputeItems>, ApiError> {
    let items = mediation::items(state.db()).await?;
    Ok(Json(DisputeItems {
        items: items.into_iter().map(DisputeItemJson::from).collect(),
    }))
}

/// A party to a dispute.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyJson {
    /// Its id.
    pub id: i64,
    /// `applicant` (申请人) or `respondent` (被申请人).
    #[schema(schema_with = schemas::dispute_side)]
    pub side: String,
    /// Name.
    pub name: String,
    /// The ID number, masked (`420202********1234`) unless unmasked.
    pub id_number: Option<String>,
    /// The phone, masked (`138****5678`) unless unmasked.
    pub phone: Option<String>,
    /// Whether `id_number` and `phone` are as stored.
    pub unmasked: bool,
}

impl From<ShownParty> for PartyJson {
    fn from(shown: ShownParty) -> Self {
        let p = shown.party;
        Self {
            id: p.id,
            side: p.side.name().to_owned(),
            name: p.name,
            id_number: p.id_number,
            phone: p.phone,
            unmasked: shown.unmasked,
        }
    }
}

/// A mediation session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionJson {
    /// Its id.
    pub id: i64,
    /// The day it was held.
    #[schema(format = Date)]
    pub held_on: String,
    /// 调解员.
    pub mediator: String,
    /// 调解地点.
    pub place: String,
    /// How it ended.
    #[schema(schema_with = schemas::mediation_outcome)]
    pub outcome: String,
    /// Whether a written 调解协议 was signed.
    pub agreement_signed: bool,
    /// What happened.
    pub note: String,
    /// Who recorded it (`user:NAME`).
    pub recorded_by: String,
    /// When (ms since the epoch).
    pub recorded_at: i64,
}

impl From<Session> for SessionJson {
    fn from(s: Session) -> Self {
        Self {
            id: s.id,
            held_on: s.held_on,
            mediator: s.mediator,
            place: s.place,
            outcome: s.outcome.name().to_owned(),
            agreement_signed: s.agreement_signed,
            note: s.note,
            recorded_by: s.recorded_by,
            recorded_at: s.recorded_at,
        }
    }
}

/// A dispute event's mediation record.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeJson {
    /// The event.
    pub event_id: i64,
    /// Its class.
    pub category: String,
    /// The item it was registered as; `null` until one is named.
    pub item: Option<DisputeItemJson>,
    /// Where the mediation stands, read from the last session.
    #[schema(schema_with = schemas::dispute_stage)]
    pub stage: String,
    /// The stage's Chinese name.
    pub stage_zh: String,
    /// Whether a written 调解协议 was signed.
    pub agreement_signed: bool,
    /// Whether the caller may keep the record now (the event is open and they work it).
    pub may_keep: bool,
    /// The parties, applicants first, masked.
    pub parties: Vec<PartyJson>,
    /// The sessions, oldest first.
    pub sessions: Vec<SessionJson>,
}

impl From<Record> for DisputeJson {
    fn from(r: Record) -> Self {
        Self {
            event_id: r.event.id,
            category: r.event.category,
            item: r.item.map(DisputeItemJson::from),
            stage: r.stage.name().to_owned(),
            stage_zh: r.stage.name_zh().to_owned(),
            agreement_signed: r.agreement_signed,
            may_keep: r.may_keep,
            parties: r.parties.into_iter().map(PartyJson::from).collect(),
            sessions: r.sessions.into_iter().map(SessionJson::from).collect(),
        }
    }
}

/// Read a dispute's mediation record
///
/// For anyone who sees the event; a 404 for an event outside the caller's reach or one
/// that is not a dispute (a `dispute.*` category).
#[utoipa::path(
    get,
    path = "/api/events/{id}/dispute",
    tag = "disputes",
    operation_id = "readDispute",
    params(("id" = i64, Path, description = "The event's id.")),
    responses(
        (status = 200, description = "The record.", body = DisputeJson),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DisputeJson>, ApiError> {
    let record = mediation::record(state.db(), user.person(), id).await?;
    Ok(Json(DisputeJson::from(record)))
}

/// The item a dispute is registered as.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemRequest {
    /// An item's code of the event's class (`GET /api/dispute-items`).
    #[schema(min_length = 1, max_length = 64, example = "dispute.neighbour.02")]
    pub item: String,
}

/// Register a dispute as one item of its class
///
/// For those who work the open event (its unit's or its handler's grid workers, department
/// staff and unit admins); an item of another class is a 400 naming `item`.
#[utoipa::path(
    put,
    path = "/api/events/{id}/dispute/item",
    tag = "disputes",
    operation_id = "setDisputeItem",
    params(("id" = i64, Path, description = "The event's id.")),
    request_body = ItemRequest,
    responses(
        (status = 200, description = "The record.", body = DisputeJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn set_item(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<ItemRequest>,
) -> Result<Json<DisputeJson>, ApiError> {
    let record = mediation::set_item(state.ground(), user.person(), id, &body.item).await?;
    Ok(Json(DisputeJson::from(record)))
}

/// A party to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyRequest {
    /// `applicant` (申请人) or `respondent` (被申请人).
    #[schema(schema_with = schemas::dispute_side)]
    pub side: String,
    /// The person's (or organization's) name.
    #[schema(schema_with = schemas::party_name)]
    pub name: String,
    /// The ID number, checked (GB 11643); optional.
    #[serde(default)]
    #[schema(schema_with = schemas::optional_id_number)]
    pub id_number: Option<String>,
    /// A mobile number; optional.
    #[serde(default)]
    #[schema(schema_with = schemas::mobile)]
    pub phone: Option<String>,
}

/// Add a party to a dispute
///
/// For those who work the open event; audited `dispute.party_added`. Every wrong field is
/// named at once (`problems`).
#[utoipa::path(
    post,
    path = "/api/events/{id}/dispute/parties",
    tag = "disputes",
    operation_id = "addDisputeParty",
    params(("id" = i64, Path, description = "The event's id.")),
    request_body = PartyRequest,
    responses(
        (status = 201, description = "The record with the party.", body = DisputeJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn add_party(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<PartyRequest>,
) -> Result<(StatusCode, Json<DisputeJson>), ApiError> {
    let input = PartyInput {
        side: &body.side,
        name: &body.name,
        id_number: body.id_number.as_deref().unwrap_or_default(),
        phone: body.phone.as_deref().unwrap_or_default(),
    };
    let record = mediation::add_party(state.ground(), user.person(), id, input).await?;
    Ok((StatusCode::CREATED, Json(DisputeJson::from(record))))
}

/// Remove a party from a dispute
///
/// One added by mistake, while the mediation has not concluded; audited
/// `dispute.party_removed`.
#[utoipa::path(
    delete,
    path = "/api/events/{id}/dispute/parties/{party}",
    tag = "disputes",
    operation_id = "removeDisputeParty",
    params(
        ("id" = i64, Path, description = "The event's id."),
        ("party" = i64, Path, description = "The party's id."),
    ),
    responses(
        (status = 200, description = "The record without the party.", body = DisputeJson),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn remove_party(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, party)): Path<(i64, i64)>,
) -> Result<Json<DisputeJson>, ApiError> {
    let record = mediation::remove_party(state.ground(), user.person(), id, party).await?;
    Ok(Json(DisputeJson::from(record)))
}

/// Why a party is read unmasked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmaskRequest {
    /// The reason, for the audit log: at least 4 characters once trimmed.
    #[schema(schema_with = schemas::unmask_reason)]
    pub reason: String,
}

/// Read a party unmasked
///
/// Holders of `sensitive-data` over the event's unit; the reason goes to the audit log
/// (`dispute.party_unmasked`).
#[utoipa::path(
    post,
    path = "/api/events/{id}/dispute/parties/{party}/unmask",
    tag = "disputes",
    operation_id = "unmaskDisputeParty",
    params(
        ("id" = i64, Path, description = "The event's id."),
        ("party" = i64, Path, description = "The party's id."),
    ),
    request_body = UnmaskRequest,
    responses(
        (status = 200, description = "The party, unmasked.", body = PartyJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn unmask_party(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, party)): Path<(i64, i64)>,
    Json(body): Json<UnmaskRequest>,
) -> Result<Json<PartyJson>, ApiError> {
    let shown = mediation::unmask_party(state.db(), user.person(), id, party, &body.reason).await?;
    Ok(Json(PartyJson::from(shown)))
}

/// A mediation session to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// The day it was held: not after today, not before the event was reported.
    #[schema(schema_with = schemas::day)]
    pub held_on: String,
    /// 调解员.
    #[schema(schema_with = schemas::mediator)]
    pub mediator: String,
    /// 调解地点.
    #[schema(schema_with = schemas::mediation_place)]
    pub place: String,
    /// How it ended.
    #[schema(schema_with = schemas::mediation_outcome)]
    pub outcome: String,
    /// Whether a written 调解协议 was signed: only with `agreed`.
    #[serde(default)]
    pub agreement_signed: bool,
    /// What happened.
    #[serde(default)]
    #[schema(schema_with = schemas::session_note)]
    pub note: String,
}

/// Record a mediation session
///
/// For those who work the open event, once both sides' parties are on record and until a
/// session concludes the mediation (`agreed` or `failed`: a 409 after that). On the
/// event's timeline (`mediate`, the state unchanged). Every wrong field is named at once.
#[utoipa::path(
    post,
    path = "/api/events/{id}/dispute/sessions",
    tag = "disputes",
    operation_id = "recordMediationSession",
    params(("id" = i64, Path, description = "The event's id.")),
    request_body = SessionRequest,
    responses(
        (status = 201, description = "The record with the session.", body = DisputeJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn record_session(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<SessionRequest>,
) -> Result<(StatusCode, Json<DisputeJson>), ApiError> {
    let input = SessionInput {
        held_on: &body.held_on,
        mediator: &body.mediator,
        place: &body.place,
        outcome: &body.outcome,
        agreement_signed: body.agreement_signed,
        note: &body.note,
    };
    let record = mediation::record_session(state.ground(), user.person(), id, input).await?;
    Ok((StatusCode::CREATED, Json(DisputeJson::from(record))))
}
