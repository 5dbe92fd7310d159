//! The aggregates behind assessment (考核, `rules::assessment`): the counts of the events
//! reported in a period, grouped by child unit (from the daily rollup, [`by_unit`]), by
//! department or by grid worker (one pass over the events), and the events behind one
//! figure (the drill-down). What each figure means is `rules::assessment`'s to say; this
//! folder counts what the event rows recorded as they moved.

mod by_unit;
#[cfg(test)]
mod rollup_tests;

use sqlx::Row;

use super::Db;
use super::events::StoredEvent;
use crate::grid::unit_code::subtree_end;

/// What is assessed: events reported in `[from_ms, until_ms)` in the subtree of `unit`.
#[derive(Debug, Clone, Copy)]
pub struct Cohort<'a> {
    /// The unit whose subtree is assessed.
    pub unit: &'a str,
    /// Reported at or after (ms): a midnight in China, since the rollup counts by China day.
    pub from_ms: i64,
    /// Reported before (ms): a midnight in China too.
    pub until_ms: i64,
    /// Today (`YYYY-MM-DD`, China): an unresolved event whose deadline is before it is late.
    pub today: &'a str,
    /// An unanswered event reported before this instant (ms) is past its response window.
    pub response_due_before_ms: i64,
}

/// How rows are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// By the code prefix of this length (the child units), or by the whole unit code
    /// (`None`: a community's grids, whose codes vary in length).
    Units(Option<usize>),
    /// By the department whose queue the event is or was in.
    Departments,
    /// By the grid workers (username) holding the grid-worker role at the event's grid;
    /// an event of a grid two workers share is on both rows.
    Workers,
}

/// One row's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// The child unit's or department's code.
    pub key: String,
    /// Events reported (by unit) or received (by department).
    pub events: i64,
    /// Answered within the response window.
    pub responded_on_time: i64,
    /// Answered (and measured), or unanswered past the window.
    pub response_due: i64,
    /// Resolved by their deadline.
    pub resolved_on_time: i64,
    /// Resolved (and measured), or unresolved past the deadline.
    pub resolution_due: i64,
    /// Dispatched at least once.
    pub dispatched: i64,
    /// Returned by a handler at least once.
    pub returned: i64,
    /// Closed at least once.
    pub closed: i64,
    /// Handled again after 不满意.
    pub reopened: i64,
    /// Ratings given.
    pub evaluations: i64,
    /// Of them 满意 or 基本满意.
    pub satisfied: i64,
    /// Marked 督办.
    pub supervised: i64,
    /// 催办 by hand.
    pub urged: i64,
}

/// The events behind one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// Every event counted.
    All,
    /// Not answered within the response window.
    LateResponse,
    /// Not resolved by the deadline.
    LateResolution,
    /// Returned by a handler.
    Returned,
    /// Handled again after 不满意.
    Reopened,
    /// Rated 不满意 at least once.
    Dissatisfied,
    /// Marked 督办.
    Supervised,
    /// Urged by hand.
    Urged,
}

/// The per-event conditions the tallies by department and by worker share, with `$3`…`$6`
/// bound as in [`bind_cohort`].
const TALLIES: &str = "CAST(COUNT(*) AS BIGINT) AS events, \
    CAST(COALESCE(SUM(CASE WHEN responded_on_time = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS responded_on_time, \
    CAST(COALESCE(SUM(CASE WHEN responded_on_time IS NOT NULL \
        OR (responded_at IS NULL AND reported_at < $6) THEN 1 ELSE 0 END), 0) AS BIGINT) AS response_due, \
    CAST(COALESCE(SUM(CASE WHEN resolved_on_time = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolved_on_time, \
    CAST(COALESCE(SUM(CASE WHEN resolved_on_time IS NOT NULL \
        OR (resolved_at IS NULL AND deadline < $5) THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolution_due, \
    CAST(COALESCE(SUM(CASE WHEN dispatched_to IS NOT NULL OR return_count > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS dispatched, \
    CAST(COALESCE(SUM(CASE WHEN return_count > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS returned, \
    CAST(COALESCE(SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed, \
    CAST(COALESCE(SUM(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS reopened, \
    CAST(COALESCE(SUM(supervised), 0) AS BIGINT) AS supervised, \
    CAST(COALESCE(SUM(urge_count), 0) AS BIGINT) AS urged, \
    CAST(COALESCE(SUM(evaluation_count), 0) AS BIGINT) AS evaluations, \
    CAST(COALESCE(SUM(satisfied_count), 0) AS BIGINT) AS satisfied";

