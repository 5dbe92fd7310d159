//! 巡查上报 in a real headless Chromium. A grid worker at the office width opens the
//! workspace's report form from its navigation, chooses a dispute (the reload shows its
//! parties' fields, filled in), one of their grids and
//! writes what they found, submits, and lands on the new event's page; the same form on a
//! phone fits its width (workers report on patrol too). Saves `worker-report.png` and
//! `worker-report-phone.png`.

use wangge_tests::Workspace;
use wangge_tests::browser::{Browser, DESKTOP, PHONE};
use wangge_tests::caller::Caller;

const GRID: &str = "420202001001001";

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_reports_what_they_found_on_patrol() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    let server = workspace.serve(&[]);
    let worker = Caller::signed_in(&server, "worker").await;

    let desk = Browser::start_at(DESKTOP).await;
    desk.goto(&format!("{}/healthz", server.base())).await;
    desk.add_cookie("wangge_session", &worker.token).await;
    desk.goto(&format!("{}/worker/", server.base())).await;
    desk.find("nav.worker a[href='/worker/report']")
        .await
        .click()
        .await;
    desk.wait_for("select[name=category]").await.click().await;
    desk.find("select[name=category] option[value='dispute.neighbour']")
        .await
        .click()
        .await;
    // The reload shows a dispute's own fields: its parties.
    desk.find("form.portal button.secondary")
        .await
        .click()
        .await;
    desk.wait_for("input[name='party.applicant.name']")
        .await
        .send_keys("王秀兰")
        .await;
    desk.find("input[name='party.respondent.name']")
        .await
        .send_keys("赵建国")
        .await;
    desk.find("select[name=unit]").await.click().await;
    desk.find(&format!("select[name=unit] option[value='{GRID}']"))
        .await
        .click()
        .await;
    desk.find("input[name=title]")
        .await
        .send_keys("楼上装修噪音扰民")
        .await;
    desk.find("textarea[name=description]")
        .await
        .send_keys("晚上十点后仍在施工，邻里争执")
        .await;
    desk.screenshot("worker-report").await;
    assert!(
        desk.page_width().await <= DESKTOP.0 + 20,
        "the form fits the office width"
    );
    desk.find("form.portal button[type=submit]:not(.secondary)")
        .await
        .click()
        .await;
    let state = desk.wait_for("#event-state").await.text().await;
    assert_eq!(state, "已上报");
    assert!(
        desk.current_url().await.contains("/worker/events/"),
        "the new event's page"
    );
    let title = desk.find("h1").await.text().await;
    assert_eq!(title, "楼上装修噪音扰民");
    let parties = desk.find("table.parties").await.text().await;
    assert!(
        parties.contains("王秀兰") && parties.contains("赵建国"),
        "the parties typed are on the dispute's record: {parties}"
    );

    let phone = Browser::start_at(PHONE).await;
    phone.goto(&format!("{}/healthz", server.base())).await;
    phone.add_cookie("wangge_session", &worker.token).await;
    phone
        .goto(&format!("{}/worker/report", server.base()))
        .await;
    phone.wait_for("select[name=unit]").await;
    assert!(
        phone.page_width().await <= PHONE.0,
        "no sideways scrolling on a phone"
    );
    phone.screenshot("worker-report-phone").await;
}
