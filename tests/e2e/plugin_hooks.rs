//! Hooks delivered by the host: events reported and moved through the API, residents
//! imported, and declared schedules reach the installations that subscribed and whose unit
//! covers them, and nothing else. The `hook-recorder` test plugin writes down every call.

use std::time::{Duration, Instant};

use serde_json::json;
use wangge_tests::{Server, TEST_PASSWORD, Workspace};

/// 黄石港街道: where the recorder is installed.
const STREET: &str = "420202001";
/// 江边社区第一网格, inside it.
const GRID: &str = "420202001001001";
/// 沈家营社区第一网格, in another street.
const OTHER_GRID: &str = "420202002001001";

async fn recorded(server: &Server) -> String {
    server
        .get(&format!("/p/hook-recorder/?unit={STREET}"))
        .await
        .body
}

/// Waits until the recorder's log contains `line` (delivery runs after the response).
async fn wait_for(server: &Server, line: &str) -> String {
    let started = Instant::now();
    loop {
        let log = recorded(server).await;
        if log.contains(line) {
            return log;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never delivered: {line}\n{log}\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribed_hooks_and_schedules_reach_the_installation_covering_them() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_plugin(
        "hook-recorder",
        &["--unit", STREET, "--unit-name", "黄石港街道"],
    );
    workspace.add_user("street-admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("other-worker", "别处网格员", &[("grid-worker", OTHER_GRID)]);
    let server = workspace.serve(&[]);

    // The server's scheduler fires an interval schedule at its first look; a daily one
    // waits for its time of day.
    let first = wait_for(&server, "scheduled:tick").await;
    assert!(!first.contains("scheduled:morning"), "{first}");

    let admin = server.sign_in("street-admin", TEST_PASSWORD).await;
    let other = server.sign_in("other-worker", TEST_PASSWORD).await;
    let report = |unit: &str| json!({ "category": "dispute.neighbour", "title": "噪音纠纷", "description": "", "unit": unit });
    let (status, outside) = server
        .api(&other, "POST", "/api/events", report(OTHER_GRID))
        .await;
    assert_eq!(status, 201, "{outside}");
    let (status, inside) = server
        .api(&admin, "POST", "/api/events", report(GRID))
        .await;
    assert_eq!(status, 201, "{inside}");
    let (outside, inside) = (&outside["id"], &inside["id"]);
    wait_for(&server, &format!("event-reported:{inside}:{GRID}")).await;

    let (status, moved) = server
        .api(
            &admin,
            "POST",
            &format!("/api/events/{inside}/actions"),
            json!({ "action": "accept", "note": "" }),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    let log = wait_for(
        &server,
        &format!("event-transitioned:{inside}:reported:accept:accepted"),
    )
    .await;
    assert!(
        !log.contains(&format!("event-reported:{outside}:")),
        "an event in another street is not delivered:\n{log}"
    );

    // Imported residents: those in the street reach the plugin, masked; 周芳 lives in
    // another street.
    let imported = workspace.import_demo("residents", "residents.csv");
    assert!(imported.contains("8 residents imported"), "{imported}");
    let log = wait_for(&server, "resident-changed:added:张建国:").await;
    assert!(log.contains("resident-changed:added:孙强:"), "{log}");
    assert!(!log.contains("周芳"), "{log}");
    assert!(
        !log.contains("420202194405120116"),
        "a hook sees ID numbers masked:\n{log}"
    );

    // An operator fires a schedule by hand; an undeclared one is refused by name.
    let fired = workspace.run(&[
        "plugin",
        "run-schedule",
        "hook-recorder",
        "tick",
        "--unit",
        STREET,
    ]);
    assert!(fired.contains("fired tick"), "{fired}");
    let log = recorded(&server).await;
    assert_eq!(log.matches("scheduled:tick").count(), 2, "{log}");
    let refused = workspace.wangge(&[
        "plugin",
        "run-schedule",
        "hook-recorder",
        "nightly",
        "--unit",
        STREET,
    ]);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("declares no schedule `nightly` (it declares: tick, morning)"),
        "{message}"
    );
}
