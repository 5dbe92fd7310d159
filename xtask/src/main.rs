//! `cargo xtask`: the project's automation. `demo` sets everything up and serves the demo;
//! `test` prepares what the tests need and runs the whole suite.

mod browser;
mod cargo;
mod contract_docs;
mod demo;
mod demo_registry;
mod front;
mod lint;
mod plugins;
mod postgres;
mod python_venv;
mod schemathesis;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

Commands:
  demo      install the wasm target if missing, build the plugins and the host, register the
            bundled plugins and serve on http://127.0.0.1:8080 (embedded SQLite in wangge-data/)
  test      start PostgreSQL if it is stopped, install Chromium and chromedriver (Debian's
            chromium and chromium-driver) if missing, build the plugins and the host, run
            every test
  lint      cargo fmt --check, and clippy -D warnings on the host crates and on the plugins
  bench [plugin|grid|assessment]
            run the benchmarks (figures for BENCHMARKS.md): `plugin` builds the plugins and
            runs the plugin-page benchmark, `grid` the grid-data one (2.5 million residents
            on SQLite and PostgreSQL; WANGGE_BENCH_RESIDENTS=100000 for a quick run),
            `assessment` 考核 and a department's queue over one million events
            (WANGGE_BENCH_EVENTS=100000 for a quick run); all three without an argument
  schemathesis [ARGS…]
            run schemathesis (PyPI, in target/schemathesis/venv) against a fresh demo
            server's OpenAPI document, as the demo's unit admin and as its grid worker:
            every check and phase, a fixed seed (tests/schemathesis.toml); ARGS go to
            `schemathesis run`
  plugins   build every plugin and test plugin for wasm32-wasip2
  contract-docs
            write docs/contract-reference.md from the WIT contract in wit/ (a test fails
            while the committed file is stale)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("lint") => lint::run(),
        Some("bench") => bench(&args[1..]),
        Some("plugins") => plugins::build_all().map(|_| ()),
        Some("schemathesis") => schemathesis::run(&args[1..]),
        Some("contract-docs") => contract_docs::run(),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Everything the tests need, then the whole suite. Extra arguments go to `cargo test`.
/// The `georeport` client the Open311 test reads the host with (PyPI), pinned.
const GEOREPORT_VERSION: &str = "0.3.1";

fn test(extra: &[String]) -> anyhow::Result<()> {
    postgres::ensure_running()?;
    browser::ensure_chromium()?;
    front::ensure_front()?;
    let built = plugins::build_all()?;
    cargo::run(&["build", "--package", "wangge-host", "--bin", "wangge"])?;
    cargo::run(&["build", "--package", "bureau-standin"])?;
    // A standard Open311 client, as citizen apps use it (tests/e2e/open311_client.rs).
    let georeport = python_venv::ensure("georeport", "georeport", GEOREPORT_VERSION)?;
    // xtask is included: its own tests check generated files such as
    // docs/contract-reference.md.
    let mut args = vec!["test", "--workspace"];
    // Test plugins are wasm-only; their behaviour is tested through the host. The bundled
    // plugins' own tests (on the SDK harness) run natively like any other crate's.
    let bundled: Vec<&str> = built.bundled.iter().map(|p| p.package.as_str()).collect();
    for package in &built.packages {
        if !bundled.contains(&package.as_str()) {
            args.extend(["--exclude", package.as_str()]);
        }
    }
    if !extra.is_empty() {
        args.push("--");
        args.extend(extra.iter().map(String::as_str));
    }
    cargo::run_with_env(
        &args,
        &[
            ("WANGGE_BIN", cargo::host_binary().display().to_string()),
            ("WANGGE_COMPONENTS_DIR", built.dir.display().to_string()),
            ("WANGGE_RELEASES_DIR", built.releases.display().to_string()),
            (
                "WANGGE_BUREAU_BIN",
                cargo::binary("bureau-standin").display().to_string(),
            ),
            ("WANGGE_CHROMEDRIVER", browser::CHROMEDRIVER.to_owned()),
            ("WANGGE_CHROMIUM", browser::CHROMIUM.to_owned()),
            (
                "WANGGE_GEOREPORT_PYTHON",
                georeport.join("python").display().to_string(),
            ),
        ],
    )
}

/// `bench [plugin|grid|assessment] [ARGS…]`: one benchmark or all three; ARGS go to the
/// benchmark.
fn bench(args: &[String]) -> anyhow::Result<()> {
    let (plugin, grid, assessment, extra) = match args.first().map(String::as_str) {
        Some("plugin") => (true, false, false, &args[1..]),
        Some("grid") => (false, true, false, &args[1..]),
        Some("assessment") => (false, false, true, &args[1..]),
        _ => (true, true, true, args),
    };
    if plugin {
        let built = plugins::build_all()?;
        run_bench(
            "plugin_page",
            extra,
            &[("WANGGE_COMPONENTS_DIR", built.dir.display().to_string())],
        )?;
    }
    if grid {
        run_bench("grid_data", extra, &[])?;
    }
    if assessment {
        run_bench("assessment", extra, &[])?;
    }
    Ok(())
}

fn run_bench(name: &str, extra: &[String], env: &[(&str, String)]) -> anyhow::Result<()> {
    let mut args = vec!["bench", "--package", "wangge-host", "--bench", name];
    if !extra.is_empty() {
        args.push("--");
        args.extend(extra.iter().map(String::as_str));
    }
    cargo::run_with_env(&args, env)
}
