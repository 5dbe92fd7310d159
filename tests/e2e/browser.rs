//! Plugin pages in a real headless Chromium (see [`wangge_tests::browser`]): a page that
//! tries to run script does not run it under the host's Content-Security-Policy, and a
//! resident books a meal in elder-care by filling and submitting the form on a phone-sized
//! window without sideways scrolling. Each test saves a screenshot to
//! `artifacts/screenshots/`.

use wangge_tests::browser::{Browser, PHONE};
use wangge_tests::{TEST_PASSWORD, Workspace, day, plugin_page};

/// 黄石港街道, where the plugins are installed.
const STREET: &str = "420202001";
/// 江边社区第一网格, where 张建国 lives.
const GRID: &str = "420202001001001";
const CANTEEN: &str = "江边社区长者食堂";
/// The viewport's width: a phone's.
const PHONE_WIDTH: u64 = PHONE.0;

#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_page_that_tries_to_inject_a_script_does_not_run_it() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_plugin(
        "script-injector",
        &["--unit", STREET, "--unit-name", "黄石港街道"],
    );
    let server = workspace.serve(&[]);
    let browser = Browser::start().await;

    let url = format!(
        "{}{}",
        server.base(),
        plugin_page("script-injector", "/", STREET)
    );
    browser.goto(&url).await;
    let marker = browser.find("#marker").await;
    assert_eq!(marker.text().await, "注入测试");
    // The attempts reached the browser (the test means nothing otherwise) …
    let attempts = browser
        .execute(
            "return [document.querySelectorAll('main script').length,\
                     document.querySelectorAll('main img[onerror]').length];",
            &[],
        )
        .await;
    assert_eq!(
        attempts,
        serde_json::json!([1, 1]),
        "the plugin's <script> and <img onerror>"
    );
    // … and the `<img onerror>` fires (or not) once the image fails: give it time to.
    let img_done = browser
        .execute(
            "const img = document.querySelector('img');\
             return img !== null && img.complete;",
            &[],
        )
        .await;
    assert_eq!(
        img_done,
        serde_json::json!(true),
        "the image has been tried"
    );
    let pwned = browser.execute("return typeof window.__pwned;", &[]).await;
    browser.screenshot("plugin-script-blocked").await;
    assert_eq!(
        pwned,
        serde_json::json!("undefined"),
        "neither the inline <script> nor the onerror handler ran"
    );
    let title = browser.title().await;
    assert_ne!(title, "pwned");
    assert!(title.contains("注入测试"), "the host's title: {title}");
    assert!(browser.page_width().await <= PHONE_WIDTH);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_books_a_meal_in_elder_care() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace.add_plugin(
        "elder-care",
        &[
            "--unit",
            STREET,
            "--unit-name",
            "黄石港街道",
            "--config",
            &format!("canteens={CANTEEN}:30"),
        ],
    );
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    let zhang = workspace.resident_id("张建国").await;
    workspace.run(&["users", "link-resident", "zhang", &zhang.to_string()]);
    let server = workspace.serve(&[]);
    let token = server.sign_in("zhang", TEST_PASSWORD).await;

    let browser = Browser::start().await;
    // A cookie is set for the page that is open: open the host's origin first.
    browser.goto(&format!("{}/healthz", server.base())).await;
    browser.add_cookie("wangge_session", &token).await;
    let meals = format!(
        "{}{}",
        server.base(),
        plugin_page("elder-care", "/meals", STREET)
    );
    browser.goto(&meals).await;
    assert!(
        !browser.find_all("#no-bookings").await.is_empty(),
        "no bookings yet: {}",
        browser.find("main").await.text().await
    );

    // The form offers tomorrow (in China) by default; the resident picks the canteen.
    let tomorrow = day(1);
    let date = browser.find("#date").await;
    assert_eq!(
        date.property("value").await.as_deref(),
        Some(tomorrow.as_str())
    );
    browser.find("#canteen").await.click().await;
    browser
        .find(&format!("#canteen option[value='{CANTEEN}']"))
        .await
        .click()
        .await;
    assert_eq!(
        browser
            .find("#canteen")
            .await
            .property("value")
            .await
            .as_deref(),
        Some(CANTEEN)
    );
    browser
        .find("form[action*='/meals'] button[type=submit]")
        .await
        .click()
        .await;

    // Booked: back on the meal page (redirected after the POST), which lists it.
    browser.wait_for("#my-bookings li").await;
    let after = browser.current_url().await;
    let booked = browser.find_all("#my-bookings li").await;
    let page_text = browser.find("body").await.text().await;
    browser.screenshot("resident-books-meal").await;
    assert!(
        !page_text.contains("403") && !page_text.contains("Forbidden"),
        "the browser's form post was refused (a same-origin check?) at {after}: {page_text}"
    );
    assert_eq!(
        booked.len(),
        1,
        "one booking listed at {after}: {page_text}"
    );
    let listed = booked[0].text().await;
    assert!(
        listed.contains(&tomorrow) && listed.contains(CANTEEN),
        "{listed}"
    );
    assert!(
        page_text.contains(&format!("取消 {tomorrow} 的预订")),
        "{page_text}"
    );
    assert!(after.contains("/p/elder-care/meals"), "{after}");
    let viewport = browser.execute("return window.innerWidth;", &[]).await;
    assert_eq!(
        viewport,
        serde_json::json!(PHONE_WIDTH),
        "a phone's viewport"
    );
    let width = browser.page_width().await;
    assert!(
        width <= PHONE_WIDTH,
        "the meal page is {width} px wide on a {PHONE_WIDTH}-px phone: it scrolls sideways"
    );
}
