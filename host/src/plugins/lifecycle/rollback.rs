//! `wangge plugin rollback`: back to the version before the last upgrade, with the grants
//! and config it had — recorded on the installation, so neither the registry nor a new
//! consent is needed (the version may have been yanked since; rolling back to it is how an
//! administrator gets away from a broken newer one). No hook runs and the data is kept.

use serde_json::json;

use super::Lifecycle;
use super::upgrade::current_installation;

/// What a rollback did.
#[derive(Debug, Clone)]
pub struct RolledBack {
    /// The version before.
    pub from: String,
    /// The version now.
    pub to: String,
}

/// Rolls the installation of `plugin_id` at `unit_code` back. Audited either way.
pub async fn rollback(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
) -> anyhow::Result<RolledBack> {
    match rollback_checked(lifecycle, plugin_id, unit_code).await {
        Ok(done) => Ok(done),
        Err(error) => {
            lifecycle
                .refused("rollback", plugin_id, unit_code, error)
                .await
        }
    }
}

async fn rollback_checked(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
) -> anyhow::Result<RolledBack> {
    let db = lifecycle.db();
    let current = current_installation(lifecycle, plugin_id, unit_code).await?;
    let previous = current.previous_version.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "{plugin_id} at {unit_code} has no previous version to roll back to (it was never \
             upgraded)"
        )
    })?;
    let (component_digest, _) =
        db.plugin_version(plugin_id, &previous)
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!("{plugin_id} {previous} is no longer registered on this host")
            })?;
    lifecycle.step(&format!("compiling {plugin_id} {previous}"));
    let bytes = db.component(&component_digest).await?;
    lifecycle
        .runtime
        .prepare(&component_digest, &bytes)
        .map_err(|e| anyhow::anyhow!("{plugin_id} {previous}: {e}"))?;
    if !db
        .swap_to_previous_version(current.id, &current.version)
        .await?
    {
        anyhow::bail!("the installation changed during the rollback; nothing was rolled back");
    }
    lifecycle
        .audit(
            "plugin.rolled_back",
            plugin_id,
            unit_code,
            json!({
                "from": current.version,
                "to": previous,
                "digest": current.previous_package_digest,
                "installation": current.id,
            }),
        )
        .await?;
    Ok(RolledBack {
        from: current.version,
        to: previous,
    })
}
