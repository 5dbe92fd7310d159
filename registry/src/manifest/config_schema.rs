//! The config schema: which keys an admin may set on an installation, their types and
//! defaults.

use serde::Deserialize;

use super::ManifestError;

/// The type of a config value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigType {
    /// Free text.
    String,
    /// A signed whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
}

/// One config key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigField {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ConfigType,
    /// Chinese label shown to the admin.
    pub title: String,
    /// The value used until an admin sets one.
    pub default: Option<toml::Value>,
}

impl ConfigField {
    pub(super) fn validate(&self, key: &str) -> Result<(), ManifestError> {
        let key_ok = !key.is_empty()
            && key.len() <= 64
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !key_ok {
            return Err(ManifestError::invalid(
                format!("config.{key}"),
                "config keys are 1 to 64 characters of a-z, 0-9, `_` and `-`",
            ));
        }
        if let Some(default) = &self.default {
            self.check_value(default).map_err(|problem| {
                ManifestError::invalid(format!("config.{key}.default"), problem)
            })?;
        }
        Ok(())
    }

    /// Checks that `value` has this field's type.
    pub fn check_value(&self, value: &toml::Value) -> Result<(), String> {
        let fits = matches!(
            (self.kind, value),
            (ConfigType::String, toml::Value::String(_))
                | (ConfigType::Integer, toml::Value::Integer(_))
                | (ConfigType::Boolean, toml::Value::Boolean(_))
        );
        if fits {
            Ok(())
        } else {
            Err(format!("expected a {:?} value, found `{value}`", self.kind).to_lowercase())
        }
    }

    /// Parses an admin's text (`--config key=value`) into a value of this field's type.
    pub fn parse_text(&self, text: &str) -> Result<toml::Value, String> {
        match self.kind {
            ConfigType::String => Ok(toml::Value::String(text.to_owned())),
            ConfigType::Integer => text
                .parse::<i64>()
                .map(toml::Value::Integer)
                .map_err(|_| format!("expected a whole number, found `{text}`")),
            ConfigType::Boolean => text
                .parse::<bool>()
                .map(toml::Value::Boolean)
                .map_err(|_| format!("expected true or false, found `{text}`")),
        }
    }
}

/// The text a plugin sees for a config value (strings unquoted).
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
