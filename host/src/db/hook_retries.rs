//! Hook deliveries that faulted, as stored: waiting for their next attempt (`pending`) or
//! given up (`failed`, shown to the unit admin until dismissed by a later success or kept
//! as a record).

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::unit_code::subtree_end;

/// One delivery to retry, or one given up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRetry {
    /// Id.
    pub id: i64,
    /// The installation it is for.
    pub installation_id: i64,
    /// The installation's unit.
    pub unit_code: String,
    /// The notice, as `plugins::hooks::retries` writes it.
    pub notice: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next is due (ms).
    pub next_attempt_at: i64,
    /// What the last attempt met.
    pub last_error: String,
    /// `pending` or `failed`.
    pub state: String,
    /// When the first attempt faulted (ms).
    pub created_at: i64,
    /// The installation's plugin, if the installation is still there.
    pub plugin_id: Option<String>,
}

const COLUMNS: &str = "r.id, r.installation_id, r.unit_code, r.notice, r.attempts, \
    r.next_attempt_at, r.last_error, r.state, r.created_at, i.plugin_id";

const FROM: &str = "FROM hook_retries r LEFT JOIN installations i ON i.id = r.installation_id";

fn stored(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredRetry> {
    Ok(StoredRetry {
        id: row.try_get("id")?,
        installation_id: row.try_get("installation_id")?,
        unit_code: row.try_get("unit_code")?,
        notice: row.try_get("notice")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_error: row.try_get("last_error")?,
        state: row.try_get("state")?,
        created_at: row.try_get("created_at")?,
        plugin_id: row.try_get("plugin_id")?,
    })
}

impl Db {
    /// Records a first failed attempt, the next due at `next_attempt_at` (or none: given
    /// up at once).
    pub async fn insert_hook_retry(
        &self,
        installation_id: i64,
        unit_code: &str,
        notice: &str,
        error: &str,
        next_attempt_at: Option<i64>,
    ) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO hook_retries (installation_id, unit_code, notice, attempts, \
             next_attempt_at, last_error, state, created_at) \
             VALUES ($1, $2, $3, 1, $4, $5, $6, $7)",
        )
        .bind(installation_id)
        .bind(unit_code)
        .bind(notice)
        .bind(next_attempt_at.unwrap_or(now))
        .bind(error)
        .bind(if next_attempt_at.is_some() {
            "pending"
        } else {
            "failed"
        })
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Claims up to `limit` pending retries due at `now`: each claimed row's next attempt
    /// is pushed `lease_ms` ahead first, so another host node on the same database does not
    /// take it meanwhile.
    pub async fn claim_due_hook_retries(
        &self,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredRetry>> {
        let sql = format!(
            "SELECT {COLUMNS} {FROM} WHERE r.state = 'pending' \
             AND r.next_attempt_at <= $1 ORDER BY r.next_attempt_at, r.id LIMIT $2"
        );
        let due = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        let mut claimed = Vec::new();
        for row in &due {
            let retry = stored(row)?;
            let taken = sqlx::query(
                "UPDATE hook_retries SET next_attempt_at = $1 \
                 WHERE id = $2 AND next_attempt_at = $3 AND state = 'pending'",
            )
            .bind(now + lease_ms)
            .bind(retry.id)
            .bind(retry.next_attempt_at)
            .execute(self.pool())
            .await?
            .rows_affected();
            if taken == 1 {
                claimed.push(retry);
            }
        }
        Ok(claimed)
    }

    /// A retry that succeeded: gone.
    pub async fn delete_hook_retry(&self, id: i64) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM hook_retries WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Another failed attempt: the next one due at `next_attempt_at`, or none (`failed`).
    pub async fn fail_hook_retry(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: Option<i64>,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE hook_retries SET attempts = attempts + 1, last_error = $1, \
             next_attempt_at = COALESCE($2, next_attempt_at), \
             state = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'pending' END WHERE id = $3",
        )
        .bind(error)
        .bind(next_attempt_at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The retries of installations at or below `unit_code`, newest first, at most `limit`.
    pub async fn hook_retries_under(
        &self,
        unit_code: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<StoredRetry>> {
        let sql = format!(
            "SELECT {COLUMNS} {FROM} WHERE r.unit_code >= $1 AND r.unit_code < $2 \
             ORDER BY r.id DESC LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(unit_code)
            .bind(subtree_end(unit_code))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored).collect()
    }
}
