//! `wangge plugin install`: a verified, approved registry version installed at a unit with
//! the administrator's consent, or a refusal that names the problem, changes nothing and is
//! audited.

use serde_json::json;

use super::Lifecycle;
use super::consent::{self, Grants};
use super::hooks::Hook;
use super::obstacles;
use super::resolve::resolve_version;
use crate::db::installations::{Placement, VersionToRecord};
use crate::db::plugins::InstallationRecord;
use crate::plugins::add::checked_categories;
use crate::plugins::config_values::parse_assignments;
use crate::runtime::compile_cache::CacheOutcome;

/// What to install, where.
#[derive(Debug, Clone)]
pub struct InstallRequest {
    /// Plugin id.
    pub plugin_id: String,
    /// Unit code.
    pub unit_code: String,
    /// A version to install instead of the newest approved one.
    pub version: Option<String>,
    /// The administrator's grants.
    pub grants: Grants,
    /// Another registry (`http://host:port`) to take the version from; it is verified and
    /// mirrored into this host's registry first.
    pub registry: Option<String>,
    /// `KEY=VALUE` config assignments.
    pub config: Vec<String>,
}

/// What an install did.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The installation id.
    pub installation_id: i64,
    /// The version installed.
    pub version: String,
    /// `sha256:<hex>` of its package.
    pub package_digest: String,
    /// Permissions granted.
    pub grants: Vec<String>,
    /// Whether the component was compiled now or came from the cache.
    pub compile: CacheOutcome,
    /// Whether it took over an uninstalled installation with its kept data.
    pub reinstalled: bool,
}

/// Installs `request.plugin_id` at `request.unit_code`. Audited either way.
pub async fn install(
    lifecycle: &Lifecycle<'_>,
    request: &InstallRequest,
) -> anyhow::Result<Installed> {
    match install_checked(lifecycle, request).await {
        Ok(installed) => Ok(installed),
        Err(error) => {
            lifecycle
                .refused("install", &request.plugin_id, &request.unit_code, error)
                .await
        }
    }
}

async fn install_checked(
    lifecycle: &Lifecycle<'_>,
    request: &InstallRequest,
) -> anyhow::Result<Installed> {
    let db = lifecycle.db();
    let plugin_id = request.plugin_id.as_str();
    let unit_code = request.unit_code.as_str();
    let unit = db.unit(unit_code).await?.ok_or_else(|| {
        anyhow::anyhow!(
            "--unit {unit_code}: no such unit (import the unit tree with `wangge units import`)"
        )
    })?;
    let existing = db.installation_at(plugin_id, unit_code).await?;
    if let Some(row) = existing.as_ref().filter(|row| obstacles::is_live(row)) {
        anyhow::bail!(
            "{plugin_id} is already installed at {unit_code} ({}, {}): use `wangge plugin \
             upgrade`, or uninstall it first",
            row.version,
            row.state
        );
    }
    let wanted = match request.registry.as_deref() {
        Some(url) => Some(
            lifecycle
                .mirror_from_remote(url, plugin_id, request.version.as_deref(), None)
                .await?,
        ),
        None => request.version.clone(),
    };
    let version = resolve_version(db, plugin_id, wanted.as_deref(), None).await?;
    let package = lifecycle.fetch_verified(plugin_id, &version).await?;
    let manifest = &package.opened.manifest;

    if let Err(level) = obstacles::level_refused(manifest, unit_code)? {
        let allowed: Vec<String> = manifest
            .levels
            .iter()
            .map(|l| format!("{l:?}").to_lowercase())
            .collect();
        anyhow::bail!(
            "{plugin_id} {version} may be installed at levels [{}] (its manifest's `levels`); \
             {unit_code} {} is a {} unit",
            allowed.join(", "),
            unit.name,
            format!("{level:?}").to_lowercase()
        );
    }
    let categories = checked_categories(manifest)?;

    lifecycle.step(&format!(
        "{plugin_id} {version} asks for {} permission(s):",
        manifest.permissions.len()
    ));
    for permission in &manifest.permissions {
        lifecycle.step(&format!("  {}", consent::describe(permission)));
    }
    let grants = consent::check(
        plugin_id,
        &manifest.permissions,
        &manifest.permissions,
        &request.grants,
    )?;
    let config = parse_assignments(manifest, &request.config)?;

    lifecycle.step(&format!("compiling {plugin_id} {version}"));
    let (_, compile) = lifecycle
        .runtime
        .prepare(&package.component_digest, &package.opened.component)
        .map_err(|e| anyhow::anyhow!("{plugin_id} {version}: {e}"))?;

    let version_text = version.to_string();
    let installation_id = db
        .record_installation(
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
            &Placement {
                unit_code,
                unit_name: &unit.name,
                grants: &grants,
                config: &config,
            },
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("{plugin_id} was installed at {unit_code} meanwhile"))?;
    let reinstalled = existing.is_some();

    let record = InstallationRecord {
        id: installation_id,
        plugin_id: plugin_id.to_owned(),
        version: version_text.clone(),
        unit_code: unit_code.to_owned(),
        unit_name: unit.name.clone(),
        grants: grants.clone(),
        config: config.clone(),
        manifest: package.opened.manifest_text.clone(),
        digest: package.component_digest.clone(),
        state: "enabled".to_owned(),
        package_digest: Some(package.package_digest.clone()),
        previous_version: None,
    };
    lifecycle.step(&format!("running {plugin_id}'s install hook"));
    if let Err(error) = lifecycle
        .run_hook(record, &package.opened.component, Hook::Install)
        .await
    {
        // Undo the record: a kept installation goes back to uninstalled with its data.
        if reinstalled {
            db.set_installation_state(installation_id, "enabled", "uninstalled")
                .await?;
        } else {
            db.delete_installation(installation_id).await?;
        }
        return Err(error);
    }

    lifecycle
        .audit(
            "plugin.installed",
            plugin_id,
            unit_code,
            json!({
                "version": version_text,
                "digest": package.package_digest,
                "installation": installation_id,
                "grants": grants,
                "reinstalled": reinstalled,
            }),
        )
        .await?;
    lifecycle
        .audit_grants(plugin_id, unit_code, &version_text, &grants)
        .await?;
    Ok(Installed {
        installation_id,
        version: version_text,
        package_digest: package.package_digest,
        grants,
        compile,
        reinstalled,
    })
}
