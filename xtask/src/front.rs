//! The browser libraries the host serves itself (no CDN): `front/`'s npm packages, installed
//! from `front/package-lock.json` with `npm ci` when ECharts is missing.

use std::path::PathBuf;
use std::process::Command;

use crate::cargo;

/// The file the host serves at `/static/echarts.min.js`, relative to `front/`.
const ECHARTS: &str = "node_modules/echarts/dist/echarts.min.js";

/// The `front/` folder.
fn front_dir() -> PathBuf {
    cargo::root().join("front")
}

/// Runs `npm ci` in `front/` unless ECharts is already installed.
pub fn ensure_front() -> anyhow::Result<()> {
    let dir = front_dir();
    if dir.join(ECHARTS).exists() {
        return Ok(());
    }
    let found = Command::new("npm").arg("--version").output();
    if !found.is_ok_and(|output| output.status.success()) {
        anyhow::bail!(
            "the leader dashboards need ECharts from npm, and `npm` was not found: install \
             Node.js and npm (e.g. `sudo apt-get install npm`), then run `npm ci` in {}",
            dir.display()
        );
    }
    let mut npm = Command::new("npm");
    npm.current_dir(&dir)
        .args(["ci", "--no-audit", "--no-fund"]);
    cargo::status(npm, "npm ci (front/: ECharts for the leader dashboards)")?;
    anyhow::ensure!(
        dir.join(ECHARTS).exists(),
        "npm ci finished but {} is still missing",
        dir.join(ECHARTS).display()
    );
    Ok(())
}
