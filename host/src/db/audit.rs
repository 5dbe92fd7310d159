//! The audit log: an append-only record of sensitive reads, permission denials and
//! administrative acts (who, what, when, why).

use serde_json::Value;

use super::{Db, now_ms};
use crate::grid::unit_code::subtree_end;

/// One audit entry to write.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// Who acted: `user:42`, `plugin:hello#3` (installation 3), `cli:root`.
    pub actor: &'a str,
    /// What they did, dotted: `permission.denied`, `plugin.registered`.
    pub action: &'a str,
    /// What it was done to: `residents.get`, `plugin:hello@0.1.0`.
    pub subject: &'a str,
    /// The unit it happened at, if any.
    pub unit_code: Option<&'a str>,
    /// Everything else worth keeping (reason, permission asked …).
    pub detail: Value,
}

/// An audit row as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// Sequence number.
    pub id: i64,
    /// When, in ms since the epoch.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// To what.
    pub subject: String,
    /// Where.
    pub unit_code: Option<String>,
    /// JSON detail.
    pub detail: String,
}

impl Db {
    /// Appends one entry.
    pub async fn audit(&self, entry: AuditEntry<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, unit_code, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now_ms())
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(entry.unit_code)
        .bind(entry.detail.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many `action` entries about `subject` were written since `since_ms`: a range
    /// scan of the (action, at) index.
    pub async fn audit_count_since(
        &self,
        action: &str,
        subject: &str,
        since_ms: i64,
    ) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log \
             WHERE action = $1 AND at >= $2 AND subject = $3",
        )
        .bind(action)
        .bind(since_ms)
        .bind(subject)
        .fetch_one(self.pool())
        .await
    }
}

impl Db {
    /// The newest `limit` entries, whatever unit they are about (tests and the plugin
    /// harness read them back).
    pub async fn audit_all(&self, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
        sqlx::query_as(
            "SELECT id, at, actor, action, subject, unit_code, detail FROM audit_log \
             ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// The newest entries about units in the subtree of `unit_code`, before id `before`.
    pub async fn audit_under(
        &self,
        unit_code: &str,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<AuditRow>> {
        sqlx::query_as(
            "SELECT id, at, actor, action, subject, unit_code, detail FROM audit_log \
             WHERE unit_code >= $1 AND unit_code < $2 AND id < $3 ORDER BY id DESC LIMIT $4",
        )
        .bind(unit_code)
        .bind(subtree_end(unit_code))
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// The newest `limit` entries about `subject` (`resident:7`): a record's history.
    pub async fn audit_of_subject(&self, subject: &str, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
        sqlx::query_as(
            "SELECT id, at, actor, action, subject, unit_code, detail FROM audit_log \
             WHERE subject = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(subject)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }
}
