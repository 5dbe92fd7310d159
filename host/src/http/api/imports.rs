//! 部门推送 over the JSON API (`rules::base_data::imports`): a department pushes residents
//! or houses, CSV or JSON, with a service account's token (or a keeper of the base data
//! with their session). The answer counts what the push did; with bad rows and no
//! `skip_invalid` it is a 400 naming each (row, field, problem) and nothing is applied.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::error::{ApiError, ProblemJson};
use super::responses::{Conflict, Forbidden, Invalid};
use super::user::ApiUser;
use crate::grid::import_table::Format;
use crate::rules::RuleError;
use crate::rules::base_data::imports::{self, Kind, MAX_PUSH_BYTES, Push, Pushed};
use crate::rules::base_data::verification::TARGET_PERCENT;
use crate::state::AppState;

/// The routes, each taking files up to [`MAX_PUSH_BYTES`].
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(push_residents).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)))
        .routes(routes!(push_houses).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)))
}

/// How to apply a file with bad rows.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PushQuery {
    /// Apply the good rows and report the bad ones, instead of applying nothing.
    #[serde(default)]
    pub skip_invalid: bool,
}

/// What a push did.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushReport {
    /// Rows in the file.
    pub rows: usize,
    /// Records added.
    pub new: usize,
    /// Records whose fields changed.
    pub updated: usize,
    /// Records carried as they were.
    pub unchanged: usize,
    /// Rows not applied for a problem.
    pub invalid: usize,
    /// Each problem of those rows.
    pub problems: Vec<ProblemJson>,
    /// The 关联核录 match rate of the push: good rows that matched a stored record, in
    /// percent; `null` without good rows.
    pub match_rate_percent: Option<f64>,
    /// The target a grid's match rate is held to (the seed's 80%).
    pub target_percent: f64,
}

impl From<Pushed> for PushReport {
    fn from(pushed: Pushed) -> Self {
        Self {
            match_rate_percent: pushed.match_percent(),
            rows: pushed.rows,
            new: pushed.new,
            updated: pushed.updated,
            unchanged: pushed.unchanged,
            invalid: pushed.invalid,
            problems: pushed
                .problems
                .into_iter()
                .map(|p| ProblemJson {
                    row: (p.row > 0).then_some(p.row),
                    field: p.field.to_owned(),
                    problem: p.problem,
                })
                .collect(),
            target_percent: TARGET_PERCENT,
        }
    }
}

async fn push(
    state: &AppState,
    user: &ApiUser,
    headers: &HeaderMap,
    kind: Kind,
    skip_invalid: bool,
    body: &str,
) -> Result<Json<PushReport>, ApiError> {
    let format = match super::media_type::of(headers).as_str() {
        "text/csv" => Format::Csv,
        "application/json" => Format::Json,
        other => {
            return Err(RuleError::invalid(
                "content-type",
                format!("`{other}`: send text/csv or application/json"),
            )
            .into());
        }
    };
    let pushed = imports::push(
        state.ground(),
        user.person(),
        &Push {
            kind,
            format,
            text: body,
            skip_invalid,
        },
    )
    .await?;
    Ok(Json(pushed.into()))
}

/// Push residents
///
/// Department data (部门推送): `text/csv` with the header
/// `name,gender,birth_date,id_number,phone,population_type` and any of `grid_code`, `tags`
/// (separated by `|`), `address`, `household`, `relation`, `latitude`, `longitude`; or
/// `application/json`, an array of objects with those keys. Rows are matched by ID number:
/// new ones added, changed fields updated (an empty cell changes nothing), unchanged ones
/// left alone, each counted verified (关联核录). Every row must lie in the caller's units
/// (grid workers, department staff and unit admins). All in one transaction unless
/// `skip_invalid`. Audited `residents.pushed`; every changed record's history gets a row.
#[utoipa::path(
    post,
    path = "/api/imports/residents",
    tag = "imports",
    operation_id = "pushResidents",
    params(PushQuery),
    request_body(content(
        (String = "text/csv"),
        (Object = "application/json"),
    ), description = "The residents."),
    responses(
        (status = 200, description = "Applied.", body = PushReport),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn push_residents(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Query(query): Query<PushQuery>,
    body: String,
) -> Result<Json<PushReport>, ApiError> {
    push(
        &state,
        &user,
        &headers,
        Kind::Residents,
        query.skip_invalid,
        &body,
    )
    .await
}

/// Push houses
///
/// Department data (部门推送): `text/csv` with the header `address,usage` and any of
/// `latitude`, `longitude`, `grid_code`; or `application/json`, an array of objects with
/// those keys. Rows are matched by standard address, however it is spelt (全角 or 半角
/// digits, 号/栋/幢/单元/室 written differently, spaces): new ones added, a changed usage or
/// coordinates updated, unchanged ones left alone, each counted verified (关联核录). A push
/// moves no house to another grid. All in one transaction unless `skip_invalid`. Audited
/// `houses.pushed`.
#[utoipa::path(
    post,
    path = "/api/imports/houses",
    tag = "imports",
    operation_id = "pushHouses",
    params(PushQuery),
    request_body(content(
        (String = "text/csv"),
        (Object = "application/json"),
    ), description = "The houses."),
    responses(
        (status = 200, description = "Applied.", body = PushReport),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn push_houses(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Query(query): Query<PushQuery>,
    body: String,
) -> Result<Json<PushReport>, ApiError> {
    push(
        &state,
        &user,
        &headers,
        Kind::Houses,
        query.skip_invalid,
        &body,
    )
    .await
}
