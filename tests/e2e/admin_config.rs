//! The admin console's config and data choices end to end with the real binary: the
//! consent screen shows the manifest's config keys with their defaults; a value that does
//! not fit its type is refused next to its field, keeping what was typed and installing
//! nothing; the values set are what the plugin sees; the upgrade screen starts from the
//! installation's values and changes them; uninstalling with 导出数据 answers the
//! installation's storage as a JSON download and removes it from the platform.

use wangge_tests::registry::Publisher;
use wangge_tests::{Server, TEST_PASSWORD, Workspace, plugin_page};

/// 黄石港街道: the admin's unit.
const STREET: &str = "420202001";

/// `hello`'s manifest with a second, integer config key (which the plugin ignores): the
/// screen must type-check what the manifest declares, whatever the plugin reads.
fn with_limit(manifest: String) -> String {
    manifest + "\n[config.limit]\ntype = \"integer\"\ntitle = \"每日上限\"\ndefault = 100\n"
}

async fn installed_config(workspace: &Workspace) -> Option<String> {
    let mut db = workspace.database().await;
    sqlx::query_scalar(
        "SELECT config FROM installations WHERE plugin_id = 'hello' AND unit_code = $1 \
         AND state <> 'uninstalled'",
    )
    .bind(STREET)
    .fetch_optional(&mut db)
    .await
    .expect("installation")
}

/// The greeting `hello` shows at the street, once the catalog has loaded `expected`.
async fn greets(server: &Server, expected: &str) {
    let path = plugin_page("hello", "/", STREET);
    let mut last = String::new();
    for _ in 0..100 {
        let page = server.get(&path).await;
        if page.status == 200 && page.body.contains(expected) {
            return;
        }
        last = format!("{} {}", page.status, page.body);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{path} never greeted with {expected}: {last}");
}

#[tokio::test]
async fn an_admin_sets_config_at_install_and_upgrade_and_downloads_the_data_on_uninstall() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    // `hello`'s manifest names publisher `wangge`.
    let publisher = Publisher::register(&workspace, "wangge");
    publisher.publish_approved("hello", "0.1.0", &with_limit);
    let server = workspace.serve(&["--catalog-poll-ms", "100"]);
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let install = format!("/admin/registry/hello/install?unit={STREET}");

    // The consent screen shows each config key with its default.
    let consent = server.page_as(&admin, &install).await;
    assert_eq!(consent.status, 200, "{}", consent.body);
    for text in [
        "问候语",
        "name=\"config.greeting\"",
        "value=\"你好\"",
        "每日上限",
        "value=\"100\"",
    ] {
        assert!(consent.body.contains(text), "{text}: {}", consent.body);
    }

    // Not a whole number: refused next to the field, what was typed kept, nothing installed.
    let refused = server
        .post_form_as(
            &admin,
            &install,
            &[
                ("version", "0.1.0"),
                ("config.greeting", "欢迎光临"),
                ("config.limit", "很多"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    for text in [
        "id=\"config-limit-error\"",
        "请输入整数。",
        "value=\"欢迎光临\"",
        "value=\"很多\"",
    ] {
        assert!(refused.body.contains(text), "{text}: {}", refused.body);
    }
    assert_eq!(installed_config(&workspace).await, None);

    // Valid values: installed with them, and the plugin greets with the admin's text.
    let installed = server
        .post_form_as(
            &admin,
            &install,
            &[
                ("version", "0.1.0"),
                ("config.greeting", "欢迎光临"),
                ("config.limit", "5"),
            ],
        )
        .await;
    assert_eq!(installed.status, 303, "{}", installed.body);
    let config = installed_config(&workspace).await.expect("installed");
    assert!(
        config.contains("欢迎光临") && config.contains('5'),
        "{config}"
    );
    greets(&server, "欢迎光临").await;

    // Upgrade: the screen starts from the installation's values; a changed one is applied.
    publisher.publish_approved("hello", "0.2.0", &with_limit);
    let upgrade = format!("/admin/installations/hello/upgrade?unit={STREET}");
    let screen = server.page_as(&admin, &upgrade).await;
    assert_eq!(screen.status, 200, "{}", screen.body);
    assert!(
        screen.body.contains("value=\"欢迎光临\"") && screen.body.contains("value=\"5\""),
        "{}",
        screen.body
    );
    let bad = server
        .post_form_as(
            &admin,
            &upgrade,
            &[("version", "0.2.0"), ("config.limit", "-")],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("config-limit-error"), "{}", bad.body);
    let upgraded = server
        .post_form_as(
            &admin,
            &upgrade,
            &[
                ("version", "0.2.0"),
                ("config.greeting", "您好"),
                ("config.limit", "5"),
            ],
        )
        .await;
    assert_eq!(upgraded.status, 303, "{}", upgraded.body);
    greets(&server, "您好").await;

    // Uninstall with the download: the storage (hello's visit counter) as a JSON file,
    // then nothing left on the platform.
    let uninstall = format!("/admin/installations/hello/uninstall?unit={STREET}");
    let list = server.page_as(&admin, "/admin/installations").await;
    assert!(
        list.body.contains("value=\"download\""),
        "the uninstall choice offers the download: {}",
        list.body
    );
    let download = server
        .post_form_as(&admin, &uninstall, &[("data", "download")])
        .await;
    assert_eq!(download.status, 200, "{}", download.body);
    assert_eq!(
        download.header("content-disposition"),
        format!("attachment; filename=\"hello-{STREET}-export.json\"")
    );
    assert_eq!(download.header("cache-control"), "no-store");
    let document: serde_json::Value = serde_json::from_str(&download.body).expect("JSON");
    assert_eq!(document["plugin"], "hello");
    assert_eq!(document["unit"], STREET);
    let entries = document["entries"].as_array().expect("entries");
    assert!(!entries.is_empty(), "the visit counter: {document}");
    assert_eq!(installed_config(&workspace).await, None);
    let audit = server
        .page_as(&admin, &format!("/admin/audit?unit={STREET}"))
        .await;
    assert!(
        audit.body.contains("plugin.uninstalled") && audit.body.contains("download"),
        "{}",
        audit.body
    );
}
