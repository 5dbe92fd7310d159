//! The hook deliveries that faulted, for the unit admins over the installations they were
//! for: waiting for another attempt, or given up. What could not be delivered stays visible
//! here (the console's `/admin/hook-deliveries`).

use crate::auth::Role;
use crate::db::Db;
use crate::db::hook_retries::StoredRetry;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};

/// Rows shown per admin unit at most.
pub const MAX_SHOWN: i64 = 200;

/// The deliveries of installations at or below `admin`'s unit-admin units, newest first.
pub async fn failed(db: &Db, admin: &Person) -> RuleResult<Vec<StoredRetry>> {
    let units = admin.units_with(&[Role::UnitAdmin]);
    if units.is_empty() {
        return Err(RuleError::Forbidden(
            "hook deliveries are shown to unit admins".into(),
        ));
    }
    let mut rows: Vec<StoredRetry> = Vec::new();
    for unit in units {
        for row in db.hook_retries_under(&unit, MAX_SHOWN).await? {
            if !rows.iter().any(|r| r.id == row.id) {
                rows.push(row);
            }
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.id));
    Ok(rows)
}
