//! 风险预警 in the store: a warning pushed to every grid of a unit's subtree (with each
//! grid's inbox message, in one transaction), and each grid's receipt: the grid worker's
//! acknowledgement (签收) and feedback (反馈), each given once. Who may push, acknowledge or
//! read is `rules::warnings`'s to say.

use std::collections::HashMap;

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::unit_code::subtree_end;

/// A pushed warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredWarning {
    /// Its id.
    pub id: i64,
    /// The unit whose grids it was pushed to.
    pub unit_code: String,
    /// Its title (with `风险预警：` before it).
    pub title: String,
    /// What to do.
    pub body: String,
    /// Who pushed it (`user:NAME`).
    pub pushed_by: String,
    /// When (ms).
    pub pushed_at: i64,
}

/// One grid's receipt of a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The grid.
    pub grid_code: String,
    /// Its name (empty if the unit is gone).
    pub grid_name: String,
    /// The grid worker who acknowledged it (username), with their name.
    pub acknowledged_by: Option<(String, String)>,
    /// When (ms).
    pub acknowledged_at: Option<i64>,
    /// The feedback sent back.
    pub feedback: Option<String>,
    /// When (ms).
    pub feedback_at: Option<i64>,
}

/// A warning with how its grids answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningTally {
    /// The warning.
    pub warning: StoredWarning,
    /// Grids it reached.
    pub grids: i64,
    /// Of them acknowledged.
    pub acknowledged: i64,
    /// Of them with feedback.
    pub fed_back: i64,
}

const WARNING_COLUMNS: &str = "w.id, w.unit_code, w.title, w.body, w.pushed_by, w.pushed_at";

const RECEIPT_COLUMNS: &str = "r.warning_id, r.grid_code, COALESCE(n.name, '') AS grid_name, \
    r.acknowledged_by, COALESCE(u.display_name, r.acknowledged_by) AS acknowledged_name, \
    r.acknowledged_at, r.feedback, r.feedback_at";

const RECEIPT_JOINS: &str = "LEFT JOIN units n ON n.code = r.grid_code \
    LEFT JOIN users u ON u.username = r.acknowledged_by";

fn warning(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredWarning> {
    Ok(StoredWarning {
        id: row.try_get("id")?,
        unit_code: row.try_get("unit_code")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        pushed_by: row.try_get("pushed_by")?,
        pushed_at: row.try_get("pushed_at")?,
    })
}

fn receipt(row: &sqlx::any::AnyRow) -> sqlx::Result<Receipt> {
    let by: Option<String> = row.try_get("acknowledged_by")?;
    let name: Option<String> = row.try_get("acknowledged_name")?;
    Ok(Receipt {
        grid_code: row.try_get("grid_code")?,
        grid_name: row.try_get("grid_name")?,
        acknowledged_by: by.map(|by| {
            let name = name.unwrap_or_else(|| by.clone());
            (by, name)
        }),
        acknowledged_at: row.try_get("acknowledged_at")?,
        feedback: row.try_get("feedback")?,
        feedback_at: row.try_get("feedback_at")?,
    })
}

/// `(r.grid_code >= $k AND r.grid_code < $k+1) OR …` for each unit's subtree, numbering
/// from `$first`; with the values to bind in order.
fn in_subtrees(units: &[String], first: usize) -> (String, Vec<String>) {
    let mut sql = Vec::new();
    let mut binds = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let k = first + 2 * i;
        sql.push(format!(
            "(r.grid_code >= ${k} AND r.grid_code < ${})",
            k + 1
        ));
        binds.push(unit.clone());
        binds.push(subtree_end(unit));
    }
    if sql.is_empty() {
        return ("1 = 0".to_owned(), binds);
    }
    (format!("({})", sql.join(" OR ")), binds)
}

