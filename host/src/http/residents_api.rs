//! 实有人口 over the JSON API: lists scoped to the caller's units with ID numbers and phones
//! masked, and the unmasked read that needs the sensitive-data grant, a stated reason, and
//! leaves an audit row.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use crate::auth::Role;
use crate::db::audit::AuditEntry;
use crate::db::residents::{StoredResident, parse_cursor};
use crate::grid::masking::{MIN_UNMASK_REASON_CHARS, mask_id_number, mask_phone};

/// Rows per page unless asked for fewer.
const MAX_PAGE: i64 = 200;

/// Roles that work with resident lists.
pub(super) const LIST_ROLES: [Role; 2] = [Role::GridWorker, Role::UnitAdmin];

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/residents", get(list))
        .route("/api/residents/{id}/unmask", post(unmask))
}

/// A resident as JSON, sensitive fields masked unless `unmasked`.
fn resident_json(resident: &StoredResident, unmasked: bool) -> Value {
    let (id_number, phone) = if unmasked {
        (resident.id_number.clone(), resident.phone.clone())
    } else {
        (
            mask_id_number(&resident.id_number),
            resident.phone.as_deref().map(mask_phone),
        )
    };
    json!({
        "id": resident.id,
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date,
        "id_number": id_number,
        "phone": phone,
        "population_type": resident.population_type,
        "grid_code": resident.grid_code,
        "tags": resident.tags,
        "household_id": resident.household_id,
        "household_relation": resident.household_relation,
        "house_id": resident.house_id,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    unit: String,
    /// `GRID_CODE:ID` of the last row of the previous page.
    after: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    if !LIST_ROLES
        .iter()
        .any(|role| current.grants.has_role_at(*role, &query.unit))
    {
        return Err(ApiError::Forbidden(format!(
            "listing residents of unit {} needs a grid-worker or unit-admin role there",
            query.unit
        )));
    }
    let after = match &query.after {
        None => None,
        Some(cursor) => Some(parse_cursor(cursor).ok_or(ApiError::Invalid {
            field: "after",
            problem: "expected GRID_CODE:ID from the previous page's `next`".into(),
        })?),
    };
    let limit = query.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let rows = state
        .db()
        .residents_under(&query.unit, after, limit)
        .await?;
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| format!("{}:{}", r.grid_code, r.id)))
        .flatten();
    let residents: Vec<Value> = rows.iter().map(|r| resident_json(r, false)).collect();
    Ok(Json(json!({ "residents": residents, "next": next })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnmaskRequest {
    reason: String,
}

async fn unmask(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Json(body): Json<UnmaskRequest>,
) -> Result<Json<Value>, ApiError> {
    let reason = body.reason.trim();
    if reason.chars().count() < MIN_UNMASK_REASON_CHARS {
        return Err(ApiError::Invalid {
            field: "reason",
            problem: format!(
                "state why you need the unmasked record (at least {MIN_UNMASK_REASON_CHARS} characters)"
            ),
        });
    }
    let not_found = || ApiError::NotFound(format!("resident {id}"));
    let resident = state.db().resident(id).await?.ok_or_else(not_found)?;
    // Someone who cannot see the resident at all learns nothing, not even that it exists.
    if !current.grants.reaches(&resident.grid_code) {
        return Err(not_found());
    }
    if !current
        .grants
        .has_role_at(Role::SensitiveData, &resident.grid_code)
    {
        return Err(ApiError::Forbidden(
            "reading ID numbers and phones unmasked needs the sensitive-data grant for this unit"
                .into(),
        ));
    }
    state
        .db()
        .audit(AuditEntry {
            actor: &format!("user:{}", current.user.username),
            action: "resident.unmasked",
            subject: &format!("resident:{id}"),
            unit_code: Some(&resident.grid_code),
            detail: json!({ "reason": reason }),
        })
        .await?;
    Ok(Json(resident_json(&resident, true)))
}
