//! Installations as the lifecycle (`plugins::lifecycle`) changes them: a registry version
//! recorded at a unit, switched on upgrade and rollback, disabled, enabled and removed.
//! Each change is one transaction, so a refused or failed step leaves the row as it was;
//! each also bumps the catalog's change marker (`db::catalog_version`) in that transaction,
//! which is how a running `serve` learns of it.

use serde_json::{Map, Value};
use sqlx::Row;

use super::catalog_version::bump_catalog_version;
use super::plugin_categories::{PluginCategory, register_categories};
use super::{Db, now_ms};

/// One installation's lifecycle columns.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallationRow {
    /// Installation id.
    pub id: i64,
    /// The plugin.
    pub plugin_id: String,
    /// The unit it is installed at.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The installed version.
    pub version: String,
    /// `enabled`, `disabled` or `uninstalled`.
    pub state: String,
    /// Granted permissions, by name.
    pub grants: Vec<String>,
    /// Config values the admin set.
    pub config: Map<String, Value>,
    /// `sha256:<hex>` of the package, `None` for `plugin add`.
    pub package_digest: Option<String>,
    /// The version before the last upgrade or rollback.
    pub previous_version: Option<String>,
    /// Its package digest.
    pub previous_package_digest: Option<String>,
}

/// A verified plugin version to store with the installation that runs it.
#[derive(Debug)]
pub struct VersionToRecord<'a> {
    /// Plugin id.
    pub plugin_id: &'a str,
    /// Version.
    pub version: &'a str,
    /// Display name.
    pub name: &'a str,
    /// The manifest as written.
    pub manifest: &'a str,
    /// Hex sha256 of the component (the compile cache's key).
    pub component_digest: &'a str,
    /// The component.
    pub component: &'a [u8],
    /// `sha256:<hex>` of the package.
    pub package_digest: &'a str,
    /// Its event categories.
    pub categories: &'a [PluginCategory],
}

/// Where and how a version runs: grants and config.
#[derive(Debug)]
pub struct Placement<'a> {
    /// Unit code.
    pub unit_code: &'a str,
    /// Unit name.
    pub unit_name: &'a str,
    /// Granted permissions, by name.
    pub grants: &'a [String],
    /// Config values.
    pub config: &'a Map<String, Value>,
}

fn row_of(row: &sqlx::any::AnyRow) -> anyhow::Result<InstallationRow> {
    let grants: String = row.try_get("grants")?;
    let config: String = row.try_get("config")?;
    Ok(InstallationRow {
        id: row.try_get("id")?,
        plugin_id: row.try_get("plugin_id")?,
        unit_code: row.try_get("unit_code")?,
        unit_name: row.try_get("unit_name")?,
        version: row.try_get("version")?,
        state: row.try_get("state")?,
        grants: serde_json::from_str(&grants)?,
        config: serde_json::from_str(&config)?,
        package_digest: row.try_get("package_digest")?,
        previous_version: row.try_get("previous_version")?,
        previous_package_digest: row.try_get("previous_package_digest")?,
    })
}

