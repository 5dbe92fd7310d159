//! The `medical-insurance` plugin with the real binary: release 1.0.0 installed from the
//! registry stores a claim in its old shape (amount in yuan as a float, status as Chinese
//! text); publishing 1.1.0 and `plugin upgrade` run its `migrate`, after which the claim is
//! shown the same (amount, status, the worker's note) and stored in the new shape. Also:
//! `wangge plugin build` finds the manifest's permissions exactly what the component calls.

use wangge_tests::bureau::Bureau;
use wangge_tests::registry::Publisher;
use wangge_tests::{Page, TEST_PASSWORD, Workspace, day, plugin_page};

const PLUGIN: &str = "medical-insurance";
/// 黄石港街道: where the plugin is installed.
const STREET: &str = "420202001";
/// 江边社区第一网格, where 张建国 lives.
const GRID: &str = "420202001001001";

/// The path of the plugin's page `path` at the street's installation.
fn at(path: &str) -> String {
    plugin_page(PLUGIN, path, STREET)
}

async fn stored_claim(workspace: &Workspace) -> serde_json::Value {
    let value = workspace
        .stored(PLUGIN, STREET, "claims/000001")
        .await
        .expect("the claim is stored");
    serde_json::from_str(&value).expect("JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn claims_made_on_1_0_0_are_migrated_by_the_upgrade_to_1_1_0() {
    let bureau = Bureau::start();
    let workspace = Workspace::demo();
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("grid-worker", "江边网格员", &[("grid-worker", GRID)]);
    let zhang = workspace.resident_id("张建国").await;
    workspace.run(&["users", "link-resident", "zhang", &zhang.to_string()]);

    let publisher = Publisher::register(&workspace, "wangge");
    let bureau_url = format!("bureau_url={}", bureau.url());
    publisher.install_release(PLUGIN, "1.0.0", STREET, &["--config", &bureau_url]);

    // On 1.0.0: 张建国 submits two claims; the worker returns the second with a note.
    let server = workspace.serve(&[]);
    let resident = server.sign_in("zhang", TEST_PASSWORD).await;
    let worker = server.sign_in("grid-worker", TEST_PASSWORD).await;
    let Page {
        status, body: form, ..
    } = server.page_as(&resident, &at("/claims/new")).await;
    assert_eq!(status, 200, "{form}");
    let hospital = form
        .split("<option value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|value| !value.is_empty())
        .unwrap_or_else(|| panic!("no hospital to choose: {form}"))
        .to_owned();
    let visit = day(-1);
    for (amount, description) in [("1234.56", "高血压门诊"), ("0.29", "配药")] {
        let Page { status, body, .. } = server
            .post_form_as(
                &resident,
                &at("/claims"),
                &[
                    ("hospital", &hospital),
                    ("visit_date", &visit),
                    ("amount", amount),
                    ("description", description),
                ],
            )
            .await;
        assert_eq!(status, 303, "{body}");
    }
    let Page { status, body, .. } = server
        .post_form_as(
            &worker,
            &at("/worker/claims/000002/review"),
            &[("action", "return"), ("note", "请补充发票")],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let old = stored_claim(&workspace).await;
    assert_eq!(old["amount"], 1234.56, "{old}");
    assert_eq!(old["status"], "已提交", "{old}");
    let Page { body: before, .. } = server.page_as(&resident, &at("/claims")).await;
    assert!(
        before.contains("1234.56") && before.contains("0.29"),
        "{before}"
    );
    drop(server);

    // 1.1.0, published and approved, then the upgrade runs its migrate.
    let upgraded = publisher.publish_and_upgrade(PLUGIN, "1.1.0", STREET);
    assert!(upgraded.contains("1.1.0"), "{upgraded}");

    let new = stored_claim(&workspace).await;
    assert_eq!(new["amount_fen"], 123_456, "{new}");
    assert_eq!(new["status"], "submitted", "{new}");
    assert!(new.get("amount").is_none(), "{new}");
    assert_eq!(new["history"][0]["by"], "张建国", "{new}");
    // 1.0.0 kept no index of claims by resident and grid; the migration built it.
    let indexed: i64 = {
        let mut db = workspace.database().await;
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM plugin_storage s JOIN installations i \
             ON i.id = s.installation_id WHERE i.plugin_id = $1 AND s.key LIKE 'claims-by-%'",
        )
        .bind(PLUGIN)
        .fetch_one(&mut db)
        .await
        .expect("count index entries")
    };
    assert_eq!(indexed, 4, "two claims, each by resident and by grid");

    let server = workspace.serve(&[]);
    let resident = server.sign_in("zhang", TEST_PASSWORD).await;
    let Page {
        status,
        body: after,
        ..
    } = server.page_as(&resident, &at("/claims")).await;
    assert_eq!(status, 200, "{after}");
    assert!(
        after.contains("1234.56") && after.contains("0.29"),
        "{after}"
    );
    assert!(after.contains("已提交"), "{after}");
    assert!(
        after.contains("已退回") && after.contains("请补充发票"),
        "{after}"
    );
    let Page {
        status,
        body: detail,
        ..
    } = server.page_as(&resident, &at("/claims/000002")).await;
    assert_eq!(status, 200, "{detail}");
    assert!(
        detail.contains("江边网格员") && detail.contains("请补充发票"),
        "{detail}"
    );

    // An operator fires the reminder schedule: 张建国 has not paid (the stand-in derives it
    // from his ID number), so a reminder reaches his inbox, once within the interval.
    for _ in 0..2 {
        let fired = workspace.run(&[
            "plugin",
            "run-schedule",
            PLUGIN,
            "campaign-reminders",
            "--unit",
            STREET,
        ]);
        assert!(fired.contains("fired campaign-reminders"), "{fired}");
    }
    let (status, inbox) = server
        .api(&resident, "GET", "/api/inbox", serde_json::Value::Null)
        .await;
    assert_eq!(status, 200, "{inbox}");
    assert_eq!(
        inbox.to_string().matches("城乡居民医保缴费提醒").count(),
        1,
        "{inbox}"
    );
}

#[test]
fn the_manifest_asks_for_exactly_what_the_component_calls() {
    let workspace = Workspace::sqlite();
    let built = workspace.build_bundled(PLUGIN);
    let stderr = String::from_utf8_lossy(&built.output.stderr);
    assert!(built.output.status.success(), "{stderr}");
    assert!(
        stderr.contains("residents") && stderr.contains("outbound") && stderr.contains("notify"),
        "{stderr}"
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("! ")).collect();
    assert!(warnings.is_empty(), "{warnings:?}\n{stderr}");
    assert!(built.package.exists());
}
