//! A grid worker keeping base data in a real headless Chromium (see
//! [`wangge_tests::browser`]), on a phone (375 px) and an office desktop (1366 px): they find
//! a resident of their community by name with the list's search box, change the phone on the
//! resident's page, move the resident to another grid of the community, register them as a
//! special population from the same page and record a visit on that record. On the desktop the resident list uses the
//! width; on the phone nothing scrolls sideways. Saves `artifacts/screenshots/
//! base-data-{phone,desktop}-{search,resident,visit}.png`.

use serde_json::{Value, json};
use wangge_tests::browser::{Browser, DESKTOP, PHONE};
use wangge_tests::{Server, TEST_PASSWORD, Workspace};

use super::base_data_upkeep::id_number;

/// 江边社区, the worker's community, and two of its grids.
const COMMUNITY: &str = "420202001001";
const GRID: &str = "420202001001001";
const GRID2: &str = "420202001001002";

/// Calls the API as `token` and asserts the status.
async fn call(
    server: &Server,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
    status: u16,
) -> Value {
    let (got, answer) = server.api(token, method, path, body).await;
    assert_eq!(got, status, "{method} {path}: {answer}");
    answer
}

/// Today in China, as the visit form expects it (`2026-12-02`).
fn today() -> String {
    wangge_tests::today_in_china().to_string()
}

/// The width of the first element matching `selector`, in CSS pixels.
async fn width_of(browser: &Browser, selector: &str) -> f64 {
    let width = browser
        .execute(
            "return document.querySelector(arguments[0]).getBoundingClientRect().width;",
            &[json!(selector)],
        )
        .await;
    width
        .as_f64()
        .unwrap_or_else(|| panic!("{selector}: no width: {width}"))
}

