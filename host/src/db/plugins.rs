//! Registered plugins, their components and their installations, as stored.

use sqlx::Row;

use super::catalog_version::bump_catalog_version;
use super::plugin_categories::{PluginCategory, forget_orphaned_categories, register_categories};
use super::{Db, now_ms};

/// An installation with what is needed to load it.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallationRecord {
    /// Installation id.
    pub id: i64,
    /// The plugin.
    pub plugin_id: String,
    /// The installed version.
    pub version: String,
    /// Where it is installed.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// Granted permissions, by name.
    pub grants: Vec<String>,
    /// Config values the admin set, as a JSON object.
    pub config: serde_json::Map<String, serde_json::Value>,
    /// The manifest text of the installed version.
    pub manifest: String,
    /// The component's digest.
    pub digest: String,
    /// `enabled`, `disabled` or `uninstalled` (see `plugins::lifecycle`).
    pub state: String,
    /// `sha256:<hex>` of the registry package it came from; `None` for `plugin add`.
    pub package_digest: Option<String>,
    /// The version before its last upgrade or rollback, which a rollback returns to.
    pub previous_version: Option<String>,
}

/// What registering did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// A new plugin version was stored and installed.
    Added,
    /// The same version with the same component was already there; nothing changed.
    Unchanged,
    /// The same version was there with another component, and was replaced.
    Replaced,
}

/// A plugin version to store.
#[derive(Debug)]
pub struct NewPlugin<'a> {
    /// Plugin id.
    pub id: &'a str,
    /// Version.
    pub version: &'a str,
    /// Display name.
    pub name: &'a str,
    /// The manifest as written.
    pub manifest: &'a str,
    /// The component's sha256 digest, hex.
    pub digest: &'a str,
    /// The component.
    pub component: &'a [u8],
    /// Unit to install at.
    pub unit_code: &'a str,
    /// Its name.
    pub unit_name: &'a str,
    /// Permissions granted, by name.
    pub grants: &'a [String],
    /// Config values, JSON object.
    pub config: &'a serde_json::Map<String, serde_json::Value>,
    /// The event categories it owns, registered (or updated) with it.
    pub categories: &'a [PluginCategory],
}

impl Db {
    /// Stores the plugin version, its event categories and its installation in one
    /// transaction. `replace` allows swapping the component of an already registered version
    /// (local development). A category that is built in or another plugin's refuses the
    /// whole registration with a `CategoryClaimError`.
    pub async fn register_plugin(
        &self,
        plugin: &NewPlugin<'_>,
        replace: bool,
    ) -> anyhow::Result<(Registration, i64)> {
        let mut tx = self.begin_write().await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT digest FROM plugins WHERE id = $1 AND version = $2")
                .bind(plugin.id)
                .bind(plugin.version)
                .fetch_optional(&mut *tx)
                .await?;
        let registration = match existing.as_deref() {
            Some(digest) if digest == plugin.digest => Registration::Unchanged,
            Some(_) if !replace => anyhow::bail!(
                "{}@{} is already registered with a different component; bump the version in \
                 plugin.toml, or pass --replace to swap the component of this version",
                plugin.id,
                plugin.version
            ),
            Some(_) => Registration::Replaced,
            None => Registration::Added,
        };
        register_categories(&mut tx, plugin.id, plugin.categories).await?;
        sqlx::query(
            "INSERT INTO plugin_components (digest, bytes, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (digest) DO NOTHING",
        )
        .bind(plugin.digest)
        .bind(plugin.component)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO plugins (id, version, name, manifest, digest, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id, version) DO UPDATE \
             SET name = excluded.name, manifest = excluded.manifest, digest = excluded.digest",
        )
        .bind(plugin.id)
        .bind(plugin.version)
        .bind(plugin.name)
        .bind(plugin.manifest)
        .bind(plugin.digest)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let grants = serde_json::to_string(plugin.grants)?;
        let config = serde_json::Value::Object(plugin.config.clone()).to_string();
        let installation_id: i64 = sqlx::query_scalar(
            "INSERT INTO installations \
             (plugin_id, version, unit_code, unit_name, grants, config, installed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (plugin_id, unit_code) DO UPDATE \
             SET version = excluded.version, unit_name = excluded.unit_name, \
             grants = excluded.grants, config = excluded.config RETURNING id",
        )
        .bind(plugin.id)
        .bind(plugin.version)
        .bind(plugin.unit_code)
        .bind(plugin.unit_name)
        .bind(grants)
        .bind(config)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO plugin_storage_usage (installation_id, bytes) VALUES ($1, 0) \
             ON CONFLICT (installation_id) DO NOTHING",
        )
        .bind(installation_id)
        .execute(&mut *tx)
        .await?;
        bump_catalog_version(&mut tx).await?;
        tx.commit().await?;
        Ok((registration, installation_id))
    }

    /// Removes an installation and, if nothing else uses it, the plugin version: the undo of
    /// a registration whose install hook failed.
    pub async fn unregister(
        &self,
        installation_id: i64,
        id: &str,
        version: &str,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM installations WHERE id = $1")
            .bind(installation_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM plugins WHERE id = $1 AND version = $2 AND NOT EXISTS \
             (SELECT 1 FROM installations WHERE plugin_id = $1 AND version = $2)",
        )
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        forget_orphaned_categories(&mut tx, id).await?;
        bump_catalog_version(&mut tx).await?;
        tx.commit().await
    }

    /// Every installation with its manifest and digest, by plugin id.
    pub async fn installations(&self) -> anyhow::Result<Vec<InstallationRecord>> {
        let rows = sqlx::query(
            "SELECT i.id, i.plugin_id, i.version, i.unit_code, i.unit_name, i.grants, i.config, \
             p.manifest, p.digest, i.state, i.package_digest, i.previous_version \
             FROM installations i \
             JOIN plugins p ON p.id = i.plugin_id AND p.version = i.version \
             ORDER BY i.plugin_id, i.unit_code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                let grants: String = row.try_get("grants")?;
                let config: String = row.try_get("config")?;
                Ok(InstallationRecord {
                    id: row.try_get("id")?,
                    plugin_id: row.try_get("plugin_id")?,
                    version: row.try_get("version")?,
                    unit_code: row.try_get("unit_code")?,
                    unit_name: row.try_get("unit_name")?,
                    grants: serde_json::from_str(&grants)?,
                    config: serde_json::from_str(&config)?,
                    manifest: row.try_get("manifest")?,
                    digest: row.try_get("digest")?,
                    state: row.try_get("state")?,
                    package_digest: row.try_get("package_digest")?,
                    previous_version: row.try_get("previous_version")?,
                })
            })
            .collect()
    }

    /// The component stored under `digest`.
    pub async fn component(&self, digest: &str) -> sqlx::Result<Vec<u8>> {
        sqlx::query_scalar("SELECT bytes FROM plugin_components WHERE digest = $1")
            .bind(digest)
            .fetch_one(self.pool())
            .await
    }
}
