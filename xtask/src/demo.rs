//! `cargo xtask demo`: builds everything, seeds the demo data and installs the bundled
//! plugins through the embedded registry in an SQLite database under `wangge-data/`, and
//! serves on 127.0.0.1:8080, printing one-time sign-in codes to its log.

use std::process::Command;

use crate::{cargo, demo_registry, plugins};

/// Where the demo keeps its database and compiled-component cache.
const DATA_DIR: &str = "wangge-data";

/// The demo users `demo seed --users` creates, as the summary prints them.
const DEMO_USERS: &str = "leader, admin, worker, department, resident";

/// The demo users' password. A demo only: real users choose their own.
const DEMO_PASSWORD: &str = "wangge-demo";

/// Written once the demo data is in, so later runs skip seeding. (The name is from when
/// the demo imported two CSV files; kept so existing demo directories are not re-seeded.)
const DEMO_MARKER: &str = "demo-residents-imported";

/// Where the demo's bureau stand-in listens: the `bureau_url` default of the bundled
/// 社保 and 医保 plugins.
const BUREAU_LISTEN: &str = "127.0.0.1:9300";

/// The bureau stand-in, killed when dropped (the demo's Ctrl-C stops both).
struct Bureau(std::process::Child);

impl Bureau {
    fn start() -> anyhow::Result<Self> {
        let child = Command::new(cargo::binary("bureau-standin"))
            .args(["--listen", BUREAU_LISTEN])
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start bureau-standin: {e}"))?;
        Ok(Self(child))
    }
}

impl Drop for Bureau {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The address the demo serves on.
const LISTEN: &str = "127.0.0.1:8080";

/// Runs the demo until Ctrl-C. `--listen ADDR` serves elsewhere.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let listen = match args {
        [] => LISTEN.to_owned(),
        [flag, addr] if flag == "--listen" => addr.clone(),
        _ => anyhow::bail!("usage: cargo xtask demo [--listen ADDR]"),
    };
    crate::front::ensure_front()?;
    let built = plugins::build_all()?;
    cargo::run(&["build", "--package", "wangge-host", "--bin", "wangge"])?;
    cargo::run(&["build", "--package", "bureau-standin"])?;
    let wangge = cargo::host_binary();
    let data_dir = cargo::root().join(DATA_DIR);
    // Seeded once: `demo seed` refuses a database that already has residents.
    if !data_dir.join(DEMO_MARKER).exists() {
        let mut seed = Command::new(&wangge);
        seed.arg("--data-dir")
            .arg(&data_dir)
            .args(["demo", "seed", "--users"]);
        cargo::status(
            seed,
            "wangge demo seed --users (unit tree of 黄石市, 20 000 residents, events, users)",
        )?;
        std::fs::write(data_dir.join(DEMO_MARKER), "demo data seeded\n")?;
    }
    demo_registry::install_bundled(&built, &data_dir)?;
    println!();
    println!("Wangge demo on http://{listen}/ (Ctrl-C stops it)");
    println!("  start page       http://{listen}/");
    for plugin in &built.bundled {
        let id = plugin.id()?;
        println!("  {id:<16} http://{listen}/p/{id}/");
    }
    println!("  bureau stand-in  http://{BUREAU_LISTEN}/ (docs/bureau-api.md)");
    println!("  health           http://{listen}/healthz");
    println!("  metrics          http://{listen}/metrics");
    println!("  data             {}", data_dir.display());
    println!(
        "  sign in          POST /api/session {{\"username\": U, \"password\": \"{DEMO_PASSWORD}\"}}"
    );
    println!("                   U = {DEMO_USERS}");
    println!("  or in a browser  http://{listen}/signin (password), or /signin/code: the one-time");
    println!(
        "                   code is printed in this server's log (--sign-in-codes log, demo only)"
    );
    println!();
    // The insurance bureau's stand-in, for 社保 and 医保; stopped with the demo.
    let _bureau = Bureau::start()?;
    let mut serve = Command::new(&wangge);
    serve
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["serve", "--listen", &listen])
        // No SMS gateway in this build: one-time sign-in codes go to the log, which is
        // where a demo's user looks.
        .args(["--sign-in-codes", "log"]);
    cargo::status(serve, "wangge serve")
}
