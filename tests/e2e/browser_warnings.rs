//! 风险预警 in a real headless Chromium. A street admin at the office width pushes a
//! warning from the dashboard's 风险预警 page, a grid worker on a phone finds it from the
//! start page, signs for their grid and sends feedback, and the admin's warning page then
//! shows the worker's name, the feedback and the 签收率. Saves `dashboard-warnings.png`,
//! `worker-warnings.png` and `warning-receipts.png`.

use wangge_tests::Workspace;
use wangge_tests::browser::{Browser, DESKTOP, PHONE};
use wangge_tests::caller::Caller;

const STREET: &str = "420202001";
const GRID: &str = "420202001001001";

#[tokio::test(flavor = "multi_thread")]
async fn a_warning_is_pushed_signed_for_and_answered_in_the_browser() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("li", "李网格员", &[("grid-worker", GRID)]);
    let server = workspace.serve(&[]);
    let admin = Caller::signed_in(&server, "admin").await;
    let li = Caller::signed_in(&server, "li").await;

    // The admin pushes it from the dashboard.
    let desk = Browser::start_at(DESKTOP).await;
    desk.goto(&format!("{}/healthz", server.base())).await;
    desk.add_cookie("wangge_session", &admin.token).await;
    desk.goto(&format!("{}/dashboard/?unit={STREET}", server.base()))
        .await;
    desk.find("a[href^='/dashboard/warnings']")
        .await
        .click()
        .await;
    desk.wait_for("input[name=title]")
        .await
        .send_keys("寒潮降温")
        .await;
    desk.find("textarea[name=body]")
        .await
        .send_keys("今夜最低气温零下五度，请走访独居老人并检查取暖设施。")
        .await;
    desk.screenshot("dashboard-warnings").await;
    desk.find("form.worker-action button[type=submit]")
        .await
        .click()
        .await;
    let pushed = desk.wait_for("#page-notice").await.text().await;
    assert!(pushed.starts_with("已推送至"), "{pushed}");
    let waiting = desk.find("table.receipts").await.text().await;
    assert!(waiting.contains("未签收"), "{waiting}");
    let warning_page = desk.current_url().await;

    // The worker, on a phone: the start page says one waits.
    let phone = Browser::start_at(PHONE).await;
    phone.goto(&format!("{}/healthz", server.base())).await;
    phone.add_cookie("wangge_session", &li.token).await;
    phone.goto(&format!("{}/worker/", server.base())).await;
    phone
        .wait_for("a[href='/worker/warnings']")
        .await
        .click()
        .await;
    phone
        .wait_for("form.acknowledge button")
        .await
        .click()
        .await;
    // Only the answer page has the receipt's state line.
    phone.wait_for("p.state").await;
    let done = phone.find("#page-notice").await.text().await;
    assert_eq!(done, "已签收。");
    phone
        .find("textarea[name=feedback]")
        .await
        .send_keys("已走访 3 户独居老人，取暖正常")
        .await;
    phone
        .find("section.receipt form.worker-action button[type=submit]")
        .await
        .click()
        .await;
    phone.wait_for("p.feedback").await;
    let done = phone.find("#page-notice").await.text().await;
    assert_eq!(done, "反馈已提交。");
    let card = phone.find("article.warning").await.text().await;
    assert!(
        card.contains("已签收：李网格员") && card.contains("已走访 3 户独居老人"),
        "{card}"
    );
    assert!(
        phone.page_width().await <= PHONE.0,
        "no sideways scrolling on a phone"
    );
    phone.screenshot("worker-warnings").await;

    // The admin's page now names the worker and the feedback.
    desk.goto(&warning_page).await;
    let receipts = desk.wait_for("table.receipts").await.text().await;
    assert!(
        receipts.contains("李网格员") && receipts.contains("取暖正常"),
        "{receipts}"
    );
    let rate = desk.find("main p strong").await.text().await;
    assert!(
        rate.contains("(1/"),
        "one grid of the street signed: {rate}"
    );
    assert!(
        desk.page_width().await <= DESKTOP.0 + 20,
        "the table fits the office width"
    );
    desk.screenshot("warning-receipts").await;
}
