//! Accounts as unit admins keep them in the console: people's accounts created, given a
//! new password (ending their sessions) and linked to their resident record; and
//! departments' service accounts (部门推送), each a named machine credential bound to one
//! unit and role, its token shown once and stored as a digest, revocable, every use
//! audited. An admin manages only accounts whose every grant lies in their own subtrees and
//! ranks no higher than theirs there; everything is audited.

use serde_json::json;

use crate::auth::{Grant, Role, password, token};
use crate::db::Db;
use crate::db::accounts::{NewServiceAccount, ServiceAccount};
use crate::db::audit::AuditEntry;
use crate::db::users::{NewUserError, User};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};

/// Characters of a username at most.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Characters of a display name at most.
pub const MAX_DISPLAY_NAME_CHARS: usize = 50;

/// Whether `username` is 1 to 64 characters of a-z, 0-9, `.`, `_`, `-`.
pub fn valid_username(username: &str) -> bool {
    (1..=MAX_USERNAME_CHARS).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

fn checked_names<'a>(username: &'a str, display_name: &'a str) -> RuleResult<(&'a str, &'a str)> {
    let username = username.trim();
    if !valid_username(username) {
        return Err(RuleError::invalid(
            "username",
            format!("expected 1 to {MAX_USERNAME_CHARS} characters of a-z, 0-9, `.`, `_`, `-`"),
        ));
    }
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(RuleError::invalid(
            "display_name",
            format!("expected 1 to {MAX_DISPLAY_NAME_CHARS} characters"),
        ));
    }
    Ok((username, display_name))
}

fn require_admin(admin: &Person) -> RuleResult<()> {
    if admin.units_with(&[Role::UnitAdmin]).is_empty() {
        return Err(RuleError::Forbidden(
            "managing accounts needs the unit-admin role".into(),
        ));
    }
    Ok(())
}

async fn hashed(password: String) -> RuleResult<String> {
    // Argon2 takes tens of milliseconds of CPU: off the executor.
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| anyhow::anyhow!("password hash: {e}"))?
        .map_err(|e| RuleError::invalid("password", e.to_string()))
}

/// Creates a person's account on behalf of `admin`, who then grants it roles. Audited
/// `user.created`.
pub async fn create_user(
    db: &Db,
    admin: &Person,
    username: &str,
    display_name: &str,
    password: String,
) -> RuleResult<User> {
    require_admin(admin)?;
    let (username, display_name) = checked_names(username, display_name)?;
    let hash = hashed(password).await?;
    let user = db
        .create_user(username, display_name, &hash)
        .await
        .map_err(|e| match e {
            NewUserError::Taken(_) => RuleError::Conflict(e.to_string()),
            NewUserError::Database(e) => e.into(),
        })?;
    db.audit(AuditEntry {
        actor: &admin.actor_name(),
        action: "user.created",
        subject: &format!("user:{username}"),
        unit_code: admin
            .units_with(&[Role::UnitAdmin])
            .first()
            .map(String::as_str),
        detail: json!({ "id": user.id }),
    })
    .await?;
    Ok(user)
}

/// The person `username` if `admin` manages them: every grant they hold lies in a subtree
/// where `admin` is unit admin and ranks no higher than the admin there, and they hold at
/// least one. Anyone else is `NotFound`, as if there were no such user.
async fn managed(db: &Db, admin: &Person, username: &str) -> RuleResult<User> {
    let not_found = || RuleError::NotFound(format!("user `{username}` in your units"));
    let (user, _) = db
        .user_for_sign_in(username.trim())
        .await?
        .ok_or_else(not_found)?;
    let grants = db.grants_of(user.id).await?;
    let within = !grants.0.is_empty()
        && grants
            .0
            .iter()
            .all(|g| admin.grants.may_grant(g.role, &g.unit_code).is_ok());
    if !within || user.id == admin.user.id {
        return Err(not_found());
    }
    Ok(user)
}

/// Gives `username` (managed by `admin`) a new password and ends their sessions. Audited
/// `user.password_reset`.
pub async fn reset_password(
    db: &Db,
    admin: &Person,
    username: &str,
    password: String,
) -> RuleResult<()> {
    require_admin(admin)?;
    let user = managed(db, admin, username).await?;
    let hash = hashed(password).await?;
    db.set_password(user.id, &hash).await?;
    db.audit(AuditEntry {
        actor: &admin.actor_name(),
        action: "user.password_reset",
        subject: &format!("user:{}", user.username),
        unit_code: admin
            .units_with(&[Role::UnitAdmin])
            .first()
            .map(String::as_str),
        detail: json!({}),
    })
    .await?;
    Ok(())
}

