//! Event categories that plugins own: registered with the plugin, inside its registration's
//! transaction, and refused when the code is a built-in category or another plugin's.
//!
//! A category dropped from a later manifest stays: events may refer to it, and its history
//! must still read. It goes only when its plugin's registration is undone (see
//! `Db::unregister`) and no event uses it.

use sqlx::Row;

/// A category as a plugin's manifest declares it, its fields schema already checked
/// against the subset of `grid::custom_fields`.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginCategory {
    /// Code, prefixed by the plugin id.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Working days from acceptance.
    pub sla_working_days: u32,
    /// What belongs in it.
    pub description: Option<String>,
    /// The JSON Schema of its custom fields, if it has any.
    pub fields_schema: Option<serde_json::Value>,
}

/// Why a plugin's categories were not registered. Each message names the manifest field.
#[derive(Debug, thiserror::Error)]
pub enum CategoryClaimError {
    /// The code is one of the platform's own categories.
    #[error(
        "field `{field}`: `{code}` is a built-in category; a plugin registers codes of its own"
    )]
    BuiltIn {
        /// `categories[N].code`.
        field: String,
        /// The code.
        code: String,
    },
    /// Another plugin registered the code first.
    #[error("field `{field}`: `{code}` is already owned by plugin `{owner}`")]
    OwnedByAnother {
        /// `categories[N].code`.
        field: String,
        /// The code.
        code: String,
        /// The plugin that owns it.
        owner: String,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A stored schema could not be written back as text.
    #[error("field `{field}`: {problem}")]
    Schema {
        /// `categories[N].fields_schema`.
        field: String,
        /// What went wrong.
        problem: String,
    },
}

/// Registers (or updates: name, SLA, description, schema) each of `plugin_id`'s categories,
/// after checking that none is built in or owned by another plugin. Run inside the
/// registration's transaction, so a refusal leaves nothing behind.
pub(super) async fn register_categories(
    tx: &mut sqlx::AnyConnection,
    plugin_id: &str,
    categories: &[PluginCategory],
) -> Result<(), CategoryClaimError> {
    for (i, category) in categories.iter().enumerate() {
        let field = format!("categories[{i}].code");
        let existing = sqlx::query("SELECT owner_plugin FROM event_categories WHERE code = $1")
            .bind(&category.code)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            match row.try_get::<Option<String>, _>("owner_plugin")? {
                None => {
                    return Err(CategoryClaimError::BuiltIn {
                        field,
                        code: category.code.clone(),
                    });
                }
                Some(owner) if owner != plugin_id => {
                    return Err(CategoryClaimError::OwnedByAnother {
                        field,
                        code: category.code.clone(),
                        owner,
                    });
                }
                Some(_) => {}
            }
        }
        let schema = category
            .fields_schema
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| CategoryClaimError::Schema {
                field: format!("categories[{i}].fields_schema"),
                problem: e.to_string(),
            })?;
        // The manifest caps the SLA far below i32::MAX; saturating keeps this total.
        let sla = i32::try_from(category.sla_working_days).unwrap_or(i32::MAX);
        sqlx::query(
            "INSERT INTO event_categories \
             (code, name, sla_working_days, owner_plugin, description, fields_schema) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE \
             SET name = excluded.name, sla_working_days = excluded.sla_working_days, \
             description = excluded.description, fields_schema = excluded.fields_schema",
        )
        .bind(&category.code)
        .bind(&category.name)
        .bind(sla)
        .bind(plugin_id)
        .bind(category.description.as_deref())
        .bind(schema)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Removes the categories of `plugin_id` once no version of it is registered and no event
/// uses them: the undo of a registration whose install hook failed.
pub(super) async fn forget_orphaned_categories(
    tx: &mut sqlx::AnyConnection,
    plugin_id: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM event_categories WHERE owner_plugin = $1 \
         AND NOT EXISTS (SELECT 1 FROM plugins WHERE id = $1) \
         AND NOT EXISTS (SELECT 1 FROM events WHERE events.category = event_categories.code)",
    )
    .bind(plugin_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
