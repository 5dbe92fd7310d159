//! The config fields of the install and upgrade screens: one input per key of the
//! manifest's config schema, read back into the `KEY=VALUE` assignments that
//! `plugins::lifecycle` takes (as `--config` does on the command line), with a message next
//! to the field whose text does not fit its type.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::{Map, Value};
use wangge_registry::{ConfigType, Manifest};

use crate::plugins::config_values::effective;

/// The prefix of a config field's form name: `config.KEY`.
const PREFIX: &str = "config.";

/// What the admin typed (or what the screen starts from), by key, and the message for the
/// field that was refused.
#[derive(Debug, Default)]
pub(super) struct ConfigInput {
    pub values: BTreeMap<String, String>,
    pub problem: Option<(String, String)>,
}

impl ConfigInput {
    /// The screen's starting values: `current` (an installation's set values) where given,
    /// else each key's default, else empty.
    pub fn starting(manifest: &Manifest, current: &Map<String, Value>) -> Self {
        // What the plugin would see (`config_values::effective`), and empty for a key with
        // neither a value nor a default.
        let mut values: BTreeMap<String, String> = manifest
            .config
            .keys()
            .map(|key| (key.clone(), String::new()))
            .collect();
        values.extend(effective(manifest, current));
        Self {
            values,
            problem: None,
        }
    }

    /// The `config.KEY` fields of a submitted form as typed (trimmed), to show again.
    pub fn typed(fields: &[(String, String)]) -> Self {
        let values = fields
            .iter()
            .filter_map(|(name, value)| {
                let key = name.strip_prefix(PREFIX)?;
                Some((key.to_owned(), value.trim().to_owned()))
            })
            .collect();
        Self {
            values,
            problem: None,
        }
    }

    /// Reads the `config.KEY` fields of a submitted form against `manifest`: the
    /// assignments for every filled-in key, or the input with the first refused field's
    /// message. An empty field leaves the key at its default (install) or its current value
    /// (upgrade).
    pub fn read(manifest: &Manifest, fields: &[(String, String)]) -> Result<Vec<String>, Self> {
        let mut input = Self::typed(fields);
        let mut assignments = Vec::new();
        for (key, text) in &input.values {
            let Some(field) = manifest.config.get(key) else {
                input.problem = Some((key.clone(), "该插件没有这一配置项。".to_owned()));
                return Err(input);
            };
            if text.is_empty() {
                continue;
            }
            if field.parse_text(text).is_err() {
                let message = match field.kind {
                    ConfigType::Integer => "请输入整数。",
                    ConfigType::Boolean => "请选择“是”或“否”。",
                    ConfigType::String => "请输入文字。",
                };
                input.problem = Some((key.clone(), message.to_owned()));
                return Err(input);
            }
            assignments.push(format!("{key}={text}"));
        }
        Ok(assignments)
    }
}

/// The config section of a screen: nothing when the manifest declares no config.
pub(super) fn fields(manifest: &Manifest, input: &ConfigInput) -> Markup {
    html! {
        @if !manifest.config.is_empty() {
            h2 { "配置" }
            p.muted { "留空则使用默认值（升级时保留当前值）。" }
            @for (key, field) in &manifest.config {
                @let name = format!("{PREFIX}{key}");
                @let value = input.values.get(key).map_or("", String::as_str);
                @let problem = input.problem.as_ref().filter(|(k, _)| k == key).map(|(_, m)| m);
                label.config {
                    (field.title) " " code { (key) }
                    @match field.kind {
                        ConfigType::Boolean => {
                            select name=(name) {
                                option value="" selected[value.is_empty()] { "默认" }
                                option value="true" selected[value == "true"] { "是" }
                                option value="false" selected[value == "false"] { "否" }
                            }
                        }
                        ConfigType::Integer => {
                            input type="text" inputmode="numeric" name=(name) value=(value);
                        }
                        ConfigType::String => {
                            input type="text" name=(name) value=(value);
                        }
                    }
                    @if let Some(message) = problem {
                        span.field-error id={ "config-" (key) "-error" } { (message) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest::parse(
            r#"
            id = "demo"
            name = "演示"
            version = "1.0.0"
            publisher = "测试"
            description = "测试用"
            contract = "^1.1"
            levels = ["street"]

            [config.age]
            type = "integer"
            title = "年龄"
            default = 80

            [config.open]
            type = "boolean"
            title = "开放"

            [config.motto]
            type = "string"
            title = "口号"
            "#,
        )
        .expect("a valid manifest")
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn filled_fields_become_assignments_and_empty_ones_are_left_out() {
        let read = ConfigInput::read(
            &manifest(),
            &form(&[
                ("grant", "residents:read"),
                ("config.age", " 85 "),
                ("config.open", ""),
                ("config.motto", "老有所养"),
            ]),
        );
        assert_eq!(read.expect("valid"), ["age=85", "motto=老有所养"]);
    }

    #[test]
    fn a_bad_value_is_refused_next_to_its_field_keeping_the_input() {
        let refused = ConfigInput::read(
            &manifest(),
            &form(&[("config.age", "八十"), ("config.motto", "留着")]),
        )
        .expect_err("not a whole number");
        assert_eq!(
            refused.problem,
            Some(("age".to_owned(), "请输入整数。".to_owned()))
        );
        assert_eq!(refused.values["motto"], "留着");
        let page = fields(&manifest(), &refused).into_string();
        assert!(page.contains("config-age-error"), "{page}");
        assert!(page.contains("value=\"八十\""), "{page}");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let refused = ConfigInput::read(&manifest(), &form(&[("config.colour", "红")]));
        let problem = refused.expect_err("unknown").problem.expect("a problem");
        assert_eq!(problem.0, "colour");
    }

    #[test]
    fn the_screen_starts_from_current_values_then_defaults() {
        let mut current = Map::new();
        current.insert("open".to_owned(), Value::Bool(true));
        let input = ConfigInput::starting(&manifest(), &current);
        assert_eq!(input.values["age"], "80");
        assert_eq!(input.values["open"], "true");
        assert_eq!(input.values["motto"], "");
    }
}
