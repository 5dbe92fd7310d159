//! The audit log for unit admins (`/api/audit`): who did what, when and why, at the units of
//! their subtree, newest first. The log itself is append-only.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use crate::auth::Role;

/// Entries per page.
const PAGE: i64 = 100;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/audit", get(audit))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    unit: String,
    /// Entries older than this id (the previous page's `next`).
    before: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    if !current.grants.has_role_at(Role::UnitAdmin, &query.unit) {
        return Err(ApiError::Forbidden(format!(
            "the audit log of unit {} is for its unit admins",
            query.unit
        )));
    }
    let rows = state
        .db()
        .audit_under(&query.unit, query.before, PAGE)
        .await?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let entries: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id, "at": r.at, "actor": r.actor, "action": r.action,
                "subject": r.subject, "unit": r.unit_code,
                "detail": serde_json::from_str::<Value>(&r.detail).unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok(Json(json!({ "entries": entries, "next": next })))
}
