//! Rating and assessment in a real headless Chromium. A resident on a phone opens their
//! closed report, rates it 基本满意 with a comment and sees the rating on the page; a county
//! leader at the office width opens the 考核 table, reads the street's event count and
//! drills into it, finding exactly those events. Saves `portal-evaluation.png` and
//! `assessment.png`, `assessment-events.png`.

use serde_json::json;
use wangge_tests::Workspace;
use wangge_tests::browser::{Browser, DESKTOP, PHONE};
use wangge_tests::caller::Caller;

const GRID: &str = "420202001001001";
const STREET: &str = "420202001";

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_rates_and_a_leader_drills_into_the_assessment() {
    let workspace = Workspace::demo();
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("cg", "城管办事员", &[("department-staff", "420202.cgj")]);
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("county", "区领导", &[("leader", "420202")]);
    let server = workspace.serve(&[]);
    let admin = Caller::signed_in(&server, "admin").await;
    let cg = Caller::signed_in(&server, "cg").await;
    let zhang = Caller::signed_in(&server, "zhang").await;
    let county = Caller::signed_in(&server, "county").await;

    let mut ids = Vec::new();
    for title in ["楼道堆放杂物", "路灯不亮", "垃圾未清运"] {
        let id = zhang.report(GRID, title, json!({})).await;
        for (who, body) in [
            (&admin, json!({ "action": "accept" })),
            (
                &admin,
                json!({ "action": "dispatch", "dispatched_to": "420202.cgj" }),
            ),
            (&cg, json!({ "action": "handle" })),
            (&cg, json!({ "action": "resolve", "note": "已处理" })),
            (&admin, json!({ "action": "close" })),
        ] {
            let (status, moved) = who.act(id, body.clone()).await;
            assert_eq!(status, 200, "{body}: {moved}");
        }
        ids.push(id);
    }
    let id = ids[0];

    // The resident, on a phone.
    let phone = Browser::start_at(PHONE).await;
    phone.goto(&format!("{}/healthz", server.base())).await;
    phone.add_cookie("wangge_session", &zhang.token).await;
    phone.goto(&format!("{}/reports/{id}", server.base())).await;
    phone
        .wait_for("input[name=rating][value='basically-satisfied']")
        .await
        .click()
        .await;
    phone
        .find("textarea[name=comment]")
        .await
        .send_keys("处理了，但等了几天")
        .await;
    phone
        .find("form.portal button[type=submit]")
        .await
        .click()
        .await;
    let rated = phone.wait_for("ul.items li strong").await.text().await;
    assert_eq!(rated, "基本满意");
    let page = phone.find("main").await.text().await;
    assert!(
        page.contains("处理了，但等了几天") && page.contains("已评价"),
        "{page}"
    );
    assert!(
        !page.contains("提交评价"),
        "rated once, the form is gone: {page}"
    );
    assert!(
        phone.page_width().await <= PHONE.0,
        "no sideways scrolling on a phone"
    );
    phone.screenshot("portal-evaluation").await;

    // The county's leader, at the office width.
    let desk = Browser::start_at(DESKTOP).await;
    desk.goto(&format!("{}/healthz", server.base())).await;
    desk.add_cookie("wangge_session", &county.token).await;
    desk.goto(&format!("{}/dashboard/?unit=420202", server.base()))
        .await;
    desk.find("a[href^='/dashboard/assessment']")
        .await
        .click()
        .await;
    desk.wait_for("table.assessment").await;
    let cell = desk
        .find(&format!(
            "table.assessment a[href*='row={STREET}&figure=all']"
        ))
        .await;
    let count: usize = cell
        .text()
        .await
        .trim()
        .parse()
        .expect("the street's event count");
    assert!(
        count >= ids.len(),
        "the street holds at least the three closed reports: {count}"
    );
    desk.screenshot("assessment").await;
    assert!(
        desk.page_width().await <= DESKTOP.0 + 20,
        "the table fits the office width"
    );
    cell.click().await;
    desk.wait_for("h1").await;
    let rows = desk.find_all("table.events tbody tr").await;
    assert_eq!(
        rows.len(),
        count.min(100),
        "the drill-down lists the events counted"
    );
    let listed = desk.find("table.events").await.text().await;
    assert!(listed.contains("楼道堆放杂物"), "{listed}");
    desk.screenshot("assessment-events").await;
}
