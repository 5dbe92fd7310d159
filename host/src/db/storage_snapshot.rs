//! An installation's whole storage at once: read for an export or before a migrate hook,
//! and written back exactly when the hook failed.
//!
//! Why a snapshot and not one transaction around the hook: the hook is plugin code that may
//! run for the whole lifecycle deadline (30 s), and on SQLite a write transaction holds the
//! database's only write lock — every other installation's writes would wait behind it.
//! The snapshot gives the same outcome for the installation (all of the hook's writes, or
//! none) without that stall. Storage is capped by the quota, so the copy is bounded.

use super::Db;

/// Every key of an installation with its value, in key order.
pub type StorageEntries = Vec<(String, Vec<u8>)>;

impl Db {
    /// The installation's storage, in key order.
    pub async fn storage_entries(&self, installation_id: i64) -> sqlx::Result<StorageEntries> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT key, value FROM plugin_storage WHERE installation_id = $1 ORDER BY key",
        )
        .bind(installation_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    /// Replaces the installation's storage with `entries` and its usage with their size,
    /// in one transaction.
    pub async fn restore_storage(
        &self,
        installation_id: i64,
        entries: &StorageEntries,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM plugin_storage WHERE installation_id = $1")
            .bind(installation_id)
            .execute(&mut *tx)
            .await?;
        let mut bytes: i64 = 0;
        for (key, value) in entries {
            sqlx::query(
                "INSERT INTO plugin_storage (installation_id, key, value) VALUES ($1, $2, $3)",
            )
            .bind(installation_id)
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
            bytes =
                bytes.saturating_add(i64::try_from(key.len() + value.len()).unwrap_or(i64::MAX));
        }
        sqlx::query(
            "INSERT INTO plugin_storage_usage (installation_id, bytes) VALUES ($1, $2) \
             ON CONFLICT (installation_id) DO UPDATE SET bytes = excluded.bytes",
        )
        .bind(installation_id)
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}
