//! `wangge plugin disable | enable`: switching an installation's service off and on at its
//! unit. A disabled installation keeps its data, version and grants; its pages answer
//! "disabled by the administrator" (503) for its subtree.

use serde_json::json;

use super::Lifecycle;

/// Disables the installation of `plugin_id` at `unit_code`. Audited either way.
pub async fn disable(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
) -> anyhow::Result<()> {
    switch(lifecycle, plugin_id, unit_code, "enabled", "disabled").await
}

/// Enables it again. Audited either way.
pub async fn enable(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
) -> anyhow::Result<()> {
    switch(lifecycle, plugin_id, unit_code, "disabled", "enabled").await
}

async fn switch(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
    from: &str,
    to: &str,
) -> anyhow::Result<()> {
    let operation = if to == "disabled" {
        "disable"
    } else {
        "enable"
    };
    let outcome = async {
        let row = lifecycle
            .db()
            .installation_at(plugin_id, unit_code)
            .await?
            .filter(|row| row.state != "uninstalled")
            .ok_or_else(|| anyhow::anyhow!("{plugin_id} is not installed at {unit_code}"))?;
        if !lifecycle
            .db()
            .set_installation_state(row.id, from, to)
            .await?
        {
            anyhow::bail!("{plugin_id} at {unit_code} is {}, not {from}", row.state);
        }
        Ok(row)
    }
    .await;
    match outcome {
        Ok(row) => {
            lifecycle
                .audit(
                    &format!("plugin.{to}"),
                    plugin_id,
                    unit_code,
                    json!({ "installation": row.id, "version": row.version }),
                )
                .await
        }
        Err(error) => {
            lifecycle
                .refused(operation, plugin_id, unit_code, error)
                .await
        }
    }
}
