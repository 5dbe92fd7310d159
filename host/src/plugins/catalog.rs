//! The catalog: every installation loaded and ready to call, by plugin id and unit.
//!
//! One plugin may be installed at several units; each installation covers its unit's
//! subtree, and **the nearest installation wins**: a request is served by the installation
//! at the longest unit code that is a prefix of the unit the request is for. That unit is
//! `?unit=CODE` when the request names one (anyone may pick which unit's service to use),
//! else the signed-in caller's most specific grant unit; an anonymous visitor without
//! `?unit=` gets the installation at the highest unit (shortest code, then lowest code),
//! which for a plugin installed once is simply that installation. A disabled installation
//! still wins for its subtree — its administrator switched the service off there — and its
//! pages answer "disabled by the administrator"; an uninstalled one is not loaded at all.

use std::collections::BTreeMap;
use std::sync::Arc;

use wangge_registry::{Manifest, Permission};

use super::config_values::effective;
use crate::db::plugin_storage::InstallationStorage;
use crate::db::plugins::InstallationRecord;
use crate::grid::unit_code::is_within;
use crate::metrics::Metrics;
use crate::runtime::breaker::Breaker;
use crate::runtime::compile_cache::CacheOutcome;
use crate::runtime::conversions::unit::contract_unit;
use crate::runtime::installation::Installation;
use crate::runtime::loaded_plugin::LoadedPlugin;
use crate::runtime::{LoadError, Runtime};
use crate::state::Ground;

/// One installation as the page routes see it.
#[derive(Clone)]
pub enum Served {
    /// Enabled and loaded.
    Enabled(Arc<LoadedPlugin>),
    /// Disabled by its unit's administrator.
    Disabled {
        /// The plugin's display name.
        name: String,
        /// The unit it is installed at.
        unit_code: String,
    },
}

impl Served {
    fn unit_code(&self) -> &str {
        match self {
            Self::Enabled(plugin) => &plugin.installation.unit.code,
            Self::Disabled { unit_code, .. } => unit_code,
        }
    }
}

/// Loaded installations by plugin id, each plugin's sorted by unit code.
#[derive(Default)]
pub struct Catalog {
    by_plugin: BTreeMap<String, Vec<Served>>,
    /// Every installation row it was built from, by installation id: a reload compares
    /// against these to tell what changed.
    records: BTreeMap<i64, InstallationRecord>,
    /// The enabled installations that loaded, by installation id: a reload reuses those
    /// whose row did not change, with their circuit breaker.
    loaded: BTreeMap<i64, Arc<LoadedPlugin>>,
}

impl Catalog {
    /// Loads every enabled installation in the database and notes the disabled ones. One
    /// that fails to load is logged and skipped, so a single broken plugin cannot stop the
    /// host.
    pub async fn load(
        ground: &Ground,
        runtime: &Runtime,
        metrics: &Metrics,
    ) -> anyhow::Result<Self> {
        Self::build(ground, runtime, metrics, None).await
    }

    /// A new catalog from the database as it is now, for a running server. Installations
    /// whose row is unchanged since `self` keep their loaded plugin (and so their circuit
    /// breaker's state); a new or changed one that fails to load fails the whole reload,
    /// so the caller keeps serving `self` rather than silently dropping a service. One that
    /// failed already in `self` and did not change is retried and skipped as at start-up.
    pub async fn reload(
        &self,
        ground: &Ground,
        runtime: &Runtime,
        metrics: &Metrics,
    ) -> anyhow::Result<Self> {
        Self::build(ground, runtime, metrics, Some(self)).await
    }

    /// Every installation row the catalog was built from, by installation id.
    pub fn records(&self) -> &BTreeMap<i64, InstallationRecord> {
        &self.records
    }

