//! Pages a plugin declares: path, who they are for, and their title.

use serde::Deserialize;

use super::ManifestError;

/// Who a page is meant for; the host lists it in that audience's navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Residents, on their phones.
    Resident,
    /// Grid workers.
    Worker,
    /// Unit admins.
    Admin,
}

/// One declared page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Path below the plugin's mount point, starting with `/`.
    pub path: String,
    /// Who it is for.
    pub audience: Audience,
    /// Chinese title for navigation.
    pub title: String,
}

impl Page {
    pub(super) fn validate(&self, field: &str) -> Result<(), ManifestError> {
        let path_ok = self.path.starts_with('/')
            && !self.path.contains("..")
            && !self.path.contains("//")
            && self.path.bytes().all(|b| b.is_ascii_graphic());
        if !path_ok {
            return Err(ManifestError::invalid(
                format!("{field}.path"),
                format!(
                    "`{}` must start with `/` and hold no `..`, `//` or spaces",
                    self.path
                ),
            ));
        }
        if self.title.trim().is_empty() {
            return Err(ManifestError::invalid(
                format!("{field}.title"),
                "must not be empty",
            ));
        }
        Ok(())
    }
}
