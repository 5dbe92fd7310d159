//! The grid worker workspace in a real headless Chromium (see [`wangge_tests::browser`]): a
//! worker moves a dispatched event through two workflow steps with the page's forms, and
//! the page shows the new state. Saves `artifacts/screenshots/worker-moves-event.png`.

use serde_json::json;
use wangge_tests::browser::Browser;
use wangge_tests::{Server, TEST_PASSWORD, Workspace};

/// 江边社区第一网格, the worker's grid.
const GRID: &str = "420202001001001";

/// Calls the API as `token` and asserts the status.
async fn call(
    server: &Server,
    token: &str,
    path: &str,
    body: serde_json::Value,
    status: u16,
) -> serde_json::Value {
    let (got, answer) = server.api(token, "POST", path, body).await;
    assert_eq!(got, status, "{path}: {answer}");
    answer
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_moves_an_event_through_two_workflow_steps() {
    let workspace = Workspace::demo();
    workspace.add_user("admin", "街道管理员", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    let server = workspace.serve(&[]);
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let li = server.sign_in("li", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;

    // Reported in the worker's grid, accepted and dispatched by the street's centre.
    let reported = call(
        &server,
        &li,
        "/api/events",
        json!({ "category": "dispute.neighbour", "title": "楼上噪音扰民", "description": "夜间施工", "unit": GRID }),
        201,
    )
    .await;
    let id = reported["id"].as_i64().expect("id");
    let actions = format!("/api/events/{id}/actions");
    call(
        &server,
        &admin,
        &actions,
        json!({ "action": "accept" }),
        200,
    )
    .await;
    call(
        &server,
        &admin,
        &actions,
        json!({ "action": "dispatch", "dispatched_to": "420202001001001" }),
        200,
    )
    .await;

    let browser = Browser::start().await;
    // A cookie is set for the page that is open: open the host's origin first.
    browser.goto(&format!("{}/healthz", server.base())).await;
    browser.add_cookie("wangge_session", &worker).await;
    browser
        .goto(&format!("{}/worker/events/{id}", server.base()))
        .await;
    browser
        .wait_for("#event-state[data-state='dispatched']")
        .await;

    // 处置.
    let handle = browser.find("#action-handle button[type=submit]").await;
    assert_eq!(handle.text().await, "处置");
    handle.click().await;
    browser
        .wait_for("#event-state[data-state='handling']")
        .await;

    // 办结, with a note.
    browser
        .find("#action-resolve textarea[name=note]")
        .await
        .send_keys("已协调双方，夜间停止施工")
        .await;
    let resolve = browser.find("#action-resolve button[type=submit]").await;
    assert_eq!(resolve.text().await, "办结");
    resolve.click().await;
    let state = browser
        .wait_for("#event-state[data-state='resolved']")
        .await;
    assert_eq!(state.text().await, "已办结");
    let page_text = browser.find("main").await.text().await;
    browser.screenshot("worker-moves-event").await;
    assert!(
        page_text.contains("已协调双方，夜间停止施工"),
        "the note on the timeline: {page_text}"
    );
    assert!(
        page_text.contains("处置") && page_text.contains("办结"),
        "both steps on the timeline: {page_text}"
    );
    assert!(
        // The workflow's forms (`action-…`); a dispute's mediation forms stay.
        browser
            .find_all("form.worker-action[id^='action-']")
            .await
            .is_empty(),
        "returning or closing a resolved event is the centre's: {page_text}"
    );
    assert!(
        browser
            .current_url()
            .await
            .ends_with(&format!("/worker/events/{id}")),
        "back on the event page"
    );

    let (_, event) = server
        .api(&admin, "GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(event["state"], "resolved", "{event}");
}
