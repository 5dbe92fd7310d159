//! `cargo xtask lint`: formatting, and clippy with warnings as errors on the host crates
//! and on the plugins for their own target.

use crate::{cargo, plugins};

/// Runs every check; stops at the first failure.
pub fn run() -> anyhow::Result<()> {
    cargo::run(&["fmt", "--all", "--check"])?;
    cargo::run(&["clippy", "--all-targets", "--", "-D", "warnings"])?;
    plugins::ensure_wasm_target()?;
    let plugin_crates: Vec<String> = plugins::crates_in("plugins")?
        .into_iter()
        .chain(plugins::crates_in("tests/plugins")?)
        .map(|c| c.package)
        .collect();
    let mut args = vec![
        "clippy",
        "--release",
        "--target",
        plugins::WASM_TARGET,
        "--package",
        "wangge-sdk",
    ];
    for package in &plugin_crates {
        args.extend(["--package", package.as_str()]);
    }
    args.extend(["--", "-D", "warnings"]);
    cargo::run(&args)
}
