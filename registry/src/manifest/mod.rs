//! The plugin manifest (`plugin.toml`): identity, contract range, where it may be installed,
//! what it may touch, and what it offers. Parsing is strict: unknown fields are errors.

mod category;
mod config_schema;
mod level;
mod page;
mod permission;
mod plugin_id;
mod schedule;

use serde::Deserialize;

pub use category::Category;
pub use config_schema::{ConfigField, ConfigType, value_text};
pub use level::Level;
pub use page::{Audience, Page};
pub use permission::Permission;
pub use plugin_id::PluginId;
pub use schedule::{MIN_INTERVAL_MINUTES, Schedule, Timing};

/// A parsed and validated plugin manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Stable identifier, used in URLs (`/p/{id}/`).
    pub id: PluginId,
    /// Chinese display name.
    pub name: String,
    /// This release's version.
    pub version: semver::Version,
    /// The `wangge:plugin` contract versions the component was built against.
    pub contract: semver::VersionReq,
    /// Who publishes it.
    pub publisher: String,
    /// A one-line description.
    #[serde(default)]
    pub description: String,
    /// Levels at which the plugin may be installed.
    pub levels: Vec<Level>,
    /// Capabilities the plugin asks for. Storage, log and config are always granted.
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// The pages it serves.
    #[serde(default)]
    pub pages: Vec<Page>,
    /// Event categories it owns.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Hooks it subscribes to.
    #[serde(default)]
    pub hooks: Vec<HookSubscription>,
    /// Times at which the host calls its `scheduled` hook.
    #[serde(default)]
    pub schedules: Vec<Schedule>,
    /// Configuration keys an admin may set, with types and defaults.
    #[serde(default)]
    pub config: std::collections::BTreeMap<String, ConfigField>,
}

/// Notifications a plugin may subscribe to (the `hooks` export).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookSubscription {
    /// A resident in scope was added, updated or removed.
    ResidentChanged,
    /// An event was reported in scope.
    EventReported,
    /// An event moved in the workflow.
    EventTransitioned,
}

/// Why a manifest was refused. Each message names the field and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The TOML does not parse or does not fit the schema (unknown field, bad type …).
    #[error("plugin.toml: {0}")]
    Syntax(String),
    /// A field parsed but its value is not acceptable.
    #[error("plugin.toml: field `{field}`: {problem}")]
    Invalid {
        /// The field, as a path (`pages[1].path`).
        field: String,
        /// What is wrong and what was expected.
        problem: String,
    },
}

impl ManifestError {
    /// The field at fault (`pages[1].path`), when the error is about one field.
    pub fn field(&self) -> Option<&str> {
        match self {
            ManifestError::Syntax(_) => None,
            ManifestError::Invalid { field, .. } => Some(field),
        }
    }

    fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl Manifest {
    /// Parses and validates a manifest from its TOML text.
    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| ManifestError::Syntax(e.to_string()))?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// Whether the manifest asks for `permission`.
    pub fn requests(&self, permission: &Permission) -> bool {
        self.permissions.contains(permission)
    }

    fn validate(&self) -> Result<(), ManifestError> {
        if self.name.trim().is_empty() {
            return Err(ManifestError::invalid("name", "must not be empty"));
        }
        if self.publisher.trim().is_empty() {
            return Err(ManifestError::invalid("publisher", "must not be empty"));
        }
        if self.levels.is_empty() {
            return Err(ManifestError::invalid(
                "levels",
                "name at least one level where the plugin may be installed",
            ));
        }
        reject_duplicates(
            "permissions",
            self.permissions.iter().map(|p| p.to_string()),
        )?;
        reject_duplicates("pages", self.pages.iter().map(|p| p.path.clone()))?;
        reject_duplicates("categories", self.categories.iter().map(|c| c.code.clone()))?;
        for (i, page) in self.pages.iter().enumerate() {
            page.validate(&format!("pages[{i}]"))?;
        }
        for (i, category) in self.categories.iter().enumerate() {
            category.validate(&format!("categories[{i}]"), &self.id)?;
        }
        for (key, field) in &self.config {
            field.validate(key)?;
        }
        reject_duplicates("schedules", self.schedules.iter().map(|s| s.name.clone()))?;
        for (i, schedule) in self.schedules.iter().enumerate() {
            schedule.validate(&format!("schedules[{i}]"))?;
        }
        Ok(())
    }
}

fn reject_duplicates(
    field: &str,
    values: impl Iterator<Item = String>,
) -> Result<(), ManifestError> {
    let mut seen = std::collections::BTreeSet::new();
    for value in values {
        if !seen.insert(value.clone()) {
            return Err(ManifestError::invalid(
                field,
                format!("`{value}` is listed twice"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
