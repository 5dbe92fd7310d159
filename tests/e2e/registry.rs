//! The plugin registry end to end: a real package of the `hello` plugin built with
//! `wangge plugin package`, a publisher key from `wangge registry keygen`, publishing from
//! the command line and over HTTP, review by a registry reviewer, download, yank — and
//! every bad input refused, storing nothing and, for publishes, audited.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use wangge_tests::{Server, TEST_PASSWORD, Workspace, component, manifest, wangge_bin};

const PACKAGE_TYPE: &str = "application/vnd.wangge.package";

/// A workspace with the demo units, a reviewer at the province, a unit admin and a leader
/// (neither of whom may review), and the files a publisher works with.
struct Registry {
    workspace: Workspace,
    files: tempfile::TempDir,
}

impl Registry {
    fn new() -> Self {
        let workspace = Workspace::sqlite();
        workspace.import_demo("units", "units.csv");
        workspace.add_user("reviewer", "审核员", &[("registry-reviewer", "42")]);
        workspace.add_user("admin", "省管理员", &[("unit-admin", "42")]);
        workspace.add_user("leader", "市领导", &[("leader", "4202")]);
        Self {
            workspace,
            files: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.files.path().join(name)
    }

    /// Generates a key into `name` and returns the public key.
    fn keygen(&self, name: &str) -> String {
        let path = self.path(name);
        let out = self.workspace.run(&["registry", "keygen", text(&path)]);
        out.trim().to_owned()
    }

    /// Packs the hello component with its manifest edited by `edit` and a README; returns
    /// the package's path and the digest `plugin package` printed.
    fn package(
        &self,
        name: &str,
        edit: &dyn Fn(String) -> String,
        readme: &str,
    ) -> (PathBuf, String) {
        let original = std::fs::read_to_string(manifest("hello")).expect("hello manifest");
        let manifest_path = self.path(&format!("{name}.toml"));
        std::fs::write(&manifest_path, edit(original)).expect("manifest");
        let readme_path = self.path(&format!("{name}.md"));
        std::fs::write(&readme_path, readme).expect("readme");
        let output = self.path(&format!("{name}.wgp"));
        let component = component("hello");
        let printed = self.workspace.run(&[
            "plugin",
            "package",
            "--manifest",
            text(&manifest_path),
            "--component",
            text(&component),
            "--readme",
            text(&readme_path),
            "-o",
            text(&output),
        ]);
        let digest = printed
            .split_whitespace()
            .find(|word| word.starts_with("sha256:"))
            .unwrap_or_else(|| panic!("no digest in {printed:?}"))
            .to_owned();
        (output, digest)
    }

    /// `wangge registry publish PACKAGE --key KEY [extra]`.
    fn publish(&self, package: &Path, key: &str, extra: &[&str]) -> std::process::Output {
        let key = self.path(key);
        let mut args = vec!["registry", "publish", text(package), "--key", text(&key)];
        args.extend(extra);
        self.workspace.wangge(&args)
    }

    async fn count(&self, sql: &'static str) -> i64 {
        let mut db = self.workspace.database().await;
        sqlx::query_scalar(sql)
            .fetch_one(&mut db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn audited(&self, action: &str) -> i64 {
        let mut db = self.workspace.database().await;
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&mut db)
            .await
            .expect("count audit rows")
    }

    async fn refused_publishes(&self) -> i64 {
        self.audited("registry.publish_refused").await
    }

    async fn stored_packages(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM registry_packages").await
    }
}

fn text(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn same(manifest: String) -> String {
    manifest
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn upload(
    server: &Server,
    bytes: Vec<u8>,
    signature: Option<&str>,
    media: &str,
) -> (u16, Value) {
    let mut request = server
        .client()
        .post(format!("{}/registry/api/packages", server.base()))
        .header("content-type", media)
        .body(bytes);
    if let Some(signature) = signature {
        request = request.header("x-wangge-signature", signature);
    }
    let response = request.send().await.expect("upload");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn fetch(server: &Server, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = server.client().get(format!("{}{path}", server.base()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("download")
}

#[tokio::test]
async fn publish_review_download_and_yank() {
    let registry = Registry::new();
    let public_key = registry.keygen("wangge.key");
    assert!(public_key.starts_with("ed25519:"), "{public_key}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(registry.path("wangge.key"))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    registry
        .workspace
        .run(&["registry", "publisher", "add", "wangge", &public_key]);

    // From the command line: stored as submitted; the same bytes again change nothing.
    let (package, digest) = registry.package("hello-0.1.0", &same, "# 你好\n问候页面。\n");
    let first = registry.publish(&package, "wangge.key", &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let printed = String::from_utf8_lossy(&first.stdout);
    assert!(
        printed.contains("hello 0.1.0: submitted") && printed.contains(&digest),
        "{printed}"
    );
    assert!(stderr(&first).contains("verifying"), "progress is shown");
    let again = registry.publish(&package, "wangge.key", &[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already published"));
    let found = registry.workspace.run(&["registry", "search", "hel"]);
    assert!(
        found.contains("hello") && found.contains("submitted"),
        "{found}"
    );

    let server = registry.workspace.serve(&[]);
    let reviewer = server.sign_in("reviewer", TEST_PASSWORD).await;
    let leader = server.sign_in("leader", TEST_PASSWORD).await;
    let admin = server.sign_in("admin", TEST_PASSWORD).await;

    // Not approved yet: an ordinary user and the public see nothing of it.
    let path = "/registry/api/plugins/hello/0.1.0/package.wgp";
    let hidden = fetch(&server, Some(&leader), path).await;
    assert_eq!(hidden.status(), 404);
    let body = hidden.text().await.unwrap_or_default();
    assert!(
        !body.contains("submitted") && !body.contains(&digest),
        "{body}"
    );
    let listed = server.get("/registry/api/plugins").await;
    assert_eq!(listed.status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&listed.body).unwrap_or_default()["plugins"],
        json!([])
    );
    assert_eq!(
        fetch(&server, None, "/registry/api/plugins/hello")
            .await
            .status(),
        404
    );
    // A reviewer sees it, and may download it to review.
    let (status, seen) = server
        .api(&reviewer, "GET", "/registry/api/plugins/hello", json!(null))
        .await;
    assert_eq!(status, 200);
    assert_eq!(seen["versions"][0]["state"], "submitted");
    assert_eq!(fetch(&server, Some(&reviewer), path).await.status(), 200);

    // Only a registry reviewer reviews; a rejection needs a note.
    let review = "/registry/api/plugins/hello/0.1.0/review";
    for token in [&leader, &admin] {
        let (status, body) = server
            .api(token, "POST", review, json!({"decision": "approve"}))
            .await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let (status, _) = server
        .api(
            "not-a-token",
            "POST",
            review,
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body) = server
        .api(&reviewer, "POST", review, json!({"decision": "reject"}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "note");
    let (status, body) = server
        .api(&reviewer, "POST", review, json!({"decision": "maybe"}))
        .await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (400, json!("decision"))
    );
    assert_eq!(
        registry
            .count("SELECT COUNT(*) FROM registry_packages WHERE state = 'submitted'")
            .await,
        1,
        "refused reviews changed nothing"
    );
    assert_eq!(
        registry.audited("registry.refused").await,
        2,
        "the forbidden attempts are audited"
    );
    let (status, body) = server
        .api(
            &reviewer,
            "POST",
            review,
            json!({"decision": "approve", "note": "读过代码"}),
        )
        .await;
    assert_eq!(
        (status, body["state"].clone()),
        (200, json!("approved")),
        "{body}"
    );
    let (status, _) = server
        .api(
            &reviewer,
            "POST",
            review,
            json!({"decision": "reject", "note": "late"}),
        )
        .await;
    assert_eq!(status, 409, "a reviewed version is not reviewed again");

    // Approved: anyone downloads the exact bytes, with the digest and signature.
    let download = fetch(&server, None, path).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], PACKAGE_TYPE);
    assert_eq!(download.headers()["x-wangge-digest"], digest.as_str());
    let signature = download.headers()["x-wangge-signature"]
        .to_str()
        .expect("signature")
        .to_owned();
    assert!(signature.starts_with("ed25519:"));
    let bytes = download.bytes().await.expect("bytes");
    assert_eq!(
        bytes.as_ref(),
        std::fs::read(&package).expect("package").as_slice()
    );
    let listed = server.get("/registry/api/plugins?q=hel").await;
    let listed: Value = serde_json::from_str(&listed.body).unwrap_or_default();
    assert_eq!(listed["plugins"][0]["latest_approved"], "0.1.0", "{listed}");
    assert_eq!(listed["plugins"][0]["name"], "你好");

    // Over HTTP: the same bytes with their signature answer 200 without a new row; tampered
    // bytes or a missing signature or media type are refused.
    let (status, body) = upload(&server, bytes.to_vec(), Some(&signature), PACKAGE_TYPE).await;
    assert_eq!(
        (status, body["state"].clone()),
        (200, json!("approved")),
        "{body}"
    );
    let refused_before = registry.refused_publishes().await;
    let mut tampered = bytes.to_vec();
    let at = tampered
        .windows("# 你".len())
        .position(|w| w == "# 你".as_bytes())
        .expect("the readme");
    tampered[at] = b'=';
    let (status, body) = upload(&server, tampered, Some(&signature), PACKAGE_TYPE).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("changed after it was signed"),
        "{body}"
    );
    let (status, body) = upload(&server, bytes.to_vec(), None, PACKAGE_TYPE).await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (400, json!("x-wangge-signature"))
    );
    let (status, body) = upload(&server, bytes.to_vec(), Some("ed25519:AAAA"), PACKAGE_TYPE).await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (400, json!("x-wangge-signature"))
    );
    let (status, _) = upload(
        &server,
        bytes.to_vec(),
        Some(&signature),
        "application/octet-stream",
    )
    .await;
    assert_eq!(status, 415);
    let (status, body) = upload(
        &server,
        b"not a package".to_vec(),
        Some(&signature),
        PACKAGE_TYPE,
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (400, json!("package"))
    );
    assert_eq!(
        registry.refused_publishes().await,
        refused_before + 3,
        "tampered, bad signature, not a package"
    );
    assert_eq!(registry.stored_packages().await, 1);

    // A new version over HTTP through `publish --registry`, approved by the operator.
    let (newer, newer_digest) = registry.package(
        "hello-0.2.0",
        &|m| m.replace("version = \"0.1.0\"", "version = \"0.2.0\""),
        "# 你好\n第二版。\n",
    );
    let remote = registry.publish(&newer, "wangge.key", &["--registry", server.base()]);
    assert!(remote.status.success(), "{}", stderr(&remote));
    let printed = String::from_utf8_lossy(&remote.stdout);
    assert!(
        printed.contains("hello 0.2.0: submitted") && printed.contains(&newer_digest),
        "{printed}"
    );
    registry.workspace.run(&[
        "registry",
        "review",
        "hello",
        "0.2.0",
        "approve",
        "--reviewer",
        "wang",
    ]);

    // Yanked: listed with its reason, no longer downloadable; only approved versions yank.
    let yank = "/registry/api/plugins/hello/0.1.0/yank";
    let (status, _) = server
        .api(&leader, "POST", yank, json!({"reason": "x"}))
        .await;
    assert_eq!(status, 403);
    let (status, body) = server
        .api(&reviewer, "POST", yank, json!({"reason": ""}))
        .await;
    assert_eq!(
        (status, body["error"]["field"].clone()),
        (400, json!("reason"))
    );
    let (status, body) = server
        .api(&reviewer, "POST", yank, json!({"reason": "计数器会丢数据"}))
        .await;
    assert_eq!(
        (status, body["state"].clone()),
        (200, json!("yanked")),
        "{body}"
    );
    let (status, _) = server
        .api(&reviewer, "POST", yank, json!({"reason": "again"}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(fetch(&server, Some(&leader), path).await.status(), 404);
    let (status, listed) = server
        .api(&leader, "GET", "/registry/api/plugins/hello", json!(null))
        .await;
    assert_eq!(status, 200);
    assert_eq!(listed["latest_approved"], "0.2.0");
    let versions: Vec<(&str, &str)> = listed["versions"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|v| {
                    (
                        v["version"].as_str().unwrap_or(""),
                        v["state"].as_str().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(versions, [("0.2.0", "approved"), ("0.1.0", "yanked")]);
    assert_eq!(listed["versions"][1]["yank_reason"], "计数器会丢数据");

    for (action, expected) in [
        ("registry.publisher_added", 1),
        ("registry.published", 2),
        ("registry.reviewed", 2),
        ("registry.yanked", 1),
    ] {
        assert_eq!(registry.audited(action).await, expected, "{action}");
    }
}

#[tokio::test]
async fn bad_publishes_store_nothing_and_are_audited() {
    let registry = Registry::new();
    let wangge_key = registry.keygen("wangge.key");
    registry.keygen("other.key");
    registry
        .workspace
        .run(&["registry", "publisher", "add", "wangge", &wangge_key]);
    let (package, _) = registry.package("hello", &same, "# 你好\n");

    // Signed with another key.
    let other = registry.publish(&package, "other.key", &[]);
    assert!(!other.status.success());
    assert!(
        stderr(&other).contains("signed with another key"),
        "{}",
        stderr(&other)
    );

    // A publisher nobody registered.
    let (unknown, _) = registry.package(
        "unknown",
        &|m| m.replace("publisher = \"wangge\"", "publisher = \"nobody\""),
        "# 你好\n",
    );
    let refused = registry.publish(&unknown, "wangge.key", &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("`nobody`") && stderr(&refused).contains("not registered"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(registry.stored_packages().await, 0);
    assert_eq!(registry.refused_publishes().await, 2);

    // A key file others may read is refused before anything is sent.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let key = registry.path("other.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let open = registry.publish(&package, "other.key", &[]);
        assert!(stderr(&open).contains("chmod 600"), "{}", stderr(&open));
    }

    // A version never changes: other bytes under 0.1.0 are refused.
    let ok = registry.publish(&package, "wangge.key", &[]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let (changed, _) = registry.package("changed", &same, "# 你好\n改过的说明。\n");
    let duplicate = registry.publish(&changed, "wangge.key", &[]);
    assert!(!duplicate.status.success());
    assert!(
        stderr(&duplicate).contains("already published with other contents"),
        "{}",
        stderr(&duplicate)
    );
    assert_eq!(registry.stored_packages().await, 1);
    assert_eq!(registry.refused_publishes().await, 3);

    // The operator's review follows the same rules.
    let reject = registry
        .workspace
        .wangge(&["registry", "review", "hello", "0.1.0", "reject"]);
    assert!(!reject.status.success());
    assert!(stderr(&reject).contains("note"), "{}", stderr(&reject));
    let yank = registry
        .workspace
        .wangge(&["registry", "yank", "hello", "0.1.0", "--reason", "x"]);
    assert!(
        stderr(&yank).contains("only an approved version"),
        "{}",
        stderr(&yank)
    );
    let adding =
        registry
            .workspace
            .wangge(&["registry", "publisher", "add", "wangge", &wangge_key]);
    assert!(
        stderr(&adding).contains("already registered"),
        "{}",
        stderr(&adding)
    );
}

#[tokio::test]
async fn the_standalone_registry_serves_only_its_routes() {
    let registry = Registry::new();
    let mut child = Command::new(wangge_bin())
        .arg("--data-dir")
        .arg(registry.workspace.data_dir())
        .args(["registry", "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("registry serve starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the listening line");
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_default()
        .to_owned();
    let client = reqwest::Client::new();
    let plugins = client
        .get(format!("{base}/registry/api/plugins"))
        .send()
        .await;
    let other = client.get(format!("{base}/api/me")).send().await;
    let refused = client
        .post(format!("{base}/registry/api/packages"))
        .header("content-type", PACKAGE_TYPE)
        .body("x")
        .send()
        .await;
    // The package route takes more than the host's small default body limit, up to 48 MiB.
    let post_zeros = |size: usize| {
        client
            .post(format!("{base}/registry/api/packages"))
            .header("content-type", PACKAGE_TYPE)
            .header("x-wangge-signature", "ed25519:AAAA")
            .body(vec![0u8; size])
            .send()
    };
    let above_default = post_zeros(2 << 20).await;
    let above_cap = post_zeros((48 << 20) + 1).await;
    let _ = child.kill();
    let _ = child.wait();
    let above_default = above_default.expect("2 MiB");
    assert_eq!(
        above_default.status(),
        400,
        "read, then refused for its signature"
    );
    let above_default: Value = above_default.json().await.unwrap_or_default();
    assert_eq!(above_default["error"]["field"], "x-wangge-signature");
    let above_cap = above_cap.expect("48 MiB + 1");
    assert_eq!(above_cap.status(), 413);
    let above_cap: Value = above_cap.json().await.unwrap_or_default();
    assert_eq!(above_cap["error"]["code"], "too_large");
    assert_eq!(plugins.expect("plugins").status(), 200, "{line}");
    let other = other.expect("other");
    assert_eq!(other.status(), 404);
    assert_eq!(
        other.json::<Value>().await.unwrap_or_default()["error"]["code"],
        "not_found"
    );
    let refused = refused.expect("refused");
    assert_eq!(refused.status(), 400, "no signature");
}
