//! Running cargo and other commands from the workspace root, failing loudly.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

/// The target directory: `CARGO_TARGET_DIR` if set, else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// The debug build of the `wangge` binary.
pub fn host_binary() -> PathBuf {
    binary("wangge")
}

/// The debug build of the workspace binary `name`.
pub fn binary(name: &str) -> PathBuf {
    target_dir().join("debug").join(name)
}

fn cargo_command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root());
    command
}

/// Runs `cargo ARGS`.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    run_with_env(args, &[])
}

/// Runs `cargo ARGS` with extra environment variables.
pub fn run_with_env(args: &[&str], env: &[(&str, String)]) -> anyhow::Result<()> {
    let mut command = cargo_command();
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    status(command, &format!("cargo {}", args.join(" ")))
}

/// Runs `command`, naming it in the error if it fails.
pub fn status(mut command: Command, what: &str) -> anyhow::Result<()> {
    eprintln!("xtask: {what}");
    let status = command
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run {what}: {e}"))?;
    anyhow::ensure!(status.success(), "{what} failed ({status})");
    Ok(())
}