    async fn build(
        ground: &Ground,
        runtime: &Runtime,
        metrics: &Metrics,
        previous: Option<&Self>,
    ) -> anyhow::Result<Self> {
        let mut catalog = Self::default();
        for record in ground.db.installations().await? {
            let plugin_id = record.plugin_id.clone();
            let id = record.id;
            catalog.records.insert(id, record.clone());
            match record.state.as_str() {
                "enabled" => {}
                "disabled" => {
                    let name = Manifest::parse(&record.manifest)
                        .map_or_else(|_| plugin_id.clone(), |m| m.name);
                    catalog
                        .by_plugin
                        .entry(plugin_id)
                        .or_default()
                        .push(Served::Disabled {
                            name,
                            unit_code: record.unit_code,
                        });
                    continue;
                }
                _ => continue,
            }
            let unchanged = previous.filter(|old| old.records.get(&id) == Some(&record));
            if let Some(plugin) = unchanged.and_then(|old| old.loaded.get(&id)) {
                catalog.insert_loaded(plugin_id, id, Arc::clone(plugin));
                continue;
            }
            let unit_code = record.unit_code.clone();
            match load_installation(ground, runtime, metrics, record).await {
                Ok((plugin, outcome)) => {
                    tracing::info!(
                        plugin = %plugin_id,
                        version = %plugin.installation.manifest.version,
                        unit = %plugin.installation.unit.code,
                        cache = ?outcome,
                        "plugin loaded"
                    );
                    catalog.insert_loaded(plugin_id, id, Arc::new(plugin));
                }
                // A reload must not drop a service that changed; the caller keeps the old
                // catalog and tries again on the next change.
                Err(error) if previous.is_some() && unchanged.is_none() => {
                    return Err(error.context(format!(
                        "plugin {plugin_id} at unit {unit_code} does not load"
                    )));
                }
                Err(error) => {
                    tracing::error!(plugin = %plugin_id, "plugin not loaded: {error:#}");
                }
            }
        }
        for installations in catalog.by_plugin.values_mut() {
            installations.sort_by(|a, b| {
                let (a, b) = (a.unit_code(), b.unit_code());
                a.len().cmp(&b.len()).then_with(|| a.cmp(b))
            });
        }
        Ok(catalog)
    }

    fn insert_loaded(&mut self, plugin_id: String, id: i64, plugin: Arc<LoadedPlugin>) {
        self.loaded.insert(id, Arc::clone(&plugin));
        self.by_plugin
            .entry(plugin_id)
            .or_default()
            .push(Served::Enabled(plugin));
    }

    /// The installation of `plugin_id` serving a request for `units` (the `?unit=` of the
    /// request, or the caller's grant units; see the module docs): the nearest one covering
    /// any of them, else the one at the highest unit.
    pub fn resolve(&self, plugin_id: &str, units: &[String]) -> Option<&Served> {
        let installations = self.by_plugin.get(plugin_id)?;
        installations
            .iter()
            .filter(|served| units.iter().any(|unit| is_within(unit, served.unit_code())))
            .max_by_key(|served| served.unit_code().len())
            .or_else(|| installations.first())
    }

    /// The enabled installation of `plugin_id` at the highest unit: what an anonymous
    /// visitor without `?unit=` reaches.
    pub fn get(&self, plugin_id: &str) -> Option<&Arc<LoadedPlugin>> {
        self.by_plugin
            .get(plugin_id)?
            .iter()
            .find_map(|served| match served {
                Served::Enabled(plugin) => Some(plugin),
                Served::Disabled { .. } => None,
            })
    }

    /// Every enabled and loaded installation, at every unit: hooks and schedules go to
    /// each of them, not only to the nearest.
    pub fn all_loaded(&self) -> impl Iterator<Item = &Arc<LoadedPlugin>> {
        self.loaded.values()
    }

    /// One enabled installation per plugin (the highest), by plugin id: the home page's
    /// list of services.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<LoadedPlugin>> {
        self.by_plugin.keys().filter_map(|id| self.get(id))
    }
}

/// Builds a callable plugin from a stored installation.
pub async fn load_installation(
    ground: &Ground,
    runtime: &Runtime,
    metrics: &Metrics,
    record: InstallationRecord,
) -> anyhow::Result<(LoadedPlugin, CacheOutcome)> {
    let bytes = ground.db.component(&record.digest).await?;
    load_with_component(ground, runtime, metrics, record, &bytes)
}

/// Builds a callable plugin from an installation and its component's bytes, which need not
/// be stored yet: an upgrade runs the new version's migrate hook before it records it.
pub fn load_with_component(
    ground: &Ground,
    runtime: &Runtime,
    metrics: &Metrics,
    record: InstallationRecord,
    bytes: &[u8],
) -> anyhow::Result<(LoadedPlugin, CacheOutcome)> {
    let manifest = Manifest::parse(&record.manifest)?;
    let (pre, outcome) = runtime
        .prepare(&record.digest, bytes)
        .map_err(|e: LoadError| anyhow::anyhow!(e))?;
    let grants = record
        .grants
        .iter()
        .map(|name| name.parse::<Permission>().map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let limits = runtime.limits().clone();
    let installation = Installation {
        id: record.id,
        config: effective(&manifest, &record.config),
        unit: contract_unit(&record.unit_code, &record.unit_name)?,
        grants,
        storage: InstallationStorage::new(ground.db.clone(), record.id, limits.storage_quota_bytes),
        ground: ground.clone(),
        metrics: metrics.for_plugin(manifest.id.as_str()),
        breaker: Breaker::new(limits.breaker_threshold, limits.breaker_cooldown),
        limits,
        manifest,
    };
    Ok((
        LoadedPlugin::new(installation, pre, runtime.engine().clone()),
        outcome,
    ))
}
