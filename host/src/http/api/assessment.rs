//! 考核 over the JSON API: `GET /api/assessment` (the rows and their rates),
//! `GET /api/assessment/csv` (the same as a spreadsheet) and `GET /api/assessment/events`
//! (the events behind one figure). The figures and their definitions are
//! `rules::assessment`'s.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::events::EventJson;
use super::responses::{Forbidden, Invalid};
use super::user::ApiUser;
use crate::rules::assessment::{self, Assessment, By, Rate, Request, Row};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read))
        .routes(routes!(download))
        .routes(routes!(events_behind))
}

/// What is assessed.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// A unit code; the caller must be a leader or unit admin there.
    #[param(
        pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3}([0-9]{1,6})?)?)?)?)?$",
        example = "4202"
    )]
    pub unit: String,
    /// The first day of the period (`YYYY-MM-DD`, China time); by default the first of
    /// `to`'s month, or of this month.
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day, included; by default the end of `from`'s month, or today. At most 366
    /// days after `from`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// The rows: `unit` (child units; the default), `department`, or `worker` (the grid
    /// workers of the grids under a street, community or grid, each over the events of the
    /// grids they hold; the total is then the unit's own, as a grid two workers share
    /// counts on both rows).
    #[param(inline, pattern = "^(unit|department|worker)$")]
    pub by: Option<String>,
}

fn request<'a>(query: &'a AssessmentQuery) -> Result<Request<'a>, ApiError> {
    let (from, to) = assessment::period(query.from.as_deref(), query.to.as_deref())?;
    let by = By::parse(query.by.as_deref().unwrap_or("unit"))?;
    Ok(Request {
        unit: &query.unit,
        from,
        to,
        by,
    })
}

/// One of the three rates (or a return or reopen share): what was counted in favour, of
/// how many, and the percentage. Named apart from the base-data `RateJson`, which the
/// OpenAPI document holds too.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareJson {
    /// Counted in favour.
    pub count: i64,
    /// Counted at all.
    pub of: i64,
    /// `count` of `of` in percent, one decimal; `null` when `of` is 0.
    pub percent: Option<f64>,
}

impl From<Rate> for ShareJson {
    fn from(rate: Rate) -> Self {
        Self {
            count: rate.count,
            of: rate.of,
            percent: rate.percent(),
        }
    }
}

/// One row of an assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowJson {
    /// The child unit's or department's code (the unit's own for its own row and the
    /// total).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Events reported in the period (by department: received).
    pub events: i64,
    /// 响应率: answered (受理 or 不予受理) within 1 working day of the report, of those
    /// answered or unanswered after that day.
    pub response: ShareJson,
    /// 按期办结率: resolved by the deadline, of those resolved or unresolved past it.
    pub on_time_resolution: ShareJson,
    /// 满意率: 满意 and 基本满意 of the ratings; `null` above community level when 1 to 4
    /// ratings would single out residents.
    pub satisfaction: Option<ShareJson>,
    /// 退回率: returned by a handler at least once, of those dispatched (by department:
    /// returned by it, of those it received).
    pub returns: ShareJson,
    /// 重办率: handled again after 不满意, of those closed.
    pub reopens: ShareJson,
    /// Marked 督办 for being overdue.
    pub supervised: i64,
    /// 催办 given by hand.
    pub urged: i64,
}

impl From<Row> for RowJson {
    fn from(row: Row) -> Self {
        Self {
            code: row.code,
            name: row.name,
            events: row.events,
            response: row.response.into(),
            on_time_resolution: row.on_time_resolution.into(),
            satisfaction: row.satisfaction.map(ShareJson::from),
            returns: row.returns.into(),
            reopens: row.reopens.into(),
            supervised: row.supervised,
            urged: row.urged,
        }
    }
}

/// An assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentJson {
    /// The unit.
    pub unit: String,
    /// The first day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub from: String,
    /// The last day, included.
    #[schema(format = Date)]
    pub to: String,
    /// `unit` or `department`.
    pub by: String,
    /// The rows, by code.
    pub rows: Vec<RowJson>,
    /// All rows together.
    pub total: RowJson,
}

/// Assess the units or departments under a unit (考核)
///
/// Leaders and unit admins over the unit. Every figure counts the events **reported** in
/// the period: 响应率 (answered within 1 working day), 按期办结率 (resolved by the
/// deadline), 满意率 ((满意 + 基本满意) / ratings), 退回率 (returned by a handler / dispatched),
/// 重办率 (reopened after 不满意 / closed), and the 督办 and 催办 counts. Each rate gives its
/// count and denominator; the README's 考核 section defines each one.
#[utoipa::path(
    get,
    path = "/api/assessment",
    tag = "stats",
    operation_id = "readAssessment",
    params(AssessmentQuery),
    responses(
        (status = 200, description = "The rows and their total.", body = AssessmentJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<AssessmentQuery>,
) -> Result<Json<AssessmentJson>, ApiError> {
    let asked = request(&query)?;
    let found = assessment::assess(state.ground(), user.person(), &asked).await?;
    Ok(Json(AssessmentJson {
        unit: query.unit.clone(),
        from: asked.from.to_string(),
        to: asked.to.to_string(),
        by: by_name(asked.by).to_owned(),
        rows: found.rows.into_iter().map(RowJson::from).collect(),
        total: found.total.into(),
    }))
}

fn by_name(by: By) -> &'static str {
    match by {
        By::Unit => "unit",
        By::Department => "department",
        By::Worker => "worker",
    }
}

