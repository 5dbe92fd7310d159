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
use crate::db::audit::AuditRow;

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
    let (rows, next) = audit_page(&state, &current, &query.unit, query.before, PAGE).await?;
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

/// One page of the audit log of `unit`'s subtree, newest first, for a unit admin there
/// (else 403), and the `before` of the next page when this one is full. What
/// `GET /api/audit` and the admin console's audit page both show.
pub(super) async fn audit_page(
    state: &AppState,
    current: &CurrentUser,
    unit: &str,
    before: Option<i64>,
    page: i64,
) -> Result<(Vec<AuditRow>, Option<i64>), ApiError> {
    if !current.grants.has_role_at(Role::UnitAdmin, unit) {
        return Err(ApiError::Forbidden(format!(
            "the audit log of unit {unit} is for its unit admins"
        )));
    }
    let rows = state.db().audit_under(unit, before, page).await?;
    let next = (rows.len() as i64 == page)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok((rows, next))
}
