//! The demo's bundled plugins reach the demo units through the registry, as a province's
//! plugins would: a demo publisher key, `plugin package`, `registry publish`, a review,
//! then `plugin install` (or `upgrade` after a version change) with the requested
//! permissions granted. Each step is a real `wangge` command; reruns change nothing.

use std::path::Path;
use std::process::Command;

use crate::cargo;
use crate::plugins::Built;

/// The demo publisher's secret key, kept in the demo's data directory.
const KEY_FILE: &str = "demo-publisher.key";

/// Where the demo installs a bundled plugin that may sit at the province: there, so every
/// unit sees it.
const PROVINCE: &str = "42";

/// Where the demo installs the street-level plugins (社保, 医保, 养老): 黄石港街道, the demo
/// admin's street, home of the demo worker's and resident's grid.
const DEMO_STREET: &str = "420202001";

/// The unit a bundled plugin is installed at: the province when its manifest's `levels`
/// allow it, else the demo street.
fn install_unit(plugin: &crate::plugins::PluginCrate) -> anyhow::Result<&'static str> {
    let manifest = std::fs::read_to_string(plugin.dir.join("plugin.toml"))?;
    let levels = manifest
        .lines()
        .find(|line| line.starts_with("levels = "))
        .unwrap_or_default();
    Ok(if levels.contains("\"province\"") {
        PROVINCE
    } else {
        DEMO_STREET
    })
}

/// `wangge --data-dir DIR ARGS…`, its standard output, or the command's error output.
fn wangge(wangge: &Path, data_dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    eprintln!("xtask: wangge {}", args.join(" "));
    let output = Command::new(wangge)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "wangge {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Publishes, approves and installs (or upgrades) every bundled plugin.
pub fn install_bundled(built: &Built, data_dir: &Path) -> anyhow::Result<()> {
    let bin = cargo::host_binary();
    let key = data_dir.join(KEY_FILE);
    let packages = data_dir.join("packages");
    std::fs::create_dir_all(&packages)?;
    let installed = wangge(&bin, data_dir, &["plugin", "list"])?;
    for plugin in &built.bundled {
        let publisher = plugin.manifest_field("publisher")?;
        let id = plugin.id()?;
        let version = plugin.manifest_field("version")?;
        if !key.exists() {
            let public_key = wangge(&bin, data_dir, &["registry", "keygen", path(&key)?])?;
            wangge(
                &bin,
                data_dir,
                &[
                    "registry",
                    "publisher",
                    "add",
                    &publisher,
                    public_key.trim(),
                ],
            )?;
        }
        let package = packages.join(format!("{id}-{version}.wgp"));
        let component = plugin.component(&built.dir);
        let manifest = plugin.dir.join("plugin.toml");
        let readme = plugin.dir.join("README.md");
        wangge(
            &bin,
            data_dir,
            &[
                "plugin",
                "package",
                "--manifest",
                path(&manifest)?,
                "--component",
                path(&component)?,
                "--readme",
                path(&readme)?,
                "-o",
                path(&package)?,
            ],
        )?;
        let published = wangge(
            &bin,
            data_dir,
            &["registry", "publish", path(&package)?, "--key", path(&key)?],
        )?;
        // "hello 0.1.0: submitted (sha256:…)": the state after the colon.
        let state = published
            .split(": ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("");
        match state {
            "submitted" => {
                wangge(
                    &bin,
                    data_dir,
                    &[
                        "registry",
                        "review",
                        &id,
                        &version,
                        "approve",
                        "--reviewer",
                        "demo",
                    ],
                )?;
            }
            "approved" => {}
            other => anyhow::bail!(
                "{id} {version} is {other} in the demo registry; bump the version in {} to publish again",
                manifest.display()
            ),
        }
        let unit = install_unit(plugin)?;
        let at_unit = installed.lines().find(|line| {
            line.starts_with(&format!("{id}@")) && line.contains(&format!(" at {unit} "))
        });
        match at_unit {
            None => {
                wangge(
                    &bin,
                    data_dir,
                    &[
                        "plugin",
                        "install",
                        &id,
                        "--unit",
                        unit,
                        "--grant-all-requested",
                    ],
                )?;
            }
            Some(line) if line.starts_with(&format!("{id}@{version} ")) => {}
            Some(_) => {
                wangge(
                    &bin,
                    data_dir,
                    &[
                        "plugin",
                        "upgrade",
                        &id,
                        "--unit",
                        unit,
                        "--grant-all-requested",
                    ],
                )?;
            }
        }
    }
    Ok(())
}

fn path(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .ok_or_else(|| anyhow::anyhow!("{} is not UTF-8", path.display()))
}
