//! Custom fields of an event category: the category's JSON Schema, checked to stay within
//! the small subset the platform renders and validates, and an event's `attributes`
//! validated against it.
//!
//! The subset: a top-level `{"type": "object", "properties": {…}, "required": […],
//! "additionalProperties": false}` (optionally with `$schema`, `title`, `description`);
//! each property has a `type` of `string` (optional `enum` of strings, `maxLength`),
//! `integer` or `number` (optional `minimum`, `maximum`) or `boolean`, and a `title` (the
//! Chinese label shown on forms) and a `description`. Plugins will register categories, so
//! anything outside the subset is refused with the path of the offending keyword.
//!
//! Validation is written by hand rather than with the `jsonschema` crate: even without its
//! HTTP and file resolving, that crate brings about 35 new crates (regex engines, big
//! numbers, URI and e-mail parsers) into the build to check four property types, and its
//! messages are in English and about schema keywords, where ours name the field's Chinese
//! label. The subset check has to exist anyway, and once it holds, validating is a few lines.
//!
//! Fields are listed (on forms and in Open311 service definitions) required first, in the
//! order of `required`, then the others by name: JSON objects have no order, and keeping the
//! order of the stored text would depend on how it happens to be parsed.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// Why a schema is not within the subset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct SchemaError {
    /// Where in the schema (`properties.hazard_type.enum`).
    pub path: String,
    /// What is wrong and what is allowed.
    pub problem: String,
}

fn schema_error(path: impl Into<String>, problem: impl Into<String>) -> SchemaError {
    SchemaError {
        path: path.into(),
        problem: problem.into(),
    }
}

/// The first problem with an event's attributes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FieldProblem {
    /// `attributes` or `attributes.NAME`.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn problem(path: String, message: String) -> FieldProblem {
    FieldProblem { path, message }
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// Text, perhaps one of fixed choices.
    String {
        /// The allowed values, if fixed.
        choices: Option<Vec<String>>,
        /// At most this many characters.
        max_length: Option<u64>,
    },
    /// A whole number.
    Integer {
        /// At least.
        minimum: Option<f64>,
        /// At most.
        maximum: Option<f64>,
    },
    /// Any number.
    Number {
        /// At least.
        minimum: Option<f64>,
        /// At most.
        maximum: Option<f64>,
    },
    /// Yes or no.
    Boolean,
}

/// One custom field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key in `attributes`.
    pub name: String,
    /// The Chinese label.
    pub title: String,
    /// What to enter.
    pub description: String,
    /// Must be given.
    pub required: bool,
    /// What it holds.
    pub kind: FieldKind,
}

/// A category's custom fields, parsed from a schema within the subset.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldsSchema {
    fields: Vec<Field>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    // `$schema`, `title` and `description` are allowed for the schema's readers; nothing
    // here reads them.
    #[serde(rename = "$schema")]
    _dialect: Option<String>,
    #[serde(rename = "title")]
    _title: Option<String>,
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    properties: Map<String, Value>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(rename = "additionalProperties")]
    additional_properties: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProperty {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    description: String,
    #[serde(rename = "enum")]
    choices: Option<Vec<Value>>,
    #[serde(rename = "maxLength")]
    max_length: Option<u64>,
    minimum: Option<Number>,
    maximum: Option<Number>,
}

/// Field names are keys of form posts (`attribute[NAME]`) and of stored JSON: keep them
/// plain.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_lowercase())
}

fn bound(path: &str, number: Option<Number>) -> Result<Option<f64>, SchemaError> {
    number
        .map(|n| {
            n.as_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| schema_error(path, "expected a finite number"))
        })
        .transpose()
}

