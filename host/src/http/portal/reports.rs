//! `/report` (report a problem at the user's grid, through the same checks as
//! `POST /api/events`), `/reports` (what the user reported) and `/reports/{id}` (one of
//! them with its timeline; anyone else's is a 404).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use serde_json::json;

use super::{china_time, not_found, required, respond};
use crate::auth::Role;
use crate::db::events::{Category, StoredEvent};
use crate::grid::workflow::TRANSITIONS;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::CurrentUser;
use crate::http::error_page;
use crate::http::events_api::{ReportRequest, report_as};
use crate::http::layout::Visitor;

/// Most reports listed.
const MAX_LISTED: i64 = 200;

#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct ReportForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    address: String,
}

/// The grid a resident reports at: their first `resident` grant.
fn home_grid(current: &CurrentUser) -> Option<String> {
    current
        .grants
        .0
        .iter()
        .find(|g| g.role == Role::Resident)
        .map(|g| g.unit_code.clone())
}

/// The platform's own categories that need no custom fields: plugins' categories are
/// reported through the plugins, and this form asks for no category-specific answers.
async fn own_categories(state: &AppState) -> Result<Vec<Category>, ApiError> {
    Ok(state
        .db()
        .event_categories()
        .await?
        .into_iter()
        .filter(|c| c.owner_plugin.is_none() && !requires_fields(c))
        .collect())
}

/// Whether the category's schema requires an answer.
fn requires_fields(category: &Category) -> bool {
    category
        .fields_schema
        .as_ref()
        .and_then(|schema| schema.get("required"))
        .and_then(|required| required.as_array())
        .is_some_and(|required| !required.is_empty())
}

/// The message next to a field, in Chinese, for what the API's checks refused.
fn field_message(error: &ApiError) -> Option<(&'static str, &'static str)> {
    match error {
        ApiError::Invalid { field, .. } => Some(match *field {
            "title" => ("title", "请填写标题，1 至 100 字。"),
            "description" => ("description", "描述最多 2000 字。"),
            "address" => ("address", "地址最多 200 字。"),
            _ => ("category", "请选择问题类别。"),
        }),
        ApiError::InvalidAttribute { .. } => {
            Some(("category", "该类别需要补充信息，请通过相应服务上报。"))
        }
        _ => None,
    }
}

fn render_form(
    status: StatusCode,
    current: &CurrentUser,
    categories: &[Category],
    input: &ReportForm,
    problem: Option<(&str, &str)>,
) -> Response {
    let error_for = |field: &str| problem.filter(|(f, _)| *f == field).map(|(_, m)| m);
    respond(
        status,
        "上报问题",
        Visitor::SignedIn(&current.user.display_name),
        html! {
            h1 { "上报问题" }
            p.muted { "您上报的问题将由所在网格的网格员受理。" }
            form.portal method="post" action="/report" {
                label {
                    "问题类别"
                    select name="category" required {
                        option value="" { "请选择" }
                        @for c in categories {
                            option value=(c.code) selected[c.code == input.category] { (c.name) }
                        }
                    }
                    @if let Some(m) = error_for("category") { span.field-error id="category-error" { (m) } }
                }
                label {
                    "标题"
                    input type="text" name="title" value=(input.title) maxlength="100" required;
                    @if let Some(m) = error_for("title") { span.field-error id="title-error" { (m) } }
                }
                label {
                    "描述"
                    textarea name="description" maxlength="2000" { (input.description) }
                    @if let Some(m) = error_for("description") { span.field-error id="description-error" { (m) } }
                }
                label {
                    "地址（选填）"
                    input type="text" name="address" value=(input.address) maxlength="200";
                    @if let Some(m) = error_for("address") { span.field-error id="address-error" { (m) } }
                }
                button type="submit" { "提交" }
            }
        },
    )
}

fn not_a_resident(current: &CurrentUser) -> Response {
    respond(
        StatusCode::FORBIDDEN,
        "上报问题",
        Visitor::SignedIn(&current.user.display_name),
        html! {
            h1 { "上报问题" }
            p.notice { "您的账号不是居民账号，请通过工作台上报事件。" }
        },
    )
}

