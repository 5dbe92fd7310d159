//! Hot reload: a running `wangge serve` picks up installation changes (`plugin add`,
//! `install`, `upgrade`, `rollback`, `disable`, `enable`, `uninstall`) without a restart.
//!
//! Every such change bumps the catalog's change marker in its own transaction
//! (`db::catalog_version`). The server reads the marker every few seconds; when it moved,
//! it builds a new [`Catalog`] — unchanged installations keep their loaded plugin, and the
//! compile cache makes a changed one cheap — and swaps it in whole. Requests in flight keep
//! the catalog they started with. A reload that fails (a changed component no longer loads,
//! the database is unreachable) keeps the old catalog, logs why, and is tried again on the
//! next change.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::Guard;
use tokio::time::MissedTickBehavior;

use super::Catalog;
use crate::state::AppState;

/// How often `serve` reads the change marker by default. An operator who has just run
/// `plugin install` expects the page within a few seconds, and the read is one row by its
/// primary key, so every 2 s costs nothing noticeable, even on a PostgreSQL shared by
/// several hosts.
pub const CATALOG_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// What a reload changed, by installation row.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Installations that are new.
    pub added: usize,
    /// Installations whose row changed (version, state, grants, config …).
    pub changed: usize,
    /// Installations that are gone.
    pub removed: usize,
}

impl Change {
    /// The difference between two catalogs' installation rows.
    pub fn between(old: &Catalog, new: &Catalog) -> Self {
        let (old, new) = (old.records(), new.records());
        let mut change = Self {
            removed: old.keys().filter(|id| !new.contains_key(id)).count(),
            ..Self::default()
        };
        for (id, record) in new {
            match old.get(id) {
                None => change.added += 1,
                Some(before) if before != record => change.changed += 1,
                Some(_) => {}
            }
        }
        change
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Reads the marker every `interval` and reloads the catalog of `state` when it moved.
/// Runs until the server stops.
pub async fn watch(state: AppState, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    // A slow reload must not be followed by a burst of catch-up polls.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Unknown at first, so the first tick reloads: a change made between loading the
    // catalog at start-up and this task's first read is not missed (and an unchanged
    // catalog reloads without compiling anything).
    let mut seen: Option<i64> = None;
    loop {
        ticks.tick().await;
        let version = match state.db().catalog_version().await {
            Ok(version) => version,
            Err(error) => {
                tracing::warn!(%error, "cannot read the catalog's change marker");
                continue;
            }
        };
        if seen == Some(version) {
            continue;
        }
        // Read before reloading: a change that lands during the reload moves the marker
        // again, so the next tick reloads once more.
        seen = Some(version);
        reload_once(&state, version).await;
    }
}

/// Builds the catalog anew and puts it in force, or keeps the old one and logs why.
async fn reload_once(state: &AppState, version: i64) {
    let current: Arc<Catalog> = Guard::into_inner(state.catalog());
    // Compiling a new component takes CPU for a while; off the request workers it cannot
    // slow the pages being served meanwhile.
    let handle = tokio::runtime::Handle::current();
    let (task_state, old) = (state.clone(), Arc::clone(&current));
    let reloaded = tokio::task::spawn_blocking(move || {
        handle.block_on(old.reload(
            task_state.ground(),
            task_state.runtime(),
            task_state.metrics(),
        ))
    })
    .await;
    match reloaded {
        Ok(Ok(next)) => {
            let change = Change::between(&current, &next);
            if !change.is_empty() {
                tracing::info!(
                    marker = version,
                    installations = next.records().len(),
                    added = change.added,
                    changed = change.changed,
                    removed = change.removed,
                    "plugin catalog reloaded"
                );
            }
            state.replace_catalog(next);
        }
        Ok(Err(error)) => {
            tracing::error!(
                marker = version,
                "plugin catalog not reloaded, still serving the previous one: {error:#}"
            );
        }
        Err(error) => {
            tracing::error!(marker = version, %error, "plugin catalog reload task failed");
        }
    }
}
