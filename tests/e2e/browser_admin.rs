//! The admin console in a real headless Chromium (see [`wangge_tests::browser`]): an admin
//! installs a plugin through the consent screen — opens the registry page, follows 安装到本单位,
//! ticks every permission, submits (a cookie-authenticated, same-origin form post) and
//! finds the installation listed. Screenshot `admin-installs-plugin`.

use wangge_tests::browser::Browser;
use wangge_tests::registry::{Publisher, same};
use wangge_tests::{TEST_PASSWORD, Workspace};

/// 黄石港街道: the admin's unit, a street (the probe allows streets).
const STREET: &str = "420202001";

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_installs_a_plugin_through_the_consent_screen() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    let publisher = Publisher::register(&workspace, "wangge-tests");
    // `upgrade-probe` asks for `events:read`.
    publisher.publish_approved("upgrade-probe", "0.1.0", &same);
    let server = workspace.serve(&[]);
    let token = server.sign_in("admin", TEST_PASSWORD).await;

    let browser = Browser::start().await;
    // A cookie is set for the page that is open: open the host's origin first.
    browser.goto(&format!("{}/healthz", server.base())).await;
    browser.add_cookie("wangge_session", &token).await;
    browser
        .goto(&format!("{}/admin/registry", server.base()))
        .await;
    browser
        .find("#plugin-upgrade-probe a.install")
        .await
        .click()
        .await;

    // The consent screen: every permission listed, none ticked for the admin.
    browser.wait_for("input[name=grant]").await;
    let text = browser.find("main").await.text().await;
    assert!(text.contains("查看辖区内事件"), "{text}");
    assert!(text.contains("黄石港街道"), "{text}");
    for checkbox in browser.find_all("input[name=grant]").await {
        assert_eq!(checkbox.property("checked").await.as_deref(), Some("false"));
        checkbox.click().await;
    }
    browser.screenshot("admin-consent-screen").await;
    browser.find("form.admin button").await.click().await;

    // Installed: listed with its version and state.
    let row = browser
        .wait_for(&format!("#installation-upgrade-probe-{STREET}"))
        .await;
    let listed = row.text().await;
    assert!(listed.contains("0.1.0"), "{listed}");
    assert!(listed.contains("已启用"), "{listed}");
    assert!(
        browser
            .current_url()
            .await
            .ends_with("/admin/installations"),
        "{}",
        browser.current_url().await
    );
    browser.screenshot("admin-installs-plugin").await;
}
