//! A plugin developer's path, the way the guide (docs/plugin-guide.md) tells it: `plugin
//! new` in an empty folder, `plugin build`, the new crate's own `cargo test` (the SDK
//! harness), `plugin keygen` and `plugin publish` to a running host's registry, review,
//! install, and the page served. Then `plugin dev`: an edited source file is rebuilt and
//! served without a restart.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use wangge_tests::{Workspace, shared_target_dir, wangge_bin};

/// The demo street: the scaffold's manifest allows streets and communities.
const STREET: &str = "420202001";

/// `wangge ARGS` in `dir`, building into the shared target folder.
fn wangge_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(wangge_bin())
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .args(args)
        .output()
        .expect("wangge runs")
}

fn succeeded(output: Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A new plugin `id` in a temporary folder.
fn scaffold(id: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let parent = tempfile::tempdir().expect("a temporary folder");
    let dir = parent.path().to_str().expect("utf-8 path").to_owned();
    succeeded(
        wangge_in(
            parent.path(),
            &[
                "plugin",
                "new",
                id,
                "--dir",
                &dir,
                "--publisher",
                "street-dev",
            ],
        ),
        "plugin new",
    );
    let plugin = parent.path().join(id);
    (parent, plugin)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_plugin_is_built_tested_published_installed_and_served() {
    let (_parent, plugin) = scaffold("suggestion-box");
    for file in [
        "Cargo.toml",
        "plugin.toml",
        "src/lib.rs",
        "tests/pages.rs",
        "README.md",
    ] {
        assert!(plugin.join(file).exists(), "plugin new writes {file}");
    }

    let built = succeeded(wangge_in(&plugin, &["plugin", "build"]), "plugin build");
    let package = plugin.join("target/wangge/suggestion-box-0.1.0.wgp");
    assert!(package.exists(), "plugin build writes the package: {built}");

    // The scaffold's own tests: the harness loads the component into a real host.
    let tested = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&plugin)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .args(["test"])
        .output()
        .expect("cargo test runs");
    let report = succeeded(tested, "the scaffold's cargo test");
    assert!(report.contains("3 passed"), "{report}");

    // Publish to a running host's registry, as a street developer would.
    let host = Workspace::sqlite();
    host.run(&["demo", "seed", "--residents", "0"]);
    let key = plugin.join("target/street-dev.key");
    let key = key.to_str().expect("utf-8 path");
    let public = succeeded(
        wangge_in(&plugin, &["plugin", "keygen", key]),
        "plugin keygen",
    );
    host.run(&["registry", "publisher", "add", "street-dev", public.trim()]);
    let server = host.serve(&["--catalog-poll-ms", "200"]);
    let package = package.to_str().expect("utf-8 path");
    let published = succeeded(
        wangge_in(
            &plugin,
            &[
                "plugin",
                "publish",
                package,
                "--key",
                key,
                "--registry",
                server.base(),
            ],
        ),
        "plugin publish",
    );
    assert!(published.contains("submitted"), "{published}");
    host.run(&["registry", "review", "suggestion-box", "0.1.0", "approve"]);
    host.run(&[
        "plugin",
        "install",
        "suggestion-box",
        "--unit",
        STREET,
        "--grant-all-requested",
    ]);

    let path = format!("/p/suggestion-box/?unit={STREET}");
    let started = Instant::now();
    let page = loop {
        let page = server.get(&path).await;
        if page.status == 200 || started.elapsed() > Duration::from_secs(30) {
            break page;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(page.status, 200, "{}\n{}", page.body, server.log());
    assert!(page.body.contains("黄石港街道的意见箱"), "{}", page.body);
}

/// `wangge plugin dev` on a plugin folder, killed on drop.
struct Dev {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Dev {
    fn start(plugin: &Path) -> Self {
        // Beside the plugin folder, not in it: the dev server watches every file there.
        let log = plugin.with_extension("dev.log");
        let mut child = Command::new(wangge_bin())
            .current_dir(plugin)
            .env("CARGO_TARGET_DIR", shared_target_dir())
            .args(["plugin", "dev", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("plugin dev starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the listening line");
        let Some(base) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            panic!(
                "plugin dev did not start: {line:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Self {
            base: base.to_owned(),
            child,
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls the plugin's home page until it contains `text` (builds take a while).
    async fn wait_for(&self, text: &str) -> String {
        let url = format!("{}/p/dev-box/?unit={STREET}", self.base);
        let started = Instant::now();
        loop {
            if let Ok(response) = reqwest::get(&url).await
                && let Ok(body) = response.text().await
                && body.contains(text)
            {
                return body;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "the page never showed {text:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plugin_dev_serves_an_edited_source_without_a_restart() {
    let (_parent, plugin) = scaffold("dev-box");
    let dev = Dev::start(&plugin);
    dev.wait_for("黄石港街道的意见箱").await;

    let source = plugin.join("src/lib.rs");
    let text = std::fs::read_to_string(&source).expect("the source");
    assert!(text.contains("的意见箱，共 "), "the scaffold's page text");
    std::fs::write(&source, text.replace("的意见箱，共 ", "的社区意见箱，共 ")).expect("edit");
    let body = dev.wait_for("黄石港街道的社区意见箱").await;
    assert!(
        !body.contains("黄石港街道的意见箱"),
        "the new build replaced the old"
    );
    let log = dev.log();
    assert!(log.contains("changed: src/lib.rs"), "{log}");

    // A trap is logged with the plugin's own backtrace: its function names.
    let trapping = text.replace(
        "fn home(ctx: &Ctx) -> Result<Response, Error> {\n",
        "fn home(ctx: &Ctx) -> Result<Response, Error> {\n    if ctx.query_param(\"trap\").is_some() {\n        panic!(\"trap requested\");\n    }\n",
    );
    assert_ne!(trapping, text, "the scaffold has a `home` handler");
    std::fs::write(&source, trapping).expect("edit");
    let started = Instant::now();
    loop {
        let url = format!("{}/p/dev-box/?unit={STREET}&trap=1", dev.base);
        let status = reqwest::get(&url).await.map(|r| r.status().as_u16());
        if status.is_ok_and(|s| s >= 500) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the trapping build never served:\n{}",
            dev.log()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let log = dev.log();
    assert!(
        log.contains(" - home\n"),
        "the backtrace names the handler:\n{log}"
    );
    assert!(
        log.contains("dev-box/src/lib.rs:"),
        "and its source lines:\n{log}"
    );
}
