//! What every call of one installation shares: who it is, what it was granted, its config,
//! its storage, its metrics and its breaker.

use std::time::Duration;

use wangge_registry::{Manifest, Permission};

use super::bindings::Unit;
use super::breaker::Breaker;
use super::limits::Limits;
use crate::db::Db;
use crate::db::plugin_storage::InstallationStorage;
use crate::metrics::PluginMetrics;
use crate::state::Ground;

/// One installation as the runtime sees it.
#[derive(Debug)]
pub struct Installation {
    /// Database id.
    pub id: i64,
    /// The plugin's manifest.
    pub manifest: Manifest,
    /// The unit it is installed at (its subtree is the installation's scope), as plugins
    /// see it.
    pub unit: Unit,
    /// Permissions the admin granted.
    pub grants: Vec<Permission>,
    /// Config values as the plugin sees them (defaults filled in), sorted by key.
    pub config: Vec<(String, String)>,
    /// Its key-value storage.
    pub storage: InstallationStorage,
    /// What the rules its imports call work on (the database above all).
    pub ground: Ground,
    /// Its metrics.
    pub metrics: PluginMetrics,
    /// Its circuit breaker.
    pub breaker: Breaker,
    /// Limits in force.
    pub limits: Limits,
}

impl Installation {
    /// Whether `permission` was granted.
    pub fn is_granted(&self, permission: &Permission) -> bool {
        self.grants.contains(permission)
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.ground.db
    }

    /// The installation as the rules see it acting: its id, its plugin and its scope.
    pub fn as_actor(&self) -> crate::rules::Actor<'_> {
        crate::rules::Actor::Plugin(crate::rules::actor::Installation {
            id: self.id,
            plugin_id: self.plugin_id(),
            scope: &self.unit.code,
        })
    }

    /// `plugin:ID#INSTALLATION`, the actor name in audit rows and logs.
    pub fn actor(&self) -> String {
        format!("plugin:{}#{}", self.manifest.id, self.id)
    }

    /// The plugin's id.
    pub fn plugin_id(&self) -> &str {
        self.manifest.id.as_str()
    }

    /// The deadline of a page call.
    pub fn page_deadline(&self) -> Duration {
        self.limits.page_deadline
    }
}