fn parse_property(name: &str, value: &Value) -> Result<Field, SchemaError> {
    let at = format!("properties.{name}");
    let raw: RawProperty =
        serde_json::from_value(value.clone()).map_err(|e| schema_error(&at, e.to_string()))?;
    if raw.title.trim().is_empty() {
        return Err(schema_error(
            format!("{at}.title"),
            "give the field a label",
        ));
    }
    let string_only = [
        ("enum", raw.choices.is_some()),
        ("maxLength", raw.max_length.is_some()),
    ];
    let numeric_only = [
        ("minimum", raw.minimum.is_some()),
        ("maximum", raw.maximum.is_some()),
    ];
    let misplaced = |keywords: &[(&str, bool)], allowed_for: &str| {
        keywords.iter().find(|(_, present)| *present).map(|(k, _)| {
            schema_error(
                format!("{at}.{k}"),
                format!("`{k}` is only allowed on {allowed_for} fields"),
            )
        })
    };
    let kind = match raw.kind.as_str() {
        "string" => {
            if let Some(error) = misplaced(&numeric_only, "integer and number") {
                return Err(error);
            }
            let choices = raw
                .choices
                .map(|values| {
                    if values.is_empty() {
                        return Err(schema_error(
                            format!("{at}.enum"),
                            "list at least one choice",
                        ));
                    }
                    values
                        .into_iter()
                        .map(|v| match v {
                            Value::String(s) => Ok(s),
                            other => Err(schema_error(
                                format!("{at}.enum"),
                                format!("choices must be strings, got {other}"),
                            )),
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?;
            FieldKind::String {
                choices,
                max_length: raw.max_length,
            }
        }
        "integer" | "number" => {
            if let Some(error) = misplaced(&string_only, "string") {
                return Err(error);
            }
            let minimum = bound(&format!("{at}.minimum"), raw.minimum)?;
            let maximum = bound(&format!("{at}.maximum"), raw.maximum)?;
            if let (Some(min), Some(max)) = (minimum, maximum)
                && min > max
            {
                return Err(schema_error(
                    format!("{at}.minimum"),
                    format!("minimum {min} is above maximum {max}"),
                ));
            }
            if raw.kind == "integer" {
                FieldKind::Integer { minimum, maximum }
            } else {
                FieldKind::Number { minimum, maximum }
            }
        }
        "boolean" => {
            if let Some(error) = misplaced(&string_only, "string")
                .or_else(|| misplaced(&numeric_only, "integer and number"))
            {
                return Err(error);
            }
            FieldKind::Boolean
        }
        other => {
            return Err(schema_error(
                format!("{at}.type"),
                format!("`{other}` is not supported; use string, integer, number or boolean"),
            ));
        }
    };
    Ok(Field {
        name: name.to_owned(),
        title: raw.title,
        description: raw.description,
        required: false,
        kind,
    })
}

impl FieldsSchema {
    /// Parses `schema`, refusing anything outside the subset (see the module documentation)
    /// with the path of the first problem.
    pub fn parse(schema: &Value) -> Result<Self, SchemaError> {
        let raw: RawSchema =
            serde_json::from_value(schema.clone()).map_err(|e| schema_error("", e.to_string()))?;
        if raw.kind != "object" {
            return Err(schema_error(
                "type",
                format!("expected \"object\", got \"{}\"", raw.kind),
            ));
        }
        if raw.additional_properties != Some(Value::Bool(false)) {
            return Err(schema_error(
                "additionalProperties",
                "must be false, so that every attribute an event carries is declared",
            ));
        }
        let mut kinds = BTreeMap::new();
        for (name, value) in &raw.properties {
            if !is_plain_name(name) {
                return Err(schema_error(
                    format!("properties.{name}"),
                    "field names are 1 to 64 lowercase ASCII letters, digits and `_`, \
                     starting with a letter",
                ));
            }
            kinds.insert(name.clone(), parse_property(name, value)?);
        }
        for (i, name) in raw.required.iter().enumerate() {
            if !kinds.contains_key(name) {
                return Err(schema_error(
                    format!("required.{i}"),
                    format!("`{name}` is not among the properties"),
                ));
            }
            if raw.required[..i].contains(name) {
                return Err(schema_error(
                    format!("required.{i}"),
                    format!("`{name}` is listed twice"),
                ));
            }
        }
        let field = |name: &String, required: bool| {
            kinds.get(name).map(|field| Field {
                required,
                ..field.clone()
            })
        };
        let mut fields: Vec<Field> = raw
            .required
            .iter()
            .filter_map(|name| field(name, true))
            .collect();
        fields.extend(
            kinds
                .keys()
                .filter(|name| !raw.required.contains(name))
                .filter_map(|name| field(name, false)),
        );
        Ok(Self { fields })
    }

    /// The fields: required first, in the order of `required`, then the others by name.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Checks an event's `attributes` against the fields; the first problem, if any, names
    /// `attributes.NAME`.
    pub fn validate(&self, attributes: &Value) -> Result<(), FieldProblem> {
        let Some(given) = attributes.as_object() else {
            return Err(problem(
                "attributes".into(),
                format!("expected a JSON object of custom fields, got {attributes}"),
            ));
        };
        for field in &self.fields {
            let path = format!("attributes.{}", field.name);
            match given.get(&field.name) {
                None if field.required => {
                    return Err(problem(
                        path,
                        format!("{}（{}）is required", field.title, field.description),
                    ));
                }
                None => {}
                Some(value) => field
                    .check(value)
                    .map_err(|message| problem(path, format!("{}: {message}", field.title)))?,
            }
        }
        if let Some(unknown) = given
            .keys()
            .find(|k| !self.fields.iter().any(|f| &f.name == *k))
        {
            let known: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
            return Err(problem(
                format!("attributes.{unknown}"),
                format!("no such field; this category has: {}", known.join(", ")),
            ));
        }
        Ok(())
    }
}

/// Checks `attributes` for a category with `schema` (`None`: the category has no custom
/// fields, so only an empty object passes).
pub fn validate_attributes(
    schema: Option<&FieldsSchema>,
    attributes: &Value,
) -> Result<(), FieldProblem> {
    match schema {
        Some(schema) => schema.validate(attributes),
        None => match attributes.as_object() {
            Some(given) => match given.keys().next() {
                None => Ok(()),
                Some(name) => Err(problem(
                    format!("attributes.{name}"),
                    "this category has no custom fields".into(),
                )),
            },
            None => Err(problem(
                "attributes".into(),
                format!("expected a JSON object, got {attributes}"),
            )),
        },
    }
}

fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

fn within(value: f64, minimum: Option<f64>, maximum: Option<f64>) -> Result<(), String> {
    match (minimum, maximum) {
        (Some(min), _) if value < min => Err(format!("expected at least {min}, got {value}")),
        (_, Some(max)) if value > max => Err(format!("expected at most {max}, got {value}")),
        _ => Ok(()),
    }
}

impl Field {
    /// Checks one value; the problem, without the field's name.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        match &self.kind {
            FieldKind::String {
                choices,
                max_length,
            } => {
                let Some(text) = value.as_str() else {
                    return Err(format!("expected text, got {}", describe(value)));
                };
                if let Some(choices) = choices
                    && !choices.iter().any(|c| c == text)
                {
                    return Err(format!(
                        "expected one of {}, got \"{text}\"",
                        choices.join("、")
                    ));
                }
                let chars = text.chars().count() as u64;
                match max_length {
                    Some(max) if chars > *max => {
                        Err(format!("expected at most {max} characters, got {chars}"))
                    }
                    _ => Ok(()),
                }
            }
            FieldKind::Integer { minimum, maximum } => {
                let whole = value.as_f64().filter(|f| f.fract() == 0.0 && f.is_finite());
                let Some(number) = whole else {
                    return Err(format!("expected a whole number, got {}", describe(value)));
                };
                within(number, *minimum, *maximum)
            }
            FieldKind::Number { minimum, maximum } => {
                let Some(number) = value.as_f64() else {
                    return Err(format!("expected a number, got {}", describe(value)));
                };
                within(number, *minimum, *maximum)
            }
            FieldKind::Boolean => match value {
                Value::Bool(_) => Ok(()),
                other => Err(format!("expected true or false, got {}", describe(other))),
            },
        }
    }

    /// The value a form posted as text (Open311 `attribute[NAME]=…`), typed for this field.
    pub fn value_from_text(&self, text: &str) -> Result<Value, String> {
        let text = text.trim();
        match &self.kind {
            FieldKind::String { .. } => Ok(Value::String(text.to_owned())),
            FieldKind::Integer { .. } => text
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("expected a whole number, got \"{text}\"")),
            FieldKind::Number { .. } => text
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("expected a number, got \"{text}\"")),
            FieldKind::Boolean => match text {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                _ => Err(format!("expected true or false, got \"{text}\"")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn hazard() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["hazard_type"],
            "properties": {
                "people_at_risk": {"type": "integer", "title": "受威胁人数", "description": "估计人数", "minimum": 0},
                "hazard_type": {"type": "string", "title": "隐患类型", "description": "类别", "enum": ["消防", "燃气", "用电", "建筑", "其他"]},
                "note": {"type": "string", "title": "备注", "description": "补充", "maxLength": 4},
                "urgent": {"type": "boolean", "title": "紧急", "description": "是否紧急"}
            }
        })
    }

    fn parsed() -> FieldsSchema {
        FieldsSchema::parse(&hazard()).expect("within the subset")
    }

    fn rejected(mut schema: Value, edit: impl FnOnce(&mut Value)) -> SchemaError {
        edit(&mut schema);
        FieldsSchema::parse(&schema).expect_err("outside the subset")
    }

    #[test]
    fn the_subset_is_accepted_with_required_fields_first() {
        let schema = parsed();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["hazard_type", "note", "people_at_risk", "urgent"]);
        let first = &schema.fields()[0];
        assert_eq!((first.title.as_str(), first.required), ("隐患类型", true));
    }

    #[test]
    fn the_seeded_schemas_are_within_the_subset() {
        for file in [
            include_str!("../../migrations/sqlite/0006_event_details.sql"),
            include_str!("../../migrations/postgres/0006_event_details.sql"),
        ] {
            let schemas: Vec<&str> = file
                .split("fields_schema = '")
                .skip(1)
                .filter_map(|rest| rest.split('\'').next())
                .collect();
            assert_eq!(schemas.len(), 4);
            for text in schemas {
                let value: Value = serde_json::from_str(text).expect("JSON");
                FieldsSchema::parse(&value).unwrap_or_else(|e| panic!("{e}\n{text}"));
            }
        }
    }

    #[test]
    fn schemas_outside_the_subset_are_refused_with_the_path() {
        let cases: Vec<(SchemaError, &str)> = vec![
            (rejected(hazard(), |s| s["type"] = json!("array")), "type"),
            (
                rejected(hazard(), |s| s["additionalProperties"] = json!(true)),
                "additionalProperties",
            ),
            (rejected(hazard(), |s| s["$ref"] = json!("http://x")), ""),
            (
                rejected(hazard(), |s| {
                    s["properties"]["urgent"]["type"] = json!("array");
                }),
                "properties.urgent.type",
            ),
            (
                rejected(hazard(), |s| {
                    s["properties"]["urgent"]["pattern"] = json!("^a");
                }),
                "properties.urgent",
            ),
            (
                rejected(hazard(), |s| {
                    s["properties"]["note"]["minimum"] = json!(1);
                }),
                "properties.note.minimum",
            ),
            (
                rejected(hazard(), |s| {
                    s["properties"]["people_at_risk"]["enum"] = json!([1, 2]);
                }),
                "properties.people_at_risk.enum",
            ),
            (
                rejected(hazard(), |s| {
                    s["properties"]["hazard_type"]["enum"] = json!([1, 2]);
                }),
                "properties.hazard_type.enum",
            ),
            (
                rejected(hazard(), |s| {
                    s["properties"]["people_at_risk"]
                        .as_object_mut()
                        .map(|p| p.remove("title"));
                }),
                "properties.people_at_risk",
            ),
            (
                rejected(hazard(), |s| s["required"] = json!(["missing"])),
                "required.0",
            ),
            (
                rejected(hazard(), |s| {
                    s["properties"]["Bad Name"] = s["properties"]["urgent"].clone();
                }),
                "properties.Bad Name",
            ),
        ];
        for (error, path) in cases {
            assert_eq!(error.path, path, "{error}");
        }
        let nested = rejected(hazard(), |s| {
            s["properties"]["urgent"]["type"] = json!("object");
        });
        assert!(
            nested
                .problem
                .contains("use string, integer, number or boolean")
        );
    }

    #[test]
    fn attributes_are_validated_with_the_first_problem_named() {
        let schema = parsed();
        let ok = json!({"hazard_type": "燃气", "people_at_risk": 12, "urgent": true});
        assert_eq!(schema.validate(&ok), Ok(()));
        let cases = [
            (
                json!({}),
                "attributes.hazard_type",
                "隐患类型（类别）is required",
            ),
            (
                json!({"hazard_type": "水灾"}),
                "attributes.hazard_type",
                "expected one of 消防、燃气",
            ),
            (
                json!({"hazard_type": "燃气", "people_at_risk": -1}),
                "attributes.people_at_risk",
                "expected at least 0",
            ),
            (
                json!({"hazard_type": "燃气", "people_at_risk": 1.5}),
                "attributes.people_at_risk",
                "expected a whole number",
            ),
            (
                json!({"hazard_type": "燃气", "note": "一二三四五"}),
                "attributes.note",
                "at most 4 characters",
            ),
            (
                json!({"hazard_type": "燃气", "urgent": "yes"}),
                "attributes.urgent",
                "expected true or false",
            ),
            (
                json!({"hazard_type": "燃气", "colour": "red"}),
                "attributes.colour",
                "no such field",
            ),
            (json!([1]), "attributes", "expected a JSON object"),
        ];
        for (attributes, path, message) in cases {
            let problem = schema.validate(&attributes).expect_err("invalid");
            assert_eq!(problem.path, path, "{problem}");
            assert!(problem.message.contains(message), "{problem}");
        }
    }

    #[test]
    fn categories_without_fields_take_only_an_empty_object() {
        assert_eq!(validate_attributes(None, &json!({})), Ok(()));
        let problem = validate_attributes(None, &json!({"x": 1})).expect_err("no fields");
        assert_eq!(problem.path, "attributes.x");
    }

    #[test]
    fn form_text_is_typed_by_the_field() {
        let schema = parsed();
        let by_name = |name: &str| {
            schema
                .fields()
                .iter()
                .find(|f| f.name == name)
                .cloned()
                .expect("field")
        };
        assert_eq!(by_name("people_at_risk").value_from_text("3"), Ok(json!(3)));
        assert_eq!(by_name("urgent").value_from_text("true"), Ok(json!(true)));
        assert!(by_name("people_at_risk").value_from_text("three").is_err());
    }
}
