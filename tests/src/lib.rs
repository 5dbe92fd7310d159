//! Support for the end-to-end tests: the real `wangge` binary over real HTTP, with real
//! components built from `plugins/` and `tests/plugins/`, on a real SQLite file or a fresh
//! PostgreSQL database.
//!
//! `cargo xtask test` builds the binary and the components once and points the tests at
//! them with `WANGGE_BIN` and `WANGGE_COMPONENTS_DIR`.

pub mod bureau;
pub mod postgres;
pub mod registry;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn from_env_or(var: &str, default: PathBuf, hint: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or(default);
    assert!(
        path.exists(),
        "{} does not exist: {hint} (or run `cargo xtask test`, which builds everything)",
        path.display()
    );
    path
}

/// The `wangge` binary under test.
pub fn wangge_bin() -> PathBuf {
    from_env_or(
        "WANGGE_BIN",
        workspace_root().join("target/debug/wangge"),
        "build it with `cargo build -p wangge-host`",
    )
}

/// The component of plugin `package` (`hello`, `hostile-loop` …).
pub fn component(package: &str) -> PathBuf {
    let dir = std::env::var_os("WANGGE_COMPONENTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/wasm32-wasip2/release"));
    let path = dir.join(format!("{}.wasm", package.replace('-', "_")));
    assert!(
        path.exists(),
        "{} does not exist: build the plugins with `cargo xtask plugins` (or run `cargo xtask \
         test`, which builds everything)",
        path.display()
    );
    path
}

/// The manifest of plugin `package`, from `plugins/` or `tests/plugins/`.
pub fn manifest(package: &str) -> PathBuf {
    let bundled = workspace_root()
        .join("plugins")
        .join(package)
        .join("plugin.toml");
    if bundled.exists() {
        return bundled;
    }
    workspace_root()
        .join("tests/plugins")
        .join(package)
        .join("plugin.toml")
}

/// The password of every user the tests create.
pub const TEST_PASSWORD: &str = "secret-password";

/// A file of the demo data in `host/data/demo/`.
pub fn demo_file(file: &str) -> PathBuf {
    workspace_root().join("host/data/demo").join(file)
}

/// Which database a test host uses.
#[derive(Debug, Clone)]
pub enum Database {
    /// An SQLite file in the host's data directory.
    Sqlite,
    /// A PostgreSQL URL (see [`postgres::FreshDatabase`]).
    Postgres(String),
}

/// A data directory and database, for running `wangge` commands and servers on.
pub struct Workspace {
    data: TempDir,
    database: Database,
}

impl Workspace {
    /// A fresh data directory with an SQLite database.
    pub fn sqlite() -> Self {
        Self::with(Database::Sqlite)
    }

    /// A fresh data directory with `database`.
    pub fn with(database: Database) -> Self {
        Self {
            data: tempfile::tempdir().expect("temporary directory"),
            database,
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// The SQLite URL of this workspace (meaningful with [`Database::Sqlite`]).
    pub fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.data.path().join("wangge.db").display())
    }

    fn command(&self) -> Command {
        let mut command = Command::new(wangge_bin());
        command.arg("--data-dir").arg(self.data.path());
        if let Database::Postgres(url) = &self.database {
            command.arg("--database-url").arg(url);
        }
        command.env("RUST_LOG", "info");
        command
    }

    /// Runs `wangge ARGS` to completion.
    pub fn wangge(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("wangge runs")
    }

    /// Runs `wangge ARGS`, asserts it succeeded, and returns its standard output.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.wangge(args);
        assert!(
            output.status.success(),
            "wangge {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Imports `host/data/demo/FILE` with `wangge WHAT import` (`units` or `residents`).
    pub fn import_demo(&self, what: &str, file: &str) -> String {
        let path = demo_file(file);
        self.run(&[what, "import", path.to_str().expect("utf-8 path")])
    }

    /// Creates a user whose password is [`TEST_PASSWORD`] and grants it (role, unit) pairs.
    pub fn add_user(&self, username: &str, display_name: &str, grants: &[(&str, &str)]) {
        let added = self.wangge_with_input(
            &["users", "add", username, "--name", display_name],
            &format!("{TEST_PASSWORD}\n"),
        );
        assert!(
            added.status.success(),
            "users add {username}: {}",
            String::from_utf8_lossy(&added.stderr)
        );
        for (role, unit) in grants {
            self.run(&["users", "grant", username, role, unit]);
        }
    }

    /// A connection to this workspace's SQLite database, to check what was stored.
    pub async fn database(&self) -> sqlx::SqliteConnection {
        <sqlx::SqliteConnection as sqlx::Connection>::connect(&self.sqlite_url())
            .await
            .expect("open the host's database")
    }

    /// Runs `wangge ARGS` with `input` on standard input.
    pub fn wangge_with_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wangge runs");
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("wangge finishes")
    }

