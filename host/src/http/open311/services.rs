//! Services: the event categories (`services.json`) and one category's definition with its
//! custom fields as GeoReport attributes (`services/{code}.json`).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::error::Open311Error;
use super::format::json_name;
use crate::db::events::Category;
use crate::grid::custom_fields::{Field, FieldKind};
use crate::rules::events::categories::{self, fields_of};
use crate::state::AppState;

/// Dispute categories (`dispute.*`) form one group; everything else is "other".
fn group(category: &Category) -> &'static str {
    if category.code.starts_with("dispute.") {
        "dispute"
    } else {
        "other"
    }
}

fn service_json(category: &Category) -> Value {
    let group_zh = if group(category) == "dispute" {
        "矛盾纠纷"
    } else {
        "城市管理"
    };
    json!({
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description.clone().unwrap_or_default(),
        "metadata": category.fields_schema.is_some(),
        "type": "realtime",
        "keywords": format!("{},{group_zh}", category.name.replace('/', ",")),
        "group": group(category),
    })
}

/// `GET services.json`: every category.
pub(super) async fn list(State(state): State<AppState>) -> Result<Json<Value>, Open311Error> {
    let services: Vec<Value> = categories::all(state.db())
        .await?
        .iter()
        .map(service_json)
        .collect();
    Ok(Json(Value::from(services)))
}

/// A field as a GeoReport attribute: enums and booleans are single-value lists, numbers
/// are numbers, text is a string. `description` is the label a form shows; the longer
/// explanation goes to `datatype_description`.
fn attribute_json(order: usize, field: &Field) -> Value {
    let (datatype, values) = match &field.kind {
        FieldKind::String {
            choices: Some(choices),
            ..
        } => (
            "singlevaluelist",
            Some(
                choices
                    .iter()
                    .map(|c| json!({ "key": c, "name": c }))
                    .collect::<Vec<_>>(),
            ),
        ),
        FieldKind::String { .. } => ("string", None),
        FieldKind::Integer { .. } | FieldKind::Number { .. } => ("number", None),
        FieldKind::Boolean => (
            "singlevaluelist",
            Some(vec![
                json!({ "key": "true", "name": "是" }),
                json!({ "key": "false", "name": "否" }),
            ]),
        ),
    };
    let mut attribute = json!({
        "variable": true,
        "code": field.name,
        "datatype": datatype,
        "required": field.required,
        "datatype_description": field.description,
        "order": order,
        "description": field.title,
    });
    if let Some(values) = values {
        attribute["values"] = Value::from(values);
    }
    attribute
}

/// `GET services/{code}.json`: the category's custom fields, in form order.
pub(super) async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Json<Value>, Open311Error> {
    let code = json_name(&file)?;
    let category = categories::all(state.db())
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| {
            Open311Error::not_found(format!(
                "service {code} not found (services.json lists them)"
            ))
        })?;
    let attributes: Vec<Value> = fields_of(&category)?
        .map(|fields| {
            fields
                .fields()
                .iter()
                .enumerate()
                .map(|(i, field)| attribute_json(i + 1, field))
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(
        json!({ "service_code": category.code, "attributes": attributes }),
    ))
}