fn tally(row: &sqlx::any::AnyRow) -> sqlx::Result<Tally> {
    Ok(Tally {
        key: row.try_get("k")?,
        events: row.try_get("events")?,
        responded_on_time: row.try_get("responded_on_time")?,
        response_due: row.try_get("response_due")?,
        resolved_on_time: row.try_get("resolved_on_time")?,
        resolution_due: row.try_get("resolution_due")?,
        dispatched: row.try_get("dispatched")?,
        returned: row.try_get("returned")?,
        closed: row.try_get("closed")?,
        reopened: row.try_get("reopened")?,
        supervised: row.try_get("supervised")?,
        urged: row.try_get("urged")?,
        evaluations: row.try_get("evaluations")?,
        satisfied: row.try_get("satisfied")?,
    })
}

/// A query with parameters, as the aggregates build them.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds `$1`/`$2` to the subtree of `cohort`'s unit and `$3`/`$4` to its period.
fn bind_subtree_and_period<'q>(query: AnyQuery<'q>, cohort: &Cohort<'q>) -> AnyQuery<'q> {
    query
        .bind(cohort.unit)
        .bind(subtree_end(cohort.unit))
        .bind(cohort.from_ms)
        .bind(cohort.until_ms)
}

/// Binds as [`bind_subtree_and_period`], then `$5` to today and `$6` to the end of the
/// response window.
fn bind_cohort<'q>(query: AnyQuery<'q>, cohort: &Cohort<'q>) -> AnyQuery<'q> {
    bind_subtree_and_period(query, cohort)
        .bind(cohort.today)
        .bind(cohort.response_due_before_ms)
}

/// The columns [`TALLIES`] reads, for the union of a department's received events (by id,
/// so an event both in its queue and returned by it earlier counts once).
const RECEIVED: &str = "e.id, e.responded_on_time, e.responded_at, e.reported_at, \
    e.resolved_on_time, e.resolved_at, e.deadline, e.dispatched_to, e.return_count, \
    e.closed_at, e.reopen_count, e.supervised, e.urge_count, e.evaluation_count, \
    e.satisfied_count";

/// The condition that `e` (an events row) belongs to a department's row `$7`.
const IN_DEPARTMENT: &str = "(e.handler_unit = $7 OR EXISTS (SELECT 1 FROM event_returns r \
    WHERE r.event_id = e.id AND r.handler_unit = $7))";

/// The join from `e` (an events row) to the grid workers of its grid, as `u`.
const TO_WORKERS: &str = "JOIN grants g ON g.unit_code = e.unit_code AND g.role = 'grid-worker' \
    JOIN users u ON u.id = g.user_id";

/// The condition that `e` belongs to the grid worker `$7`'s row.
const IN_WORKER: &str = "EXISTS (SELECT 1 FROM grants g JOIN users u ON u.id = g.user_id \
    WHERE g.unit_code = e.unit_code AND g.role = 'grid-worker' AND u.username = $7)";

impl Db {
    /// The rows of `cohort` grouped by `grouping`, by key.
    pub async fn assessment(
        &self,
        cohort: &Cohort<'_>,
        grouping: Grouping,
    ) -> sqlx::Result<Vec<Tally>> {
        let sql = match grouping {
            Grouping::Units(len) => return self.unit_tallies(cohort, len).await,
            Grouping::Workers => format!(
                "SELECT u.username AS k, {TALLIES} FROM events e {TO_WORKERS} \
                 WHERE e.unit_code >= $1 AND e.unit_code < $2 \
                 AND e.reported_at >= $3 AND e.reported_at < $4 \
                 GROUP BY u.username ORDER BY u.username"
            ),
            // Received: in the department's queue now, or returned by it since.
            Grouping::Departments => format!(
                "SELECT k, {TALLIES} FROM (\
                   SELECT {RECEIVED}, e.handler_unit AS k FROM events e \
                   WHERE e.handler_unit >= $1 AND e.handler_unit < $2 \
                   AND e.handler_unit LIKE '%.%' \
                   AND e.reported_at >= $3 AND e.reported_at < $4 \
                   UNION \
                   SELECT {RECEIVED}, r.handler_unit AS k FROM events e \
                   JOIN event_returns r ON r.event_id = e.id \
                   WHERE r.handler_unit >= $1 AND r.handler_unit < $2 \
                   AND r.handler_unit LIKE '%.%' \
                   AND e.reported_at >= $3 AND e.reported_at < $4\
                 ) received GROUP BY k ORDER BY k"
            ),
        };
        let rows = bind_cohort(sqlx::query(sqlx::AssertSqlSafe(sql)), cohort)
            .fetch_all(self.pool())
            .await?;
        let mut tallies: Vec<Tally> = rows.iter().map(tally).collect::<sqlx::Result<_>>()?;
        if grouping == Grouping::Departments {
            self.department_own_counts(cohort, &mut tallies).await?;
        }
        Ok(tallies)
    }

