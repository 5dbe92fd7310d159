//! The `medical-insurance` plugin with the real binary: release 1.0.0 installed from the
//! registry stores a claim in its old shape (amount in yuan as a float, status as Chinese
//! text); publishing 1.1.0 and `plugin upgrade` run its `migrate`, after which the claim is
//! shown the same (amount, status, the worker's note) and stored in the new shape. Also:
//! `wangge plugin build` finds the manifest's permissions exactly what the component calls.

use std::path::Path;

use wangge_tests::bureau::Bureau;
use wangge_tests::registry::{Publisher, same};
use wangge_tests::{Server, TEST_PASSWORD, Workspace, previous_release};

const PLUGIN: &str = "medical-insurance";
/// 黄石港街道: where the plugin is installed.
const STREET: &str = "420202001";
/// 江边社区第一网格, where 张建国 lives.
const GRID: &str = "420202001001001";

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `GET /p/medical-insurance{path}` as the holder of `token`: status and body.
async fn get(server: &Server, token: &str, path: &str) -> (u16, String) {
    let response = server
        .client()
        .get(format!("{}/p/{PLUGIN}{path}?unit={STREET}", server.base()))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// `POST /p/medical-insurance{path}` with a form as the holder of `token`.
async fn post(server: &Server, token: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let response = server
        .client()
        .post(format!("{}/p/{PLUGIN}{path}?unit={STREET}", server.base()))
        .bearer_auth(token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn stored_claim(workspace: &Workspace) -> serde_json::Value {
    let mut db = workspace.database().await;
    let value: Vec<u8> = sqlx::query_scalar(
        "SELECT s.value FROM plugin_storage s JOIN installations i ON i.id = s.installation_id \
         WHERE i.plugin_id = $1 AND i.unit_code = $2 AND s.key = 'claims/000001'",
    )
    .bind(PLUGIN)
    .bind(STREET)
    .fetch_one(&mut db)
    .await
    .expect("the claim is stored");
    serde_json::from_slice(&value).expect("JSON")
}

/// Yesterday in China Standard Time, `YYYY-MM-DD`.
fn yesterday() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or_default())
        .unwrap_or_default();
    let days = (now + 8 * 3600).div_euclid(86_400) - 1;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[tokio::test(flavor = "multi_thread")]
async fn claims_made_on_1_0_0_are_migrated_by_the_upgrade_to_1_1_0() {
    let bureau = Bureau::start();
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("grid-worker", "江边网格员", &[("grid-worker", GRID)]);
    let zhang: i64 = {
        let mut db = workspace.database().await;
        sqlx::query_scalar("SELECT id FROM residents WHERE name = '张建国'")
            .fetch_one(&mut db)
            .await
            .expect("张建国 was imported")
    };
    workspace.run(&["users", "link-resident", "zhang", &zhang.to_string()]);

    let publisher = Publisher::register(&workspace, "wangge");
    let (component, manifest) = previous_release(PLUGIN, "1.0.0");
    publisher.publish_release_approved(&component, &manifest);
    let bureau_url = format!("bureau_url={}", bureau.url());
    workspace.run(&[
        "plugin",
        "install",
        PLUGIN,
        "--unit",
        STREET,
        "--grant-all-requested",
        "--config",
        &bureau_url,
    ]);

    // On 1.0.0: 张建国 submits two claims; the worker returns the second with a note.
    let server = workspace.serve(&[]);
    let resident = server.sign_in("zhang", TEST_PASSWORD).await;
    let worker = server.sign_in("grid-worker", TEST_PASSWORD).await;
    let (status, form) = get(&server, &resident, "/claims/new").await;
    assert_eq!(status, 200, "{form}");
    let hospital = form
        .split("<option value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|value| !value.is_empty())
        .unwrap_or_else(|| panic!("no hospital to choose: {form}"))
        .to_owned();
    let visit = yesterday();
    for (amount, description) in [("1234.56", "高血压门诊"), ("0.29", "配药")] {
        let (status, body) = post(
            &server,
            &resident,
            "/claims",
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
    let (status, body) = post(
        &server,
        &worker,
        "/worker/claims/000002/review",
        &[("action", "return"), ("note", "请补充发票")],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let old = stored_claim(&workspace).await;
    assert_eq!(old["amount"], 1234.56, "{old}");
    assert_eq!(old["status"], "已提交", "{old}");
    let (_, before) = get(&server, &resident, "/claims").await;
    assert!(
        before.contains("1234.56") && before.contains("0.29"),
        "{before}"
    );
    drop(server);

    // 1.1.0, published and approved, then the upgrade runs its migrate.
    publisher.publish_approved(PLUGIN, "1.1.0", &same);
    let upgraded = workspace.run(&[
        "plugin",
        "upgrade",
        PLUGIN,
        "--unit",
        STREET,
        "--grant-all-requested",
    ]);
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
    let (status, after) = get(&server, &resident, "/claims").await;
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
    let (status, detail) = get(&server, &resident, "/claims/000002").await;
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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/medical-insurance");
    let package = tempfile::tempdir().expect("tempdir");
    let output = package.path().join("medical-insurance.wgp");
    let built = workspace.wangge(&[
        "plugin",
        "build",
        "--path",
        dir.to_str().expect("utf-8 path"),
        "-o",
        output.to_str().expect("utf-8 path"),
    ]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    assert!(
        stderr.contains("residents") && stderr.contains("outbound") && stderr.contains("notify"),
        "{stderr}"
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("! ")).collect();
    assert!(warnings.is_empty(), "{warnings:?}\n{stderr}");
    assert!(output.exists());
}
