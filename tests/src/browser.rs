//! A small W3C WebDriver client for the browser tests: a real headless Chromium driven
//! through `chromedriver` over HTTP.
//!
//! `cargo xtask test` installs Debian's `chromium` and `chromium-driver` packages when they
//! are missing and points the tests at them with `WANGGE_CHROMEDRIVER` and
//! `WANGGE_CHROMIUM` (defaults: `/usr/bin/chromedriver` and `/usr/bin/chromium`). Without
//! a driver the browser tests fail, naming what to install: they are never skipped.
//!
//! Scripts run through [`Browser::execute`] are WebDriver's own, not the page's: the
//! page's Content-Security-Policy does not apply to them, which is what lets a test look
//! into a page that may run no script of its own. Every test saves a screenshot with
//! [`Browser::screenshot`] to `artifacts/screenshots/NAME.png` in the workspace.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The viewport, in CSS pixels: a phone's (375 × 812).
pub const PHONE: (u64, u64) = (375, 812);

/// An office desktop's viewport, in CSS pixels (1366 × 768, the commonest office screen).
pub const DESKTOP: (u64, u64) = (1366, 768);

/// How long a page or command may take before a test gives up.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A path from an environment variable, or `default`; panics naming the packages to install
/// when the file is not there.
fn tool(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.exists(),
        "{} does not exist: the browser tests need Debian's `chromium` and `chromium-driver` \
         packages (`apt-get install chromium chromium-driver`, or run `cargo xtask test`, \
         which installs them), or set {var} to the binary",
        path.display()
    );
    path
}

/// A free TCP port on 127.0.0.1 (chromedriver needs an explicit one).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind a free port")
        .port()
}

/// A headless Chromium session under its own `chromedriver`; both end when it is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    client: reqwest::Client,
    /// Holds chromedriver's log, shown when the session cannot start.
    logs: TempDir,
}

