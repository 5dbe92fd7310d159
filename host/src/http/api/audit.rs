//! The audit log for unit admins (`/api/audit`, `rules::audit_log`): who did what, when and
//! why, at the units of their subtree, newest first.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::responses::Forbidden;
use super::user::ApiUser;
use crate::rules::audit_log;
use crate::state::AppState;

/// Entries per page.
const PAGE: i64 = 100;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// A page of a unit's audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The unit: its subtree's entries are listed.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
    /// Entries older than this id (the previous page's `next`).
    pub before: Option<i64>,
}

/// One entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryJson {
    /// Its sequence number.
    pub id: i64,
    /// When (ms since the epoch).
    pub at: i64,
    /// Who: `user:NAME`, `plugin:ID#N`, `cli`, `anonymous` …
    pub actor: String,
    /// What (`resident.unmasked`, `plugin.installed` …).
    pub action: String,
    /// To what.
    pub subject: String,
    /// Where.
    pub unit: Option<String>,
    /// The details (the stated reason of an unmasked read …).
    #[schema(value_type = Object)]
    pub detail: Value,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<EntryJson>,
    /// The `before` of the next page; `null` on the last.
    pub next: Option<i64>,
}

/// Read the audit log
///
/// Unit admins over the unit: the append-only log of every sensitive read and
/// administrative act in the subtree, newest first, 100 a page.
#[utoipa::path(
    get,
    path = "/api/audit",
    tag = "audit",
    operation_id = "readAuditLog",
    params(AuditQuery),
    responses(
        (status = 200, description = "One page.", body = AuditPage),
        (status = 403, response = Forbidden),
    )
)]
async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let (rows, next) =
        audit_log::page(state.db(), user.person(), &query.unit, query.before, PAGE).await?;
    Ok(Json(AuditPage {
        entries: rows
            .into_iter()
            .map(|r| EntryJson {
                detail: serde_json::from_str::<Value>(&r.detail).unwrap_or(Value::Null),
                id: r.id,
                at: r.at,
                actor: r.actor,
                action: r.action,
                subject: r.subject,
                unit: r.unit_code,
            })
            .collect(),
        next,
    }))
}
