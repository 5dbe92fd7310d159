//! Who reviews: the `registry-reviewer` role held at a province, since reviewing what may
//! run in a province's hosts is a provincial task. A refused attempt to act as a reviewer
//! is audited (`registry.refused`).

use serde_json::json;
use wangge_registry::Level;

use super::{Actor, Visibility};
use crate::auth::Role;
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::grid::unit_code::level_of;
use crate::rules::{Person, RuleError, RuleResult};

/// The province where `person` reviews, if they do.
fn review_unit(person: &Person) -> Option<&str> {
    person
        .grants
        .0
        .iter()
        .find(|grant| {
            grant.role == Role::RegistryReviewer
                && level_of(&grant.unit_code) == Ok(Level::Province)
        })
        .map(|grant| grant.unit_code.as_str())
}

/// What `person` (or an anonymous caller) may see of the registry.
pub fn visibility(person: Option<&Person>) -> Visibility {
    if person.and_then(review_unit).is_some() {
        Visibility::Reviewer
    } else {
        Visibility::Public
    }
}

/// `person` as the reviewer doing `what` to `subject`, or `Forbidden` (audited) naming
/// the role needed.
pub async fn reviewer(db: &Db, person: &Person, what: &str, subject: &str) -> RuleResult<Actor> {
    let audit = person.actor_name();
    let Some(unit) = review_unit(person) else {
        db.audit(AuditEntry {
            actor: &audit,
            action: "registry.refused",
            subject,
            unit_code: None,
            detail: json!({ "wanted": what, "reason": "not a registry reviewer" }),
        })
        .await?;
        return Err(RuleError::Forbidden(format!(
            "{what} needs the registry-reviewer role at a province"
        )));
    };
    Ok(Actor {
        audit,
        name: person.user.username.clone(),
        unit: Some(unit.to_owned()),
    })
}
