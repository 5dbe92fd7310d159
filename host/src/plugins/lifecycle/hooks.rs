//! Running a lifecycle hook (`install`, `migrate`, `uninstall`) of a version that may not
//! be recorded yet: the plugin is built from an in-memory installation and the bytes.

use crate::db::plugins::InstallationRecord;
use crate::plugins::catalog::load_with_component;

use super::Lifecycle;

/// Which hook.
pub(super) enum Hook<'a> {
    /// `lifecycle.install`.
    Install,
    /// `lifecycle.migrate(from-version)`.
    Migrate(&'a str),
    /// `lifecycle.uninstall`.
    Uninstall,
}

impl Lifecycle<'_> {
    /// Runs `hook` of the installation `record` with component `bytes`; an error says
    /// whether the plugin refused or faulted.
    pub(super) async fn run_hook(
        &self,
        record: InstallationRecord,
        bytes: &[u8],
        hook: Hook<'_>,
    ) -> anyhow::Result<()> {
        let (plugin, _) =
            load_with_component(self.ground, self.runtime, self.metrics, record, bytes)?;
        let (name, outcome) = match hook {
            Hook::Install => ("install", plugin.install().await),
            Hook::Migrate(from) => ("migrate", plugin.migrate(from).await),
            Hook::Uninstall => ("uninstall", plugin.uninstall().await),
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => anyhow::bail!("the plugin's {name} hook refused: {error}"),
            Err(fault) => anyhow::bail!("the plugin's {name} hook failed: {fault}"),
        }
    }
}
