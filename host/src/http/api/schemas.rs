//! Schemas of fields whose rules a plain attribute cannot state: the ones that take one of a
//! domain list's names, in English or Chinese (`enterprise` or `企业`), built from the lists
//! themselves; and free text, whose bounds (`rules::text`) count characters that are not
//! white space, stated with a pattern over exactly the characters `char::is_whitespace`
//! calls white space. So what the document calls valid is what the rules take.

use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

use crate::grid::organization::KINDS;
use crate::grid::special_population::{CATEGORIES, CONTROL_LEVELS};

fn either_name(list: &[(&str, &str)], description: &str) -> Object {
    let names = list.iter().flat_map(|(name, zh)| [*name, *zh]);
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .description(Some(description))
        .build()
}

/// An organization's kind.
pub fn organization_kind() -> Object {
    either_name(
        &KINDS,
        "The kind of organization, by its English or Chinese name.",
    )
}

/// A special-population category.
pub fn special_population_category() -> Object {
    either_name(
        &CATEGORIES,
        "The special-population category, by its English or Chinese name.",
    )
}

/// A control level.
pub fn control_level() -> Object {
    either_name(
        &CONTROL_LEVELS,
        "The control level: `1` (一级, closest attention) to `3` (三级).",
    )
}

fn one_of(names: impl IntoIterator<Item = &'static str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .description(Some(description))
        .build()
}

/// A workflow action's name, each once, in the workflow's order.
pub fn workflow_action() -> Object {
    let mut names: Vec<&'static str> = Vec::new();
    for transition in crate::grid::workflow::TRANSITIONS {
        if !names.contains(&transition.action) {
            names.push(transition.action);
        }
    }
    one_of(
        names,
        "The action, as the event's state and the caller's roles allow (its `actions`).",
    )
}

/// A role's name.
pub fn role() -> Object {
    one_of(
        crate::auth::Role::ALL.map(crate::auth::Role::name),
        "The role.",
    )
}

/// A review's decision.
pub fn review_decision() -> Object {
    one_of(
        ["approve", "reject"],
        "The decision: `approve` or `reject`.",
    )
}

/// Unicode's `White_Space` characters (what `char::is_whitespace` and `str::trim` use), as a
/// regular-expression class body both ECMAScript and Python read alike.
const WHITE_SPACE: &str =
    r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// Free text of at most `max` characters with at least `min` that are not white space;
/// `nullable` for an optional field, which may also be `null`.
fn text(min: usize, max: usize, nullable: bool, description: &str) -> Object {
    let mut builder = ObjectBuilder::new()
        .schema_type(string_or_null(nullable))
        .max_length(Some(max))
        .description(Some(description));
    if min > 0 {
        builder = builder.min_length(Some(min)).pattern(Some(format!(
            "^(?:[{WHITE_SPACE}]*[^{WHITE_SPACE}]){{{min}}}"
        )));
    }
    builder.build()
}

/// Text fields: a function per bound, as `#[schema(schema_with = …)]` takes them.
macro_rules! text_fields {
    ($($name:ident($nullable:literal): $min:literal to $max:literal, $description:literal;)*) => {
        $(
            #[doc = $description]
            pub fn $name() -> Object {
                text($min, $max, $nullable, $description)
            }
        )*
    };
}

text_fields! {
    title(false): 1 to 100, "1 to 100 characters besides spaces; kept trimmed.";
    description(false): 0 to 2000, "At most 2000 characters.";
    note(false): 0 to 2000, "At most 2000 characters.";
    dispatched_to(true): 0 to 100, "For `dispatch`: the department or lower unit, 1 to 100 characters.";
    address(true): 0 to 200, "At most 200 characters.";
    unmask_reason(false): 4 to 500, "At least 4 characters besides spaces, at most 500.";
    warning_body(false): 0 to 2000, "At most 2000 characters.";
    organization_name(false): 1 to 100, "1 to 100 characters besides spaces.";
    standard_address(false): 1 to 200, "The standard address: 1 to 200 characters besides spaces.";
    contact_name(true): 0 to 50, "At most 50 characters.";
    contact_phone(true): 0 to 20, "At most 20 characters.";
    record_note(false): 0 to 500, "At most 500 characters.";
}

/// `string`, or `string` or `null`.
fn string_or_null(nullable: bool) -> SchemaType {
    if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    }
}

/// A unified social credit code (GB 32100: 18 characters, the last a check character), or
/// blank for none.
pub fn credit_code() -> Object {
    ObjectBuilder::new()
        .schema_type(string_or_null(true))
        .pattern(Some(format!(
            "^[{WHITE_SPACE}]*([0-9A-HJ-NPQRTUWXY]{{18}}[{WHITE_SPACE}]*)?$"
        )))
        .description(Some(
            "18 characters of 0-9 and A-Y without I, O, S, V, Z (GB 32100), the last the \
             check character; blank for none.",
        ))
        .build()
}

/// A grid's code (13 to 18 digits), or blank to take the grid of the house at the address.
pub fn grid_code() -> Object {
    ObjectBuilder::new()
        .schema_type(string_or_null(true))
        .pattern(Some(format!(
            "^[{WHITE_SPACE}]*([0-9]{{13,18}}[{WHITE_SPACE}]*)?$"
        )))
        .description(Some(
            "The grid's code; blank when `address` is a registered house's.",
        ))
        .build()
}
