//! 督办: the supervision sweep. Every open event past its deadline is marked supervised,
//! once, with a timeline entry by `system` and a notice to the unit above it (the db layer
//! does all three in one transaction per event). `wangge serve` sweeps every few minutes,
//! `wangge events supervise` on demand.

use jiff::civil::Date;

use crate::db::Db;
use crate::rules::error::RuleResult;

/// Marks the events overdue as of `today` (China time) supervised; returns their ids.
pub async fn sweep(db: &Db, today: Date) -> RuleResult<Vec<i64>> {
    Ok(db.supervise_overdue(&today.to_string()).await?)
}
