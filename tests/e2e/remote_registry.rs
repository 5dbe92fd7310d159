//! Installing from a province's standalone registry (`wangge registry serve`) with
//! `plugin install|upgrade --registry URL`: one workspace publishes, approves and serves
//! the `upgrade-probe` test plugin; other hosts pin (or do not pin) the publisher's key and
//! install from it over HTTP. The verified package is mirrored locally, so rollback needs no
//! network; every refusal names its cause, stores nothing and is audited.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use wangge_tests::registry::{Publisher, same, with_houses};
use wangge_tests::{Workspace, wangge_bin};

const PROBE: &str = "upgrade-probe";
/// 黄石市: a city, which the probe's manifest allows.
const CITY: &str = "4202";

/// `wangge registry serve --listen 127.0.0.1:0` on a workspace's database, killed on drop.
struct Served {
    child: Child,
    base: String,
}

impl Served {
    fn start(workspace: &Workspace) -> Self {
        let mut child = Command::new(wangge_bin())
            .arg("--data-dir")
            .arg(workspace.data_dir())
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
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Self { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A host with the demo units.
fn host() -> Workspace {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace
}

fn install_args<'a>(base: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "plugin",
        "install",
        PROBE,
        "--unit",
        CITY,
        "--grant-all-requested",
        "--registry",
        base,
    ];
    args.extend(extra);
    args
}

/// Runs `wangge ARGS`, asserts it failed, and returns its standard error.
fn refused(workspace: &Workspace, args: &[&str]) -> String {
    let output = workspace.wangge(args);
    assert!(!output.status.success(), "wangge {args:?} should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn count(workspace: &Workspace, sql: &'static str, bind: &str) -> i64 {
    let mut db = workspace.database().await;
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&mut db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn audited(workspace: &Workspace, action: &str) -> i64 {
    count(
        workspace,
        "SELECT COUNT(*) FROM audit_log WHERE action = $1",
        action,
    )
    .await
}

async fn mirrored(workspace: &Workspace) -> i64 {
    count(
        workspace,
        "SELECT COUNT(*) FROM registry_packages WHERE plugin_id = $1",
        PROBE,
    )
    .await
}

async fn last_detail(workspace: &Workspace, action: &str) -> String {
    let mut db = workspace.database().await;
    sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1")
        .bind(action)
        .fetch_one(&mut db)
        .await
        .expect("audit row")
}

#[tokio::test]
async fn a_host_installs_and_upgrades_from_a_province_registry() {
    // The province: 0.1.0 and 0.2.0 approved, 0.3.0 still under review.
    let province = Workspace::sqlite();
    let publisher = Publisher::register(&province, "wangge-tests");
    publisher.publish_approved(PROBE, "0.1.0", &same);
    publisher.publish_approved(PROBE, "0.2.0", &with_houses);
    publisher.publish(PROBE, "0.3.0", &with_houses);
    let served = Served::start(&province);
    let base_url = served.base.clone();
    let base = base_url.as_str();

    // Not pinned: refused, naming the publisher and how to pin it; nothing stored.
    let city = host();
    let error = refused(&city, &install_args(base, &["--version", "0.1.0"]));
    assert!(
        error.contains("wangge-tests") && error.contains("registry publisher add"),
        "{error}"
    );
    assert_eq!(mirrored(&city).await, 0);
    assert_eq!(audited(&city, "plugin.install_refused").await, 1);

    // Pinned: installed from the province, mirrored with where it came from; the page works.
    city.run(&[
        "registry",
        "publisher",
        "add",
        "wangge-tests",
        publisher.public_key(),
    ]);
    let output = city.wangge(&install_args(base, &["--version", "0.1.0"]));
    let progress = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{progress}");
    for step in ["downloaded", "bytes", "verifying", "mirroring", "compiling"] {
        assert!(progress.contains(step), "{step} in {progress}");
    }
    assert_eq!(audited(&city, "plugin.installed").await, 1);
    assert_eq!(audited(&city, "registry.mirrored").await, 1);
    let detail = last_detail(&city, "registry.mirrored").await;
    assert!(
        detail.contains(base) && detail.contains("sha256:"),
        "{detail}"
    );
    let state: String = {
        let mut db = city.database().await;
        sqlx::query_scalar("SELECT state FROM registry_packages WHERE plugin_id = $1")
            .bind(PROBE)
            .fetch_one(&mut db)
            .await
            .expect("mirrored row")
    };
    assert_eq!(state, "approved");
    let server = city.serve(&[]);
    let page = server.get(&format!("/p/{PROBE}/?unit={CITY}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    drop(server);

    // Under review at the province: not offered.
    let error = refused(
        &city,
        &[
            "plugin",
            "upgrade",
            PROBE,
            "--unit",
            CITY,
            "--version",
            "0.3.0",
            "--grant-all-requested",
            "--registry",
            base,
        ],
    );
    assert!(error.contains("not approved"), "{error}");
    assert_eq!(audited(&city, "plugin.upgrade_refused").await, 1);

    // The upgrade takes the newest approved version: 0.2.0.
    city.run(&[
        "plugin",
        "upgrade",
        PROBE,
        "--unit",
        CITY,
        "--grant-all-requested",
        "--registry",
        base,
    ]);
    assert_eq!(mirrored(&city).await, 2);
    assert_eq!(audited(&city, "plugin.upgraded").await, 1);

    // Offline: the province is gone, and rollback works from the mirror.
    drop(served);
    city.run(&["plugin", "rollback", PROBE, "--unit", CITY]);
    let version: String = {
        let mut db = city.database().await;
        sqlx::query_scalar("SELECT version FROM installations WHERE plugin_id = $1")
            .bind(PROBE)
            .fetch_one(&mut db)
            .await
            .expect("installation")
    };
    assert_eq!(version, "0.1.0");

    // Unreachable: the URL is named.
    let error = refused(
        &city,
        &[
            "plugin",
            "install",
            PROBE,
            "--unit",
            "420202001",
            "--grant-all-requested",
            "--registry",
            base,
        ],
    );
    assert!(
        error.contains("cannot reach the registry") && error.contains(base),
        "{error}"
    );
}

#[tokio::test]
async fn a_different_pinned_key_is_refused() {
    let province = Workspace::sqlite();
    let publisher = Publisher::register(&province, "wangge-tests");
    publisher.publish_approved(PROBE, "0.1.0", &same);
    let served = Served::start(&province);

    // The host pinned a key under the publisher's name that is not the publisher's.
    let city = host();
    let impostor = Publisher::register(&city, "wangge-tests");
    assert_ne!(impostor.public_key(), publisher.public_key());
    let error = refused(&city, &install_args(&served.base, &[]));
    assert!(error.contains("signature does not verify"), "{error}");
    assert_eq!(mirrored(&city).await, 0);
    assert_eq!(audited(&city, "plugin.install_refused").await, 1);
    let reason = last_detail(&city, "plugin.install_refused").await;
    assert!(reason.contains("signature"), "{reason}");

    // A plugin the province does not have.
    let error = refused(
        &city,
        &[
            "plugin",
            "install",
            "no-such-plugin",
            "--unit",
            CITY,
            "--registry",
            &served.base,
        ],
    );
    assert!(error.contains("is not in the registry at"), "{error}");
}