impl Db {
    /// Pushes a warning from `pushed_by` to every grid in the subtree of `unit_code`, each
    /// with its receipt and inbox message, in one transaction: its id and how many grids
    /// it reached.
    pub async fn push_warning(
        &self,
        unit_code: &str,
        title: &str,
        body: &str,
        pushed_by: &str,
    ) -> sqlx::Result<(i64, u64)> {
        let mut tx = self.begin_write().await?;
        let grids: Vec<String> = sqlx::query_scalar(
            "SELECT code FROM units WHERE code >= $1 AND code < $2 AND level = 'grid'",
        )
        .bind(unit_code)
        .bind(subtree_end(unit_code))
        .fetch_all(&mut *tx)
        .await?;
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO warnings (unit_code, title, body, pushed_by, pushed_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(unit_code)
        .bind(title)
        .bind(body)
        .bind(pushed_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for grid in &grids {
            sqlx::query("INSERT INTO warning_receipts (warning_id, grid_code) VALUES ($1, $2)")
                .bind(id)
                .bind(grid)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO unit_notifications (unit_code, title, body, event_id, created_at) \
                 VALUES ($1, $2, $3, NULL, $4)",
            )
            .bind(grid)
            .bind(title)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((id, grids.len() as u64))
    }

    /// Warning `id`.
    pub async fn warning(&self, id: i64) -> sqlx::Result<Option<StoredWarning>> {
        let sql = format!("SELECT {WARNING_COLUMNS} FROM warnings w WHERE w.id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(warning)
            .transpose()
    }

    /// The receipts of warning `id`, by grid code.
    pub async fn warning_receipts(&self, id: i64) -> sqlx::Result<Vec<Receipt>> {
        let sql = format!(
            "SELECT {RECEIPT_COLUMNS} FROM warning_receipts r {RECEIPT_JOINS} \
             WHERE r.warning_id = $1 ORDER BY r.grid_code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(receipt).collect()
    }

    /// Grid `grid`'s receipt of warning `id`, if the warning was addressed to it.
    pub async fn warning_receipt(&self, id: i64, grid: &str) -> sqlx::Result<Option<Receipt>> {
        let sql = format!(
            "SELECT {RECEIPT_COLUMNS} FROM warning_receipts r {RECEIPT_JOINS} \
             WHERE r.warning_id = $1 AND r.grid_code = $2"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(grid)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(receipt)
            .transpose()
    }

    /// Records that `username` acknowledged warning `id` for `grid`; false if the grid's
    /// receipt was acknowledged already (or there is none).
    pub async fn acknowledge_warning(
        &self,
        id: i64,
        grid: &str,
        username: &str,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE warning_receipts SET acknowledged_by = $3, acknowledged_at = $4 \
             WHERE warning_id = $1 AND grid_code = $2 AND acknowledged_at IS NULL",
        )
        .bind(id)
        .bind(grid)
        .bind(username)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records `username`'s feedback on warning `id` for `grid`, acknowledging it too if
    /// nobody had; false if the grid had sent feedback already (or has no receipt).
    pub async fn send_warning_feedback(
        &self,
        id: i64,
        grid: &str,
        username: &str,
        feedback: &str,
    ) -> sqlx::Result<bool> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE warning_receipts SET feedback = $3, feedback_by = $4, feedback_at = $5, \
             acknowledged_by = COALESCE(acknowledged_by, $4), \
             acknowledged_at = COALESCE(acknowledged_at, $5) \
             WHERE warning_id = $1 AND grid_code = $2 AND feedback_at IS NULL",
        )
        .bind(id)
        .bind(grid)
        .bind(feedback)
        .bind(username)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Up to `limit` warnings pushed to `unit` or inside its subtree, newest first, below
    /// `before_id`, each with how its grids answered.
    pub async fn warnings_under(
        &self,
        unit: &str,
        before_id: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<WarningTally>> {
        let sql = format!(
            "SELECT {WARNING_COLUMNS}, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM warning_receipts r WHERE r.warning_id = w.id) AS grids, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM warning_receipts r \
                WHERE r.warning_id = w.id AND r.acknowledged_at IS NOT NULL) AS acknowledged, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM warning_receipts r \
                WHERE r.warning_id = w.id AND r.feedback_at IS NOT NULL) AS fed_back \
             FROM warnings w WHERE w.unit_code >= $1 AND w.unit_code < $2 AND w.id < $3 \
             ORDER BY w.id DESC LIMIT $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit)
            .bind(subtree_end(unit))
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(WarningTally {
                    warning: warning(row)?,
                    grids: row.try_get("grids")?,
                    acknowledged: row.try_get("acknowledged")?,
                    fed_back: row.try_get("fed_back")?,
                })
            })
            .collect()
    }

    /// Up to `limit` warnings addressed to grids in the subtrees of `units`, newest first,
    /// below `before_id`, each with the receipts of those grids (by grid code).
    pub async fn warnings_received(
        &self,
        units: &[String],
        before_id: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<(StoredWarning, Vec<Receipt>)>> {
        let (ranges, binds) = in_subtrees(units, 3);
        let sql = format!(
            "SELECT {WARNING_COLUMNS} FROM warnings w WHERE w.id < $1 AND EXISTS (\
               SELECT 1 FROM warning_receipts r WHERE r.warning_id = w.id AND {ranges}) \
             ORDER BY w.id DESC LIMIT $2"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(before_id.unwrap_or(i64::MAX))
            .bind(limit);
        for value in &binds {
            query = query.bind(value.clone());
        }
        let warnings: Vec<StoredWarning> = query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(warning)
            .collect::<sqlx::Result<_>>()?;
        let (Some(newest), Some(oldest)) = (warnings.first(), warnings.last()) else {
            return Ok(Vec::new());
        };
        // One read for every listed warning's receipts: the list is the newest warnings
        // below `before_id` with a receipt in the units, so every warning between its
        // oldest and newest id with such a receipt is on it, and the id range selects
        // exactly their receipts.
        let sql = format!(
            "SELECT {RECEIPT_COLUMNS} FROM warning_receipts r {RECEIPT_JOINS} \
             WHERE r.warning_id >= $1 AND r.warning_id <= $2 AND {ranges} \
             ORDER BY r.warning_id, r.grid_code"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(oldest.id)
            .bind(newest.id);
        for value in &binds {
            query = query.bind(value.clone());
        }
        let mut receipts: HashMap<i64, Vec<Receipt>> = HashMap::new();
        for row in query.fetch_all(self.pool()).await? {
            let warning_id: i64 = row.try_get("warning_id")?;
            receipts.entry(warning_id).or_default().push(receipt(&row)?);
        }
        let out = warnings
            .into_iter()
            .map(|w| {
                let mine = receipts.remove(&w.id).unwrap_or_default();
                (w, mine)
            })
            .collect();
        Ok(out)
    }

    /// How many receipts of grids in the subtrees of `units` are not acknowledged yet.
    pub async fn warnings_unacknowledged(&self, units: &[String]) -> sqlx::Result<i64> {
        let (ranges, binds) = in_subtrees(units, 1);
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM warning_receipts r \
             WHERE r.acknowledged_at IS NULL AND {ranges}"
        );
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
        for value in &binds {
            query = query.bind(value.clone());
        }
        query.fetch_one(self.pool()).await
    }
}
