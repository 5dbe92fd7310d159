//! Risk warnings (风险预警) pushed down from an upper level to the grids of its subtree, and
//! the unit inboxes that receive them and the 督办 notices.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::{ApiError, text_field};
use super::current_user::CurrentUser;
use crate::auth::Role;
use crate::db::audit::AuditEntry;

/// Messages per inbox page.
const INBOX_PAGE: i64 = 100;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/warnings", post(push))
        .route("/api/unit-inbox", get(inbox))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WarningRequest {
    unit: String,
    title: String,
    body: String,
}

async fn push(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(request): Json<WarningRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if ![Role::Leader, Role::UnitAdmin]
        .iter()
        .any(|role| current.grants.has_role_at(*role, &request.unit))
    {
        return Err(ApiError::Forbidden(format!(
            "pushing warnings to unit {} needs a leader or unit-admin role there",
            request.unit
        )));
    }
    let title = text_field("title", &request.title, 1, 100)?;
    let body_text = text_field("body", &request.body, 0, 2000)?;
    let title = format!("风险预警：{title}");
    let grids = state
        .db()
        .push_warning(&request.unit, &title, body_text)
        .await?;
    state
        .db()
        .audit(AuditEntry {
            actor: &format!("user:{}", current.user.username),
            action: "warning.pushed",
            subject: &title,
            unit_code: Some(&request.unit),
            detail: json!({ "grids": grids }),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "grids": grids }))))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InboxQuery {
    unit: String,
}

async fn inbox(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<InboxQuery>,
) -> Result<Json<Value>, ApiError> {
    let staff = [
        Role::GridWorker,
        Role::DepartmentStaff,
        Role::UnitAdmin,
        Role::Leader,
    ];
    if !staff
        .iter()
        .any(|role| current.grants.has_role_at(*role, &query.unit))
    {
        return Err(ApiError::Forbidden(format!(
            "the inbox of unit {} is for its staff",
            query.unit
        )));
    }
    let messages: Vec<Value> = state
        .db()
        .unit_notifications(&query.unit, INBOX_PAGE)
        .await?
        .into_iter()
        .map(|n| json!({ "title": n.title, "body": n.body, "event": n.event_id, "at": n.created_at }))
        .collect();
    Ok(Json(json!({ "unit": query.unit, "messages": messages })))
}
