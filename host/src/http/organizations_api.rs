//! 实有单位/组织 over the JSON API: register one in a grid, list a subtree's page by page.
//! Contact phones are masked like residents'.

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
use crate::db::organizations::{NewOrganization, OrganizationError, StoredOrganization};
use crate::grid::house::MAX_ADDRESS_CHARS;
use crate::grid::masking::mask_phone;
use crate::grid::organization::{KINDS, check_credit_code, parse_kind};

/// Roles that keep organization records.
const ROLES: [Role; 2] = [Role::GridWorker, Role::UnitAdmin];

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/organizations", get(list).post(register))
}

fn organization_json(organization: &StoredOrganization) -> Value {
    json!({
        "id": organization.id,
        "name": organization.name,
        "kind": organization.kind,
        "credit_code": organization.credit_code,
        "address": organization.address,
        "house_id": organization.house_id,
        "contact_name": organization.contact_name,
        "contact_phone": organization.contact_phone.as_deref().map(mask_phone),
        "grid_code": organization.grid_code,
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
        &ROLES,
        &query.unit,
        "listing organizations",
    )?;
    let after = page_after(query.after.as_deref())?;
    let limit = page_limit(query.limit);
    let rows = state
        .db()
        .organizations_under(&query.unit, after, limit)
        .await?;
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|o| (o.grid_code.as_str(), o.id)),
    );
    let organizations: Vec<Value> = rows.iter().map(organization_json).collect();
    Ok(Json(
        json!({ "organizations": organizations, "next": next }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterRequest {
    name: String,
    kind: String,
    credit_code: Option<String>,
    address: String,
    /// The grid; may be left out when `address` is a registered house (its grid is used).
    grid_code: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
}

fn optional_text(
    field: &'static str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Ok(Some(text_field(field, text, 1, max)?.to_owned())),
    }
}

async fn register(
    State(state): State<AppState>,
    current: CurrentUser,
    Json(body): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = text_field("name", &body.name, 1, 100)?;
    let kind = parse_kind(body.kind.trim()).ok_or_else(|| ApiError::Invalid {
        field: "kind",
        problem: format!(
            "expected one of {}",
            KINDS
                .iter()
                .map(|(name, zh)| format!("{name} ({zh})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })?;
    let credit_code = optional_text("credit_code", body.credit_code.as_deref(), 18)?;
    if let Some(code) = &credit_code {
        check_credit_code(code).map_err(|problem| ApiError::Invalid {
            field: "credit_code",
            problem,
        })?;
    }
    let address = text_field("address", &body.address, 1, MAX_ADDRESS_CHARS)?;
    let contact_name = optional_text("contact_name", body.contact_name.as_deref(), 50)?;
    let contact_phone = optional_text("contact_phone", body.contact_phone.as_deref(), 20)?;
    let house = state.db().houses_at(&[address]).await?.remove(address);
    let grid_code = match (body.grid_code.as_deref().map(str::trim), &house) {
        (Some(grid), _) if !grid.is_empty() => grid.to_owned(),
        (_, Some(house)) => house.grid_code.clone(),
        _ => {
            return Err(ApiError::Invalid {
                field: "grid_code",
                problem: "name the grid, or give the standard address of a registered house".into(),
            });
        }
    };
    if crate::grid::unit_code::level_of(&grid_code) != Ok(wangge_registry::Level::Grid) {
        return Err(ApiError::Invalid {
            field: "grid_code",
            problem: format!("`{grid_code}` is not a grid code (15 digits)"),
        });
    }
    require_role(
        &current.grants,
        &ROLES,
        &grid_code,
        "registering organizations",
    )?;
    if state.db().unit(&grid_code).await?.is_none() {
        return Err(ApiError::Invalid {
            field: "grid_code",
            problem: format!("`{grid_code}` is not a known grid"),
        });
    }
    let organization = NewOrganization {
        name: name.to_owned(),
        kind,
        credit_code,
        address: address.to_owned(),
        house_id: house.as_ref().map(|h| h.id),
        contact_name,
        contact_phone,
        grid_code,
    };
    let id = state
        .db()
        .insert_organization(&organization)
        .await
        .map_err(|e| match e {
            OrganizationError::DuplicateCreditCode => ApiError::Conflict(e.to_string()),
            OrganizationError::Database(e) => ApiError::from(e),
        })?;
    state
        .db()
        .audit(AuditEntry {
            actor: &format!("user:{}", current.user.username),
            action: "organization.registered",
            subject: &format!("organization:{id}"),
            unit_code: Some(&organization.grid_code),
            detail: json!({ "name": organization.name }),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}
