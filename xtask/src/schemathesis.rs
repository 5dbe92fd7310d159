//! `cargo xtask schemathesis`: the JSON API and the registry API against their own OpenAPI
//! document, with schemathesis (PyPI) in a virtual environment of its own under
//! `target/schemathesis/venv`. A fresh demo (seeded data, the bundled plugins through the
//! registry) is served on a free port, and schemathesis runs every check, every phase
//! (stateful included), a fixed seed, once signed in as the demo's unit admin and once as
//! its grid worker (`tests/schemathesis.toml`, with `tests/schemathesis_hooks.py`). Any
//! failure fails the task; the JUnit
//! reports and the recorded requests are in `target/schemathesis/report/ROLE/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::{cargo, demo_registry, plugins};

/// The version CI installs: checks change within 4.x, so the run is pinned.
const VERSION: &str = "4.32.5";

/// The demo users the runs sign in as, and their password (`demo seed --users`).
const ROLES: [&str; 2] = ["admin", "worker"];
const DEMO_PASSWORD: &str = "wangge-demo";

/// Residents seeded: enough for full pages and real units, few enough to seed in seconds.
const RESIDENTS: &str = "2000";

/// Where everything of a run goes.
fn work_dir() -> PathBuf {
    cargo::target_dir().join("schemathesis")
}

/// The server, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs both passes; extra arguments go to every `schemathesis run`.
pub fn run(extra: &[String]) -> anyhow::Result<()> {
    let schemathesis = ensure_venv()?;
    crate::front::ensure_front()?;
    let built = plugins::build_all()?;
    cargo::run(&["build", "--package", "wangge-host", "--bin", "wangge"])?;
    let data = work_dir().join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    std::fs::create_dir_all(&data)?;
    let mut seed = Command::new(cargo::host_binary());
    seed.arg("--data-dir")
        .arg(&data)
        .args(["demo", "seed", "--users", "--residents", RESIDENTS]);
    cargo::status(seed, "wangge demo seed --users (the API's test data)")?;
    demo_registry::install_bundled(&built, &data)?;
    let (server, base) = serve(&data)?;
    let config = cargo::root().join("tests/schemathesis.toml");
    let mut failed = Vec::new();
    for role in ROLES {
        let report = work_dir().join("report").join(role);
        let mut st = Command::new(&schemathesis);
        st.arg("--config-file")
            .arg(&config)
            .args(["run", &format!("{base}/api/openapi.json"), "--url", &base])
            .arg("--report-dir")
            .arg(&report)
            .args(extra)
            .env("ST_USER", role)
            .env("ST_PASS", DEMO_PASSWORD)
            // tests/schemathesis_hooks.py: how a package body is sent.
            .env("PYTHONPATH", cargo::root().join("tests"))
            .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks");
        eprintln!("xtask: schemathesis as {role} against {base}");
        if cargo::status(st, &format!("schemathesis as {role}")).is_err() {
            failed.push(role);
        }
    }
    drop(server);
    anyhow::ensure!(
        failed.is_empty(),
        "schemathesis found failures as {} (reports in {})",
        failed.join(" and "),
        work_dir().join("report").display()
    );
    Ok(())
}

/// `wangge serve` on a free port over `data`, and its base URL once it listens.
fn serve(data: &Path) -> anyhow::Result<(Server, String)> {
    let mut child = Command::new(cargo::host_binary())
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(
            work_dir().join("server.log"),
        )?))
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start wangge serve: {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("wangge serve has no standard output"))?;
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| {
            anyhow::anyhow!(
                "wangge serve did not start (it said {line:?}; see {})",
                work_dir().join("server.log").display()
            )
        })?
        .to_owned();
    Ok((server, base))
}

/// The `schemathesis` command of the task's own virtual environment, created (and the
/// pinned version installed from PyPI) when missing.
fn ensure_venv() -> anyhow::Result<PathBuf> {
    Ok(crate::python_venv::ensure("schemathesis", "schemathesis", VERSION)?.join("schemathesis"))
}
