//! Building the plugins (`plugins/*`) and test plugins (`tests/plugins/*`) for
//! wasm32-wasip2, once per run, installing the target first if it is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cargo;

/// The target plugins are built for.
pub const WASM_TARGET: &str = "wasm32-wasip2";

/// A plugin crate in the tree.
#[derive(Debug, Clone)]
pub struct PluginCrate {
    /// Cargo package name.
    pub package: String,
    /// Its folder, holding `plugin.toml`.
    pub dir: PathBuf,
}

impl PluginCrate {
    /// The plugin id from its `plugin.toml` (the host checks the whole manifest).
    pub fn id(&self) -> anyhow::Result<String> {
        self.manifest_field("id")
    }

    /// A top-level `NAME = "VALUE"` line of its `plugin.toml`: enough for the id, version
    /// and publisher without a TOML parser in xtask (the host parses the whole manifest).
    pub fn manifest_field(&self, name: &str) -> anyhow::Result<String> {
        let path = self.dir.join("plugin.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let prefix = format!("{name} = \"");
        text.lines()
            .find_map(|line| line.strip_prefix(prefix.as_str()))
            .and_then(|rest| rest.strip_suffix('"'))
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("{}: no `{name} = \"…\"` line", path.display()))
    }

    /// Its `wangge-sdk` dependency line, e.g. `wangge-sdk.workspace = true` or one with
    /// `features = ["contract-1-0"]`.
    fn sdk_dependency(&self) -> String {
        std::fs::read_to_string(self.dir.join("Cargo.toml"))
            .unwrap_or_default()
            .lines()
            .find(|line| line.trim_start().starts_with("wangge-sdk"))
            .map(|line| line.trim().to_owned())
            .unwrap_or_default()
    }

    /// The built component.
    pub fn component(&self, components_dir: &Path) -> PathBuf {
        components_dir.join(format!("{}.wasm", self.package.replace('-', "_")))
    }
}

/// What a build produced.
#[derive(Debug)]
pub struct Built {
    /// Where the components are.
    pub dir: PathBuf,
    /// Package names built.
    pub packages: Vec<String>,
    /// The bundled plugins (not the test plugins).
    pub bundled: Vec<PluginCrate>,
    /// Where the earlier releases of bundled plugins were built.
    pub releases: PathBuf,
}

/// Plugin crates under `folder` (relative to the workspace root), by name.
pub fn crates_in(folder: &str) -> anyhow::Result<Vec<PluginCrate>> {
    let mut found = Vec::new();
    let dir = cargo::root().join(folder);
    for entry in std::fs::read_dir(&dir)
        .map_err(|e| anyhow::anyhow!("cannot list {}: {e}", dir.display()))?
    {
        let path = entry?.path();
        let manifest = path.join("Cargo.toml");
        if !manifest.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest)?;
        let package = text
            .lines()
            .find_map(|line| line.strip_prefix("name = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .ok_or_else(|| anyhow::anyhow!("{}: no package name", manifest.display()))?;
        found.push(PluginCrate {
            package: package.to_owned(),
            dir: path,
        });
    }
    found.sort_by(|a, b| a.package.cmp(&b.package));
    Ok(found)
}

/// Package names of `crates` in groups that one cargo invocation can build: cargo unifies
/// a dependency's features across every package of a build, so a plugin pinning an older
/// contract (`wangge-sdk` with `contract-1-0`) would pin all the others with it. Crates with
/// the same `wangge-sdk` dependency line build together; the default one comes first.
pub fn build_groups<'a>(crates: impl IntoIterator<Item = &'a PluginCrate>) -> Vec<Vec<String>> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for plugin in crates {
        let key = plugin.sdk_dependency();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, packages)) => packages.push(plugin.package.clone()),
            None => groups.push((key, vec![plugin.package.clone()])),
        }
    }
    groups.sort_by_key(|(key, _)| key.contains("features"));
    groups.into_iter().map(|(_, packages)| packages).collect()
}

/// Installs the wasm target through rustup when the toolchain lacks it.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let output = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run rustup (needed to add {WASM_TARGET}): {e}"))?;
    let installed = String::from_utf8_lossy(&output.stdout);
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    let mut add = Command::new("rustup");
    add.args(["target", "add", WASM_TARGET]);
    cargo::status(add, &format!("rustup target add {WASM_TARGET}"))
}

/// Builds every plugin and test plugin in release for the wasm target.
pub fn build_all() -> anyhow::Result<Built> {
    ensure_wasm_target()?;
    let bundled = crates_in("plugins")?;
    let tests = crates_in("tests/plugins")?;
    let mut packages = Vec::new();
    for group in build_groups(bundled.iter().chain(&tests)) {
        let mut args = vec!["build", "--release", "--target", WASM_TARGET];
        for package in &group {
            args.extend(["--package", package.as_str()]);
        }
        cargo::run(&args)?;
        packages.extend(group);
    }
    let releases = build_earlier_releases(&bundled)?;
    Ok(Built {
        dir: cargo::target_dir().join(WASM_TARGET).join("release"),
        packages,
        bundled,
        releases,
    })
}

/// Where earlier releases of the bundled plugins are built (`releases/VERSION/…`).
pub fn releases_dir() -> PathBuf {
    cargo::target_dir().join("releases")
}

/// Builds each earlier release a bundled plugin keeps (`plugins/ID/releases/X.Y.Z/plugin.toml`
/// with the crate's `release-X-Y` feature), so upgrade tests and the demo can start from it.
/// Each release gets a target folder of its own: the feature changes the crate, and the
/// components of both versions must exist side by side.
fn build_earlier_releases(bundled: &[PluginCrate]) -> anyhow::Result<PathBuf> {
    let dir = releases_dir();
    for plugin in bundled {
        let releases = plugin.dir.join("releases");
        let Ok(entries) = std::fs::read_dir(&releases) else {
            continue;
        };
        let mut versions: Vec<String> = entries
            .flatten()
            .filter(|entry| entry.path().join("plugin.toml").exists())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        versions.sort();
        for version in versions {
            let mut parts = version.split('.');
            let feature = format!(
                "release-{}-{}",
                parts.next().unwrap_or("0"),
                parts.next().unwrap_or("0")
            );
            let target = dir.join(&version);
            cargo::run(&[
                "build",
                "--release",
                "--target",
                WASM_TARGET,
                "--package",
                plugin.package.as_str(),
                "--features",
                feature.as_str(),
                "--target-dir",
                target.to_str().unwrap_or_default(),
            ])?;
        }
    }
    Ok(dir)
}
