//! An installation's effective config: the admin's values checked against the manifest's
//! schema, defaults filled in.

use serde_json::{Map, Value};
use wangge_registry::{Manifest, value_text};

/// Parses `key=value` pairs given on the command line against the manifest's schema.
pub fn parse_assignments(
    manifest: &Manifest,
    assignments: &[String],
) -> anyhow::Result<Map<String, Value>> {
    let mut values = Map::new();
    for assignment in assignments {
        let Some((key, text)) = assignment.split_once('=') else {
            anyhow::bail!("--config `{assignment}`: expected KEY=VALUE");
        };
        let Some(field) = manifest.config.get(key) else {
            let known: Vec<&str> = manifest.config.keys().map(String::as_str).collect();
            anyhow::bail!(
                "--config `{key}`: {} has no such config key (known keys: {})",
                manifest.id,
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
        };
        let value = field
            .parse_text(text)
            .map_err(|problem| anyhow::anyhow!("--config `{key}`: {problem}"))?;
        values.insert(key.to_owned(), serde_json::to_value(value)?);
    }
    Ok(values)
}

/// What the plugin sees: every schema key with the admin's value or its default, sorted by
/// key. Keys without value or default are left out.
pub fn effective(manifest: &Manifest, set: &Map<String, Value>) -> Vec<(String, String)> {
    manifest
        .config
        .iter()
        .filter_map(|(key, field)| {
            let text = match set.get(key) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => Some(other.to_string()),
                None => field.default.as_ref().map(value_text),
            };
            text.map(|text| (key.clone(), text))
        })
        .collect()
}
