//! The catalog: every installation loaded and ready to call, by plugin id.

use std::collections::BTreeMap;
use std::sync::Arc;

use wangge_registry::{Manifest, Permission};

use super::config_values::effective;
use crate::db::Db;
use crate::db::plugin_storage::InstallationStorage;
use crate::db::plugins::InstallationRecord;
use crate::grid::unit_code::{level_of, parent_of};
use crate::metrics::Metrics;
use crate::runtime::bindings::{self, Unit};
use crate::runtime::breaker::Breaker;
use crate::runtime::compile_cache::CacheOutcome;
use crate::runtime::installation::Installation;
use crate::runtime::loaded_plugin::LoadedPlugin;
use crate::runtime::{LoadError, Runtime};

/// Loaded installations by plugin id.
#[derive(Default)]
pub struct Catalog {
    by_plugin: BTreeMap<String, Arc<LoadedPlugin>>,
}

impl Catalog {
    /// Loads every installation in the database. One that fails to load is logged and
    /// skipped, so a single broken plugin cannot stop the host.
    pub async fn load(db: &Db, runtime: &Runtime, metrics: &Metrics) -> anyhow::Result<Self> {
        let mut by_plugin = BTreeMap::new();
        for record in db.installations().await? {
            let plugin_id = record.plugin_id.clone();
            match load_installation(db, runtime, metrics, record).await {
                Ok((plugin, outcome)) => {
                    tracing::info!(
                        plugin = %plugin_id,
                        version = %plugin.installation.manifest.version,
                        unit = %plugin.installation.unit.code,
                        cache = ?outcome,
                        "plugin loaded"
                    );
                    // Until installations are resolved by the caller's unit (the grid core),
                    // one installation per plugin is served: the first by unit code.
                    by_plugin.entry(plugin_id).or_insert(Arc::new(plugin));
                }
                Err(error) => {
                    tracing::error!(plugin = %plugin_id, "plugin not loaded: {error:#}");
                }
            }
        }
        Ok(Self { by_plugin })
    }

    /// The installation serving `plugin_id`.
    pub fn get(&self, plugin_id: &str) -> Option<&Arc<LoadedPlugin>> {
        self.by_plugin.get(plugin_id)
    }

    /// All loaded plugins, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<LoadedPlugin>> {
        self.by_plugin.values()
    }
}

/// Builds a callable plugin from a stored installation.
pub async fn load_installation(
    db: &Db,
    runtime: &Runtime,
    metrics: &Metrics,
    record: InstallationRecord,
) -> anyhow::Result<(LoadedPlugin, CacheOutcome)> {
    let manifest = Manifest::parse(&record.manifest)?;
    let bytes = db.component(&record.digest).await?;
    let (pre, outcome) = runtime
        .prepare(&record.digest, &bytes)
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
        storage: InstallationStorage::new(db.clone(), record.id, limits.storage_quota_bytes),
        db: db.clone(),
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

/// A unit as the contract describes it, from its code and name.
pub fn contract_unit(code: &str, name: &str) -> anyhow::Result<Unit> {
    let level = match level_of(code)? {
        wangge_registry::Level::Province => bindings::Level::Province,
        wangge_registry::Level::City => bindings::Level::City,
        wangge_registry::Level::County => bindings::Level::County,
        wangge_registry::Level::Street => bindings::Level::Street,
        wangge_registry::Level::Community => bindings::Level::Community,
        wangge_registry::Level::Grid => bindings::Level::Grid,
    };
    Ok(Unit {
        code: code.to_owned(),
        name: name.to_owned(),
        level,
        parent: parent_of(code).map(str::to_owned),
    })
}
