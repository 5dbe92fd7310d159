//! Building a plugin crate for `wasm32-wasip2` with cargo, installing the target through
//! rustup first when the toolchain lacks it, and finding the component cargo wrote.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use wangge_registry::Manifest;

/// The target plugins are built for.
pub const WASM_TARGET: &str = "wasm32-wasip2";

/// A plugin crate that built.
#[derive(Debug, Clone)]
pub struct BuiltPlugin {
    /// The crate's folder.
    pub dir: PathBuf,
    /// The component cargo wrote.
    pub component: PathBuf,
    /// `plugin.toml`.
    pub manifest_path: PathBuf,
    /// The parsed manifest.
    pub manifest: Manifest,
}

/// How to build.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Keep line tables in the component, so a trap's backtrace names source lines
    /// (`plugin dev`); a published build leaves them out.
    pub line_tables: bool,
}

/// The cargo to run: the one running us when we are under cargo (tests, xtask), else the
/// one on the PATH.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Installs the wasm target through rustup when the toolchain lacks it. Without rustup
/// (a toolchain from elsewhere) the build itself will say what is missing.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let Ok(output) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    else {
        return Ok(());
    };
    let installed = String::from_utf8_lossy(&output.stdout);
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    eprintln!("… rustup target add {WASM_TARGET}");
    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run rustup: {e}"))?;
    anyhow::ensure!(
        status.success(),
        "`rustup target add {WASM_TARGET}` failed ({status})"
    );
    Ok(())
}

/// Reads and parses `dir/plugin.toml`.
pub fn read_manifest(dir: &Path) -> anyhow::Result<(PathBuf, Manifest)> {
    let path = dir.join("plugin.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {}: {e} (is {} a plugin folder? `wangge plugin new NAME` makes one)",
            path.display(),
            dir.display()
        )
    })?;
    let manifest =
        Manifest::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok((path, manifest))
}

/// Builds the plugin crate in `dir` in release for [`WASM_TARGET`]. Cargo's progress and
/// diagnostics go to our stderr as cargo renders them; a failed build is an error that says
/// so (the diagnostics are already on the terminal).
pub fn build_plugin(dir: &Path, options: BuildOptions) -> anyhow::Result<BuiltPlugin> {
    let dir = dir
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot open plugin folder {}: {e}", dir.display()))?;
    let (manifest_path, manifest) = read_manifest(&dir)?;
    ensure_wasm_target()?;
    let cargo_toml = dir.join("Cargo.toml");
    let mut command = cargo();
    command
        .args(["build", "--release", "--target", WASM_TARGET])
        .arg("--manifest-path")
        .arg(&cargo_toml)
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if options.line_tables {
        command.env("CARGO_PROFILE_RELEASE_DEBUG", "line-tables-only");
    }
    let mut child = command
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run cargo: {e}"))?;
    let mut component = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            if let Some(path) = wasm_artifact(&line?, &cargo_toml) {
                component = Some(path);
            }
        }
    }
    let status = child.wait()?;
    anyhow::ensure!(
        status.success(),
        "cargo build of {} for {WASM_TARGET} failed (see the errors above)",
        dir.display()
    );
    let component = component.ok_or_else(|| {
        anyhow::anyhow!(
            "cargo built {} but wrote no .wasm: is its crate-type \"cdylib\"?",
            dir.display()
        )
    })?;
    Ok(BuiltPlugin {
        dir,
        component,
        manifest_path,
        manifest,
    })
}

/// The `.wasm` of a `compiler-artifact` message about the package of `cargo_toml`.
fn wasm_artifact(line: &str, cargo_toml: &Path) -> Option<PathBuf> {
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    if message["reason"] != "compiler-artifact" {
        return None;
    }
    let manifest = message["manifest_path"].as_str()?;
    if Path::new(manifest) != cargo_toml {
        return None;
    }
    message["filenames"]
        .as_array()?
        .iter()
        .filter_map(|name| name.as_str())
        .find(|name| name.ends_with(".wasm"))
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_component_is_found_in_cargo_messages() {
        let toml = Path::new("/p/Cargo.toml");
        let ours = r#"{"reason":"compiler-artifact","manifest_path":"/p/Cargo.toml","filenames":["/t/wasm32-wasip2/release/p.wasm"]}"#;
        let theirs = r#"{"reason":"compiler-artifact","manifest_path":"/sdk/Cargo.toml","filenames":["/t/libsdk.rlib"]}"#;
        let other = r#"{"reason":"build-finished","success":true}"#;
        assert_eq!(
            wasm_artifact(ours, toml),
            Some(PathBuf::from("/t/wasm32-wasip2/release/p.wasm"))
        );
        assert_eq!(wasm_artifact(theirs, toml), None);
        assert_eq!(wasm_artifact(other, toml), None);
        assert_eq!(wasm_artifact("not json", toml), None);
    }
}
