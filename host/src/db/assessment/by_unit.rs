//! Assessment by child unit from the daily rollup `assessment_days` (migration 0026): per
//! China day of report and per unit, the sums of what its events recorded, kept by
//! triggers on `events`. Summing a month of it is a few tens of thousands of narrow rows
//! where the events are a hundred thousand wide ones. The two terms that depend on today
//! (unanswered past the response window, unresolved past the deadline) cannot be kept
//! ahead of time and are counted live from the partial indexes of unanswered and
//! unresolved events.

use std::collections::HashMap;

use sqlx::Row;

use super::{Cohort, Tally, bind_subtree_and_period};
use crate::db::Db;
use crate::grid::calendar::{china_day_number, china_day_start_ms};
use crate::grid::unit_code::subtree_end;

/// The sums of the rollup's rows; `$1`/`$2` the subtree, `$3`/`$4` the days.
const SUMS: &str = "CAST(SUM(events) AS BIGINT) AS events, \
    CAST(SUM(responded_on_time) AS BIGINT) AS responded_on_time, \
    CAST(SUM(response_measured) AS BIGINT) AS response_measured, \
    CAST(SUM(resolved_on_time) AS BIGINT) AS resolved_on_time, \
    CAST(SUM(resolution_measured) AS BIGINT) AS resolution_measured, \
    CAST(SUM(dispatched) AS BIGINT) AS dispatched, \
    CAST(SUM(returned) AS BIGINT) AS returned, \
    CAST(SUM(closed) AS BIGINT) AS closed, \
    CAST(SUM(reopened) AS BIGINT) AS reopened, \
    CAST(SUM(supervised) AS BIGINT) AS supervised, \
    CAST(SUM(urged) AS BIGINT) AS urged, \
    CAST(SUM(evaluations) AS BIGINT) AS evaluations, \
    CAST(SUM(satisfied) AS BIGINT) AS satisfied";

impl Db {
    /// The rows of `cohort` by child unit: by the code prefix of length `len`, or by the
    /// whole code (`None`).
    pub(super) async fn unit_tallies(
        &self,
        cohort: &Cohort<'_>,
        len: Option<usize>,
    ) -> sqlx::Result<Vec<Tally>> {
        let (from_day, until_day) = (
            china_day_number(cohort.from_ms),
            china_day_number(cohort.until_ms),
        );
        debug_assert_eq!(
            (china_day_start_ms(from_day), china_day_start_ms(until_day)),
            (cohort.from_ms, cohort.until_ms),
            "a cohort by unit runs from a China midnight to another"
        );
        let key = len.map_or_else(
            || "unit_code".to_owned(),
            |n| format!("substr(unit_code, 1, {n})"),
        );
        // Zero rows are left behind when every event of a unit's day moved elsewhere
        // (escalated): the events read live would not have formed a row for them.
        let sql = format!(
            "SELECT {key} AS k, {SUMS} FROM assessment_days \
             WHERE day >= $3 AND day < $4 AND unit_code >= $1 AND unit_code < $2 \
             GROUP BY {key} HAVING SUM(events) > 0 ORDER BY {key}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(cohort.unit)
            .bind(subtree_end(cohort.unit))
            .bind(from_day)
            .bind(until_day)
            .fetch_all(self.pool())
            .await?;
        let mut tallies = Vec::with_capacity(rows.len());
        for row in &rows {
            tallies.push(Tally {
                key: row.try_get("k")?,
                events: row.try_get("events")?,
                responded_on_time: row.try_get("responded_on_time")?,
                response_due: row.try_get("response_measured")?,
                resolved_on_time: row.try_get("resolved_on_time")?,
                resolution_due: row.try_get("resolution_measured")?,
                dispatched: row.try_get("dispatched")?,
                returned: row.try_get("returned")?,
                closed: row.try_get("closed")?,
                reopened: row.try_get("reopened")?,
                evaluations: row.try_get("evaluations")?,
                satisfied: row.try_get("satisfied")?,
                supervised: row.try_get("supervised")?,
                urged: row.try_get("urged")?,
            });
        }
        let index: HashMap<String, usize> = tallies
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key.clone(), i))
            .collect();
        // Each reads one of the partial indexes alone (its condition is spelled as the
        // index's), and leaves out what the rollup measured already: the figure's
        // denominator is "measured, or else late", each event once.
        let unanswered = format!(
            "SELECT {key} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM events \
             WHERE responded_at IS NULL AND responded_on_time IS NULL AND reported_at >= $3 AND reported_at < $4 \
             AND reported_at < $5 AND unit_code >= $1 AND unit_code < $2 GROUP BY {key}"
        );
        let late = format!(
            "SELECT {key} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM events \
             WHERE resolved_at IS NULL AND deadline IS NOT NULL AND resolved_on_time IS NULL \
             AND deadline < $5 \
             AND reported_at >= $3 AND reported_at < $4 \
             AND unit_code >= $1 AND unit_code < $2 GROUP BY {key}"
        );
        let cohort_bound =
            |sql: String| bind_subtree_and_period(sqlx::query(sqlx::AssertSqlSafe(sql)), cohort);
        let unanswered = cohort_bound(unanswered)
            .bind(cohort.response_due_before_ms)
            .fetch_all(self.pool())
            .await?;
        let late = cohort_bound(late)
            .bind(cohort.today)
            .fetch_all(self.pool())
            .await?;
        // Every event read live is in the rollup too, so its row is there.
        for row in &unanswered {
            if let Some(&i) = index.get(&row.try_get::<String, _>("k")?) {
                tallies[i].response_due += row.try_get::<i64, _>("n")?;
            }
        }
        for row in &late {
            if let Some(&i) = index.get(&row.try_get::<String, _>("k")?) {
                tallies[i].resolution_due += row.try_get::<i64, _>("n")?;
            }
        }
        Ok(tallies)
    }
}
