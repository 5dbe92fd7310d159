//! The installation lifecycle from the registry, end to end with the real binary: publish
//! and approve the `upgrade-probe` test plugin, install it at a unit with consent and use
//! its page, every refused install, upgrades with and without new permissions, a failed
//! migration that leaves the old version and its data untouched, rollback, disable/enable,
//! and uninstall with export and purge — each act and refusal audited.

use wangge_tests::registry::{Publisher, same, with_houses};
use wangge_tests::{TEST_PASSWORD, Workspace};

const PROBE: &str = "upgrade-probe";
/// 黄石市: a city, which the probe's manifest allows.
const CITY: &str = "4202";
/// 黄石港街道 under it: a street with its own installation (the nearest one wins).
const STREET: &str = "420202001";

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `wangge ARGS`, asserts it failed, and returns its standard error.
fn refused(workspace: &Workspace, args: &[&str]) -> String {
    let output = workspace.wangge(args);
    assert!(!output.status.success(), "wangge {args:?} should fail");
    stderr(&output)
}

async fn audited(workspace: &Workspace, action: &str) -> i64 {
    let mut db = workspace.database().await;
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&mut db)
        .await
        .expect("count audit rows")
}

async fn last_refusal(workspace: &Workspace, action: &str) -> String {
    let mut db = workspace.database().await;
    sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1")
        .bind(action)
        .fetch_one(&mut db)
        .await
        .expect("audit row")
}

async fn installation(workspace: &Workspace, unit: &str) -> Option<(String, String)> {
    let mut db = workspace.database().await;
    sqlx::query_as(
        "SELECT version, state FROM installations WHERE plugin_id = $1 AND unit_code = $2",
    )
    .bind(PROBE)
    .bind(unit)
    .fetch_optional(&mut db)
    .await
    .expect("installation")
}

async fn stored(workspace: &Workspace, unit: &str, key: &str) -> Option<String> {
    workspace.stored(PROBE, unit, key).await
}

/// Visits `/p/upgrade-probe/PATH` with `?unit=UNIT` (the nearest installation) on a fresh
/// server, so it sees the latest lifecycle changes.
async fn visit(workspace: &Workspace, path: &str, unit: &str) -> (u16, String) {
    let server = workspace.serve(&[]);
    let separator = if path.contains('?') { '&' } else { '?' };
    let page = server
        .get(&format!("/p/{PROBE}{path}{separator}unit={unit}"))
        .await;
    (page.status, page.body)
}