    /// `wangge plugin add` of a built plugin with its manifest; panics if it fails.
    pub fn add_plugin(&self, package: &str, extra: &[&str]) -> String {
        self.add_plugin_from(package, package, extra)
    }

    /// `wangge plugin add` of the component of `package` with the manifest of
    /// `manifest_of`; panics if it fails.
    pub fn add_plugin_from(&self, package: &str, manifest_of: &str, extra: &[&str]) -> String {
        let component = component(package);
        let manifest = manifest(manifest_of);
        let mut args = vec![
            "plugin",
            "add",
            component.to_str().expect("utf-8 path"),
            "--manifest",
            manifest.to_str().expect("utf-8 path"),
        ];
        args.extend(extra);
        let output = self.wangge(&args);
        assert!(
            output.status.success(),
            "plugin add {package} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Starts `wangge serve` on a free port with extra flags (limits …).
    pub fn serve(&self, flags: &[&str]) -> Server {
        let log_path = self.data.path().join(format!("serve-{}.log", unique()));
        let log = std::fs::File::create(&log_path).expect("log file");
        let mut child = self
            .command()
            .args(flags)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("wangge serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let Some(base) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            panic!(
                "wangge serve did not start: {line:?}\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        };
        Server {
            base: base.to_owned(),
            child,
            log_path,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("http client"),
        }
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// A running `wangge serve`, stopped when dropped.
pub struct Server {
    base: String,
    child: Child,
    log_path: PathBuf,
    client: reqwest::Client,
}

/// A response with its body read.
#[derive(Debug)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Body text.
    pub body: String,
}

impl Page {
    /// The value of header `name`, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Server {
    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// GETs `path` and reads the body.
    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    /// The HTTP client, which keeps no cookies and follows no redirects.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let response = self
            .client
            .post(format!("{}/api/session", self.base))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), 200, "sign in as {username}");
        let body: serde_json::Value = response.json().await.expect("json");
        body["token"].as_str().expect("a token").to_owned()
    }

    /// Calls the JSON API as the holder of `token`: `GET` ignores `body`, `POST` sends it.
    pub async fn api(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "POST" => self.client.post(url).json(&body),
            "DELETE" => self.client.delete(url),
            _ => self.client.get(url),
        };
        let response = request.bearer_auth(token).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The value of a metric line starting with `prefix` (`name{labels}`), if present.
    pub async fn metric(&self, prefix: &str) -> Option<f64> {
        let metrics = self.get("/metrics").await.body;
        metrics
            .lines()
            .find(|line| line.starts_with(prefix))
            .and_then(|line| line.rsplit(' ').next())
            .and_then(|value| value.parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The cargo target folder of this workspace: tests that build plugins of their own (a
/// scaffolded one) share it, so the SDK and its dependencies are compiled once.
pub fn shared_target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The component and manifest of an earlier release of bundled plugin `package` (e.g.
/// `1.0.0`, built by `cargo xtask test` with the crate's `release-1-0` feature from
/// `plugins/PACKAGE/releases/VERSION/plugin.toml`): what upgrade tests start from.
pub fn previous_release(package: &str, version: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::var_os("WANGGE_RELEASES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared_target_dir().join("releases"));
    let component = dir
        .join(version)
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", package.replace('-', "_")));
    assert!(
        component.exists(),
        "{} does not exist: `cargo xtask plugins` builds earlier releases",
        component.display()
    );
    let manifest = workspace_root()
        .join("plugins")
        .join(package)
        .join("releases")
        .join(version)
        .join("plugin.toml");
    assert!(manifest.exists(), "{} does not exist", manifest.display());
    (component, manifest)
}
