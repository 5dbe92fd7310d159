//! The catalog's change marker: a counter that every write to the installations, or to the
//! plugin versions they run, bumps in its own transaction. A running `wangge serve` reads
//! it every few seconds and reloads its catalog when it moved (`plugins::reload`).

use super::Db;

/// Bumps the marker inside the caller's transaction, so that the change and the bump
/// commit (or roll back) together and a reader never sees one without the other.
pub(crate) async fn bump_catalog_version(conn: &mut sqlx::AnyConnection) -> sqlx::Result<()> {
    sqlx::query("UPDATE catalog_version SET version = version + 1 WHERE id = 1")
        .execute(conn)
        .await?;
    Ok(())
}

impl Db {
    /// The marker's current value; any installation change makes it differ.
    pub async fn catalog_version(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT version FROM catalog_version WHERE id = 1")
            .fetch_one(self.pool())
            .await
    }
}

#[cfg(test)]
mod tests;