/// Links `username` (managed by `admin`) to resident `resident_id` of the admin's units:
/// with the `resident` role, they read that resident's inbox. Audited
/// `user.resident-linked`.
pub async fn link_resident(
    db: &Db,
    admin: &Person,
    username: &str,
    resident_id: i64,
) -> RuleResult<()> {
    require_admin(admin)?;
    let user = managed(db, admin, username).await?;
    let resident = match db.resident(resident_id).await? {
        Some(r) if admin.grants.has_role_at(Role::UnitAdmin, &r.grid_code) => r,
        _ => {
            return Err(RuleError::NotFound(format!(
                "resident {resident_id} in your units"
            )));
        }
    };
    db.link_user_resident(user.id, resident.id).await?;
    db.audit(AuditEntry {
        actor: &admin.actor_name(),
        action: "user.resident-linked",
        subject: &format!("user:{}", user.username),
        unit_code: Some(&resident.grid_code),
        detail: json!({ "resident": resident.id }),
    })
    .await?;
    Ok(())
}

/// The roles a service account may hold: a department's staff, or a grid's worker (a
/// street's own system pushing its data).
pub const SERVICE_ROLES: [Role; 2] = [Role::DepartmentStaff, Role::GridWorker];

/// A service account just created, with its token: shown this once, never again.
#[derive(Debug, Clone)]
pub struct Created {
    /// The account.
    pub account: ServiceAccount,
    /// The bearer token.
    pub token: String,
}

/// Creates a service account named `svc-…` for a department, bound to `role` at `unit`,
/// on behalf of `admin` (unit admin there). Audited `service_account.created`.
pub async fn create_service_account(
    db: &Db,
    admin: &Person,
    username: &str,
    display_name: &str,
    role: &str,
    unit: &str,
) -> RuleResult<Created> {
    require_admin(admin)?;
    let (username, display_name) = checked_names(username, display_name)?;
    if !username.starts_with("svc-") {
        return Err(RuleError::invalid(
            "username",
            "a service account's name starts with `svc-`",
        ));
    }
    let role: Role = role
        .parse()
        .map_err(|problem: String| RuleError::invalid("role", problem))?;
    if !SERVICE_ROLES.contains(&role) {
        return Err(RuleError::invalid(
            "role",
            "expected department-staff or grid-worker",
        ));
    }
    let unit = unit.trim();
    if !admin.grants.has_role_at(Role::UnitAdmin, unit) {
        return Err(RuleError::Forbidden(format!(
            "service accounts at unit {unit} need the unit-admin role there"
        )));
    }
    if db.unit(unit).await?.is_none() {
        return Err(RuleError::invalid(
            "unit",
            format!("no unit with code `{unit}`"),
        ));
    }
    let token = token::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let actor = admin.actor_name();
    let grant = Grant {
        role,
        unit_code: unit.to_owned(),
    };
    let id = db
        .create_service_account(&NewServiceAccount {
            username,
            display_name,
            grant: &grant,
            created_by: &actor,
            token_digest: &token::digest(&token),
        })
        .await?
        .ok_or_else(|| RuleError::Conflict(format!("username `{username}` is already taken")))?;
    db.audit(AuditEntry {
        actor: &actor,
        action: "service_account.created",
        subject: &format!("user:{username}"),
        unit_code: Some(unit),
        detail: json!({ "role": role.name(), "id": id }),
    })
    .await?;
    let account = db
        .service_account(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("service account {id} vanished"))?;
    Ok(Created { account, token })
}

/// The service accounts at or below each of `admin`'s unit-admin units.
pub async fn service_accounts(db: &Db, admin: &Person) -> RuleResult<Vec<ServiceAccount>> {
    let mut listed = Vec::new();
    for unit in admin.units_with(&[Role::UnitAdmin]) {
        for account in db.service_accounts_under(&unit).await? {
            if !listed.iter().any(|a: &ServiceAccount| a.id == account.id) {
                listed.push(account);
            }
        }
    }
    Ok(listed)
}

/// Revokes service account `id` (at or below a unit of `admin`'s): its token and grant stop
/// working at once. Audited `service_account.revoked`.
pub async fn revoke_service_account(db: &Db, admin: &Person, id: i64) -> RuleResult<()> {
    let account = match db.service_account(id).await? {
        Some(a) if admin.grants.has_role_at(Role::UnitAdmin, &a.unit_code) => a,
        _ => return Err(RuleError::NotFound(format!("service account {id}"))),
    };
    if !db.revoke_service_account(id).await? {
        return Err(RuleError::Conflict(format!(
            "service account {} is revoked already",
            account.username
        )));
    }
    db.audit(AuditEntry {
        actor: &admin.actor_name(),
        action: "service_account.revoked",
        subject: &format!("user:{}", account.username),
        unit_code: Some(&account.unit_code),
        detail: json!({ "id": id }),
    })
    .await?;
    Ok(())
}

/// Audits one use of a service account's token: every request it makes.
pub async fn record_service_use(
    db: &Db,
    person: &Person,
    method: &str,
    path: &str,
) -> RuleResult<()> {
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "service_account.used",
        subject: &format!("user:{}", person.user.username),
        unit_code: person.grant_units().first().map(String::as_str),
        detail: json!({ "method": method, "path": path }),
    })
    .await?;
    Ok(())
}
