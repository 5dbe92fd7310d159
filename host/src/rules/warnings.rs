//! 风险预警: warnings pushed down from a unit to every grid of its subtree by its leaders
//! and unit admins, audited `warning.pushed`; each grid's worker acknowledges (签收) and
//! sends feedback (反馈) once, and the pusher's unit sees per grid who answered and when
//! with the acknowledgement rate. Also the unit inboxes that receive the warnings and the
//! 督办 notices, for the unit's staff.
//!
//! A warning is acknowledged by a grid worker of the grid (the `grid-worker` role there
//! or above): unit admins push and read, they do not sign for a grid. A warning or a grid
//! the caller may not see is "not found", whether or not it exists.

use serde_json::json;

use crate::auth::{LEADER_ROLES, Role, STAFF_ROLES};
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::events::UnitNotification;
use crate::db::warnings::{Receipt, StoredWarning, WarningTally};
use crate::grid::calendar::china_time;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::checked_limit;
use crate::rules::text;

/// Characters of a warning's title.
pub const MAX_TITLE_CHARS: usize = 100;
/// Characters of a warning's body.
pub const MAX_BODY_CHARS: usize = 2000;
/// Characters of a grid's feedback.
pub const MAX_FEEDBACK_CHARS: usize = 500;
/// Messages per unit inbox page.
pub const INBOX_PAGE: i64 = 100;
/// Warnings per page of a list, and the default.
pub const WARNING_PAGE: i64 = 50;

/// Who signs for a grid.
const ACKNOWLEDGING_ROLES: [Role; 1] = [Role::GridWorker];

/// A warning pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// Its id.
    pub id: i64,
    /// How many grids it reached.
    pub grids: u64,
}

/// Pushes a warning to every grid under `unit`.
pub async fn push(
    db: &Db,
    person: &Person,
    unit: &str,
    title: &str,
    body: &str,
) -> RuleResult<Pushed> {
    if !person.holds_any(&LEADER_ROLES, unit) {
        return Err(RuleError::Forbidden(format!(
            "pushing warnings to unit {unit} needs a leader or unit-admin role there"
        )));
    }
    let title = text::within("title", title, 1, MAX_TITLE_CHARS)?;
    let body = text::within("body", body, 0, MAX_BODY_CHARS)?;
    let title = format!("风险预警：{title}");
    let actor = person.actor_name();
    let (id, grids) = db.push_warning(unit, &title, body, &actor).await?;
    db.audit(AuditEntry {
        actor: &actor,
        action: "warning.pushed",
        subject: &title,
        unit_code: Some(unit),
        detail: json!({ "warning": id, "grids": grids }),
    })
    .await?;
    Ok(Pushed { id, grids })
}

/// The warnings pushed to `unit` or inside it, newest first, a page below `before_id`:
/// for its leaders and unit admins.
pub async fn pushed(
    db: &Db,
    person: &Person,
    unit: &str,
    before_id: Option<i64>,
    limit: Option<i64>,
) -> RuleResult<Vec<WarningTally>> {
    person.require(&LEADER_ROLES, unit, "the warnings pushed")?;
    let limit = checked_limit(limit, WARNING_PAGE, WARNING_PAGE)?;
    Ok(db.warnings_under(unit, before_id, limit).await?)
}

/// Warning `id` with every grid's receipt, for the leaders and unit admins of the unit it
/// was pushed to (or above).
pub async fn progress(
    db: &Db,
    person: &Person,
    id: i64,
) -> RuleResult<(StoredWarning, Vec<Receipt>)> {
    let warning = db
        .warning(id)
        .await?
        .filter(|w| person.holds_any(&LEADER_ROLES, &w.unit_code))
        .ok_or_else(|| RuleError::NotFound(format!("warning {id}")))?;
    let receipts = db.warning_receipts(id).await?;
    Ok((warning, receipts))
}

/// The warnings addressed to the grids `person` works as a grid worker, newest first, a
/// page below `before_id`, each with those grids' receipts.
pub async fn received(
    db: &Db,
    person: &Person,
    before_id: Option<i64>,
    limit: Option<i64>,
) -> RuleResult<Vec<(StoredWarning, Vec<Receipt>)>> {
    let limit = checked_limit(limit, WARNING_PAGE, WARNING_PAGE)?;
    let units = person.units_with(&ACKNOWLEDGING_ROLES);
    Ok(db.warnings_received(&units, before_id, limit).await?)
}

/// How many receipts of `person`'s grids wait for acknowledgement.
pub async fn unacknowledged(db: &Db, person: &Person) -> RuleResult<i64> {
    let units = person.units_with(&ACKNOWLEDGING_ROLES);
    Ok(db.warnings_unacknowledged(&units).await?)
}

/// `grid`'s receipt of warning `id`, if `person` signs for the grid and the warning was
/// addressed to it; else "not found", whichever it is.
async fn own_receipt(db: &Db, person: &Person, id: i64, grid: &str) -> RuleResult<Receipt> {
    let not_found = || RuleError::NotFound(format!("warning {id} for grid {grid}"));
    if !person.holds_any(&ACKNOWLEDGING_ROLES, grid) {
        return Err(not_found());
    }
    db.warning_receipt(id, grid).await?.ok_or_else(not_found)
}

/// Acknowledges (签收) warning `id` for `grid`, once.
pub async fn acknowledge(db: &Db, person: &Person, id: i64, grid: &str) -> RuleResult<Receipt> {
    let receipt = own_receipt(db, person, id, grid).await?;
    if let (Some((_, name)), Some(at)) = (&receipt.acknowledged_by, receipt.acknowledged_at) {
        return Err(RuleError::Conflict(format!(
            "warning {id} was acknowledged for grid {grid} by {name} at {}",
            china_time(at)
        )));
    }
    if !db
        .acknowledge_warning(id, grid, &person.user.username)
        .await?
    {
        return Err(RuleError::Conflict(format!(
            "warning {id} was acknowledged for grid {grid} a moment ago"
        )));
    }
    own_receipt(db, person, id, grid).await
}

/// Sends `grid`'s feedback (反馈) on warning `id`, once; acknowledges it too if nobody had.
pub async fn feedback(
    db: &Db,
    person: &Person,
    id: i64,
    grid: &str,
    feedback: &str,
) -> RuleResult<Receipt> {
    let feedback = text::within("feedback", feedback, 1, MAX_FEEDBACK_CHARS)?;
    let receipt = own_receipt(db, person, id, grid).await?;
    if let Some(at) = receipt.feedback_at {
        return Err(RuleError::Conflict(format!(
            "grid {grid} sent its feedback on warning {id} at {}",
            china_time(at)
        )));
    }
    if !db
        .send_warning_feedback(id, grid, &person.user.username, feedback)
        .await?
    {
        return Err(RuleError::Conflict(format!(
            "grid {grid} sent its feedback on warning {id} a moment ago"
        )));
    }
    own_receipt(db, person, id, grid).await
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
