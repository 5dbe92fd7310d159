//! The admin console end to end with the real binary: the registry page lists an approved
//! plugin; the consent screen lists its permissions in Chinese; an install without every
//! permission ticked is refused and installs nothing; with all ticked it installs and the
//! plugin's page works; disable (the page answers 503), enable, upgrade with the
//! permission diff, rollback, uninstall with purge; the users page grants within the
//! admin's subtree and rank only; the audit page shows the acts; non-admins get 403.
//! Forms are posted with bearer tokens (the same-origin check does not apply to them).

use std::time::Duration;

use wangge_tests::registry::{Publisher, same, with_houses};
use wangge_tests::{Server, TEST_PASSWORD, Workspace, plugin_page};

const PROBE: &str = "upgrade-probe";
/// 黄石港街道: the admin's unit, a street (the probe allows streets).
const STREET: &str = "420202001";
/// A grid under it: the probe does not allow grids.
const GRID: &str = "420202001001001";

async fn installation(workspace: &Workspace) -> Option<(String, String, String)> {
    let mut db = workspace.database().await;
    sqlx::query_as(
        "SELECT version, state, grants FROM installations WHERE plugin_id = $1 AND unit_code = $2",
    )
    .bind(PROBE)
    .bind(STREET)
    .fetch_optional(&mut db)
    .await
    .expect("installation")
}

/// Waits (the server reloads its catalog every 100 ms here) until the probe's page at the
/// street answers `status`.
async fn page_answers(server: &Server, status: u16) {
    let path = plugin_page(PROBE, "/", STREET);
    let mut last = 0;
    for _ in 0..100 {
        last = server.get(&path).await.status;
        if last == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} answered {last}, not {status}");
}

