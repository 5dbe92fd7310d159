//! Event categories a plugin owns (e.g. elder-care visits), with their SLA, an optional
//! description and an optional schema of custom fields. The registry only checks that the
//! schema is a table; the host checks it against the subset it validates events with
//! (`host/src/grid/custom_fields.rs`) when the plugin is added.

use serde::Deserialize;

use super::{ManifestError, PluginId};

/// Longest SLA a category may declare; anything longer is not a deadline.
const MAX_SLA_WORKING_DAYS: u32 = 250;

/// Longest description: one or two sentences shown beside the category's name on forms,
/// as long as the built-in categories' descriptions allow for.
const MAX_DESCRIPTION_CHARS: usize = 200;

/// One event category owned by the plugin.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Code, prefixed by the plugin id: `elder-care.visit`.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Deadline in working days from acceptance.
    pub sla_working_days: u32,
    /// What belongs in the category, shown beside its name.
    #[serde(default)]
    pub description: Option<String>,
    /// The JSON Schema of the category's custom fields (an inline TOML table), if it has
    /// any. Only its shape is checked here; the host checks the subset it supports.
    #[serde(default)]
    pub fields_schema: Option<serde_json::Value>,
}

impl Category {
    pub(super) fn validate(&self, field: &str, plugin: &PluginId) -> Result<(), ManifestError> {
        let prefix = format!("{plugin}.");
        let rest = self.code.strip_prefix(&prefix).unwrap_or("");
        let rest_ok = !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !rest_ok {
            return Err(ManifestError::invalid(
                format!("{field}.code"),
                format!(
                    "`{}` must be `{prefix}` followed by a-z, 0-9 or `-`",
                    self.code
                ),
            ));
        }
        if self.name.trim().is_empty() {
            return Err(ManifestError::invalid(
                format!("{field}.name"),
                "must not be empty",
            ));
        }
        if !(1..=MAX_SLA_WORKING_DAYS).contains(&self.sla_working_days) {
            return Err(ManifestError::invalid(
                format!("{field}.sla_working_days"),
                format!("expected 1 to {MAX_SLA_WORKING_DAYS} working days"),
            ));
        }
        if let Some(description) = &self.description {
            let chars = description.trim().chars().count();
            if !(1..=MAX_DESCRIPTION_CHARS).contains(&chars) {
                return Err(ManifestError::invalid(
                    format!("{field}.description"),
                    format!("expected 1 to {MAX_DESCRIPTION_CHARS} characters, got {chars}"),
                ));
            }
        }
        if let Some(schema) = &self.fields_schema
            && !schema.is_object()
        {
            return Err(ManifestError::invalid(
                format!("{field}.fields_schema"),
                "expected a table (a JSON Schema object describing the custom fields)",
            ));
        }
        Ok(())
    }
}
