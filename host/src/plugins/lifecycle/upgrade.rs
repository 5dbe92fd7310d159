//! `wangge plugin upgrade`: a newer approved version for an installation. The permission
//! difference is shown and added permissions must be granted again; the new version's
//! migrate hook runs against the installation's storage, and if it fails the storage is
//! restored and the installation stays where it was.

use semver::Version;
use serde_json::{Map, Value, json};

use super::Lifecycle;
use super::consent::{self, Grants};
use super::hooks::Hook;
use super::resolve::resolve_version;
use crate::db::installations::{InstallationRow, VersionToRecord};
use crate::db::plugins::InstallationRecord;
use crate::grid::unit_code::level_of;
use crate::plugins::add::checked_categories;
use crate::plugins::config_values::parse_assignments;

/// What to upgrade.
#[derive(Debug, Clone)]
pub struct UpgradeRequest {
    /// Plugin id.
    pub plugin_id: String,
    /// The installation's unit.
    pub unit_code: String,
    /// A version instead of the newest approved one.
    pub version: Option<String>,
    /// Grants for the added permissions.
    pub grants: Grants,
    /// Another registry (`http://host:port`) to take the version from; it is verified and
    /// mirrored into this host's registry first.
    pub registry: Option<String>,
    /// `KEY=VALUE` config changes.
    pub config: Vec<String>,
}

/// What an upgrade did.
#[derive(Debug, Clone)]
pub struct Upgraded {
    /// The version before.
    pub from: String,
    /// The version now.
    pub to: String,
    /// The permission difference.
    pub diff: consent::PermissionDiff,
    /// `sha256:<hex>` of the new package.
    pub package_digest: String,
}

/// Upgrades the installation of `request.plugin_id` at `request.unit_code`. Audited either
/// way; a failed migration is audited as `plugin.upgrade_refused` with the hook's error.
pub async fn upgrade(
    lifecycle: &Lifecycle<'_>,
    request: &UpgradeRequest,
) -> anyhow::Result<Upgraded> {
    match upgrade_checked(lifecycle, request).await {
        Ok(upgraded) => Ok(upgraded),
        Err(error) => {
            lifecycle
                .refused("upgrade", &request.plugin_id, &request.unit_code, error)
                .await
        }
    }
}

/// The installation at the unit, unless it is missing or uninstalled.
pub(super) async fn current_installation(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
) -> anyhow::Result<InstallationRow> {
    lifecycle
        .db()
        .installation_at(plugin_id, unit_code)
        .await?
        .filter(|row| row.state != "uninstalled")
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{plugin_id} is not installed at {unit_code} (`wangge plugin list` shows the \
                 installations)"
            )
        })
}

