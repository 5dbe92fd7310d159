//! Support for the end-to-end tests: the real `wangge` binary over real HTTP, with real
//! components built from `plugins/` and `tests/plugins/`, on a real SQLite file or a fresh
//! PostgreSQL database.
//!
//! `cargo xtask test` builds the binary and the components once and points the tests at
//! them with `WANGGE_BIN` and `WANGGE_COMPONENTS_DIR`.
//!
//! Besides, the helpers the tests share: plugin pages and forms as the holder of a token
//! ([`Server::page_as`], [`Server::post_form_as`], [`plugin_page`]), what a test plugin
//! answered ([`pre_answer`]), residents' ids and plugin storage ([`Workspace::resident_id`],
//! [`Workspace::stored`]), and dates on the plugins' calendar ([`day`]).

pub mod browser;
pub mod bureau;
pub mod caller;
pub mod fixtures;
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

    /// A fresh SQLite workspace with the demo units and residents of `host/data/demo/`
    /// imported.
    pub fn demo() -> Self {
        let workspace = Self::sqlite();
        workspace.import_demo("units", "units.csv");
        workspace.import_demo("residents", "residents.csv");
        workspace
    }

    /// [`Workspace::demo`] with the built plugin `package` added (`wangge plugin add`) at
    /// the demo street, 黄石港街道 (`420202001`).
    pub fn demo_with_street_plugin(package: &str) -> Self {
        let workspace = Self::demo();
        workspace.add_plugin(
            package,
            &["--unit", "420202001", "--unit-name", "黄石港街道"],
        );
        workspace
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

    /// The id of the resident named `name` (the lowest, should the name recur); panics if
    /// there is none. For the demo fixtures, whose names are unique.
    pub async fn resident_id(&self, name: &str) -> i64 {
        let mut db = self.database().await;
        sqlx::query_scalar("SELECT id FROM residents WHERE name = $1 ORDER BY id LIMIT 1")
            .bind(name)
            .fetch_one(&mut db)
            .await
            .unwrap_or_else(|e| panic!("no resident named {name}: {e}"))
    }

    /// The id of the resident named `name` who lives in grid `grid` (the lowest, should
    /// the name recur there): for generated data (`demo seed`), where names may recur.
    pub async fn resident_id_in(&self, name: &str, grid: &str) -> i64 {
        let mut db = self.database().await;
        sqlx::query_scalar(
            "SELECT id FROM residents WHERE name = $1 AND grid_code = $2 ORDER BY id LIMIT 1",
        )
        .bind(name)
        .bind(grid)
        .fetch_one(&mut db)
        .await
        .unwrap_or_else(|e| panic!("no resident named {name} in grid {grid}: {e}"))
    }

    /// What the installation of plugin `plugin` at unit `unit` stored under `key`, as text
    /// (lossy UTF-8), or `None` if nothing is stored there.
    pub async fn stored(&self, plugin: &str, unit: &str, key: &str) -> Option<String> {
        let mut db = self.database().await;
        let value: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT s.value FROM plugin_storage s JOIN installations i \
             ON i.id = s.installation_id \
             WHERE i.plugin_id = $1 AND i.unit_code = $2 AND s.key = $3",
        )
        .bind(plugin)
        .bind(unit)
        .bind(key)
        .fetch_optional(&mut db)
        .await
        .expect("plugin storage");
        value.map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    /// Every key starting with `prefix` that the installation of plugin `plugin` at unit
    /// `unit` stored, with its value as text (lossy UTF-8), in key order.
    pub async fn stored_under(
        &self,
        plugin: &str,
        unit: &str,
        prefix: &str,
    ) -> Vec<(String, String)> {
        let mut db = self.database().await;
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT s.key, s.value FROM plugin_storage s JOIN installations i \
             ON i.id = s.installation_id \
             WHERE i.plugin_id = $1 AND i.unit_code = $2 AND s.key LIKE $3 ORDER BY s.key",
        )
        .bind(plugin)
        .bind(unit)
        .bind(format!("{prefix}%"))
        .fetch_all(&mut db)
        .await
        .expect("plugin storage");
        rows.into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
            .collect()
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

    /// `wangge plugin build --path plugins/PACKAGE -o PACKAGE.wgp` of bundled plugin
    /// `package`, into a fresh temporary folder; whether it succeeded is the caller's to
    /// check.
    pub fn build_bundled(&self, package: &str) -> Built {
        let folder = tempfile::tempdir().expect("tempdir");
        let output_path = folder.path().join(format!("{package}.wgp"));
        let source = workspace_root().join("plugins").join(package);
        let output = self.wangge(&[
            "plugin",
            "build",
            "--path",
            source.to_str().expect("utf-8 path"),
            "-o",
            output_path.to_str().expect("utf-8 path"),
        ]);
        Built {
            output,
            package: output_path,
            _folder: folder,
        }
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

/// What [`Workspace::build_bundled`] did: the command's output and where the package was
/// to be written (in a temporary folder removed with this value).
pub struct Built {
    /// The output of `wangge plugin build`.
    pub output: Output,
    /// The package's path.
    pub package: PathBuf,
    _folder: TempDir,
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
    /// Reads `response`: its status, headers and body text.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Self {
            status,
            headers,
            body,
        }
    }

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
        Page::read(response).await
    }

    /// GETs `path` as the holder of the bearer `token` and reads the body.
    pub async fn page_as(&self, token: &str, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        Page::read(response).await
    }

    /// POSTs `fields` as an `application/x-www-form-urlencoded` form to `path` as the
    /// holder of the bearer `token`, and reads the body (redirects are not followed).
    pub async fn post_form_as(&self, token: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_encode(fields))
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        Page::read(response).await
    }

    /// GETs `path` as a browser would, with the `Cookie` header `cookie` if any.
    pub async fn get_with_cookie(&self, cookie: Option<&str>, path: &str) -> Page {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        Page::read(response).await
    }

    /// POSTs `fields` as a form to `path` as a browser would: with the `Cookie` header
    /// `cookie` and the `Origin` header `origin`, each if any (the same-origin check reads
    /// `Origin` on cookie-authenticated posts).
    pub async fn post_form_with(
        &self,
        cookie: Option<&str>,
        origin: Option<&str>,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_encode(fields));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        Page::read(response).await
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

    /// Calls the JSON API as the holder of `token`: `GET` ignores `body`, `POST`, `PUT` and
    /// `PATCH` send it, `DELETE` sends it unless it is `null`.
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
            "PATCH" => self.client.patch(url).json(&body),
            "PUT" => self.client.put(url).json(&body),
            "DELETE" if body.is_null() => self.client.delete(url),
            "DELETE" => self.client.delete(url).json(&body),
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

