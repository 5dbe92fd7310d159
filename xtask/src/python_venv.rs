//! Python tools the tasks use, each pinned and installed from PyPI into a virtual
//! environment of its own under `target/NAME/venv`, once: schemathesis for
//! `cargo xtask schemathesis`, the `georeport` Open311 client for `cargo xtask test`.

use std::path::PathBuf;
use std::process::Command;

use crate::cargo;

/// The `bin` folder of `target/NAME/venv` with `package==version` installed, created (and
/// the package installed) when missing.
pub fn ensure(name: &str, package: &str, version: &str) -> anyhow::Result<PathBuf> {
    let venv = cargo::target_dir().join(name).join("venv");
    let bin = venv.join("bin");
    let marker = venv.join(format!("{package}-{version}"));
    if marker.exists() {
        return Ok(bin);
    }
    std::fs::create_dir_all(venv.parent().unwrap_or(&venv))?;
    let mut create = Command::new("python3");
    create.args(["-m", "venv"]).arg(&venv);
    cargo::status(create, &format!("python3 -m venv (for {package})")).map_err(|e| {
        anyhow::anyhow!(
            "{e:#}\n{package} needs Python 3 with venv (Debian: `sudo apt-get install \
             python3-venv`)"
        )
    })?;
    let mut install = Command::new(bin.join("pip"));
    install.args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("{package}=={version}"),
    ]);
    cargo::status(install, &format!("pip install {package}=={version}"))?;
    std::fs::write(&marker, "installed\n")?;
    Ok(bin)
}