    /// A department's returns and ratings are its own: the returns it made (not another's
    /// before it) and the ratings of what it handled, of what it received.
    async fn department_own_counts(
        &self,
        cohort: &Cohort<'_>,
        tallies: &mut [Tally],
    ) -> sqlx::Result<()> {
        let returned = bind_subtree_and_period(
            sqlx::query(
                "SELECT r.handler_unit AS k, CAST(COUNT(DISTINCT r.event_id) AS BIGINT) AS n \
                 FROM event_returns r JOIN events e ON e.id = r.event_id \
                 WHERE r.handler_unit >= $1 AND r.handler_unit < $2 \
                 AND e.reported_at >= $3 AND e.reported_at < $4 GROUP BY r.handler_unit",
            ),
            cohort,
        )
        .fetch_all(self.pool())
        .await?;
        let rated = bind_subtree_and_period(
            sqlx::query(
                "SELECT v.handler_unit AS k, CAST(COUNT(*) AS BIGINT) AS n, \
                 CAST(COALESCE(SUM(CASE WHEN v.rating <> 'dissatisfied' THEN 1 ELSE 0 END), 0) \
                 AS BIGINT) AS s \
                 FROM event_evaluations v JOIN events e ON e.id = v.event_id \
                 WHERE v.handler_unit >= $1 AND v.handler_unit < $2 \
                 AND v.handler_unit LIKE '%.%' \
                 AND e.reported_at >= $3 AND e.reported_at < $4 GROUP BY v.handler_unit",
            ),
            cohort,
        )
        .fetch_all(self.pool())
        .await?;
        for t in tallies.iter_mut() {
            t.dispatched = t.events;
            t.returned = 0;
            t.evaluations = 0;
            t.satisfied = 0;
        }
        for row in &returned {
            let key: String = row.try_get("k")?;
            if let Some(t) = tallies.iter_mut().find(|t| t.key == key) {
                t.returned = row.try_get("n")?;
            }
        }
        for row in &rated {
            let key: String = row.try_get("k")?;
            if let Some(t) = tallies.iter_mut().find(|t| t.key == key) {
                t.evaluations = row.try_get("n")?;
                t.satisfied = row.try_get("s")?;
            }
        }
        Ok(())
    }

    /// Up to `limit` events of `cohort` behind `figure` in the row `key` (a unit's
    /// subtree, a department's received events, or a grid worker's grids' events), newest
    /// first, below `before_id`.
    pub async fn assessment_events(
        &self,
        cohort: &Cohort<'_>,
        grouping: Grouping,
        key: &str,
        figure: Figure,
        before_id: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredEvent>> {
        let row = match grouping {
            Grouping::Units(_) => "e.unit_code >= $7 AND e.unit_code < $8".to_owned(),
            Grouping::Departments => format!("{IN_DEPARTMENT} AND CAST($8 AS TEXT) IS NOT NULL"),
            Grouping::Workers => format!("{IN_WORKER} AND CAST($8 AS TEXT) IS NOT NULL"),
        };
        let department = matches!(grouping, Grouping::Departments);
        let figure = match figure {
            Figure::All => "1 = 1".to_owned(),
            Figure::LateResponse => "(e.responded_on_time = 0 \
                OR (e.responded_at IS NULL AND e.reported_at < $6))"
                .to_owned(),
            Figure::LateResolution => "(e.resolved_on_time = 0 \
                OR (e.resolved_at IS NULL AND e.deadline < $5))"
                .to_owned(),
            Figure::Returned if department => "EXISTS (SELECT 1 FROM event_returns r \
                WHERE r.event_id = e.id AND r.handler_unit = $7)"
                .to_owned(),
            Figure::Returned => "e.return_count > 0".to_owned(),
            Figure::Reopened => "e.reopen_count > 0".to_owned(),
            Figure::Dissatisfied => format!(
                "EXISTS (SELECT 1 FROM event_evaluations v WHERE v.event_id = e.id \
                 AND v.rating = 'dissatisfied'{})",
                if department {
                    " AND v.handler_unit = $7"
                } else {
                    ""
                }
            ),
            Figure::Supervised => "e.supervised = 1".to_owned(),
            Figure::Urged => "e.urge_count > 0".to_owned(),
        };
        // The select list sees only `events e`: the subqueries' tables are out of its scope.
        let columns = super::events::EVENT_COLUMNS;
        let sql = format!(
            "SELECT {columns} FROM events e \
             WHERE e.unit_code >= $1 AND e.unit_code < $2 \
             AND e.reported_at >= $3 AND e.reported_at < $4 \
             AND {row} AND {figure} AND e.id < $9 \
             AND CAST($5 AS TEXT) IS NOT NULL AND CAST($6 AS BIGINT) IS NOT NULL \
             ORDER BY e.id DESC LIMIT $10"
        );
        let rows = bind_cohort(sqlx::query(sqlx::AssertSqlSafe(sql)), cohort)
            .bind(key)
            .bind(subtree_end(key))
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(super::events::stored).collect()
    }
}