/// The path of plugin `plugin`'s page `path` (which may carry a query) at the installation
/// of unit `unit`: `/p/PLUGIN/PATH?unit=UNIT`.
pub fn plugin_page(plugin: &str, path: &str, unit: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("/p/{plugin}{path}{separator}unit={unit}")
}

/// Percent-encodes `text` for a query or form value: ASCII letters, digits and `-_.~` stay,
/// every other byte becomes `%XX` (so a space is `%20`, which forms accept too).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `fields` as an `application/x-www-form-urlencoded` body (or a query string):
/// `name=value&…`, each part percent-encoded by [`percent_encode`].
pub fn form_encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The text of `body` between the first `start` and the first `end` after it; panics,
/// showing `body`, if either is missing.
pub fn text_between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .map(|at| at + start.len())
        .unwrap_or_else(|| panic!("no {start:?} in {body}"));
    let to = body[from..]
        .find(end)
        .map(|at| from + at)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?} in {body}"));
    &body[from..to]
}

/// What a test plugin answered: the text of the page's `<pre id="answer">…</pre>`.
pub fn pre_answer(body: &str) -> String {
    text_between(body, "<pre id=\"answer\">", "</pre>").to_owned()
}

/// Today's date in China (UTC+8, the plugins' calendar).
pub fn today_in_china() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

/// Today in China plus `offset` days (negative: before), as `YYYY-MM-DD`.
pub fn day(offset: i64) -> String {
    today_in_china()
        .checked_add(jiff::Span::new().days(offset))
        .expect("a date in range")
        .to_string()
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
