//! The elder-care plugin with the real binary: 1.0.0 installed from the registry, meals
//! booked through HTTP by two residents (one refused: the canteen is full), then 1.1.0
//! published and the installation upgraded, its `migrate` turning 1.0.0's meal lists into
//! one key per booking — the pages show the bookings, cancelling works and frees the place.
//! A visit task from the schedule is closed by the plugin once the centre dispatched it.
//! And the manifest asks for no permission the component does not use.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wangge_tests::registry::{Publisher, same};
use wangge_tests::{Server, TEST_PASSWORD, Workspace, previous_release};

const PLUGIN: &str = "elder-care";
/// 黄石港街道, where it is installed.
const STREET: &str = "420202001";
/// 江边社区第一网格: 张建国 (the demo `resident`) and 李秀英 live there.
const GRID: &str = "420202001001001";
/// The demo users' password.
const DEMO_PASSWORD: &str = "wangge-demo";
const JIANGBIAN: &str = "江边社区长者食堂";
const SHENGYANG: &str = "胜阳港长者食堂";

/// Today in China plus `days`, as `YYYY-MM-DD` (the plugin's calendar).
fn day(days: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let local_days = i64::try_from((secs + 8 * 3600) / 86_400).unwrap_or_default() + days;
    // H. Hinnant's civil_from_days.
    let z = local_days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                out.push(char::from(byte));
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// A plugin page as the holder of `token`: `(status, body)`.
async fn get(server: &Server, token: &str, path: &str) -> (u16, String) {
    let separator = if path.contains('?') { '&' } else { '?' };
    let response = server
        .client()
        .get(format!(
            "{}/p/{PLUGIN}{path}{separator}unit={STREET}",
            server.base()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Posts a form to a plugin page as the holder of `token`.
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
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn resident_id(workspace: &Workspace, name: &str) -> i64 {
    let mut db = workspace.database().await;
    sqlx::query_scalar(
        "SELECT id FROM residents WHERE name = $1 AND grid_code = $2 ORDER BY id LIMIT 1",
    )
    .bind(name)
    .bind(GRID)
    .fetch_one(&mut db)
    .await
    .expect("the fixture resident")
}

async fn stored_keys(workspace: &Workspace, prefix: &str) -> Vec<(String, String)> {
    let mut db = workspace.database().await;
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT s.key, s.value FROM plugin_storage s JOIN installations i ON i.id = s.installation_id \
         WHERE i.plugin_id = $1 AND i.unit_code = $2 AND s.key LIKE $3 ORDER BY s.key",
    )
    .bind(PLUGIN)
    .bind(STREET)
    .bind(format!("{prefix}%"))
    .fetch_all(&mut db)
    .await
    .expect("storage");
    rows.into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect()
}

async fn installed_version(workspace: &Workspace) -> String {
    let mut db = workspace.database().await;
    sqlx::query_scalar("SELECT version FROM installations WHERE plugin_id = $1 AND unit_code = $2")
        .bind(PLUGIN)
        .bind(STREET)
        .fetch_one(&mut db)
        .await
        .expect("installation")
}

#[tokio::test(flavor = "multi_thread")]
async fn meals_booked_in_1_0_survive_the_upgrade_to_1_1() {
    let workspace = Workspace::sqlite();
    workspace.run(&["demo", "seed", "--residents", "300", "--users"]);
    let zhang = resident_id(&workspace, "张建国").await;
    let li = resident_id(&workspace, "李秀英").await;
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    workspace.run(&["users", "link-resident", "li", &li.to_string()]);

    let publisher = Publisher::register(&workspace, "wangge");
    let (component, manifest) = previous_release(PLUGIN, "1.0.0");
    publisher.publish_release_approved(&component, &manifest);
    let canteens = format!("canteens={JIANGBIAN}:1;{SHENGYANG}:5");
    workspace.run(&[
        "plugin",
        "install",
        PLUGIN,
        "--unit",
        STREET,
        "--grant-all-requested",
        "--config",
        &canteens,
    ]);
    assert_eq!(installed_version(&workspace).await, "1.0.0");

    let (tomorrow, later) = (day(1), day(2));
    {
        let server = workspace.serve(&[]);
        let resident = server.sign_in("resident", DEMO_PASSWORD).await;
        let li_token = server.sign_in("li", TEST_PASSWORD).await;
        let (status, body) = post(
            &server,
            &resident,
            "/meals",
            &[("date", &tomorrow), ("canteen", JIANGBIAN)],
        )
        .await;
        assert_eq!(status, 303, "{body}");
        let (status, body) = post(
            &server,
            &li_token,
            "/meals",
            &[("date", &tomorrow), ("canteen", JIANGBIAN)],
        )
        .await;
        assert_eq!(status, 400, "one place a day at 江边: {body}");
        assert!(body.contains("已订满"), "{body}");
        let (status, body) = post(
            &server,
            &li_token,
            "/meals",
            &[("date", &tomorrow), ("canteen", SHENGYANG)],
        )
        .await;
        assert_eq!(status, 303, "{body}");
        let (status, body) = post(
            &server,
            &resident,
            "/meals",
            &[("date", &later), ("canteen", SHENGYANG)],
        )
        .await;
        assert_eq!(status, 303, "{body}");
    }
    let lists = stored_keys(&workspace, "meals/").await;
    assert_eq!(lists.len(), 2, "1.0.0 keeps one list per date: {lists:?}");
    assert!(stored_keys(&workspace, "bookings/").await.is_empty());

    publisher.publish_approved(PLUGIN, "1.1.0", &same);
    let upgraded = workspace.run(&[
        "plugin",
        "upgrade",
        PLUGIN,
        "--unit",
        STREET,
        "--grant-all-requested",
    ]);
    assert!(upgraded.contains("1.0.0 → 1.1.0"), "{upgraded}");
    assert_eq!(installed_version(&workspace).await, "1.1.0");

    assert!(
        stored_keys(&workspace, "meals/").await.is_empty(),
        "the lists are converted"
    );
    let bookings: Vec<String> = stored_keys(&workspace, "bookings/")
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        bookings,
        [
            format!("bookings/{tomorrow}/{JIANGBIAN}/{zhang}"),
            format!("bookings/{tomorrow}/{SHENGYANG}/{li}"),
            format!("bookings/{later}/{SHENGYANG}/{zhang}"),
        ]
    );
    let counts = stored_keys(&workspace, &format!("meal-count/{tomorrow}/")).await;
    assert_eq!(
        counts,
        [
            (format!("meal-count/{tomorrow}/{JIANGBIAN}"), "1".to_owned()),
            (format!("meal-count/{tomorrow}/{SHENGYANG}"), "1".to_owned()),
        ]
    );

    let server = workspace.serve(&[]);
    let resident = server.sign_in("resident", DEMO_PASSWORD).await;
    let li_token = server.sign_in("li", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", DEMO_PASSWORD).await;
    let (status, page) = get(&server, &resident, "/meals").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("取消 {tomorrow} 的预订")), "{page}");
    assert!(page.contains(&format!("取消 {later} 的预订")), "{page}");
    let (status, list) = get(&server, &worker, &format!("/worker/meals?date={tomorrow}")).await;
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("张建国") && list.contains("李秀英"), "{list}");
    assert!(list.contains("已预订 1 / 1 份"), "{list}");

    // Still full until 张建国 cancels; then 李秀英 moves to 江边.
    let (status, body) = post(&server, &li_token, "/meals/cancel", &[("date", &tomorrow)]).await;
    assert_eq!(status, 303, "{body}");
    let (status, body) = post(
        &server,
        &li_token,
        "/meals",
        &[("date", &tomorrow), ("canteen", JIANGBIAN)],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("已订满"), "{body}");
    let (status, body) = post(&server, &resident, "/meals/cancel", &[("date", &tomorrow)]).await;
    assert_eq!(status, 303, "{body}");
    let (status, body) = post(
        &server,
        &li_token,
        "/meals",
        &[("date", &tomorrow), ("canteen", JIANGBIAN)],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = get(&server, &resident, "/meals").await;
    assert!(!page.contains(&format!("取消 {tomorrow} 的预订")), "{page}");
    assert!(page.contains(&format!("取消 {later} 的预订")), "{page}");
}

/// Calls the events API as the holder of `token`.
async fn act(server: &Server, token: &str, id: &str, action: &str, body: Value) -> (u16, Value) {
    let mut body = body;
    body["action"] = json!(action);
    server
        .api(token, "POST", &format!("/api/events/{id}/actions"), body)
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visit_task_is_closed_by_the_plugin_once_the_centre_dispatched_it() {
    let workspace = Workspace::sqlite();
    workspace.run(&["demo", "seed", "--residents", "300", "--users"]);
    let zhang = resident_id(&workspace, "张建国").await;
    let publisher = Publisher::register(&workspace, "wangge");
    publisher.publish_approved(PLUGIN, "1.1.0", &same);
    workspace.run(&[
        "plugin",
        "install",
        PLUGIN,
        "--unit",
        STREET,
        "--grant-all-requested",
    ]);

    let fired = workspace.run(&[
        "plugin",
        "run-schedule",
        PLUGIN,
        "visit-tasks",
        "--unit",
        STREET,
    ]);
    assert!(fired.contains("fired visit-tasks"), "{fired}");
    let tasks = stored_keys(&workspace, &format!("visit-tasks/{zhang}")).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let task: Value = serde_json::from_str(&tasks[0].1).expect("json");
    let event = task["event_id"].as_str().expect("an event id").to_owned();

    let server = workspace.serve(&[]);
    let admin = server.sign_in("admin", DEMO_PASSWORD).await;
    let worker = server.sign_in("worker", DEMO_PASSWORD).await;
    // The worker records the visit before the centre has dispatched the task.
    let (status, body) = post(
        &server,
        &worker,
        "/worker/visits",
        &[
            ("resident_id", &zhang.to_string()),
            ("date", &day(0)),
            ("note", "老人身体硬朗"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let (status, accepted) = act(&server, &admin, &event, "accept", json!({})).await;
    assert_eq!(status, 200, "{accepted}");
    let (status, dispatched) = act(
        &server,
        &admin,
        &event,
        "dispatch",
        json!({ "dispatched_to": "江边社区网格" }),
    )
    .await;
    assert_eq!(status, 200, "{dispatched}");

    // The `event-transitioned` hook closes it: 处置, then 办结.
    let started = Instant::now();
    loop {
        let (status, shown) = server
            .api(&admin, "GET", &format!("/api/events/{event}"), json!({}))
            .await;
        assert_eq!(status, 200, "{shown}");
        let state = shown["state"]
            .as_str()
            .or_else(|| shown["event"]["state"].as_str())
            .unwrap_or_default()
            .to_owned();
        if state == "resolved" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the plugin never resolved the visit task (state {state}):\n{shown}\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(stored_keys(&workspace, "visit-events/").await.is_empty());
}

#[test]
fn the_manifest_asks_for_no_permission_the_component_does_not_use() {
    let workspace = Workspace::sqlite();
    let out = tempfile::tempdir().expect("tempdir");
    let package = out.path().join("elder-care.wgp");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/elder-care");
    let output = workspace.wangge(&[
        "plugin",
        "build",
        "--path",
        dir.to_str().expect("utf-8 path"),
        "-o",
        package.to_str().expect("utf-8 path"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("! ")).collect();
    assert!(warnings.is_empty(), "{warnings:?}\n{stderr}");
    for interface in ["residents", "events", "notify"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("imports:") && l.contains(interface)),
            "the component imports {interface}: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_elders_reach_the_register_through_the_hook() {
    let workspace = Workspace::sqlite();
    workspace.run(&["demo", "seed", "--residents", "0", "--users"]);
    let publisher = Publisher::register(&workspace, "wangge");
    publisher.publish_approved(PLUGIN, "1.1.0", &same);
    workspace.run(&[
        "plugin",
        "install",
        PLUGIN,
        "--unit",
        STREET,
        "--grant-all-requested",
    ]);
    assert!(
        stored_keys(&workspace, "elders/").await.is_empty(),
        "no residents yet"
    );
    let _server = workspace.serve(&[]);
    let imported = workspace.import_demo("residents", "residents.csv");
    assert!(imported.contains("8 residents imported"), "{imported}");
    let zhang = resident_id(&workspace, "张建国").await;
    let started = Instant::now();
    let register = loop {
        let register = stored_keys(&workspace, "elders/").await;
        // 张建国, 李秀英 and 刘德华 are 60 or more and live in the street; 周芳 does not.
        if register.len() >= 3 {
            break register;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the hook never filled the register: {register:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let names: Vec<String> = register
        .iter()
        .map(|(_, value)| {
            let elder: Value = serde_json::from_str(value).expect("json");
            elder["name"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for name in ["张建国", "李秀英", "刘德华"] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    let (_, zhang_entry) = register
        .iter()
        .find(|(key, _)| *key == format!("elders/{zhang}"))
        .expect("张建国 by his id");
    let entry: Value = serde_json::from_str(zhang_entry).expect("json");
    assert_eq!(entry["living_alone"], true, "{entry}");
    assert_eq!(entry["band"], "80+", "{entry}");
}
