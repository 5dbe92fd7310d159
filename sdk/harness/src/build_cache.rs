//! Each plugin folder is built once per test process, however many tests install it:
//! building is cargo's slowest step and the result cannot change during a run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use wangge_host::dev::build::{BuildOptions, BuiltPlugin, build_plugin};

static BUILT: OnceLock<Mutex<BTreeMap<PathBuf, BuiltPlugin>>> = OnceLock::new();

/// The plugin in `dir`, built now or earlier in this process.
pub(crate) fn built(dir: &Path) -> anyhow::Result<BuiltPlugin> {
    let cache = BUILT.get_or_init(Mutex::default);
    // Held across the build on purpose: two tests asking at once wait for one build.
    let mut cache = cache
        .lock()
        .map_err(|_| anyhow::anyhow!("an earlier build panicked"))?;
    if let Some(plugin) = cache.get(dir) {
        return Ok(plugin.clone());
    }
    let plugin = build_plugin(dir, BuildOptions { line_tables: true })?;
    cache.insert(dir.to_path_buf(), plugin.clone());
    Ok(plugin)
}
