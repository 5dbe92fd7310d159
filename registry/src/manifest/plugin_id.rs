//! Plugin identifiers: short, lowercase, URL-safe names such as `elder-care`.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// Longest accepted id; ids appear in URLs, metric labels and table keys.
const MAX_ID_LEN: usize = 40;

/// A validated plugin id: 2–40 characters of `a-z`, `0-9` and single inner hyphens,
/// starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PluginId(String);

impl PluginId {
    /// Validates `id`.
    pub fn new(id: &str) -> Result<Self, String> {
        let valid_chars = id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok = (2..=MAX_ID_LEN).contains(&id.len())
            && valid_chars
            && id.as_bytes()[0].is_ascii_lowercase()
            && !id.ends_with('-')
            && !id.contains("--");
        if ok {
            Ok(Self(id.to_owned()))
        } else {
            Err(format!(
                "`{id}` is not a plugin id: expected 2 to {MAX_ID_LEN} characters of a-z, 0-9 \
                 and single hyphens, starting with a letter and not ending with a hyphen"
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PluginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PluginId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PluginId::new(&text).map_err(serde::de::Error::custom)
    }
}