/// Download an assessment as CSV
///
/// The same rows as `GET /api/assessment`, one line each and the total last, with Chinese
/// headers, UTF-8 with a byte-order mark so that spreadsheet programs read the Chinese.
#[utoipa::path(
    get,
    path = "/api/assessment/csv",
    tag = "stats",
    operation_id = "downloadAssessment",
    params(AssessmentQuery),
    responses(
        (status = 200, description = "The assessment as CSV.", content_type = "text/csv", body = String),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn download(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<AssessmentQuery>,
) -> Result<Response, ApiError> {
    let asked = request(&query)?;
    let found = assessment::assess(state.ground(), user.person(), &asked).await?;
    let body = csv_of(&found).map_err(anyhow::Error::from)?;
    let file = format!("assessment-{}-{}-{}.csv", query.unit, asked.from, asked.to);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The assessment as CSV text, with the byte-order mark.
fn csv_of(found: &Assessment) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record([
        "代码",
        "名称",
        "事件数",
        "响应率%",
        "按时响应",
        "应响应",
        "按期办结率%",
        "按期办结",
        "应办结",
        "满意率%",
        "满意与基本满意",
        "评价数",
        "退回率%",
        "退回",
        "派遣",
        "重办率%",
        "重办",
        "结案",
        "督办",
        "催办",
    ])?;
    let percent = |rate: Rate| rate.percent().map_or_else(String::new, |p| p.to_string());
    for row in found.rows.iter().chain([&found.total]) {
        let (satisfaction, satisfied, rated) = match row.satisfaction {
            Some(rate) => (percent(rate), rate.count.to_string(), rate.of.to_string()),
            None => ("<5".to_owned(), "<5".to_owned(), "<5".to_owned()),
        };
        out.write_record([
            row.code.clone(),
            row.name.clone(),
            row.events.to_string(),
            percent(row.response),
            row.response.count.to_string(),
            row.response.of.to_string(),
            percent(row.on_time_resolution),
            row.on_time_resolution.count.to_string(),
            row.on_time_resolution.of.to_string(),
            satisfaction,
            satisfied,
            rated,
            percent(row.returns),
            row.returns.count.to_string(),
            row.returns.of.to_string(),
            percent(row.reopens),
            row.reopens.count.to_string(),
            row.reopens.of.to_string(),
            row.supervised.to_string(),
            row.urged.to_string(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// The events behind one figure of one row.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DrillQuery {
    /// As in `GET /api/assessment`.
    #[param(
        pattern = r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3}([0-9]{1,6})?)?)?)?)?$",
        example = "4202"
    )]
    pub unit: String,
    /// As in `GET /api/assessment`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// As in `GET /api/assessment`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// As in `GET /api/assessment`.
    #[param(inline, pattern = "^(unit|department|worker)$")]
    pub by: Option<String>,
    /// The row's code: a child unit or department of the assessment, a grid worker's
    /// username (`by=worker`), or the unit itself (the total).
    #[param(example = "420202", min_length = 1)]
    pub row: String,
    /// `all`, `late-response`, `late-resolution`, `returned`, `reopened`, `dissatisfied`,
    /// `supervised` or `urged`.
    #[param(
        inline,
        pattern = "^(all|late-response|late-resolution|returned|reopened|dissatisfied|supervised|urged)$"
    )]
    pub figure: String,
    /// Only ids below this one: the previous page's `next_before`.
    #[param(minimum = 1)]
    pub before: Option<i64>,
}

/// A page of the events behind a figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrillJson {
    /// Newest first, at most 100.
    pub events: Vec<EventJson>,
    /// The `before` of the next page; `null` on the last.
    pub next_before: Option<i64>,
}

/// List the events behind an assessment figure
///
/// Leaders and unit admins over the unit, as for the assessment.
#[utoipa::path(
    get,
    path = "/api/assessment/events",
    tag = "stats",
    operation_id = "listAssessmentEvents",
    params(DrillQuery),
    responses(
        (status = 200, description = "A page of the events.", body = DrillJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn events_behind(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<DrillQuery>,
) -> Result<Json<DrillJson>, ApiError> {
    let (from, to) = assessment::period(query.from.as_deref(), query.to.as_deref())?;
    let by = By::parse(query.by.as_deref().unwrap_or("unit"))?;
    let figure = assessment::parse_figure(&query.figure)?;
    let asked = Request {
        unit: &query.unit,
        from,
        to,
        by,
    };
    let events = assessment::events_behind(
        state.ground(),
        user.person(),
        &asked,
        &query.row,
        figure,
        query.before,
    )
    .await?;
    let full = events.len() as i64 == assessment::MAX_DRILL_PAGE;
    Ok(Json(DrillJson {
        next_before: if full {
            events.last().map(|e| e.id)
        } else {
            None
        },
        events: events.iter().map(EventJson::from).collect(),
    }))
}