/// An element of the current page, found by [`Browser::find`] or [`Browser::find_all`].
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Browser {
    /// Starts `chromedriver` on a free port and a headless Chromium session with a phone's
    /// viewport ([`PHONE`]).
    pub async fn start() -> Self {
        Self::start_at(PHONE).await
    }

    /// [`Browser::start`] with a viewport of `(width, height)` CSS pixels: [`PHONE`] or
    /// [`DESKTOP`]. Touch is emulated on viewports narrower than 800 px.
    pub async fn start_at(viewport: (u64, u64)) -> Self {
        let chromedriver = tool("WANGGE_CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = tool("WANGGE_CHROMIUM", "/usr/bin/chromium");
        let logs = tempfile::tempdir().expect("a folder for chromedriver's log");
        let log_path = logs.path().join("chromedriver.log");
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("http client");
        let mut browser = Self {
            driver,
            port,
            session: String::new(),
            client,
            logs,
        };
        browser.wait_until_ready().await;
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "goog:chromeOptions": {
                    "binary": chromium.to_str().expect("utf-8 path"),
                    "args": [
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        format!("--window-size={},{}", viewport.0.max(500), viewport.1),
                    ],
                    // Chromium keeps a window at least 500 px wide: the phone's viewport
                    // comes from device emulation instead.
                    "mobileEmulation": { "deviceMetrics": {
                        "width": viewport.0, "height": viewport.1, "pixelRatio": 1.0,
                        "touch": viewport.0 < 800,
                    }},
                },
            }},
        });
        let response = browser
            .client
            .post(format!("{}/session", browser.driver_url()))
            .json(&capabilities)
            .send()
            .await
            .expect("ask chromedriver for a session");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        let Some(session) = body["value"]["sessionId"].as_str() else {
            panic!(
                "chromedriver started no session ({status}): {body}\n{}",
                browser.driver_log()
            );
        };
        browser.session = session.to_owned();
        browser
    }

    fn driver_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn driver_log(&self) -> String {
        std::fs::read_to_string(self.logs.path().join("chromedriver.log")).unwrap_or_default()
    }

    /// Polls `GET /status` until chromedriver says it is ready.
    async fn wait_until_ready(&mut self) {
        let started = Instant::now();
        loop {
            let ready = match self
                .client
                .get(format!("{}/status", self.driver_url()))
                .send()
                .await
            {
                Ok(response) => response
                    .json::<Value>()
                    .await
                    .is_ok_and(|body| body["value"]["ready"] == json!(true)),
                Err(_) => false,
            };
            if ready {
                return;
            }
            if let Ok(Some(status)) = self.driver.try_wait() {
                panic!("chromedriver exited ({status}): {}", self.driver_log());
            }
            assert!(
                started.elapsed() < TIMEOUT,
                "chromedriver is not ready after {TIMEOUT:?}: {}",
                self.driver_log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends a WebDriver command of this session (`path` below `/session/ID`) and returns
    /// its `value`; panics with WebDriver's error if it failed.
    async fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.driver_url(), self.session);
        let request = match method {
            "POST" => self
                .client
                .post(&url)
                .json(&body.unwrap_or_else(|| json!({}))),
            "DELETE" => self.client.delete(&url),
            _ => self.client.get(&url),
        };
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: not JSON: {e}"));
        assert!(
            status.is_success(),
            "WebDriver {method} {path} failed ({status}): {}",
            body["value"]
        );
        body["value"].clone()
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })))
            .await;
    }

    /// The current page's title.
    pub async fn title(&self) -> String {
        let title = self.command("GET", "/title", None).await;
        title.as_str().unwrap_or_default().to_owned()
    }

    /// The current page's URL.
    pub async fn current_url(&self) -> String {
        let url = self.command("GET", "/url", None).await;
        url.as_str().unwrap_or_default().to_owned()
    }

    /// The first element matching the CSS `selector`; panics if there is none.
    pub async fn find(&self, selector: &str) -> Element<'_> {
        let found = self
            .command(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": selector })),
            )
            .await;
        self.element(&found)
    }

    /// Every element matching the CSS `selector`, in document order.
    pub async fn find_all(&self, selector: &str) -> Vec<Element<'_>> {
        let found = self
            .command(
                "POST",
                "/elements",
                Some(json!({ "using": "css selector", "value": selector })),
            )
            .await;
        found
            .as_array()
            .map(|all| all.iter().map(|e| self.element(e)).collect())
            .unwrap_or_default()
    }

    /// The first element matching the CSS `selector` once there is one: after a click that
    /// submits a form, say, whose next page WebDriver does not wait for. Panics after
    /// `TIMEOUT`, showing the page's text.
    pub async fn wait_for(&self, selector: &str) -> Element<'_> {
        let started = Instant::now();
        loop {
            if let Some(found) = self.find_all(selector).await.into_iter().next() {
                return found;
            }
            if started.elapsed() > TIMEOUT {
                let text = self
                    .execute("return document.body ? document.body.innerText : '';", &[])
                    .await;
                panic!(
                    "no {selector} after {TIMEOUT:?} at {}: {text}",
                    self.current_url().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn element(&self, reference: &Value) -> Element<'_> {
        let id = reference[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not an element reference: {reference}"));
        Element {
            browser: self,
            id: id.to_owned(),
        }
    }

    /// Waits until the element matching `selector` shows `needle` in its text and returns
    /// that text. Read by script on each try, so a page replaced meanwhile (a form's submit
    /// answered with the same page, changed) is read afresh, never as a stale element.
    pub async fn wait_for_text(&self, selector: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self
                .execute(
                    "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
                    &[json!(selector)],
                )
                .await;
            if let Some(text) = text.as_str().filter(|t| t.contains(needle)) {
                return text.to_owned();
            }
            if started.elapsed() > TIMEOUT {
                panic!(
                    "{selector} did not show {needle:?} after {TIMEOUT:?} at {}: {text}",
                    self.current_url().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs `script` (a function body: `return …;`) with `args` as `arguments` in the
    /// current page, as WebDriver, and returns its result (`null` for `undefined`).
    pub async fn execute(&self, script: &str, args: &[Value]) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// The width of the current page's content in CSS pixels
    /// (`document.documentElement.scrollWidth`): more than the window's means the page
    /// scrolls sideways.
    pub async fn page_width(&self) -> u64 {
        let width = self
            .execute("return document.documentElement.scrollWidth;", &[])
            .await;
        width
            .as_u64()
            .unwrap_or_else(|| panic!("scrollWidth is not a number: {width}"))
    }

    /// Sets cookie `name` for the current page's origin (open a page of that origin
    /// first): e.g. `wangge_session` with a token from the JSON API, to be signed in.
    pub async fn add_cookie(&self, name: &str, value: &str) {
        self.command(
            "POST",
            "/cookie",
            Some(json!({ "cookie": { "name": name, "value": value, "path": "/", "httpOnly": true } })),
        )
        .await;
    }

    /// Saves a PNG of the window to `artifacts/screenshots/NAME.png` in the workspace and
    /// returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.command("GET", "/screenshot", None).await;
        let png = base64_decode(encoded.as_str().expect("a base64 screenshot"));
        let dir = super::workspace_root().join("artifacts/screenshots");
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }
}

impl Drop for Browser {
    /// Ends the session (closing Chromium) with a plain blocking request, since `Drop` cannot
    /// await, then stops chromedriver.
    fn drop(&mut self) {
        if !self.session.is_empty()
            && let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port))
        {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.session, self.port
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let _ = stream.read_to_end(&mut Vec::new());
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Element<'_> {
    fn path(&self, action: &str) -> String {
        format!("/element/{}{action}", self.id)
    }

    /// Clicks the element (scrolling it into view first, as a user would).
    pub async fn click(&self) {
        self.browser
            .command("POST", &self.path("/click"), Some(json!({})))
            .await;
    }

    /// Types `text` into the element.
    pub async fn send_keys(&self, text: &str) {
        self.browser
            .command("POST", &self.path("/value"), Some(json!({ "text": text })))
            .await;
    }

    /// The element's rendered text.
    pub async fn text(&self) -> String {
        let text = self.browser.command("GET", &self.path("/text"), None).await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// The element's attribute `name` as in the markup, or `None` without one.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        let value = self
            .browser
            .command("GET", &self.path(&format!("/attribute/{name}")), None)
            .await;
        value.as_str().map(str::to_owned)
    }

    /// The element's DOM property `name` (e.g. an input's current `value`), or `None`.
    pub async fn property(&self, name: &str) -> Option<String> {
        let value = self
            .browser
            .command("GET", &self.path(&format!("/property/{name}")), None)
            .await;
        match value {
            Value::Null => None,
            Value::String(text) => Some(text),
            other => Some(other.to_string()),
        }
    }
}

/// Decodes standard base64 (WebDriver's screenshots); panics on anything else.
fn base64_decode(text: &str) -> Vec<u8> {
    fn sextet(c: u8) -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            other => panic!("not base64: {:?}", char::from(other)),
        }
    }
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | (sextet(c) << (18 - 6 * i)));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(base64_decode("aGVsbG8="), b"hello");
        assert_eq!(base64_decode("aGVsbG8h"), b"hello!");
        assert_eq!(base64_decode("aGk="), b"hi");
        assert_eq!(base64_decode(""), b"");
    }
}
