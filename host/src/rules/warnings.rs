//! 风险预警: warnings pushed down from a unit to every grid of its subtree by its leaders
//! and unit admins, audited `warning.pushed`; and the unit inboxes that receive them and
//! the 督办 notices, for the unit's staff.

use serde_json::json;

use crate::auth::{LEADER_ROLES, STAFF_ROLES};
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::events::UnitNotification;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::text;

/// Characters of a warning's title.
pub const MAX_TITLE_CHARS: usize = 100;
/// Characters of a warning's body.
pub const MAX_BODY_CHARS: usize = 2000;
/// Messages per unit inbox page.
pub const INBOX_PAGE: i64 = 100;

/// Pushes a warning to every grid under `unit`; how many grids it reached.
pub async fn push(
    db: &Db,
    person: &Person,
    unit: &str,
    title: &str,
    body: &str,
) -> RuleResult<u64> {
    if !person.holds_any(&LEADER_ROLES, unit) {
        return Err(RuleError::Forbidden(format!(
            "pushing warnings to unit {unit} needs a leader or unit-admin role there"
        )));
    }
    let title = text::within("title", title, 1, MAX_TITLE_CHARS)?;
    let body = text::within("body", body, 0, MAX_BODY_CHARS)?;
    let title = format!("风险预警：{title}");
    let grids = db.push_warning(unit, &title, body).await?;
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "warning.pushed",
        subject: &title,
        unit_code: Some(unit),
        detail: json!({ "grids": grids }),
    })
    .await?;
    Ok(grids)
}

/// The newest messages to `unit` (warnings, 督办 notices), for its staff.
pub async fn unit_inbox(db: &Db, person: &Person, unit: &str) -> RuleResult<Vec<UnitNotification>> {
    if !person.holds_any(&STAFF_ROLES, unit) {
        return Err(RuleError::Forbidden(format!(
            "the inbox of unit {unit} is for its staff"
        )));
    }
    Ok(db.unit_notifications(unit, INBOX_PAGE).await?)
}
