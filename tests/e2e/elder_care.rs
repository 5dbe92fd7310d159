//! The elder-care plugin with the real binary: 1.0.0 installed from the registry, meals
//! booked through HTTP by two residents (one refused: the canteen is full), then 1.1.0
//! published and the installation upgraded, its `migrate` turning 1.0.0's meal lists into
//! one key per booking — the pages show the bookings, cancelling works and frees the place.
//! A visit task from the schedule is closed by the plugin once the centre dispatched it.
//! And the manifest asks for no permission the component does not use.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wangge_tests::registry::{Publisher, install, same};
use wangge_tests::{Page, Server, TEST_PASSWORD, Workspace, day, plugin_page};

const PLUGIN: &str = "elder-care";
/// 黄石港街道, where it is installed.
const STREET: &str = "420202001";
/// 江边社区第一网格: 张建国 (the demo `resident`) and 李秀英 live there.
const GRID: &str = "420202001001001";
/// The demo users' password.
const DEMO_PASSWORD: &str = "wangge-demo";
const JIANGBIAN: &str = "江边社区长者食堂";
const SHENGYANG: &str = "胜阳港长者食堂";

/// The path of the plugin's page `path` at the street's installation.
fn at(path: &str) -> String {
    plugin_page(PLUGIN, path, STREET)
}

/// Books a meal at `canteen` on `date` as the holder of `token`.
async fn book(server: &Server, token: &str, date: &str, canteen: &str) -> Page {
    server
        .post_form_as(
            token,
            &at("/meals"),
            &[("date", date), ("canteen", canteen)],
        )
        .await
}

async fn stored_keys(workspace: &Workspace, prefix: &str) -> Vec<(String, String)> {
    workspace.stored_under(PLUGIN, STREET, prefix).await
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
    let zhang = workspace.resident_id_in("张建国", GRID).await;
    let li = workspace.resident_id_in("李秀英", GRID).await;
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    workspace.run(&["users", "link-resident", "li", &li.to_string()]);

    let publisher = Publisher::register(&workspace, "wangge");
    let canteens = format!("canteens={JIANGBIAN}:1;{SHENGYANG}:5");
    publisher.install_release(PLUGIN, "1.0.0", STREET, &["--config", &canteens]);
    assert_eq!(installed_version(&workspace).await, "1.0.0");

    let (tomorrow, later) = (day(1), day(2));
    {
        let server = workspace.serve(&[]);
        let resident = server.sign_in("resident", DEMO_PASSWORD).await;
        let li_token = server.sign_in("li", TEST_PASSWORD).await;
        let Page { status, body, .. } = book(&server, &resident, &tomorrow, JIANGBIAN).await;
        assert_eq!(status, 303, "{body}");
        let Page { status, body, .. } = book(&server, &li_token, &tomorrow, JIANGBIAN).await;
        assert_eq!(status, 400, "one place a day at 江边: {body}");
        assert!(body.contains("已订满"), "{body}");
        let Page { status, body, .. } = book(&server, &li_token, &tomorrow, SHENGYANG).await;
        assert_eq!(status, 303, "{body}");
        let Page { status, body, .. } = book(&server, &resident, &later, SHENGYANG).await;
        assert_eq!(status, 303, "{body}");
    }
    let lists = stored_keys(&workspace, "meals/").await;
    assert_eq!(lists.len(), 2, "1.0.0 keeps one list per date: {lists:?}");
    assert!(stored_keys(&workspace, "bookings/").await.is_empty());

    let upgraded = publisher.publish_and_upgrade(PLUGIN, "1.1.0", STREET);
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
    let Page {
        status, body: page, ..
    } = server.page_as(&resident, &at("/meals")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("取消 {tomorrow} 的预订")), "{page}");
    assert!(page.contains(&format!("取消 {later} 的预订")), "{page}");
    let Page {
        status, body: list, ..
    } = server
        .page_as(&worker, &at(&format!("/worker/meals?date={tomorrow}")))
        .await;
    assert_eq!(status, 200, "{list}");
    assert!(list.contains("张建国") && list.contains("李秀英"), "{list}");
    assert!(list.contains("已预订 1 / 1 份"), "{list}");

    // Still full until 张建国 cancels; then 李秀英 moves to 江边.
    let Page { status, body, .. } = server
        .post_form_as(&li_token, &at("/meals/cancel"), &[("date", &tomorrow)])
        .await;
    assert_eq!(status, 303, "{body}");
    let Page { status, body, .. } = book(&server, &li_token, &tomorrow, JIANGBIAN).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("已订满"), "{body}");
    let Page { status, body, .. } = server
        .post_form_as(&resident, &at("/meals/cancel"), &[("date", &tomorrow)])
        .await;
    assert_eq!(status, 303, "{body}");
    let Page { status, body, .. } = book(&server, &li_token, &tomorrow, JIANGBIAN).await;
    assert_eq!(status, 303, "{body}");
    let Page { body: page, .. } = server.page_as(&resident, &at("/meals")).await;
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
    let zhang = workspace.resident_id_in("张建国", GRID).await;
    let publisher = Publisher::register(&workspace, "wangge");
    publisher.publish_approved(PLUGIN, "1.1.0", &same);
    install(&workspace, PLUGIN, STREET, &[]);

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
    let Page { status, body, .. } = server
        .post_form_as(
            &worker,
            &at("/worker/visits"),
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
        json!({ "dispatched_to": "420202001001001" }),
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
    let output = workspace.build_bundled(PLUGIN).output;
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
    install(&workspace, PLUGIN, STREET, &[]);
    assert!(
        stored_keys(&workspace, "elders/").await.is_empty(),
        "no residents yet"
    );
    let _server = workspace.serve(&[]);
    let imported = workspace.import_demo("residents", "residents.csv");
    assert!(imported.contains("8 residents imported"), "{imported}");
    let zhang = workspace.resident_id_in("张建国", GRID).await;
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
