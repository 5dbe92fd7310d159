//! What stops an install before consent is even asked: an installation of the plugin
//! already at the unit, or a unit of a level the manifest does not allow. `install` refuses
//! on either; the admin console's consent screen says so first, in Chinese, from the same
//! checks.

use wangge_registry::{Level, Manifest};

use crate::db::Db;
use crate::db::installations::InstallationRow;
use crate::grid::unit_code::level_of;

/// Whether `row` is an installation in force (enabled or disabled); an uninstalled row is
/// kept only for its data.
pub fn is_live(row: &InstallationRow) -> bool {
    row.state != "uninstalled"
}

/// The live installation of `plugin_id` at `unit_code`, if there is one.
pub async fn already_installed(
    db: &Db,
    plugin_id: &str,
    unit_code: &str,
) -> anyhow::Result<Option<InstallationRow>> {
    Ok(db
        .installation_at(plugin_id, unit_code)
        .await?
        .filter(is_live))
}

/// `Err(level)` with the unit's level when `manifest`'s `levels` do not include it.
pub fn level_refused(manifest: &Manifest, unit_code: &str) -> anyhow::Result<Result<(), Level>> {
    let level = level_of(unit_code)?;
    Ok(if manifest.levels.contains(&level) {
        Ok(())
    } else {
        Err(level)
    })
}
