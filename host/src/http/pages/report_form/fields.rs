//! The custom fields of a category on the report form: one input per field of the
//! category's schema (`grid::custom_fields`), named `attribute.NAME`, read back into the
//! event's `attributes` with the problem of the first field that does not fit, in Chinese,
//! to show next to it. `report_as` checks the attributes again, as it does for the API.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::{Map, Value};

use crate::grid::custom_fields::{Field, FieldKind, FieldsSchema};

/// The prefix of a custom field's form name.
const PREFIX: &str = "attribute.";

/// What the resident typed into the custom fields, by field name.
pub type Typed = BTreeMap<String, String>;

/// Keeps `value` (trimmed) in `answers` if `name` is a custom field's form name,
/// `attribute.NAME`; other names are not this module's.
pub fn take(answers: &mut Typed, name: &str, value: &str) {
    if let Some(field) = name.strip_prefix(PREFIX) {
        answers.insert(field.to_owned(), value.trim().to_owned());
    }
}

/// A field's problem: its name and the message to show next to it.
pub type Problem = (String, String);

/// The attributes for `typed` answers to `schema`'s fields (empty answers left out), or the
/// first field's problem. Answers to fields the schema does not have are ignored: the form
/// only ever shows the chosen category's fields.
pub fn read(schema: &FieldsSchema, typed: &Typed) -> Result<Value, Problem> {
    let mut attributes = Map::new();
    for field in schema.fields() {
        let text = typed.get(&field.name).map_or("", String::as_str);
        if text.is_empty() {
            if field.required {
                return Err((field.name.clone(), format!("请填写“{}”。", field.title)));
            }
            continue;
        }
        let value = field
            .value_from_text(text)
            .map_err(|_| (field.name.clone(), expected(field)))?;
        field
            .check(&value)
            .map_err(|_| (field.name.clone(), expected(field)))?;
        attributes.insert(field.name.clone(), value);
    }
    Ok(Value::Object(attributes))
}

/// What `field` takes, as the message for an answer that does not fit.
fn expected(field: &Field) -> String {
    let range = |minimum: Option<f64>, maximum: Option<f64>| match (minimum, maximum) {
        (Some(min), Some(max)) => format!("，范围 {min} 至 {max}"),
        (Some(min), None) => format!("，不小于 {min}"),
        (None, Some(max)) => format!("，不大于 {max}"),
        (None, None) => String::new(),
    };
    match &field.kind {
        FieldKind::String {
            choices: Some(_), ..
        } => format!("请从列表中选择“{}”。", field.title),
        FieldKind::String {
            max_length: Some(max),
            ..
        } => format!("“{}”最多 {max} 字。", field.title),
        FieldKind::String { .. } => format!("请填写“{}”。", field.title),
        FieldKind::Integer { minimum, maximum } => {
            format!("“{}”请填写整数{}。", field.title, range(*minimum, *maximum))
        }
        FieldKind::Number { minimum, maximum } => {
            format!("“{}”请填写数字{}。", field.title, range(*minimum, *maximum))
        }
        FieldKind::Boolean => format!("请选择“{}”。", field.title),
    }
}

/// The inputs of `schema`'s fields with `typed` filled in and `problem`'s message next to
/// its field.
pub fn render(schema: &FieldsSchema, typed: &Typed, problem: Option<&Problem>) -> Markup {
    html! {
        @for field in schema.fields() {
            @let name = format!("{PREFIX}{}", field.name);
            @let value = typed.get(&field.name).map_or("", String::as_str);
            label.attribute {
                (field.title)
                @if !field.required { "（选填）" }
                small.muted { (field.description) }
                (input(field, &name, value))
                @if let Some((_, message)) = problem.filter(|(f, _)| *f == field.name) {
                    span.field-error id={ "attribute-" (field.name) "-error" } { (message) }
                }
            }
        }
    }
}

