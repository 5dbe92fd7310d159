//! `cargo xtask lint`: formatting, and clippy with warnings as errors on the host crates
//! and on the plugins for their own target.

use crate::{cargo, plugins};

/// Runs every check; stops at the first failure.
pub fn run() -> anyhow::Result<()> {
    cargo::run(&["fmt", "--all", "--check"])?;
    cargo::run(&["clippy", "--all-targets", "--", "-D", "warnings"])?;
    plugins::ensure_wasm_target()?;
    let plugin_crates: Vec<plugins::PluginCrate> = plugins::crates_in("plugins")?
        .into_iter()
        .chain(plugins::crates_in("tests/plugins")?)
        .collect();
    // One clippy run per group: a plugin pinning an older contract gets its own, or cargo
    // would unify the SDK feature into every plugin (see `plugins::build_groups`).
    for (i, group) in plugins::build_groups(&plugin_crates).iter().enumerate() {
        let mut args = vec!["clippy", "--release", "--target", plugins::WASM_TARGET];
        if i == 0 {
            args.extend(["--package", "wangge-sdk"]);
        }
        for package in group {
            args.extend(["--package", package.as_str()]);
        }
        args.extend(["--", "-D", "warnings"]);
        cargo::run(&args)?;
    }
    Ok(())
}
