//! Event categories a plugin owns (e.g. elder-care visits), with their SLA.

use serde::Deserialize;

use super::{ManifestError, PluginId};

/// Longest SLA a category may declare; anything longer is not a deadline.
const MAX_SLA_WORKING_DAYS: u32 = 250;

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
        Ok(())
    }
}
