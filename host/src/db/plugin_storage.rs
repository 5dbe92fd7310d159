//! Plugin key-value storage in the database, one namespace per installation, with a byte
//! quota that counts keys and values.

use sqlx::Row;

use super::{Backend, Db};

/// Why a storage operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The write would take the installation past its quota.
    #[error("storage quota exceeded: {needed} bytes needed, quota is {quota} bytes")]
    Quota {
        /// Bytes the installation would use after the write.
        needed: u64,
        /// The quota.
        quota: u64,
    },
    /// `increment` on a value that is not a decimal i64.
    #[error("the value under `{0}` is not a counter (decimal 64-bit integer)")]
    NotACounter(String),
    /// `increment` would overflow.
    #[error("incrementing `{0}` would overflow a 64-bit counter")]
    Overflow(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// One installation's storage.
#[derive(Debug, Clone)]
pub struct InstallationStorage {
    db: Db,
    installation_id: i64,
    quota_bytes: u64,
}

fn entry_size(key: &str, value_len: usize) -> i64 {
    i64::try_from(key.len() + value_len).unwrap_or(i64::MAX)
}

impl InstallationStorage {
    /// The storage of `installation_id`, limited to `quota_bytes`.
    pub fn new(db: Db, installation_id: i64, quota_bytes: u64) -> Self {
        Self {
            db,
            installation_id,
            quota_bytes,
        }
    }

    /// The value under `key`.
    pub async fn get(&self, key: &str) -> sqlx::Result<Option<Vec<u8>>> {
        sqlx::query_scalar(
            "SELECT value FROM plugin_storage WHERE installation_id = $1 AND key = $2",
        )
        .bind(self.installation_id)
        .bind(key)
        .fetch_optional(self.db.pool())
        .await
    }

    /// Stores `value` under `key`.
    pub async fn set(&self, key: &str, value: &[u8]) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write().await?;
        let used = self.locked_usage(&mut tx).await?;
        let old = self.entry_size_in(&mut tx, key).await?;
        let needed = used - old + entry_size(key, value.len());
        self.check_quota(used, needed)?;
        self.upsert(&mut tx, key, value).await?;
        self.set_usage(&mut tx, needed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes `key`; true if it existed.
    pub async fn delete(&self, key: &str) -> Result<bool, StorageError> {
        let mut tx = self.db.begin_write().await?;
        let used = self.locked_usage(&mut tx).await?;
        let old = self.entry_size_in(&mut tx, key).await?;
        let deleted =
            sqlx::query("DELETE FROM plugin_storage WHERE installation_id = $1 AND key = $2")
                .bind(self.installation_id)
                .bind(key)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
        self.set_usage(&mut tx, used - old).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Adds `delta` to the counter under `key` and returns the new value.
    pub async fn increment(&self, key: &str, delta: i64) -> Result<i64, StorageError> {
        let mut tx = self.db.begin_write().await?;
        let used = self.locked_usage(&mut tx).await?;
        let current: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT value FROM plugin_storage WHERE installation_id = $1 AND key = $2",
        )
        .bind(self.installation_id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        let (old_value, old_size) = match &current {
            None => (0, 0),
            Some(bytes) => {
                let value = std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|text| text.parse::<i64>().ok())
                    .ok_or_else(|| StorageError::NotACounter(key.to_owned()))?;
                (value, entry_size(key, bytes.len()))
            }
        };
        let new_value = old_value
            .checked_add(delta)
            .ok_or_else(|| StorageError::Overflow(key.to_owned()))?;
        let text = new_value.to_string();
        let needed = used - old_size + entry_size(key, text.len());
        self.check_quota(used, needed)?;
        self.upsert(&mut tx, key, text.as_bytes()).await?;
        self.set_usage(&mut tx, needed).await?;
        tx.commit().await?;
        Ok(new_value)
    }

    /// Keys starting with `prefix` in byte order, after `after`, at most `limit`.
    pub async fn list_keys(
        &self,
        prefix: &str,
        after: Option<&str>,
        limit: u32,
    ) -> sqlx::Result<Vec<String>> {
        // `substr` counts characters on both engines, so the prefix length is in characters.
        let prefix_chars = i64::try_from(prefix.chars().count()).unwrap_or(i64::MAX);
        sqlx::query_scalar(
            "SELECT key FROM plugin_storage WHERE installation_id = $1 \
             AND key >= $2 AND substr(key, 1, CAST($3 AS INTEGER)) = $2 AND key > $4 \
             ORDER BY key LIMIT $5",
        )
        .bind(self.installation_id)
        .bind(prefix)
        .bind(prefix_chars)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(self.db.pool())
        .await
    }

    /// Bytes in use.
    pub async fn usage(&self) -> sqlx::Result<i64> {
        let row = sqlx::query("SELECT bytes FROM plugin_storage_usage WHERE installation_id = $1")
            .bind(self.installation_id)
            .fetch_optional(self.db.pool())
            .await?;
        Ok(row.map(|r| r.get::<i64, _>(0)).unwrap_or(0))
    }

    fn check_quota(&self, used: i64, needed: i64) -> Result<(), StorageError> {
        let needed_bytes = u64::try_from(needed).unwrap_or(0);
        // A write that shrinks usage is always allowed, so a full installation can clean up.
        if needed > used && needed_bytes > self.quota_bytes {
            return Err(StorageError::Quota {
                needed: needed_bytes,
                quota: self.quota_bytes,
            });
        }
        Ok(())
    }

    async fn locked_usage(&self, tx: &mut sqlx::AnyConnection) -> sqlx::Result<i64> {
        // The usage row is the installation's write lock on PostgreSQL; SQLite's
        // `BEGIN IMMEDIATE` already holds the database's only write lock.
        let sql = match self.db.backend() {
            Backend::Sqlite => "SELECT bytes FROM plugin_storage_usage WHERE installation_id = $1",
            Backend::Postgres => {
                "SELECT bytes FROM plugin_storage_usage WHERE installation_id = $1 FOR UPDATE"
            }
        };
        let used: Option<i64> = sqlx::query_scalar(sql)
            .bind(self.installation_id)
            .fetch_optional(&mut *tx)
            .await?;
        match used {
            Some(used) => Ok(used),
            None => {
                sqlx::query(
                    "INSERT INTO plugin_storage_usage (installation_id, bytes) VALUES ($1, 0)",
                )
                .bind(self.installation_id)
                .execute(&mut *tx)
                .await?;
                Ok(0)
            }
        }
    }

    async fn entry_size_in(&self, tx: &mut sqlx::AnyConnection, key: &str) -> sqlx::Result<i64> {
        let value_len: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(length(value) AS BIGINT) FROM plugin_storage \
             WHERE installation_id = $1 AND key = $2",
        )
        .bind(self.installation_id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        Ok(value_len.map_or(0, |len| len + entry_size(key, 0)))
    }

    async fn upsert(
        &self,
        tx: &mut sqlx::AnyConnection,
        key: &str,
        value: &[u8],
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO plugin_storage (installation_id, key, value) VALUES ($1, $2, $3) \
             ON CONFLICT (installation_id, key) DO UPDATE SET value = excluded.value",
        )
        .bind(self.installation_id)
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    async fn set_usage(&self, tx: &mut sqlx::AnyConnection, bytes: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE plugin_storage_usage SET bytes = $1 WHERE installation_id = $2")
            .bind(bytes)
            .bind(self.installation_id)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
