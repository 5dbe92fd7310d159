//! The audit log as unit admins read it: the append-only entries of a unit's subtree,
//! newest first, page by page.

use crate::auth::Role;
use crate::db::Db;
use crate::db::audit::AuditRow;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::next_before;

/// One page of the audit log of `unit`'s subtree, newest first, for a unit admin there,
/// and the `before` of the next page when this one is full.
pub async fn page(
    db: &Db,
    person: &Person,
    unit: &str,
    before: Option<i64>,
    page: i64,
) -> RuleResult<(Vec<AuditRow>, Option<i64>)> {
    if !person.grants.has_role_at(Role::UnitAdmin, unit) {
        return Err(RuleError::Forbidden(format!(
            "the audit log of unit {unit} is for its unit admins"
        )));
    }
    let rows = db.audit_under(unit, before, page).await?;
    let next = next_before(rows.len(), page, rows.last().map(|r| r.id));
    Ok((rows, next))
}
