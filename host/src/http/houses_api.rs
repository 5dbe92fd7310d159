//! 实有房屋 and 户 over the JSON API: houses of a subtree page by page, one house, and one
//! household with its members, each scoped to the caller's units.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use super::scope::{next_cursor, page_after, page_limit, require_role};
use crate::auth::Role;
use crate::db::houses::StoredHouse;

/// Roles that work with base data lists.
pub(super) const BASE_DATA_ROLES: [Role; 2] = [Role::GridWorker, Role::UnitAdmin];

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/houses", get(list))
        .route("/api/houses/{id}", get(read))
        .route("/api/households/{id}", get(household))
}

fn house_json(house: &StoredHouse) -> Value {
    json!({
        "id": house.id,
        "address": house.address,
        "latitude": house.latitude,
        "longitude": house.longitude,
        "usage": house.usage,
        "grid_code": house.grid_code,
        "grid_source": house.grid_source,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    unit: String,
    after: Option<String>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    require_role(
        &current.grants,
        &BASE_DATA_ROLES,
        &query.unit,
        "listing houses",
    )?;
    let after = page_after(query.after.as_deref())?;
    let limit = page_limit(query.limit);
    let rows = state.db().houses_under(&query.unit, after, limit).await?;
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|h| (h.grid_code.as_str(), h.id)),
    );
    let houses: Vec<Value> = rows.iter().map(house_json).collect();
    Ok(Json(json!({ "houses": houses, "next": next })))
}

async fn read(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    match state.db().house(id).await? {
        Some(house)
            if BASE_DATA_ROLES
                .iter()
                .any(|r| current.grants.has_role_at(*r, &house.grid_code)) =>
        {
            Ok(Json(house_json(&house)))
        }
        // Out of scope looks exactly like absent.
        _ => Err(ApiError::NotFound(format!("house {id}"))),
    }
}

async fn household(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    match state.db().household(id).await? {
        Some(household)
            if BASE_DATA_ROLES
                .iter()
                .any(|r| current.grants.has_role_at(*r, &household.grid_code)) =>
        {
            Ok(Json(json!({
                "id": household.id,
                "number": household.number,
                "house_id": household.house_id,
                "grid_code": household.grid_code,
                "head_resident_id": household.head_resident_id,
                "member_ids": household.member_ids,
            })))
        }
        _ => Err(ApiError::NotFound(format!("household {id}"))),
    }
}