/// Stores the component, the plugin version and its categories, unless they are there.
/// A version registered before with another component is refused: a version names one
/// component, everywhere.
async fn store_version(
    tx: &mut sqlx::AnyConnection,
    version: &VersionToRecord<'_>,
) -> anyhow::Result<()> {
    let existing: Option<String> =
        sqlx::query_scalar("SELECT digest FROM plugins WHERE id = $1 AND version = $2")
            .bind(version.plugin_id)
            .bind(version.version)
            .fetch_optional(&mut *tx)
            .await?;
    if existing
        .as_deref()
        .is_some_and(|digest| digest != version.component_digest)
    {
        anyhow::bail!(
            "{}@{} is already registered on this host with another component (a local \
             `plugin add`?); a version names one component, so uninstall that one first",
            version.plugin_id,
            version.version
        );
    }
    register_categories(&mut *tx, version.plugin_id, version.categories).await?;
    sqlx::query(
        "INSERT INTO plugin_components (digest, bytes, added_at) VALUES ($1, $2, $3) \
         ON CONFLICT (digest) DO NOTHING",
    )
    .bind(version.component_digest)
    .bind(version.component)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO plugins (id, version, name, manifest, digest, added_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id, version) DO NOTHING",
    )
    .bind(version.plugin_id)
    .bind(version.version)
    .bind(version.name)
    .bind(version.manifest)
    .bind(version.component_digest)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Db {
    /// The installation of `plugin_id` at exactly `unit_code`, in any state.
    pub async fn installation_at(
        &self,
        plugin_id: &str,
        unit_code: &str,
    ) -> anyhow::Result<Option<InstallationRow>> {
        let row = sqlx::query(
            "SELECT id, plugin_id, unit_code, unit_name, version, state, grants, config, \
             package_digest, previous_version, previous_package_digest FROM installations \
             WHERE plugin_id = $1 AND unit_code = $2",
        )
        .bind(plugin_id)
        .bind(unit_code)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(row_of).transpose()
    }

    /// Records `version` installed at the placement, enabled, in one transaction. An
    /// uninstalled installation at the unit (its data kept) is taken over with its storage;
    /// any other installation there refuses with `Ok(None)`.
    pub async fn record_installation(
        &self,
        version: &VersionToRecord<'_>,
        placement: &Placement<'_>,
    ) -> anyhow::Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        store_version(&mut tx, version).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO installations (plugin_id, version, unit_code, unit_name, grants, \
             config, installed_at, package_digest, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'enabled') \
             ON CONFLICT (plugin_id, unit_code) DO UPDATE SET version = excluded.version, \
             unit_name = excluded.unit_name, grants = excluded.grants, \
             config = excluded.config, installed_at = excluded.installed_at, \
             package_digest = excluded.package_digest, state = 'enabled', \
             previous_version = NULL, previous_package_digest = NULL, \
             previous_grants = NULL, previous_config = NULL \
             WHERE installations.state = 'uninstalled' RETURNING id",
        )
        .bind(version.plugin_id)
        .bind(version.version)
        .bind(placement.unit_code)
        .bind(placement.unit_name)
        .bind(serde_json::to_string(placement.grants)?)
        .bind(Value::Object(placement.config.clone()).to_string())
        .bind(now_ms())
        .bind(version.package_digest)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        sqlx::query(
            "INSERT INTO plugin_storage_usage (installation_id, bytes) VALUES ($1, 0) \
             ON CONFLICT (installation_id) DO NOTHING",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        bump_catalog_version(&mut tx).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Moves installation `id` from `from_version` to `version` with new grants and config,
    /// keeping what it ran so far as its previous version. `false` (nothing changed) when
    /// the installation is no longer at `from_version`.
    pub async fn switch_installation_version(
        &self,
        id: i64,
        from_version: &str,
        version: &VersionToRecord<'_>,
        grants: &[String],
        config: &Map<String, Value>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.begin_write().await?;
        store_version(&mut tx, version).await?;
        // SET expressions read the row as it was, so the current values become the
        // previous ones in the same statement.
        let switched = sqlx::query(
            "UPDATE installations SET previous_version = version, \
             previous_package_digest = package_digest, previous_grants = grants, \
             previous_config = config, version = $1, package_digest = $2, grants = $3, \
             config = $4 WHERE id = $5 AND version = $6 AND state <> 'uninstalled'",
        )
        .bind(version.version)
        .bind(version.package_digest)
        .bind(serde_json::to_string(grants)?)
        .bind(Value::Object(config.clone()).to_string())
        .bind(id)
        .bind(from_version)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if switched {
            bump_catalog_version(&mut tx).await?;
            tx.commit().await?;
        }
        Ok(switched)
    }

    /// Swaps installation `id`'s version, package, grants and config with the previous
    /// ones (a second rollback undoes the first). `false` when it has no previous version
    /// or is no longer at `from_version`.
    pub async fn swap_to_previous_version(
        &self,
        id: i64,
        from_version: &str,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin_write().await?;
        let result = sqlx::query(
            "UPDATE installations SET version = previous_version, previous_version = version, \
             package_digest = previous_package_digest, previous_package_digest = package_digest, \
             grants = previous_grants, previous_grants = grants, \
             config = previous_config, previous_config = config \
             WHERE id = $1 AND version = $2 AND previous_version IS NOT NULL \
             AND previous_grants IS NOT NULL AND previous_config IS NOT NULL \
             AND state <> 'uninstalled'",
        )
        .bind(id)
        .bind(from_version)
        .execute(&mut *tx)
        .await?;
        let swapped = result.rows_affected() == 1;
        if swapped {
            bump_catalog_version(&mut tx).await?;
            tx.commit().await?;
        }
        Ok(swapped)
    }

    /// Sets installation `id`'s state to `to` if it is `from`; `false` otherwise.
    pub async fn set_installation_state(
        &self,
        id: i64,
        from: &str,
        to: &str,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin_write().await?;
        let result =
            sqlx::query("UPDATE installations SET state = $1 WHERE id = $2 AND state = $3")
                .bind(to)
                .bind(id)
                .bind(from)
                .execute(&mut *tx)
                .await?;
        let changed = result.rows_affected() == 1;
        if changed {
            bump_catalog_version(&mut tx).await?;
            tx.commit().await?;
        }
        Ok(changed)
    }

    /// Removes installation `id` with its storage (the foreign keys cascade).
    pub async fn delete_installation(&self, id: i64) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM plugin_storage WHERE installation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM plugin_storage_usage WHERE installation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM installations WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        bump_catalog_version(&mut tx).await?;
        tx.commit().await
    }

    /// The component digest and manifest of a registered plugin version.
    pub async fn plugin_version(
        &self,
        plugin_id: &str,
        version: &str,
    ) -> sqlx::Result<Option<(String, String)>> {
        let row =
            sqlx::query("SELECT digest, manifest FROM plugins WHERE id = $1 AND version = $2")
                .bind(plugin_id)
                .bind(version)
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| Ok((row.try_get("digest")?, row.try_get("manifest")?)))
            .transpose()
    }
}

#[cfg(test)]
mod tests;