#[tokio::test]
async fn install_upgrade_rollback_disable_and_uninstall_from_the_registry() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("street-worker", "街道网格员", &[("grid-worker", STREET)]);
    let publisher = Publisher::register(&workspace, "wangge-tests");

    // Not approved yet: refused, named, audited.
    publisher.publish(PROBE, "0.1.0", &same);
    let error = refused(
        &workspace,
        &[
            "plugin",
            "install",
            PROBE,
            "--unit",
            CITY,
            "--grant-all-requested",
        ],
    );
    assert!(error.contains("no approved version"), "{error}");
    let error = refused(
        &workspace,
        &[
            "plugin",
            "install",
            PROBE,
            "--unit",
            CITY,
            "--version",
            "0.1.0",
            "--grant-all-requested",
        ],
    );
    assert!(error.contains("0.1.0 is submitted"), "{error}");
    workspace.run(&["registry", "review", PROBE, "0.1.0", "approve"]);

    // A level the manifest does not allow (the province), and a missing grant.
    let error = refused(
        &workspace,
        &[
            "plugin",
            "install",
            PROBE,
            "--unit",
            "42",
            "--grant-all-requested",
        ],
    );
    assert!(
        error.contains("levels") && error.contains("province"),
        "{error}"
    );
    let error = refused(&workspace, &["plugin", "install", PROBE, "--unit", CITY]);
    assert!(
        error.contains("permission not granted: events:read"),
        "{error}"
    );
    assert!(
        error.contains("查看辖区内事件"),
        "the consent shows what it allows: {error}"
    );
    assert_eq!(installation(&workspace, CITY).await, None);
    assert!(audited(&workspace, "plugin.install_refused").await >= 4);

    // Installed with consent; progress on stderr; the page works.
    let output = workspace.wangge(&[
        "plugin",
        "install",
        PROBE,
        "--unit",
        CITY,
        "--grant",
        "events:read",
        "--config",
        "label=市级",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let progress = stderr(&output);
    for step in ["downloading", "verifying", "compiling", "events:read"] {
        assert!(progress.contains(step), "{step} in {progress}");
    }
    assert_eq!(audited(&workspace, "plugin.installed").await, 1);
    assert_eq!(audited(&workspace, "plugin.permission_granted").await, 1);
    let (status, body) = visit(&workspace, "/", CITY).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("市级") && body.contains("<strong id=\"visits\">1</strong>"),
        "{body}"
    );
    visit(&workspace, "/", CITY).await;
    assert_eq!(
        stored(&workspace, CITY, "visits").await.as_deref(),
        Some("2")
    );
    let again = refused(
        &workspace,
        &[
            "plugin",
            "install",
            PROBE,
            "--unit",
            CITY,
            "--grant-all-requested",
        ],
    );
    assert!(again.contains("already installed"), "{again}");

    // The nearest installation wins: a street installation serves the street's worker.
    workspace.run(&[
        "plugin",
        "install",
        PROBE,
        "--unit",
        STREET,
        "--grant-all-requested",
        "--config",
        "label=街道",
    ]);
    let server = workspace.serve(&[]);
    let token = server.sign_in("street-worker", TEST_PASSWORD).await;
    let street_page = server
        .client()
        .get(format!("{}/p/{PROBE}/", server.base()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(street_page.contains("街道"), "{street_page}");
    let anonymous = server.get(&format!("/p/{PROBE}/")).await;
    assert!(
        anonymous.body.contains("市级"),
        "the highest installation: {}",
        anonymous.body
    );
    drop(server);

    // Yanked versions are refused.
    publisher.publish_approved(PROBE, "0.1.1", &same);
    workspace.run(&["registry", "yank", PROBE, "0.1.1", "--reason", "broken"]);
    let error = refused(
        &workspace,
        &[
            "plugin",
            "upgrade",
            PROBE,
            "--unit",
            CITY,
            "--version",
            "0.1.1",
        ],
    );
    assert!(
        error.contains("yanked") && error.contains("broken"),
        "{error}"
    );

    // Upgrade without new permissions.
    publisher.publish_approved(PROBE, "0.2.0", &same);
    let output = workspace.wangge(&["plugin", "upgrade", PROBE, "--unit", CITY]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("(unchanged)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        installation(&workspace, CITY).await,
        Some(("0.2.0".into(), "enabled".into()))
    );
    assert_eq!(
        stored(&workspace, CITY, "migrated-from").await.as_deref(),
        Some("0.1.0")
    );
    assert_eq!(audited(&workspace, "plugin.upgraded").await, 1);

    // A new permission: refused until granted, nothing changed.
    publisher.publish_approved(PROBE, "0.3.0", &with_houses);
    visit(&workspace, "/", CITY).await; // visits = 1 after the migration reset it
    let error = refused(&workspace, &["plugin", "upgrade", PROBE, "--unit", CITY]);
    assert!(
        error.contains("permission not granted: houses:read"),
        "{error}"
    );
    assert!(
        error.contains("+ houses:read"),
        "the diff is shown: {error}"
    );
    assert_eq!(
        installation(&workspace, CITY).await,
        Some(("0.2.0".into(), "enabled".into()))
    );

    // A failed migration (an error, then a trap) leaves 0.2.0 with its data intact.
    visit(&workspace, "/arm", CITY).await;
    visit(&workspace, "/", CITY).await;
    let before = stored(&workspace, CITY, "visits").await;
    assert_eq!(before.as_deref(), Some("2"));
    let error = refused(
        &workspace,
        &[
            "plugin",
            "upgrade",
            PROBE,
            "--unit",
            CITY,
            "--grant",
            "houses:read",
        ],
    );
    assert!(
        error.contains("migrate hook refused") && error.contains("stays on 0.2.0"),
        "{error}"
    );
    assert_eq!(
        installation(&workspace, CITY).await,
        Some(("0.2.0".into(), "enabled".into()))
    );
    assert_eq!(stored(&workspace, CITY, "visits").await, before);
    assert_eq!(
        stored(&workspace, CITY, "migrated-from").await.as_deref(),
        Some("0.1.0")
    );
    assert!(
        last_refusal(&workspace, "plugin.upgrade_refused")
            .await
            .contains("armed to fail")
    );
    let (_, armed) = visit(&workspace, "/arm?mode=trap", CITY).await;
    assert!(armed.contains("trap"), "{armed}");
    let error = refused(
        &workspace,
        &[
            "plugin",
            "upgrade",
            PROBE,
            "--unit",
            CITY,
            "--grant",
            "houses:read",
        ],
    );
    assert!(error.contains("migrate hook failed"), "{error}");
    assert_eq!(stored(&workspace, CITY, "visits").await, before);
    let (status, body) = visit(&workspace, "/", CITY).await;
    assert_eq!(status, 200, "0.2.0 still serves: {body}");

    // Disarmed, the upgrade with the grant goes through.
    visit(&workspace, "/disarm", CITY).await;
    workspace.run(&[
        "plugin",
        "upgrade",
        PROBE,
        "--unit",
        CITY,
        "--grant",
        "houses:read",
    ]);
    assert_eq!(
        installation(&workspace, CITY).await,
        Some(("0.3.0".into(), "enabled".into()))
    );
    assert_eq!(
        stored(&workspace, CITY, "migrated-from").await.as_deref(),
        Some("0.2.0")
    );
    assert_eq!(audited(&workspace, "plugin.permission_granted").await, 3);

    // Manual rollback: back to 0.2.0 with its grants, data kept.
    visit(&workspace, "/", CITY).await;
    let visits = stored(&workspace, CITY, "visits").await;
    workspace.run(&["plugin", "rollback", PROBE, "--unit", CITY]);
    assert_eq!(
        installation(&workspace, CITY).await,
        Some(("0.2.0".into(), "enabled".into()))
    );
    assert_eq!(stored(&workspace, CITY, "visits").await, visits);
    assert_eq!(audited(&workspace, "plugin.rolled_back").await, 1);
    let listed = workspace.run(&["plugin", "list"]);
    assert!(
        listed.contains("upgrade-probe@0.2.0  enabled  at 4202") && listed.contains("sha256:"),
        "{listed}"
    );

    // Disable: the page says so (503); enable: it serves again.
    workspace.run(&["plugin", "disable", PROBE, "--unit", CITY]);
    let (status, body) = visit(&workspace, "/", CITY).await;
    assert_eq!(status, 503);
    assert!(body.contains("disabled by the administrator"), "{body}");
    let error = refused(&workspace, &["plugin", "disable", PROBE, "--unit", CITY]);
    assert!(error.contains("is disabled"), "{error}");
    workspace.run(&["plugin", "enable", PROBE, "--unit", CITY]);
    assert_eq!(visit(&workspace, "/", CITY).await.0, 200);
    assert_eq!(audited(&workspace, "plugin.disabled").await, 1);
    assert_eq!(audited(&workspace, "plugin.enabled").await, 1);

    // Uninstall with export: the JSON file holds the storage, the rows are gone.
    let export = workspace.data_dir().join("probe-export.json");
    let path = export.to_str().expect("utf-8");
    workspace.run(&[
        "plugin",
        "uninstall",
        PROBE,
        "--unit",
        CITY,
        "--data",
        "export",
        path,
    ]);
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).expect("export file"))
            .expect("json");
    assert_eq!(exported["plugin"], PROBE);
    assert_eq!(exported["version"], "0.2.0");
    let entries = exported["entries"].as_array().expect("entries");
    assert!(
        entries
            .iter()
            .any(|e| e["key"] == "visits" && e["text"].is_string()),
        "{exported}"
    );
    assert_eq!(installation(&workspace, CITY).await, None);
    assert_eq!(stored(&workspace, CITY, "visits").await, None);

    // Uninstall keeping the data, reinstall takes it over; then purge.
    visit(&workspace, "/", STREET).await;
    workspace.run(&[
        "plugin",
        "uninstall",
        PROBE,
        "--unit",
        STREET,
        "--data",
        "keep",
    ]);
    assert_eq!(
        installation(&workspace, STREET).await,
        Some(("0.1.0".into(), "uninstalled".into()))
    );
    assert_eq!(
        visit(&workspace, "/", STREET).await.0,
        404,
        "nothing covers the street now"
    );
    let reinstalled = workspace.run(&[
        "plugin",
        "install",
        PROBE,
        "--unit",
        STREET,
        "--grant-all-requested",
    ]);
    assert!(reinstalled.contains("kept data"), "{reinstalled}");
    assert_eq!(
        stored(&workspace, STREET, "visits").await.as_deref(),
        Some("2")
    );
    workspace.run(&[
        "plugin",
        "uninstall",
        PROBE,
        "--unit",
        STREET,
        "--data",
        "purge",
    ]);
    assert_eq!(installation(&workspace, STREET).await, None);
    assert_eq!(audited(&workspace, "plugin.uninstalled").await, 3);
}

#[tokio::test]
async fn a_tampered_package_is_refused_by_its_digest() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    let publisher = Publisher::register(&workspace, "wangge-tests");
    publisher.publish_approved(PROBE, "0.1.0", &same);
    {
        let mut db = workspace.database().await;
        let mut bytes: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM registry_packages")
            .fetch_one(&mut db)
            .await
            .expect("package");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        sqlx::query("UPDATE registry_packages SET bytes = $1")
            .bind(bytes)
            .execute(&mut db)
            .await
            .expect("tamper");
    }
    let error = refused(
        &workspace,
        &[
            "plugin",
            "install",
            PROBE,
            "--unit",
            CITY,
            "--grant-all-requested",
        ],
    );
    assert!(error.contains("digest mismatch"), "{error}");
    assert_eq!(installation(&workspace, CITY).await, None);
    assert!(
        last_refusal(&workspace, "plugin.install_refused")
            .await
            .contains("digest mismatch")
    );
}