#[tokio::test]
async fn an_admin_installs_and_manages_a_plugin_through_the_console() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("worker", "网格员", &[("grid-worker", GRID)]);
    workspace.add_user("newcomer", "新同事", &[]);
    let publisher = Publisher::register(&workspace, "wangge-tests");
    publisher.publish_approved(PROBE, "0.1.0", &same);
    let server = workspace.serve(&["--catalog-poll-ms", "100"]);
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;

    // Who may come in.
    let anonymous = server.get("/admin/registry").await;
    assert_eq!(anonymous.status, 303);
    assert!(anonymous.header("location").starts_with("/signin?next="));
    assert_eq!(server.page_as(&worker, "/admin/").await.status, 403);
    assert_eq!(
        server.page_as(&worker, "/admin/installations").await.status,
        403
    );
    let home = server.page_as(&admin, "/admin/").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("黄石港街道"), "{}", home.body);

    // The registry lists the approved plugin with what an admin needs to know.
    let registry = server.page_as(&admin, "/admin/registry").await;
    assert_eq!(registry.status, 200, "{}", registry.body);
    for text in ["升级探针", PROBE, "0.1.0", "wangge-tests", "街道（乡镇）"] {
        assert!(registry.body.contains(text), "{text}: {}", registry.body);
    }
    let install_path = format!("/admin/registry/{PROBE}/install?unit={STREET}");
    assert!(registry.body.contains(&install_path), "{}", registry.body);

    // The consent screen: the version, the unit, every permission in Chinese.
    let consent = server.page_as(&admin, &install_path).await;
    assert_eq!(consent.status, 200, "{}", consent.body);
    for text in [
        "0.1.0",
        "黄石港街道",
        "查看辖区内事件",
        "value=\"events:read\"",
    ] {
        assert!(consent.body.contains(text), "{text}: {}", consent.body);
    }
    // A level the manifest does not allow, and a unit outside the admin's subtree.
    let at_grid = server
        .page_as(
            &admin,
            &format!("/admin/registry/{PROBE}/install?unit={GRID}"),
        )
        .await;
    assert_eq!(at_grid.status, 409, "{}", at_grid.body);
    assert!(at_grid.body.contains("只能安装在"), "{}", at_grid.body);
    let elsewhere = server
        .page_as(
            &admin,
            &format!("/admin/registry/{PROBE}/install?unit=420202002"),
        )
        .await;
    assert_eq!(elsewhere.status, 403, "{}", elsewhere.body);

    // Not every permission ticked: refused next to the list, nothing installed.
    let refused = server
        .post_form_as(&admin, &install_path, &[("version", "0.1.0")])
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("尚未同意"), "{}", refused.body);
    assert!(refused.body.contains("consent-error"), "{}", refused.body);
    assert_eq!(installation(&workspace).await, None);
    // A non-admin cannot post it either.
    let forbidden = server
        .post_form_as(&worker, &install_path, &[("grant", "events:read")])
        .await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(installation(&workspace).await, None);

    // Everything ticked: installed, and the plugin serves its page.
    let installed = server
        .post_form_as(
            &admin,
            &install_path,
            &[("version", "0.1.0"), ("grant", "events:read")],
        )
        .await;
    assert_eq!(installed.status, 303, "{}", installed.body);
    assert_eq!(installed.header("location"), "/admin/installations");
    let (version, state, grants) = installation(&workspace).await.expect("installed");
    assert_eq!((version.as_str(), state.as_str()), ("0.1.0", "enabled"));
    assert!(grants.contains("events:read"), "{grants}");
    page_answers(&server, 200).await;
    let list = server.page_as(&admin, "/admin/installations").await;
    assert_eq!(list.status, 200, "{}", list.body);
    for text in ["升级探针", "0.1.0", "已启用", "正常", "停用", "卸载"] {
        assert!(list.body.contains(text), "{text}: {}", list.body);
    }
    // Installed already: the consent screen says so.
    let again = server.page_as(&admin, &install_path).await;
    assert_eq!(again.status, 409, "{}", again.body);

    // Disable: the page answers 503; enable: it serves again.
    let action = |act: &str| format!("/admin/installations/{PROBE}/{act}?unit={STREET}");
    let disabled = server.post_form_as(&admin, &action("disable"), &[]).await;
    assert_eq!(disabled.status, 303, "{}", disabled.body);
    page_answers(&server, 503).await;
    assert!(
        server
            .page_as(&admin, "/admin/installations")
            .await
            .body
            .contains("已停用")
    );
    let enabled = server.post_form_as(&admin, &action("enable"), &[]).await;
    assert_eq!(enabled.status, 303, "{}", enabled.body);
    page_answers(&server, 200).await;
    // Enabling twice is refused with the reason on the list.
    let twice = server.post_form_as(&admin, &action("enable"), &[]).await;
    assert_eq!(twice.status, 400, "{}", twice.body);

    // Upgrade: the diff shows the added permission, which must be ticked.
    publisher.publish_approved(PROBE, "0.2.0", &with_houses);
    let upgrade = server.page_as(&admin, &action("upgrade")).await;
    assert_eq!(upgrade.status, 200, "{}", upgrade.body);
    for text in ["0.2.0", "查看辖区内房屋和户信息", "value=\"houses:read\""] {
        assert!(upgrade.body.contains(text), "{text}: {}", upgrade.body);
    }
    let unticked = server
        .post_form_as(&admin, &action("upgrade"), &[("version", "0.2.0")])
        .await;
    assert_eq!(unticked.status, 400, "{}", unticked.body);
    assert!(unticked.body.contains("尚未同意"), "{}", unticked.body);
    assert_eq!(installation(&workspace).await.expect("still").0, "0.1.0");
    let upgraded = server
        .post_form_as(
            &admin,
            &action("upgrade"),
            &[("version", "0.2.0"), ("grant", "houses:read")],
        )
        .await;
    assert_eq!(upgraded.status, 303, "{}", upgraded.body);
    assert_eq!(installation(&workspace).await.expect("upgraded").0, "0.2.0");
    let rolled = server.post_form_as(&admin, &action("rollback"), &[]).await;
    assert_eq!(rolled.status, 303, "{}", rolled.body);
    assert_eq!(
        installation(&workspace).await.expect("rolled back").0,
        "0.1.0"
    );

    // Uninstall, purging the data.
    let bad_choice = server
        .post_form_as(&admin, &action("uninstall"), &[("data", "export")])
        .await;
    assert_eq!(bad_choice.status, 400);
    let uninstalled = server
        .post_form_as(&admin, &action("uninstall"), &[("data", "purge")])
        .await;
    assert_eq!(uninstalled.status, 303, "{}", uninstalled.body);
    assert_eq!(installation(&workspace).await, None);
    page_answers(&server, 404).await;

    // Users: listed within the subtree; grants within the admin's subtree and rank only.
    let users = server.page_as(&admin, "/admin/users").await;
    assert_eq!(users.status, 200, "{}", users.body);
    assert!(users.body.contains("worker") && users.body.contains("网格员"));
    let granted = server
        .post_form_as(
            &admin,
            "/admin/users",
            &[
                ("username", "newcomer"),
                ("role", "grid-worker"),
                ("unit", GRID),
            ],
        )
        .await;
    assert_eq!(granted.status, 303, "{}", granted.body);
    assert!(
        server
            .page_as(&admin, "/admin/users")
            .await
            .body
            .contains("newcomer")
    );
    let above = server
        .post_form_as(
            &admin,
            "/admin/users",
            &[
                ("username", "newcomer"),
                ("role", "unit-admin"),
                ("unit", "4202"),
            ],
        )
        .await;
    assert_eq!(above.status, 403, "{}", above.body);
    assert!(above.body.contains("grant-error"), "{}", above.body);
    let nobody = server
        .post_form_as(
            &admin,
            "/admin/users",
            &[("username", "nobody"), ("role", "resident"), ("unit", GRID)],
        )
        .await;
    assert_eq!(nobody.status, 404, "{}", nobody.body);

    // The audit page shows every act, by whom.
    let audit = server
        .page_as(&admin, &format!("/admin/audit?unit={STREET}"))
        .await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    for action in [
        "plugin.install_refused",
        "plugin.installed",
        "plugin.permission_granted",
        "plugin.disabled",
        "plugin.enabled",
        "plugin.enable_refused",
        "plugin.upgrade_refused",
        "plugin.upgraded",
        "plugin.rolled_back",
        "plugin.uninstalled",
        "grant.added",
        "user:admin",
    ] {
        assert!(audit.body.contains(action), "{action}: {}", audit.body);
    }
    let above_audit = server.page_as(&admin, "/admin/audit?unit=4202").await;
    assert_eq!(above_audit.status, 403);
    assert_eq!(server.page_as(&worker, "/admin/audit").await.status, 403);
}