pub(super) async fn form(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let current = match required(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    if home_grid(&current).is_none() {
        return not_a_resident(&current);
    }
    match own_categories(&state).await {
        Ok(categories) => render_form(
            StatusCode::OK,
            &current,
            &categories,
            &ReportForm::default(),
            None,
        ),
        Err(error) => internal(error),
    }
}

pub(super) async fn submit(
    State(state): State<AppState>,
    found: Result<CurrentUser, ApiError>,
    Form(input): Form<ReportForm>,
) -> Response {
    // A post cannot be repeated after signing in: come back to the empty form instead.
    let current = match required(found, &Uri::from_static("/report")) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let Some(grid) = home_grid(&current) else {
        return not_a_resident(&current);
    };
    let categories = match own_categories(&state).await {
        Ok(categories) => categories,
        Err(error) => return internal(error),
    };
    let refuse = |message: (&str, &str)| {
        render_form(
            StatusCode::BAD_REQUEST,
            &current,
            &categories,
            &input,
            Some(message),
        )
    };
    if !categories.iter().any(|c| c.code == input.category) {
        return refuse(("category", "请选择问题类别。"));
    }
    let request = ReportRequest {
        category: input.category.clone(),
        title: input.title.clone(),
        description: input.description.clone(),
        unit: grid,
        latitude: None,
        longitude: None,
        address: Some(input.address.clone()),
        attributes: json!({}),
    };
    match report_as(&state, &current, &request).await {
        Ok(id) => Redirect::to(&format!("/reports/{id}")).into_response(),
        Err(error) => match field_message(&error) {
            Some(message) => refuse(message),
            None => internal(error),
        },
    }
}

fn internal(error: ApiError) -> Response {
    tracing::error!("resident portal: {error}");
    error_page::internal()
}

/// The events `current` reported, newest first, among the latest in their units.
async fn my_events(state: &AppState, current: &CurrentUser) -> Result<Vec<StoredEvent>, ApiError> {
    let reporter = format!("user:{}", current.user.username);
    let mut mine: Vec<StoredEvent> = Vec::new();
    for grant in &current.grants.0 {
        for event in state
            .db()
            .events_under(&grant.unit_code, MAX_LISTED)
            .await?
        {
            if event.reporter.as_deref() == Some(reporter.as_str())
                && !mine.iter().any(|e| e.id == event.id)
            {
                mine.push(event);
            }
        }
    }
    mine.sort_by_key(|e| std::cmp::Reverse(e.id));
    Ok(mine)
}

pub(super) async fn list(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let current = match required(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let events = match my_events(&state, &current).await {
        Ok(events) => events,
        Err(error) => return internal(error),
    };
    respond(
        StatusCode::OK,
        "我的上报",
        Visitor::SignedIn(&current.user.display_name),
        html! {
            h1 { "我的上报" }
            @if events.is_empty() {
                p.notice { "您还没有上报过问题。" a href="/report" { "上报问题" } }
            } @else {
                ul.items {
                    @for event in &events {
                        li {
                            a href={ "/reports/" (event.id) } { (event.title) }
                            br;
                            span.state { (event.state.name_zh()) }
                            " · "
                            small.muted { (china_time(event.reported_at)) }
                        }
                    }
                }
            }
        },
    )
}

/// The Chinese name of a timeline action.
pub(in crate::http) fn action_zh(action: &str) -> &str {
    match action {
        "report" => "上报",
        "supervise" => "督办",
        other => TRANSITIONS
            .iter()
            .find(|t| t.action == other)
            .map_or(other, |t| t.action_zh),
    }
}

pub(super) async fn detail(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let current = match required(found, &uri) {
        Ok(current) => current,
        Err(response) => return *response,
    };
    let visitor = Visitor::SignedIn(&current.user.display_name);
    let Ok(id) = id.parse::<i64>() else {
        return not_found(visitor);
    };
    let reporter = format!("user:{}", current.user.username);
    let event = match state.db().event(id).await {
        Ok(Some(event)) if event.reporter.as_deref() == Some(reporter.as_str()) => event,
        // Someone else's report looks exactly like a missing one.
        Ok(_) => return not_found(visitor),
        Err(error) => return internal(error.into()),
    };
    let timeline = match state.db().event_timeline(id).await {
        Ok(timeline) => timeline,
        Err(error) => return internal(error.into()),
    };
    respond(
        StatusCode::OK,
        &event.title,
        visitor,
        html! {
            h1 { (event.title) }
            p { "状态：" strong.state { (event.state.name_zh()) } }
            @if !event.description.is_empty() { p { (event.description) } }
            @if let Some(address) = &event.address { p.muted { "地址：" (address) } }
            p.muted { "上报时间：" (china_time(event.reported_at)) }
            @if let Some(deadline) = &event.deadline { p.muted { "办理期限：" (deadline) } }
            h2 { "办理经过" }
            ol.timeline {
                @for entry in &timeline {
                    li {
                        (china_time(entry.at)) " "
                        strong { (action_zh(&entry.action)) }
                        @if !entry.note.is_empty() { "：" (entry.note) }
                    }
                }
            }
            p { a href="/reports" { "返回我的上报" } }
        },
    )
}
