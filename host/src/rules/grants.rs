//! Granting a role at a unit, and taking it back: never above the granter's own rank there,
//! never outside their subtree (`auth::Grants::may_grant` holds the two rules); audited
//! `grant.added` and `grant.revoked`. A revoked grant stops working at the holder's next
//! request, since every request reads the grants afresh. The JSON API (`POST` and `DELETE
//! /api/grants`) and the admin console's user page both come here.

use serde_json::json;

use crate::auth::{Grant, Role};
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::users::ListedGrant;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};

/// Grants `role` (its name) at `unit` to `username` on behalf of `granter`.
pub async fn grant_role(
    db: &Db,
    granter: &Person,
    username: &str,
    role: &str,
    unit: &str,
) -> RuleResult<()> {
    let role: Role = role
        .parse()
        .map_err(|problem: String| RuleError::invalid("role", problem))?;
    if db.unit(unit).await?.is_none() {
        return Err(RuleError::invalid(
            "unit",
            format!("no unit with code `{unit}`"),
        ));
    }
    granter
        .grants
        .may_grant(role, unit)
        .map_err(|e| RuleError::Forbidden(e.to_string()))?;
    let (user, _) = db
        .user_for_sign_in(username)
        .await?
        .ok_or_else(|| RuleError::NotFound(format!("user `{username}`")))?;
    let actor = granter.actor_name();
    let grant = Grant {
        role,
        unit_code: unit.to_owned(),
    };
    db.add_grant(user.id, &grant, &actor).await?;
    db.audit(AuditEntry {
        actor: &actor,
        action: "grant.added",
        subject: &format!("user:{}", user.username),
        unit_code: Some(unit),
        detail: json!({ "role": role.name() }),
    })
    .await?;
    Ok(())
}

/// Takes `role` (its name) at `unit` back from `username` on behalf of `admin`, under the
/// same rule as granting it. Nobody revokes their own grants (no admin locks themselves
/// out); a grant not held is `NotFound`.
pub async fn revoke_role(
    db: &Db,
    admin: &Person,
    username: &str,
    role: &str,
    unit: &str,
) -> RuleResult<()> {
    let role: Role = role
        .parse()
        .map_err(|problem: String| RuleError::invalid("role", problem))?;
    admin
        .grants
        .may_grant(role, unit)
        .map_err(|e| RuleError::Forbidden(e.to_string()))?;
    let not_held = || {
        RuleError::NotFound(format!(
            "grant of {} at {unit} to `{username}`",
            role.name()
        ))
    };
    let (user, _) = db.user_for_sign_in(username).await?.ok_or_else(not_held)?;
    if user.id == admin.user.id {
        return Err(RuleError::Conflict(
            "you cannot revoke your own grants; another admin can".into(),
        ));
    }
    if !db.remove_grant(user.id, role, unit).await? {
        return Err(not_held());
    }
    db.audit(AuditEntry {
        actor: &admin.actor_name(),
        action: "grant.revoked",
        subject: &format!("user:{}", user.username),
        unit_code: Some(unit),
        detail: json!({ "role": role.name() }),
    })
    .await?;
    Ok(())
}

/// Grants listed per unit at most.
pub const MAX_LISTED: i64 = 1000;

/// The grants at or below each of `units`, for `admin`, a unit admin over every one of
/// them (units outside their subtrees are left out, as if they held nothing).
pub async fn under(db: &Db, admin: &Person, units: &[String]) -> RuleResult<Vec<ListedGrant>> {
    let mut listed = Vec::new();
    for unit in units {
        if !admin.grants.has_role_at(Role::UnitAdmin, unit) {
            continue;
        }
        listed.extend(db.grants_under(unit, MAX_LISTED).await?);
    }
    listed.dedup();
    Ok(listed)
}
