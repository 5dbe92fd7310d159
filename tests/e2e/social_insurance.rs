//! The `social-insurance` plugin end to end with the real binary and the bureau stand-in:
//! release 1.0.0 installed from the registry and used (a worker records an in-person
//! certification, kept as `cert/{resident}` = date text), then 1.1.0 published and the
//! installation upgraded with the new permission granted; `migrate` rewrote the record as
//! `certifications/{year}/{resident}` JSON, and 1.1.0's pages and reminder schedule work
//! on it. Also: the bundled manifest asks for exactly what the component imports.

use wangge_tests::bureau::Bureau;
use wangge_tests::registry::{Publisher, same, upgrade};
use wangge_tests::{Page, TEST_PASSWORD, Workspace, plugin_page, previous_release};

const PLUGIN: &str = "social-insurance";
/// 黄石港街道: where the plugin is installed.
const STREET: &str = "420202001";
/// 江边社区第一网格: 张建国's grid, kept by the worker.
const GRID: &str = "420202001001001";

async fn stored(workspace: &Workspace, key: &str) -> Option<String> {
    workspace.stored(PLUGIN, STREET, key).await
}

async fn keys(workspace: &Workspace, prefix: &str) -> Vec<String> {
    let stored = workspace.stored_under(PLUGIN, STREET, prefix).await;
    stored.into_iter().map(|(key, _)| key).collect()
}

/// The path of the plugin's page `path` at the street's installation.
fn at(path: &str) -> String {
    plugin_page(PLUGIN, path, STREET)
}

