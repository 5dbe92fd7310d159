//! Event categories as the rules use them: the one a report names, with its custom fields,
//! and the check of a report's answers to those fields.

use serde_json::Value;

use crate::db::Db;
use crate::db::events::Category;
use crate::grid::custom_fields::{FieldsSchema, validate_attributes};
use crate::rules::actor::Actor;
use crate::rules::error::{RuleError, RuleResult};

/// Every category, by code.
pub async fn all(db: &Db) -> RuleResult<Vec<Category>> {
    Ok(db.event_categories().await?)
}

/// The category with `code` that `actor` may report in: any category for a person (`Invalid`
/// naming `category` for an unknown code), only its own for a plugin (`Forbidden` naming
/// the category and the plugin's own).
pub async fn to_report_in(db: &Db, actor: &Actor<'_>, code: &str) -> RuleResult<Category> {
    let categories = all(db).await?;
    match actor {
        Actor::Person(_) => categories
            .into_iter()
            .find(|c| c.code == code)
            .ok_or_else(|| {
                RuleError::invalid(
                    "category",
                    format!("unknown category `{code}` (GET /api/event-categories lists them)"),
                )
            }),
        Actor::Plugin(installation) => {
            let owned_by_it =
                |c: &Category| c.owner_plugin.as_deref() == Some(installation.plugin_id);
            let own: Vec<&str> = categories
                .iter()
                .filter(|c| owned_by_it(c))
                .map(|c| c.code.as_str())
                .collect();
            if !own.contains(&code) {
                return Err(RuleError::Forbidden(format!(
                    "category `{code}` is not one of this plugin's own categories (it owns: {})",
                    if own.is_empty() {
                        "none".to_owned()
                    } else {
                        own.join(", ")
                    }
                )));
            }
            categories
                .into_iter()
                .find(|c| c.code == code)
                .ok_or_else(|| RuleError::Internal(anyhow::anyhow!("category {code} vanished")))
        }
    }
}

/// The category's custom fields. A stored schema outside the subset is the platform's
/// fault (registration checks it), so it is an internal error, not the reporter's.
pub fn fields_of(category: &Category) -> RuleResult<Option<FieldsSchema>> {
    category
        .fields_schema
        .as_ref()
        .map(FieldsSchema::parse)
        .transpose()
        .map_err(|e| {
            RuleError::Internal(anyhow::anyhow!(
                "category {} has a fields schema outside the subset: {e}",
                category.code
            ))
        })
}

/// Checks `attributes` against the category's custom fields; the error names the field
/// (`InvalidAttribute`), or `attributes` for a value that is not an object.
pub fn check_attributes(category: &Category, attributes: &Value) -> RuleResult<()> {
    let fields = fields_of(category)?;
    validate_attributes(fields.as_ref(), attributes).map_err(|problem| {
        match problem.path.strip_prefix("attributes.") {
            Some(name) => RuleError::InvalidAttribute {
                name: name.to_owned(),
                problem: problem.message,
            },
            None => RuleError::invalid("attributes", problem.message),
        }
    })
}