/// The text of the first element matching `selector` once it holds `expected`, read in
/// one script so a page replaced meanwhile cannot leave a stale reference; whatever it
/// holds after 30 s.
async fn text_once(browser: &Browser, selector: &str, expected: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let text = browser
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                &[json!(selector)],
            )
            .await;
        let text = text.as_str().unwrap_or_default().to_owned();
        if text.contains(expected) || started.elapsed() > std::time::Duration::from_secs(30) {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// One pass at one viewport: `name` is registered (with a special-population record) through
/// the API, then found, edited, moved and visited through the pages.
async fn keep_one_resident(
    server: &Server,
    worker: &str,
    viewport: (u64, u64),
    label: &str,
    name: &str,
    first17: &str,
) {
    let number = id_number(first17);
    let resident = call(
        server,
        worker,
        "POST",
        "/api/residents",
        json!({
            "name": name, "gender": "男", "birth_date": format!("{}-{}-{}", &first17[6..10], &first17[10..12], &first17[12..14]),
            "id_number": number, "phone": "13800001111", "population_type": "户籍", "grid_code": GRID,
        }),
        201,
    )
    .await;
    let id = resident["id"].as_i64().expect("an id");

    let browser = Browser::start_at(viewport).await;
    browser.goto(&format!("{}/healthz", server.base())).await;
    browser.add_cookie("wangge_session", worker).await;

    // Found by the first characters of the name with the list's search box.
    browser
        .goto(&format!(
            "{}/worker/residents?unit={COMMUNITY}",
            server.base()
        ))
        .await;
    let prefix: String = name.chars().take(3).collect();
    browser
        .find("#resident-search input[name=q]")
        .await
        .send_keys(&prefix)
        .await;
    browser
        .find("#resident-search button[type=submit]")
        .await
        .click()
        .await;
    // The answer page says what was searched for.
    let summary = text_once(&browser, "main", "查找“").await;
    assert!(
        summary.contains(&prefix),
        "{label}: the answer names the search: {summary}"
    );
    let link = browser
        .wait_for(&format!("table.residents a[href='/worker/residents/{id}']"))
        .await;
    assert_eq!(
        link.text().await,
        name,
        "the resident is listed under the name"
    );
    let rows = browser.find_all("table.residents tbody tr").await;
    assert_eq!(rows.len(), 1, "one resident starts with {prefix}");
    assert!(
        browser.page_width().await <= viewport.0,
        "{label}: the list does not scroll sideways"
    );
    if viewport == DESKTOP {
        let table = width_of(&browser, "table.residents").await;
        assert!(
            table >= 1200.0,
            "{label}: the resident list uses the desktop's width, not a narrow column: {table} px"
        );
    }
    browser
        .screenshot(&format!("base-data-{label}-search"))
        .await;

    // A new phone number from the resident's page: saved, shown masked.
    link.click().await;
    browser.wait_for("#edit").await;
    browser
        .find("#edit input[name=phone]")
        .await
        .send_keys("13900002222")
        .await;
    browser
        .find("#edit button[type=submit]")
        .await
        .click()
        .await;
    let phone = text_once(&browser, "#phone", "139****2222").await;
    assert_eq!(phone, "139****2222", "{label}: the new phone, masked");
    let notice = text_once(&browser, "#page-notice", "已保存").await;
    assert_eq!(notice, "已保存。", "{label}: the page says it saved");

    // Moved to the community's second grid.
    browser
        .find(&format!(
            "#move select[name=grid_code] option[value='{GRID2}']"
        ))
        .await
        .click()
        .await;
    browser
        .find("#move button[type=submit]")
        .await
        .click()
        .await;
    let grid = text_once(&browser, "#grid", GRID2).await;
    assert_eq!(grid, GRID2, "{label}: the resident's grid after the move");
    let notice = text_once(&browser, "#page-notice", "已迁移").await;
    assert!(
        notice.contains("收件箱"),
        "{label}: the page says who was told: {notice}"
    );
    let history = browser.find("section.history").await.text().await;
    assert!(
        history.contains("139****2222") && !history.contains("13900002222"),
        "{label}: the history shows the phone change, masked: {history}"
    );
    assert!(
        browser.page_width().await <= viewport.0,
        "{label}: the resident's page does not scroll sideways"
    );
    browser
        .screenshot(&format!("base-data-{label}-resident"))
        .await;

    // Registered as a special population from the resident's page; the record's page opens.
    browser
        .find("#special select[name=category] option[value='community-correction']")
        .await
        .click()
        .await;
    browser
        .find("#special select[name=control_level] option[value='2']")
        .await
        .click()
        .await;
    browser
        .find("#special button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for("#visit").await;
    let url = browser.current_url().await;
    let record_id: i64 = url
        .rsplit('/')
        .next()
        .and_then(|last| last.parse().ok())
        .unwrap_or_else(|| panic!("{label}: on a special-population record's page: {url}"));

    // A visit on that record.
    let visited_on = browser
        .find("#visit input[name=visited_on]")
        .await
        .property("value")
        .await;
    assert_eq!(
        visited_on.as_deref(),
        Some(today().as_str()),
        "{label}: the form offers today"
    );
    browser
        .find("#visit select[name=kind] option[value='phone']")
        .await
        .click()
        .await;
    browser
        .find("#visit textarea[name=content]")
        .await
        .send_keys("电话回访，已按时报到。")
        .await;
    browser
        .find("#visit button[type=submit]")
        .await
        .click()
        .await;
    let visits = text_once(&browser, "table.visits", "电话回访").await;
    let notice = text_once(&browser, "#page-notice", "走访已记录").await;
    assert_eq!(
        notice, "走访已记录。",
        "{label}: the page says the visit was recorded"
    );
    assert!(
        visits.contains("电话回访，已按时报到。") && visits.contains(&today()),
        "{label}: the visit is listed: {visits}"
    );
    browser
        .screenshot(&format!("base-data-{label}-visit"))
        .await;

    // The API agrees with what the pages showed.
    let stored = call(
        server,
        worker,
        "GET",
        &format!("/api/residents/{id}"),
        json!(null),
        200,
    )
    .await;
    assert_eq!(stored["grid_code"], GRID2, "{stored}");
    assert_eq!(stored["phone"], "139****2222", "{stored}");
    let visits = call(
        server,
        worker,
        "GET",
        &format!("/api/special-populations/{record_id}/visits"),
        json!(null),
        200,
    )
    .await;
    assert_eq!(visits["visits"][0]["kind"], "phone", "{visits}");
    let record = call(
        server,
        worker,
        "GET",
        &format!("/api/special-populations/{record_id}"),
        json!(null),
        200,
    )
    .await;
    assert_eq!(
        record["record"]["grid_code"], GRID2,
        "registered in the grid moved to: {record}"
    );
    assert_eq!(record["record"]["control_level"], "2", "{record}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_finds_edits_moves_and_visits_a_resident_on_a_phone_and_a_desktop() {
    let workspace = Workspace::demo();
    workspace.add_user("keeper", "江边网格员", &[("grid-worker", COMMUNITY)]);
    let server = workspace.serve(&[]);
    let worker = server.sign_in("keeper", TEST_PASSWORD).await;
    keep_one_resident(
        &server,
        &worker,
        PHONE,
        "phone",
        "欧阳明远",
        "42020219850301001",
    )
    .await;
    keep_one_resident(
        &server,
        &worker,
        DESKTOP,
        "desktop",
        "司马青山",
        "42020219790615003",
    )
    .await;
}