fn input(field: &Field, name: &str, value: &str) -> Markup {
    html! {
        @match &field.kind {
            FieldKind::String { choices: Some(choices), .. } => {
                select name=(name) required[field.required] {
                    option value="" { "请选择" }
                    @for choice in choices {
                        option value=(choice) selected[choice == value] { (choice) }
                    }
                }
            }
            FieldKind::String { max_length, .. } => {
                input type="text" name=(name) value=(value) required[field.required]
                    maxlength=[max_length];
            }
            FieldKind::Integer { .. } => {
                input type="text" inputmode="numeric" name=(name) value=(value)
                    required[field.required];
            }
            FieldKind::Number { .. } => {
                input type="text" inputmode="decimal" name=(name) value=(value)
                    required[field.required];
            }
            FieldKind::Boolean => {
                select name=(name) required[field.required] {
                    option value="" { "请选择" }
                    option value="true" selected[value == "true"] { "是" }
                    option value="false" selected[value == "false"] { "否" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// 安全隐患's fields, as migration 0006 declares them.
    fn hazard() -> FieldsSchema {
        FieldsSchema::parse(&json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["hazard_type"],
            "properties": {
                "hazard_type": {"type": "string", "title": "隐患类型", "description": "隐患所属的类别", "enum": ["消防", "燃气", "用电", "建筑", "其他"]},
                "people_at_risk": {"type": "integer", "title": "受威胁人数", "description": "估计可能受到威胁的人数", "minimum": 0, "maximum": 100000},
                "immediate_danger": {"type": "boolean", "title": "是否紧急", "description": "是否存在立即危及人身安全的情况"}
            }
        }))
        .expect("within the subset")
    }

    fn answers(pairs: &[(&str, &str)]) -> Typed {
        let mut answers = Typed::new();
        for (name, value) in pairs {
            take(&mut answers, name, value);
        }
        answers
    }

    #[test]
    fn answers_become_typed_attributes_and_empty_optional_ones_are_left_out() {
        let typed = answers(&[
            ("title", "不是自定义字段"),
            ("attribute.hazard_type", "燃气"),
            ("attribute.people_at_risk", " 12 "),
            ("attribute.immediate_danger", ""),
        ]);
        assert_eq!(
            read(&hazard(), &typed),
            Ok(json!({"hazard_type": "燃气", "people_at_risk": 12}))
        );
    }

    #[test]
    fn a_missing_or_unfit_answer_names_its_field_in_chinese() {
        let missing = read(&hazard(), &answers(&[])).expect_err("refused");
        assert_eq!(
            missing,
            ("hazard_type".to_owned(), "请填写“隐患类型”。".to_owned())
        );
        let off_list = read(&hazard(), &answers(&[("attribute.hazard_type", "地震")]));
        assert_eq!(
            off_list.expect_err("refused").1,
            "请从列表中选择“隐患类型”。"
        );
        let words = answers(&[
            ("attribute.hazard_type", "消防"),
            ("attribute.people_at_risk", "很多"),
        ]);
        assert_eq!(
            read(&hazard(), &words).expect_err("refused").1,
            "“受威胁人数”请填写整数，范围 0 至 100000。"
        );
        let negative = answers(&[
            ("attribute.hazard_type", "消防"),
            ("attribute.people_at_risk", "-3"),
        ]);
        assert_eq!(
            read(&hazard(), &negative).expect_err("refused").0,
            "people_at_risk"
        );
    }

    #[test]
    fn the_inputs_keep_what_was_typed_and_show_the_problem() {
        let typed = answers(&[
            ("attribute.hazard_type", "燃气"),
            ("attribute.people_at_risk", "很多"),
        ]);
        let problem = ("people_at_risk".to_owned(), "请填写整数。".to_owned());
        let html = render(&hazard(), &typed, Some(&problem)).into_string();
        assert!(html.contains(r#"<option value="燃气" selected>"#), "{html}");
        assert!(html.contains(r#"value="很多""#), "{html}");
        assert!(html.contains("attribute-people_at_risk-error"), "{html}");
        assert!(html.contains("（选填）"), "{html}");
    }
}
