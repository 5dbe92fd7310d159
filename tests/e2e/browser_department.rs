//! The department's queue in a real headless Chromium: the street's centre dispatches an
//! event to 城管 by choosing the department on the event page; the department's staff find
//! it in their queue (`/department/`) with its countdown, open it, handle and resolve it,
//! and the queue is empty again. Saves `artifacts/screenshots/department-queue.png` and
//! `department-event.png` at the office width.

use serde_json::json;
use wangge_tests::browser::{Browser, DESKTOP};
use wangge_tests::{TEST_PASSWORD, Workspace};

const GRID: &str = "420202001001001";

#[tokio::test(flavor = "multi_thread")]
async fn a_department_works_its_queue() {
    let workspace = Workspace::demo();
    workspace.add_user("admin", "街道管理员", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    workspace.add_user("cg", "城管办事员", &[("department-staff", "420202.cgj")]);
    let server = workspace.serve(&[]);
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let cg = server.sign_in("cg", TEST_PASSWORD).await;

    let (status, reported) = server
        .api(
            &worker,
            "POST",
            "/api/events",
            json!({
                "category": "environment", "title": "江边路渣土堆放", "description": "路口堆放建筑渣土",
                "unit": GRID, "attributes": { "issue": "乱堆乱放" },
            }),
        )
        .await;
    assert_eq!(status, 201, "{reported}");
    let id = reported["id"].as_i64().expect("id");
    let (status, _) = server
        .api(
            &admin,
            "POST",
            &format!("/api/events/{id}/actions"),
            json!({ "action": "accept" }),
        )
        .await;
    assert_eq!(status, 200);

    let browser = Browser::start_at(DESKTOP).await;
    browser.goto(&format!("{}/healthz", server.base())).await;

    // The centre chooses the department from the list the host offers.
    browser.add_cookie("wangge_session", &admin).await;
    browser
        .goto(&format!("{}/worker/events/{id}", server.base()))
        .await;
    browser
        .find("#action-dispatch option[value='420202.cgj']")
        .await
        .click()
        .await;
    browser
        .find("#action-dispatch button[type=submit]")
        .await
        .click()
        .await;
    browser
        .wait_for("#event-state[data-state='dispatched']")
        .await;
    let handler = browser.find("#event-handler").await.text().await;
    assert!(handler.contains("黄石港区城市管理执法局"), "{handler}");

    // The department's staff: the queue, then the event.
    browser.add_cookie("wangge_session", &cg).await;
    browser
        .goto(&format!("{}/department/", server.base()))
        .await;
    let row = browser.wait_for(&format!("tr[data-event='{id}']")).await;
    let text = row.text().await;
    assert!(
        text.contains("江边路渣土堆放") && text.contains("已派遣") && text.contains("工作日"),
        "{text}"
    );
    browser.screenshot("department-queue").await;
    browser
        .find(&format!("tr[data-event='{id}'] a"))
        .await
        .click()
        .await;
    browser
        .wait_for("#event-state[data-state='dispatched']")
        .await;
    browser
        .find("#action-handle button[type=submit]")
        .await
        .click()
        .await;
    browser
        .wait_for("#event-state[data-state='handling']")
        .await;
    browser
        .find("#action-resolve textarea[name=note]")
        .await
        .send_keys("渣土已清运，路口恢复通行")
        .await;
    browser
        .find("#action-resolve button[type=submit]")
        .await
        .click()
        .await;
    browser
        .wait_for("#event-state[data-state='resolved']")
        .await;
    browser.screenshot("department-event").await;
    let page = browser.find("main").await.text().await;
    assert!(page.contains("渣土已清运，路口恢复通行"), "{page}");

    browser
        .goto(&format!("{}/department/", server.base()))
        .await;
    let empty = browser.wait_for("p.notice").await.text().await;
    assert!(empty.contains("暂无待办事件"), "{empty}");
    assert!(
        browser.page_width().await <= DESKTOP.0,
        "no sideways scrolling at the office width"
    );
}
