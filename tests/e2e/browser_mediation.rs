//! 矛盾纠纷调处 in a real headless Chromium. A grid worker at the office width opens the
//! neighbours' dispute they reported, registers it as 房屋漏水渗水, enters both parties (a
//! bad phone first: the field is named in Chinese, the name kept), and records a session
//! that ends in a signed 调解协议; the stage reads 调解成功 and the session form is gone. The
//! same page on a phone fits its width. Saves `mediation-desktop.png` and
//! `mediation-phone.png`.

use serde_json::{Value, json};
use wangge_tests::browser::{Browser, DESKTOP, PHONE};
use wangge_tests::caller::Caller;
use wangge_tests::{Workspace, day};

const GRID: &str = "420202001001001";

#[tokio::test(flavor = "multi_thread")]
async fn a_grid_worker_mediates_a_dispute_in_the_browser() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("worker", "李网格员", &[("grid-worker", GRID)]);
    let server = workspace.serve(&[]);
    let worker = Caller::signed_in(&server, "worker").await;
    let (status, created) = worker
        .post(
            "/api/events",
            json!({ "category": "dispute.neighbour", "title": "楼上漏水引发邻里纠纷", "description": "", "unit": GRID }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("an id");
    let page = format!("{}/worker/events/{id}", server.base());

    let desk = Browser::start_at(DESKTOP).await;
    desk.goto(&format!("{}/healthz", server.base())).await;
    desk.add_cookie("wangge_session", &worker.token).await;
    desk.goto(&page).await;
    assert_eq!(
        desk.find("#dispute-stage")
            .await
            .attribute("data-stage")
            .await
            .as_deref(),
        Some("registered")
    );
    desk.find("#dispute-item-form select[name=item] option:nth-child(3)")
        .await
        .click()
        .await;
    desk.find("#dispute-item-form button[type=submit]")
        .await
        .click()
        .await;
    // The item's line is on the page before the submit too: wait for its new text.
    let item = desk.wait_for_text("#dispute-item", "房屋漏水渗水").await;
    assert!(item.starts_with("纠纷事项"), "{item}");

    let party = |side: &'static str, name: &'static str, phone: &'static str| {
        let desk = &desk;
        async move {
            desk.find(&format!("#dispute-party-form option[value={side}]"))
                .await
                .click()
                .await;
            desk.find("#dispute-party-form input[name=name]")
                .await
                .send_keys(name)
                .await;
            desk.find("#dispute-party-form input[name=phone]")
                .await
                .send_keys(phone)
                .await;
            desk.find("#dispute-party-form button[type=submit]")
                .await
                .click()
                .await;
        }
    };
    party("applicant", "王秀兰", "1381234").await;
    let error = desk.wait_for("#phone-error").await.text().await;
    assert!(error.contains("手机号码须为 1 开头的 11 位数字"), "{error}");
    assert_eq!(
        desk.find("#dispute-party-form input[name=name]")
            .await
            .property("value")
            .await
            .as_deref(),
        Some("王秀兰"),
        "the name typed is kept"
    );
    desk.execute(
        "document.querySelector('#dispute-party-form input[name=phone]').value = ''; \
         document.querySelector('#dispute-party-form input[name=name]').value = '';",
        &[],
    )
    .await;
    party("applicant", "王秀兰", "13812345678").await;
    desk.wait_for("table.parties").await;
    party("respondent", "赵建国", "13900001111").await;
    desk.wait_for("table.parties tbody tr:nth-child(2)").await;
    let parties = desk.find("table.parties").await.text().await;
    assert!(
        parties.contains("138****5678")
            && parties.contains("赵建国")
            && !parties.contains("13812345678"),
        "{parties}"
    );

    desk.execute(
        "document.querySelector('#dispute-session-form input[name=held_on]').value = arguments[0];",
        &[Value::String(day(0))],
    )
    .await;
    desk.find("#dispute-session-form input[name=mediator]")
        .await
        .send_keys("张调解员")
        .await;
    desk.find("#dispute-session-form input[name=place]")
        .await
        .send_keys("江边社区调解室")
        .await;
    desk.find("#dispute-session-form option[value=agreed]")
        .await
        .click()
        .await;
    desk.find("#dispute-session-form input[name=agreement_signed]")
        .await
        .click()
        .await;
    desk.find("#dispute-session-form textarea[name=note]")
        .await
        .send_keys("楼上承担维修费用 1200 元")
        .await;
    desk.find("#dispute-session-form button[type=submit]")
        .await
        .click()
        .await;
    desk.wait_for("#dispute-stage[data-stage=settled]").await;
    let sessions = desk.find("table.sessions").await.text().await;
    assert!(
        sessions.contains("调解成功")
            && sessions.contains("已签订")
            && sessions.contains("张调解员"),
        "{sessions}"
    );
    assert!(
        desk.find_all("#dispute-session-form").await.is_empty(),
        "the mediation concluded, no further session"
    );
    assert!(
        desk.page_width().await <= DESKTOP.0 + 20,
        "fits the office width"
    );
    desk.screenshot("mediation-desktop").await;

    let phone = Browser::start_at(PHONE).await;
    phone.goto(&format!("{}/healthz", server.base())).await;
    phone.add_cookie("wangge_session", &worker.token).await;
    phone.goto(&page).await;
    phone.wait_for("#dispute-stage[data-stage=settled]").await;
    assert!(
        phone.page_width().await <= PHONE.0 + 20,
        "fits a phone's width"
    );
    phone.screenshot("mediation-phone").await;
}