async fn upgrade_checked(
    lifecycle: &Lifecycle<'_>,
    request: &UpgradeRequest,
) -> anyhow::Result<Upgraded> {
    let db = lifecycle.db();
    let plugin_id = request.plugin_id.as_str();
    let unit_code = request.unit_code.as_str();
    let current = current_installation(lifecycle, plugin_id, unit_code).await?;
    let from: Version = current
        .version
        .parse()
        .map_err(|e| anyhow::anyhow!("installed version `{}`: {e}", current.version))?;
    let wanted = match request.registry.as_deref() {
        Some(url) => Some(
            lifecycle
                .mirror_from_remote(url, plugin_id, request.version.as_deref(), Some(&from))
                .await?,
        ),
        None => request.version.clone(),
    };
    let version = resolve_version(db, plugin_id, wanted.as_deref(), Some(&from)).await?;
    let package = lifecycle.fetch_verified(plugin_id, &version).await?;
    let manifest = &package.opened.manifest;
    if !manifest.levels.contains(&level_of(unit_code)?) {
        anyhow::bail!(
            "{plugin_id} {version} may no longer be installed at {unit_code}'s level (its \
             manifest's `levels`): the installation stays on {from}"
        );
    }
    let categories = checked_categories(manifest)?;

    let diff = consent::diff(&current.grants, &manifest.permissions);
    lifecycle.step(&format!("permissions of {plugin_id} {from} → {version}:"));
    for permission in &diff.added {
        lifecycle.step(&format!("  + {}", consent::describe(permission)));
    }
    for permission in &diff.removed {
        lifecycle.step(&format!("  - {}", consent::describe(permission)));
    }
    if diff.added.is_empty() && diff.removed.is_empty() {
        lifecycle.step("  (unchanged)");
    }
    let added = consent::check(
        plugin_id,
        &manifest.permissions,
        &diff.added,
        &request.grants,
    )?;
    let grants: Vec<String> = manifest
        .permissions
        .iter()
        .map(ToString::to_string)
        .collect();
    let config = carried_config(&current.config, manifest, &request.config)?;

    lifecycle.step(&format!("compiling {plugin_id} {version}"));
    lifecycle
        .runtime
        .prepare(&package.component_digest, &package.opened.component)
        .map_err(|e| anyhow::anyhow!("{plugin_id} {version}: {e}"))?;

    let version_text = version.to_string();
    let snapshot = db.storage_entries(current.id).await?;
    let record = InstallationRecord {
        id: current.id,
        plugin_id: plugin_id.to_owned(),
        version: version_text.clone(),
        unit_code: unit_code.to_owned(),
        unit_name: current.unit_name.clone(),
        grants: grants.clone(),
        config: config.clone(),
        manifest: package.opened.manifest_text.clone(),
        digest: package.component_digest.clone(),
        state: current.state.clone(),
        package_digest: Some(package.package_digest.clone()),
        previous_version: Some(current.version.clone()),
    };
    lifecycle.step(&format!(
        "running {plugin_id} {version}'s migrate hook from {from}"
    ));
    let migrated = lifecycle
        .run_hook(
            record,
            &package.opened.component,
            Hook::Migrate(&current.version),
        )
        .await;
    let switched = match migrated {
        Ok(()) => db
            .switch_installation_version(
                current.id,
                &current.version,
                &VersionToRecord {
                    plugin_id,
                    version: &version_text,
                    name: &manifest.name,
                    manifest: &package.opened.manifest_text,
                    component_digest: &package.component_digest,
                    component: &package.opened.component,
                    package_digest: &package.package_digest,
                    categories: &categories,
                },
                &grants,
                &config,
            )
            .await
            .and_then(|switched| {
                if switched {
                    Ok(())
                } else {
                    Err(anyhow::anyhow!(
                        "the installation changed during the upgrade"
                    ))
                }
            }),
        Err(error) => Err(error),
    };
    if let Err(error) = switched {
        db.restore_storage(current.id, &snapshot).await?;
        return Err(error.context(format!(
            "{plugin_id} stays on {from} at {unit_code} with its data as it was"
        )));
    }

    lifecycle
        .audit(
            "plugin.upgraded",
            plugin_id,
            unit_code,
            json!({
                "from": current.version,
                "to": version_text,
                "digest": package.package_digest,
                "installation": current.id,
                "added": diff.added.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "removed": diff.removed.iter().map(ToString::to_string).collect::<Vec<_>>(),
            }),
        )
        .await?;
    lifecycle
        .audit_grants(plugin_id, unit_code, &version_text, &added)
        .await?;
    Ok(Upgraded {
        from: current.version,
        to: version_text,
        diff,
        package_digest: package.package_digest,
    })
}

/// The config the new version runs with: the kept values of keys it still declares, then
/// the administrator's changes, checked against its schema.
fn carried_config(
    current: &Map<String, Value>,
    manifest: &wangge_registry::Manifest,
    changes: &[String],
) -> anyhow::Result<Map<String, Value>> {
    let mut config: Map<String, Value> = current
        .iter()
        .filter(|(key, _)| manifest.config.contains_key(*key))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    config.extend(parse_assignments(manifest, changes)?);
    Ok(config)
}
