//! The unit tree over the JSON API: a subtree for anyone with a role in it, and imports
//! (CSV or GeoJSON, all or nothing) for unit admins, limited to their own subtrees.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api_error::ApiError;
use super::current_user::CurrentUser;
use crate::auth::Role;
use crate::db::audit::AuditEntry;
use crate::grid::unit_import::{RowProblem, parse_csv, parse_geojson, validate};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/units", get(subtree))
        .route("/api/units/import", post(import))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubtreeQuery {
    under: String,
    /// Include each unit's GeoJSON boundary.
    #[serde(default)]
    boundaries: bool,
}

async fn subtree(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<SubtreeQuery>,
) -> Result<Json<Value>, ApiError> {
    if !current.grants.reaches(&query.under) {
        return Err(ApiError::Forbidden(format!(
            "you hold no role at unit {}",
            query.under
        )));
    }
    let units: Vec<Value> = state
        .db()
        .unit_subtree(&query.under)
        .await?
        .into_iter()
        .map(|unit| {
            let boundary = match (&unit.boundary, query.boundaries) {
                (Some(text), true) => serde_json::from_str(text).unwrap_or(Value::Null),
                _ => Value::Null,
            };
            json!({
                "code": unit.code,
                "name": unit.name,
                "level": unit.level,
                "parent": unit.parent_code,
                "has_boundary": unit.boundary.is_some(),
                "boundary": boundary,
            })
        })
        .collect();
    Ok(Json(json!({ "units": units })))
}

/// One 400 naming every problem, the first problem's field as `field`.
fn rejected(problems: &[RowProblem]) -> ApiError {
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    ApiError::Invalid {
        field: problems.first().map_or("file", |p| p.field),
        problem: format!(
            "{} problem(s), nothing imported: {}",
            problems.len(),
            listed.join("; ")
        ),
    }
}

/// Imports units from the body: `text/csv` (`code,name[,parent]`) or GeoJSON
/// (`application/geo+json` or `application/json`, a FeatureCollection). Every row must lie
/// in the subtree of a unit where the caller is unit admin; one row outside refuses the
/// whole file, and so does any invalid row.
async fn import(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
    body: String,
) -> Result<Json<Value>, ApiError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let parsed = match content_type.as_str() {
        "text/csv" => parse_csv(&body),
        "application/geo+json" | "application/json" => parse_geojson(&body),
        other => {
            return Err(ApiError::Invalid {
                field: "content-type",
                problem: format!(
                    "`{other}`: send text/csv or application/geo+json (a FeatureCollection)"
                ),
            });
        }
    };
    let rows = parsed.map_err(|problems| rejected(&problems))?;
    if rows.is_empty() {
        return Err(ApiError::Invalid {
            field: "file",
            problem: "no units in the file".into(),
        });
    }
    if let Some((outside, _)) = rows
        .iter()
        .find(|(unit, _)| !current.grants.has_role_at(Role::UnitAdmin, &unit.code))
    {
        return Err(ApiError::Forbidden(format!(
            "row {}: unit {} lies outside every subtree where you are unit admin; nothing imported",
            outside.row, outside.code
        )));
    }
    let existing = state.db().existing_unit_codes().await?;
    let problems = validate(&rows, |code| existing.contains(code));
    if !problems.is_empty() {
        return Err(rejected(&problems));
    }
    let units: Vec<_> = rows.into_iter().map(|(unit, _)| unit).collect();
    let counts = state.db().import_units(&units).await?;
    let root = units
        .iter()
        .map(|u| u.code.as_str())
        .min_by_key(|code| code.len())
        .unwrap_or_default()
        .to_owned();
    state
        .db()
        .audit(AuditEntry {
            actor: &format!("user:{}", current.user.username),
            action: "units.imported",
            subject: &format!("unit:{root}"),
            unit_code: Some(&root),
            detail: json!({ "created": counts.created, "updated": counts.updated }),
        })
        .await?;
    Ok(Json(json!({
        "imported": units.len(),
        "created": counts.created,
        "updated": counts.updated,
    })))
}
