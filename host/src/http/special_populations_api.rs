//! 特殊人群 over the JSON API. Only the roles in
//! [`ROLES_THAT_SEE_RECORDS`] see records, only within their units, and every list read is
//! audited (who read which unit's records, how many). Leaders get counts on dashboards.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::{ApiError, text_field};
use super::current_user::CurrentUser;
use super::scope::{next_cursor, page_after, page_limit, require_role};
use crate::auth::Role;
use crate::db::audit::AuditEntry;
use crate::db::special_populations::{
    NewSpecialPopulation, SpecialPopulationError, StoredSpecialPopulation,
};
use crate::grid::special_population::{
    CATEGORIES, CONTROL_LEVELS, ROLES_THAT_SEE_RECORDS, category_zh, parse_category,
    parse_control_level,
};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/special-populations", get(list).post(register))
}

fn choices(list: &[(&str, &str)]) -> String {
    list.iter()
        .map(|(name, zh)| format!("{name} ({zh})"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    unit: String,
    category: Option<String>,
    after: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let (rows, next) = read_records(
        &state,
        &current,
        &query.unit,
        query.category.as_deref(),
        query.after.as_deref(),
        query.limit,
    )
    .await?;
    let records: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "resident_id": r.resident_id,
                "resident_name": r.resident_name,
                "category": r.category,
                "category_zh": category_zh(&r.category),
                "control_level": r.control_level,
                "responsible": r.responsible,
                "grid_code": r.grid_code,
                "note": r.note,
            })
        })
        .collect();
    Ok(Json(
        json!({ "special_populations": records, "next": next }),
    ))
}

/// One page of the special-population records of `unit` as `current` may read them (one of
/// [`ROLES_THAT_SEE_RECORDS`] there), with the next page's cursor; every read is audited.
/// The API's and the worker pages' one way to read records.
pub(super) async fn read_records(
    state: &AppState,
    current: &CurrentUser,
    unit: &str,
    category: Option<&str>,
    after: Option<&str>,
    limit: Option<i64>,
) -> Result<(Vec<StoredSpecialPopulation>, Option<String>), ApiError> {
    require_role(
        &current.grants,
        &ROLES_THAT_SEE_RECORDS,
        unit,
        "reading special-population records",
    )?;
    let category = match category {
        None => None,
        Some(text) => Some(parse_category(text).ok_or_else(|| ApiError::Invalid {
            field: "category",
            problem: format!("expected one of {}", choices(&CATEGORIES)),
        })?),
    };
    let after = page_after(after)?;
    let limit = page_limit(limit);
    let rows = state
        .db()
        .special_populations_under(unit, category, after, limit)
        .await?;
    state
        .db()
        .audit(AuditEntry {
            actor: &format!("user:{}", current.user.username),
            action: "special_populations.read",
            subject: &format!("unit:{}", unit),
            unit_code: Some(unit),
            detail: json!({ "category": category, "rows": rows.len() }),
        })
        .await?;
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|r| (r.grid_code.as_str(), r.id)),
    );
    Ok((rows, next))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterRequest {
    resident_id: i64,
    category: String,
    control_level: String,
    /// The grid worker responsible (username); must hold `grid-worker` over the resident.
    responsible: Option<String>,
    #[serde(default)]
    note: String,
}

async fn register(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let category = parse_category(body.category.trim()).ok_or_else(|| ApiError::Invalid {
        field: "category",
        problem: format!("expected one of {}", choices(&CATEGORIES)),
    })?;
    let control_level =
        parse_control_level(body.control_level.trim()).ok_or_else(|| ApiError::Invalid {
            field: "control_level",
            problem: format!("expected one of {}", choices(&CONTROL_LEVELS)),
        })?;
    let note = text_field("note", &body.note, 0, 500)?;
    let not_found = || ApiError::NotFound(format!("resident {}", body.resident_id));
    let resident = state
        .db()
        .resident(body.resident_id)
        .await?
        .ok_or_else(not_found)?;
    // Someone who cannot see the resident learns nothing, not even that they exist.
    if !current.grants.reaches(&resident.grid_code) {
        return Err(not_found());
    }
    require_role(
        &current.grants,
        &ROLES_THAT_SEE_RECORDS,
        &resident.grid_code,
        "registering special-population records",
    )?;
    let responsible_user = match body.responsible.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(username) => {
            let worker = match state.db().user_for_sign_in(username).await? {
                Some((user, _)) => {
                    let grants = state.db().grants_of(user.id).await?;
                    grants
                        .has_role_at(Role::GridWorker, &resident.grid_code)
                        .then_some(user.id)
                }
                None => None,
            };
            Some(worker.ok_or_else(|| ApiError::Invalid {
                field: "responsible",
                problem: format!(
                    "`{username}` is not a grid worker of grid {}",
                    resident.grid_code
                ),
            })?)
        }
    };
    let id = state
        .db()
        .insert_special_population(&NewSpecialPopulation {
            resident_id: resident.id,
            category,
            control_level,
            responsible_user,
            grid_code: &resident.grid_code,
            note,
        })
        .await
        .map_err(|e| match e {
            SpecialPopulationError::Duplicate => ApiError::Conflict(e.to_string()),
            SpecialPopulationError::Database(e) => ApiError::from(e),
        })?;
    state
        .db()
        .audit(AuditEntry {
            actor: &format!("user:{}", current.user.username),
            action: "special_population.registered",
            subject: &format!("resident:{}", resident.id),
            unit_code: Some(&resident.grid_code),
            detail: json!({ "category": category, "control_level": control_level }),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}
