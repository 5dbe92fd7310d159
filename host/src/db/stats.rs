//! Aggregates for dashboards: counts of events by category, state, child unit and day, of
//! residents by population type, houses by usage and special populations by category, over
//! a unit's subtree. Raw counts; the small-cell rule
//! is applied where they are shown.

use sqlx::Row;

use super::{Backend, Db};
use crate::grid::unit_code::subtree_end;

/// One group and its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The group's key (category code, state, unit code, `YYYY-MM-DD` …).
    pub key: String,
    /// How many.
    pub count: i64,
}

/// What to group events by.
#[derive(Debug, Clone, Copy)]
pub enum EventGrouping {
    /// Category code.
    Category,
    /// Workflow state.
    State,
    /// The child unit of the subtree's root that the event belongs to: the first `n`
    /// characters of its unit code.
    ChildUnit(usize),
    /// Day reported, China time.
    Day,
}

impl Db {
    async fn counts(
        &self,
        sql: String,
        unit_code: &str,
        extra: Option<i64>,
    ) -> sqlx::Result<Vec<Count>> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code));
        if let Some(extra) = extra {
            query = query.bind(extra);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok(Count {
                    key: row.try_get("k")?,
                    count: row.try_get("n")?,
                })
            })
            .collect()
    }

    /// Events in the subtree of `unit_code`, grouped. `since_ms` limits by report time.
    pub async fn event_counts(
        &self,
        unit_code: &str,
        grouping: EventGrouping,
        since_ms: Option<i64>,
    ) -> sqlx::Result<Vec<Count>> {
        let key = match grouping {
            EventGrouping::Category => "category".to_owned(),
            EventGrouping::State => "state".to_owned(),
            EventGrouping::ChildUnit(len) => format!("substr(unit_code, 1, {len})"),
            // Days in China Standard Time (UTC+8) on both engines.
            EventGrouping::Day => match self.backend() {
                Backend::Sqlite => "date(reported_at / 1000 + 28800, 'unixepoch')".to_owned(),
                Backend::Postgres => {
                    "to_char(to_timestamp(reported_at / 1000 + 28800) AT TIME ZONE 'UTC', \
                     'YYYY-MM-DD')"
                        .to_owned()
                }
            },
        };
        let since = if since_ms.is_some() {
            " AND reported_at >= $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {key} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM events \
             WHERE unit_code >= $1 AND unit_code < $2{since} GROUP BY {key} ORDER BY {key}"
        );
        self.counts(sql, unit_code, since_ms).await
    }

    /// Residents of the subtree of `unit_code` by population type.
    pub async fn resident_counts_by_type(&self, unit_code: &str) -> sqlx::Result<Vec<Count>> {
        let sql = "SELECT population_type AS k, CAST(COUNT(*) AS BIGINT) AS n FROM residents \
                   WHERE grid_code >= $1 AND grid_code < $2 AND closed_at IS NULL \
                   GROUP BY population_type \
                   ORDER BY population_type"
            .to_owned();
        self.counts(sql, unit_code, None).await
    }

    /// Houses of the subtree of `unit_code` by usage.
    pub async fn house_counts_by_usage(&self, unit_code: &str) -> sqlx::Result<Vec<Count>> {
        let sql = "SELECT usage AS k, CAST(COUNT(*) AS BIGINT) AS n FROM houses \
                   WHERE grid_code >= $1 AND grid_code < $2 GROUP BY usage ORDER BY usage"
            .to_owned();
        self.counts(sql, unit_code, None).await
    }

    /// Special-population records of the subtree of `unit_code` by category: counts only,
    /// which is all a dashboard (and a leader) gets.
    pub async fn special_population_counts(&self, unit_code: &str) -> sqlx::Result<Vec<Count>> {
        let sql = "SELECT category AS k, CAST(COUNT(*) AS BIGINT) AS n \
                   FROM special_populations WHERE grid_code >= $1 AND grid_code < $2 \
                   AND closed_at IS NULL \
                   GROUP BY category ORDER BY category"
            .to_owned();
        self.counts(sql, unit_code, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::events::NewEvent;
    use crate::db::test_engines::{on_both_engines, with_units};

    async fn scenarios(db: Db) {
        with_units(&db, &["42", "4202", "420202", "420203", "4203"]).await;
        for (unit, category) in [
            ("420202", "environment"),
            ("420202", "petition"),
            ("420203", "environment"),
            ("4203", "petition"),
        ] {
            db.report_event(&NewEvent {
                category,
                title: "t",
                description: "",
                unit_code: unit,
                reporter: "user:x",
                ..NewEvent::default()
            })
            .await
            .expect("report");
        }
        let pairs = |counts: Vec<Count>| -> Vec<(String, i64)> {
            counts.into_iter().map(|c| (c.key, c.count)).collect()
        };
        let by_child = db
            .event_counts("4202", EventGrouping::ChildUnit(6), None)
            .await
            .expect("by child");
        assert_eq!(
            pairs(by_child),
            [("420202".into(), 2), ("420203".into(), 1)]
        );
        let by_category = db
            .event_counts("4202", EventGrouping::Category, None)
            .await
            .expect("by category");
        assert_eq!(
            pairs(by_category),
            [("environment".into(), 2), ("petition".into(), 1)]
        );
        let by_day = db
            .event_counts("42", EventGrouping::Day, Some(0))
            .await
            .expect("by day");
        assert_eq!(by_day.len(), 1, "all reported today");
        assert_eq!(
            by_day[0].key,
            crate::grid::calendar::today_in_china().to_string()
        );
        assert_eq!(by_day[0].count, 4);
    }

    on_both_engines!(scenarios, stats_on_sqlite, stats_on_postgres);
}
