//! Schemas of the fields that take one of a domain list's names, in English or Chinese
//! (`enterprise` or `企业`), as the rules read them: built from the lists themselves, so the
//! document names exactly what is accepted.

use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

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
