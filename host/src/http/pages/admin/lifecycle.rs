//! Running `plugins::lifecycle` for a page, as `wangge plugin …` runs it (`cli::plugin`'s
//! `run_lifecycle`), with `user:NAME` as the audit actor. The work compiles components and
//! runs hooks, so it runs off the request workers (as the catalog's reload does).

use semver::Version;
use wangge_registry::Manifest;

use crate::plugins::lifecycle::resolve::resolve_version;
use crate::plugins::lifecycle::{self, DataChoice, InstallRequest, Lifecycle, UpgradeRequest};
use crate::registry_service::Actor;
use crate::state::AppState;

/// What to do with a plugin at a unit.
pub(super) enum Act {
    /// Read the version an install (or an upgrade above `above`) would take, verified like
    /// an install verifies it, and its manifest; changes nothing, audits nothing.
    Peek {
        above: Option<Version>,
    },
    Install(InstallRequest),
    Upgrade(UpgradeRequest),
    Rollback,
    Disable,
    Enable,
    Uninstall(DataChoice),
}

/// What it did.
pub(super) enum Done {
    Peeked(Version, Box<Manifest>),
    Changed,
    /// Uninstalled with [`DataChoice::Download`]: the export document to send.
    Exported(serde_json::Value),
}

/// Runs `act` on `plugin` at `unit` as user `username`.
pub(super) async fn run(
    state: &AppState,
    username: &str,
    plugin: &str,
    unit: &str,
    act: Act,
) -> anyhow::Result<Done> {
    let (state, username, plugin, unit) = (
        state.clone(),
        username.to_owned(),
        plugin.to_owned(),
        unit.to_owned(),
    );
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        handle.block_on(run_here(&state, &username, &plugin, &unit, act))
    })
    .await
    .map_err(|e| anyhow::anyhow!("the lifecycle task failed: {e}"))?
}

async fn run_here(
    state: &AppState,
    username: &str,
    plugin: &str,
    unit: &str,
    act: Act,
) -> anyhow::Result<Done> {
    let actor = Actor {
        audit: format!("user:{username}"),
        name: username.to_owned(),
        unit: Some(unit.to_owned()),
    };
    let progress = |_: &str| {};
    let lifecycle = Lifecycle {
        ground: state.ground(),
        runtime: state.runtime(),
        metrics: state.metrics(),
        actor: &actor,
        progress: &progress,
    };
    match act {
        Act::Peek { above } => {
            let version = resolve_version(state.db(), plugin, None, above.as_ref()).await?;
            let package = lifecycle.fetch_verified(plugin, &version).await?;
            return Ok(Done::Peeked(version, Box::new(package.opened.manifest)));
        }
        Act::Install(request) => {
            lifecycle::install(&lifecycle, &request).await?;
        }
        Act::Upgrade(request) => {
            lifecycle::upgrade(&lifecycle, &request).await?;
        }
        Act::Rollback => {
            lifecycle::rollback(&lifecycle, plugin, unit).await?;
        }
        Act::Disable => lifecycle::disable(&lifecycle, plugin, unit).await?,
        Act::Enable => lifecycle::enable(&lifecycle, plugin, unit).await?,
        Act::Uninstall(choice) => {
            let done = lifecycle::uninstall(&lifecycle, plugin, unit, &choice).await?;
            if let Some(document) = done.export {
                return Ok(Done::Exported(document));
            }
        }
    }
    Ok(Done::Changed)
}
