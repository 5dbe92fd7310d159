//! 吹哨报到 in a real headless Chromium at the office width. The street's centre chooses
//! 城管 to lead on the dispatch form, opens 吹哨报到 and ticks 住建 and the 派出所, and the
//! event page then lists the three with none checked in; 住建's staff find the event under
//! 吹哨待报到 on their page, check in with a note, and the table shows their time. Saves
//! `whistle-dispatched.png` and `whistle-reported-in.png`.

use serde_json::json;
use wangge_tests::Workspace;
use wangge_tests::browser::{Browser, DESKTOP};
use wangge_tests::caller::Caller;

const GRID: &str = "420202001001001";

#[tokio::test(flavor = "multi_thread")]
async fn a_street_whistles_and_a_department_reports_in_in_the_browser() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("street", "街道中心", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "网格员", &[("grid-worker", GRID)]);
    workspace.add_user("zj", "住建办事员", &[("department-staff", "420202.zjj")]);
    let server = workspace.serve(&[]);
    let street = Caller::signed_in(&server, "street").await;
    let worker = Caller::signed_in(&server, "worker").await;
    let zj = Caller::signed_in(&server, "zj").await;
    let id = worker.report(GRID, "江边违建占道", json!({})).await;
    let (status, _) = street.act(id, json!({ "action": "accept" })).await;
    assert_eq!(status, 200);

    let desk = Browser::start_at(DESKTOP).await;
    desk.goto(&format!("{}/healthz", server.base())).await;
    desk.add_cookie("wangge_session", &street.token).await;
    desk.goto(&format!("{}/worker/events/{id}", server.base()))
        .await;
    desk.find("#action-dispatch option[value='420202.cgj']")
        .await
        .click()
        .await;
    desk.find("#action-dispatch details.summon summary")
        .await
        .click()
        .await;
    for code in ["420202.zjj", "420202001.pcs"] {
        desk.find(&format!("input[name='summon.{code}']"))
            .await
            .click()
            .await;
    }
    desk.find("#action-dispatch button[type=submit]")
        .await
        .click()
        .await;
    desk.wait_for("#event-state[data-state='dispatched']").await;
    let table = desk.find("table.summons").await.text().await;
    assert!(
        table.contains("黄石港区城市管理执法局")
            && table.contains("黄石港区住房和城乡建设局")
            && table.contains("黄石港派出所")
            && table.matches("未报到").count() == 3,
        "{table}"
    );
    desk.screenshot("whistle-dispatched").await;

    desk.add_cookie("wangge_session", &zj.token).await;
    desk.goto(&format!("{}/department/", server.base())).await;
    desk.wait_for("section.summoned a").await.click().await;
    desk.wait_for("#action-report-in textarea[name=note]")
        .await
        .send_keys("住建已到场，核查建筑手续")
        .await;
    desk.find("#action-report-in button[type=submit]")
        .await
        .click()
        .await;
    // Only the answer page has a note in the table.
    desk.wait_for("table.summons td.long:not(:empty)").await;
    let table = desk.find("table.summons").await.text().await;
    assert!(
        table.contains("住建已到场") && table.matches("未报到").count() == 2,
        "{table}"
    );
    assert!(
        desk.find_all("#action-report-in").await.is_empty(),
        "checked in once, the form is gone"
    );
    assert!(
        desk.page_width().await <= DESKTOP.0 + 20,
        "the page fits the office width"
    );
    desk.screenshot("whistle-reported-in").await;
}