#[tokio::test(flavor = "multi_thread")]
async fn release_1_0_upgrades_to_1_1_and_its_records_are_migrated() {
    let bureau = Bureau::start();
    let workspace = Workspace::demo();
    let zhang = workspace.resident_id("张建国").await;
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.run(&["users", "link-resident", "zhang", &zhang.to_string()]);
    workspace.add_user(
        "jiangbian-worker",
        "江边社区网格员",
        &[("grid-worker", GRID)],
    );

    // 1.0.0 from the registry.
    let publisher = Publisher::register(&workspace, "wangge");
    let bureau_url = format!("bureau_url={}", bureau.url());
    publisher.install_release(PLUGIN, "1.0.0", STREET, &["--config", &bureau_url]);

    let server = workspace.serve(&[]);
    let worker = server.sign_in("jiangbian-worker", TEST_PASSWORD).await;
    let Page { status, body, .. } = server.page_as(&worker, &at("/worker/certification")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("张建国"), "{body}");
    let Page { status, body, .. } = server
        .post_form_as(
            &worker,
            &at("/worker/certification"),
            &[("resident", &zhang.to_string())],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let old = stored(&workspace, &format!("cert/{zhang}"))
        .await
        .expect("1.0.0 keeps the date as text");
    assert!(
        old.len() == 10 && old.as_bytes()[4] == b'-',
        "a YYYY-MM-DD date: {old:?}"
    );
    let year = &old[..4];
    // 1.0.0 has no self-certification.
    let resident = server.sign_in("zhang", TEST_PASSWORD).await;
    let Page { status, .. } = server
        .post_form_as(&resident, &at("/certify"), &[("confirm", "yes")])
        .await;
    assert_eq!(status, 404);
    drop(server);

    // 1.1.0 asks for notify:residents too: the upgrade needs it granted.
    publisher.publish_approved(PLUGIN, "1.1.0", &same);
    let refused = workspace.wangge(&["plugin", "upgrade", PLUGIN, "--unit", STREET]);
    assert!(!refused.status.success(), "a new permission needs granting");
    assert!(stored(&workspace, &format!("cert/{zhang}")).await.is_some());
    upgrade(&workspace, PLUGIN, STREET);

    // Migrated: the text record became a JSON record of its year.
    assert_eq!(stored(&workspace, &format!("cert/{zhang}")).await, None);
    assert!(keys(&workspace, "cert/").await.is_empty());
    let migrated = stored(&workspace, &format!("certifications/{year}/{zhang}"))
        .await
        .expect("the 1.1.0 record");
    let migrated: serde_json::Value = serde_json::from_str(&migrated).expect("JSON");
    assert_eq!(
        migrated,
        serde_json::json!({ "date": old, "method": "in-person", "recorded_by": null })
    );

    // 1.1.0 serves on the migrated data: the resident's page, self-certification refused
    // as already done, the worker's list without him, and the reminder schedule.
    let server = workspace.serve(&[]);
    let resident = server.sign_in("zhang", TEST_PASSWORD).await;
    let Page { status, body, .. } = server.page_as(&resident, &at("/")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("已认证"), "{body}");
    let Page { status, body, .. } = server
        .post_form_as(&resident, &at("/certify"), &[("confirm", "yes")])
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("无需重复认证"), "{body}");
    let worker = server.sign_in("jiangbian-worker", TEST_PASSWORD).await;
    let Page { status, body, .. } = server.page_as(&worker, &at("/worker/certification")).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("张建国"), "{body}");
    let fired = workspace.run(&[
        "plugin",
        "run-schedule",
        PLUGIN,
        "certification-reminders",
        "--unit",
        STREET,
    ]);
    assert!(fired.contains("fired certification-reminders"), "{fired}");
    assert_eq!(
        stored(&workspace, &format!("reminders/{zhang}")).await,
        None,
        "a certified pensioner is not reminded"
    );
    drop(server);

    // Rolled back to 1.0.0, a worker certifies 李秀英 (kept the 1.0.0 way); upgrading again
    // migrates her record and leaves 张建国's as it was: the migration is idempotent.
    workspace.run(&["plugin", "rollback", PLUGIN, "--unit", STREET]);
    let li = workspace.resident_id("李秀英").await;
    let server = workspace.serve(&[]);
    let worker = server.sign_in("jiangbian-worker", TEST_PASSWORD).await;
    let Page { status, body, .. } = server
        .post_form_as(
            &worker,
            &at("/worker/certification"),
            &[("resident", &li.to_string())],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    drop(server);
    let li_date = stored(&workspace, &format!("cert/{li}"))
        .await
        .expect("1.0.0 again keeps the date as text");
    upgrade(&workspace, PLUGIN, STREET);
    assert!(keys(&workspace, "cert/").await.is_empty());
    let li_record = stored(
        &workspace,
        &format!("certifications/{}/{li}", &li_date[..4]),
    )
    .await
    .expect("her 1.1.0 record");
    let li_record: serde_json::Value = serde_json::from_str(&li_record).expect("JSON");
    assert_eq!(li_record["date"], li_date.as_str());
    assert_eq!(li_record["method"], "in-person");
    let again = stored(&workspace, &format!("certifications/{year}/{zhang}"))
        .await
        .expect("his record is still there");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&again).expect("JSON"),
        migrated
    );
}

#[test]
fn the_manifest_asks_for_exactly_what_the_component_imports() {
    let workspace = Workspace::sqlite();
    let output = workspace.build_bundled(PLUGIN).output;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(
        !text.lines().any(|line| line.trim_start().starts_with("! ")),
        "the build warns about permissions:\n{text}"
    );
    assert!(
        text.contains("imports: config, log, notify, outbound, residents, storage"),
        "{text}"
    );

    // Release 1.0.0 asks for no `notify:` permission: its component must not import it,
    // and must import what its permissions are for.
    let (component, manifest) = previous_release(PLUGIN, "1.0.0");
    let bytes = std::fs::read(component).expect("the 1.0.0 component");
    let imports = |interface: &str| {
        let name = format!("wangge:plugin/{interface}@");
        bytes.windows(name.len()).any(|w| w == name.as_bytes())
    };
    let manifest = std::fs::read_to_string(manifest).expect("the 1.0.0 manifest");
    for interface in ["residents", "notify", "outbound"] {
        assert_eq!(
            imports(interface),
            manifest.contains(&format!("\"{interface}:")),
            "1.0.0: the import of {interface} and its permission differ"
        );
    }
}
