//! The unit tree over the JSON API (`rules::units`): a subtree for anyone with a role in
//! it, and imports (CSV or GeoJSON, all or nothing) for unit admins within their subtrees.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::responses::{Forbidden, Invalid};
use super::user::ApiUser;
use crate::rules::RuleError;
use crate::rules::units::{self, UnitFile};
use crate::state::AppState;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(subtree))
        .routes(routes!(import))
}

/// The subtree asked for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SubtreeQuery {
    /// The subtree's root; the caller must hold a role there.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub under: String,
    /// Include each unit's GeoJSON boundary.
    #[serde(default)]
    pub boundaries: bool,
    /// `area` (province … grid), `department` (the departments attached to the root or
    /// below it), or both when absent.
    #[param(inline)]
    pub kind: Option<KindParam>,
}

/// Which units a listing holds.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindParam {
    /// Province … grid.
    Area,
    /// 职能部门.
    Department,
}

/// A unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitJson {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// `province`, `city`, `county`, `street`, `community`, `grid`, or `department` (a
    /// department attached to its parent, a county or street; its code is the parent's, `.`
    /// and a short name: `420202.cgj`).
    pub level: String,
    /// Its parent's code; `null` for a province.
    pub parent: Option<String>,
    /// Whether it has a boundary.
    pub has_boundary: bool,
    /// Its boundary (a GeoJSON geometry) when asked for with `boundaries=true`, else `null`.
    #[schema(value_type = Option<Object>)]
    pub boundary: Value,
}

/// A subtree.
#[derive(Debug, Serialize, ToSchema)]
pub struct Units {
    /// The root first, then the rest by code.
    pub units: Vec<UnitJson>,
}

/// List a subtree of units
///
/// Any role over the root.
#[utoipa::path(
    get,
    path = "/api/units",
    tag = "units",
    operation_id = "listUnits",
    params(SubtreeQuery),
    responses(
        (status = 200, description = "The subtree.", body = Units),
        (status = 403, response = Forbidden),
    )
)]
async fn subtree(
    State(state): State<AppState>,
    user: ApiUser,
    Query(query): Query<SubtreeQuery>,
) -> Result<Json<Units>, ApiError> {
    let kind = match query.kind {
        None => units::Kind::All,
        Some(KindParam::Area) => units::Kind::Area,
        Some(KindParam::Department) => units::Kind::Department,
    };
    let rows = units::subtree(state.db(), user.person(), &query.under, kind).await?;
    Ok(Json(Units {
        units: rows
            .into_iter()
            .map(|unit| {
                let boundary = match (&unit.boundary, query.boundaries) {
                    (Some(text), true) => serde_json::from_str(text).unwrap_or(Value::Null),
                    _ => Value::Null,
                };
                UnitJson {
                    has_boundary: unit.boundary.is_some(),
                    code: unit.code,
                    name: unit.name,
                    level: unit.level,
                    parent: unit.parent_code,
                    boundary,
                }
            })
            .collect(),
    }))
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedJson {
    /// Units in the file.
    pub imported: usize,
    /// New units.
    pub created: usize,
    /// Units whose name or boundary changed.
    pub updated: usize,
}

/// Import units
///
/// Unit admins, for units inside their subtrees only: `text/csv` (`code,name[,parent]`) or
/// a GeoJSON FeatureCollection (`application/geo+json` or `application/json`) with `code`,
/// `name` and `parent` properties. All or nothing: a 400 names every bad row. Audited
/// `units.imported`.
#[utoipa::path(
    post,
    path = "/api/units/import",
    tag = "units",
    operation_id = "importUnits",
    request_body(content(
        (String = "text/csv"),
        (Object = "application/geo+json"),
        (Object = "application/json"),
    ), description = "The units."),
    responses(
        (status = 200, description = "Imported.", body = ImportedJson),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    body: String,
) -> Result<Json<ImportedJson>, ApiError> {
    let content_type = super::media_type::of(&headers);
    let file = match content_type.as_str() {
        "text/csv" => UnitFile::Csv(&body),
        "application/geo+json" | "application/json" => UnitFile::GeoJson(&body),
        other => {
            return Err(RuleError::invalid(
                "content-type",
                format!("`{other}`: send text/csv or application/geo+json (a FeatureCollection)"),
            )
            .into());
        }
    };
    let imported = units::import(state.db(), user.person(), file).await?;
    Ok(Json(ImportedJson {
        imported: imported.units,
        created: imported.counts.created,
        updated: imported.counts.updated,
    }))
}
