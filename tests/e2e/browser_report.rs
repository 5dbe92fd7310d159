//! Reporting a problem with a photo in a real headless Chromium (see
//! [`wangge_tests::browser`]), phone-sized: a resident chooses 安全隐患 on `/report`, has
//! its custom fields shown by the form's second button (no script: a GET that keeps what
//! was typed), answers them, chooses a PNG in the file input, submits, and the report page
//! shows the photo, loaded and no wider than the phone. Saves
//! `artifacts/screenshots/resident-report-fields.png` and
//! `artifacts/screenshots/resident-reports-with-photo.png`.

use wangge_tests::browser::{Browser, PHONE};
use wangge_tests::{TEST_PASSWORD, Workspace};

/// 江边社区第一网格, where the resident lives.
const GRID: &str = "420202001001001";

/// An 800 × 300 PNG of red and white stripes: wider than the phone.
const WIDE_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x03, 0x20, 0x00, 0x00, 0x01, 0x2C, 0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0xE3, 0x45,
    0x79, 0x00, 0x00, 0x00, 0x06, 0x50, 0x4C, 0x54, 0x45, 0xC0, 0x39, 0x2B, 0xF7, 0xF9, 0xFB, 0x30,
    0x17, 0x41, 0x86, 0x00, 0x00, 0x00, 0x73, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0xED, 0xD7, 0x31,
    0x11, 0x00, 0x00, 0x0C, 0x02, 0x31, 0xFC, 0x9B, 0x6E, 0x5D, 0x30, 0x70, 0x89, 0x81, 0x5F, 0x21,
    0x01, 0x00, 0x26, 0x5D, 0x81, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x48, 0x3F, 0x02, 0x00, 0xF8,
    0xF1, 0x26, 0x91, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x1F, 0x0F, 0x00, 0xF8, 0xF1, 0x22, 0x22,
    0x22, 0x22, 0x22, 0x22, 0x22, 0x7E, 0x3C, 0x00, 0xE0, 0xC7, 0x8B, 0x88, 0x88, 0x88, 0x88, 0x88,
    0xF8, 0xF1, 0x00, 0x80, 0x1F, 0x6F, 0x77, 0x89, 0x88, 0x88, 0x88, 0x88, 0x88, 0xF8, 0xF1, 0x00,
    0x80, 0x1F, 0x2F, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0xE2, 0xC7, 0x03, 0x00, 0x7E, 0xBC, 0x88,
    0x88, 0x88, 0x88, 0x88, 0x88, 0x1F, 0x0F, 0x00, 0xCC, 0x78, 0xA2, 0x00, 0x7C, 0x7B, 0xB2, 0x9A,
    0x52, 0xB2, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_reports_a_problem_with_a_photo() {
    let workspace = Workspace::demo();
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    let photo = workspace.data_dir().join("楼道.png");
    std::fs::write(&photo, WIDE_PNG).expect("write the photo");
    let server = workspace.serve(&[]);
    let token = server.sign_in("zhang", TEST_PASSWORD).await;

    let browser = Browser::start().await;
    // A cookie is set for the page that is open: open the host's origin first.
    browser.goto(&format!("{}/healthz", server.base())).await;
    browser.add_cookie("wangge_session", &token).await;
    browser.goto(&format!("{}/report", server.base())).await;

    browser.find("select[name=category]").await.click().await;
    browser
        .find("select[name=category] option[value='safety-hazard']")
        .await
        .click()
        .await;
    browser
        .find("input[name=title]")
        .await
        .send_keys("楼道堆放杂物")
        .await;
    // 安全隐患 has custom fields: the second button shows them, keeping the title.
    browser.find("button.secondary").await.click().await;
    let hazard_type = browser
        .wait_for("select[name='attribute.hazard_type']")
        .await;
    assert_eq!(
        browser
            .find("input[name=title]")
            .await
            .property("value")
            .await
            .as_deref(),
        Some("楼道堆放杂物")
    );
    hazard_type.click().await;
    browser
        .find("select[name='attribute.hazard_type'] option[value='消防']")
        .await
        .click()
        .await;
    browser
        .find("input[name='attribute.people_at_risk']")
        .await
        .send_keys("30")
        .await;
    browser.screenshot("resident-report-fields").await;
    assert!(browser.page_width().await <= PHONE.0);
    browser
        .find("textarea[name=description]")
        .await
        .send_keys("三楼楼道堆满纸箱，影响通行。")
        .await;
    // Choosing a file is typing its path into the input, as WebDriver does it.
    browser
        .find("input[type=file][name=photo]")
        .await
        .send_keys(photo.to_str().expect("a UTF-8 path"))
        .await;
    browser
        .find("form[action='/report'] button[type=submit]:not(.secondary)")
        .await
        .click()
        .await;

    // The report page, with the photo.
    let img = browser.wait_for("figure.event-photo img").await;
    let src = img.attribute("src").await.unwrap_or_default();
    let url = browser.current_url().await;
    assert!(
        src.starts_with("/reports/")
            && src.ends_with("/photo")
            && url.ends_with(&src[..src.len() - 6]),
        "{src} on {url}"
    );
    assert!(
        img.attribute("alt")
            .await
            .is_some_and(|alt| !alt.is_empty())
    );
    let started = std::time::Instant::now();
    let loaded = loop {
        let size = browser
            .execute(
                "const img = document.querySelector('figure.event-photo img');\
                 return img.complete ? [img.naturalWidth, img.getBoundingClientRect().width] : null;",
                &[],
            )
            .await;
        if !size.is_null() || started.elapsed().as_secs() > 10 {
            break size;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    browser
        .execute("window.scrollTo(0, 0); return null;", &[])
        .await;
    browser.screenshot("resident-reports-with-photo").await;
    assert_eq!(loaded[0], 800, "the photo loaded: {loaded}");
    let shown = loaded[1].as_f64().unwrap_or(f64::MAX);
    assert!(
        shown > 0.0 && shown <= PHONE.0 as f64,
        "the photo is {shown} px wide on a {}-px phone",
        PHONE.0
    );
    assert!(browser.page_width().await <= PHONE.0);
    let text = browser.find("main").await.text().await;
    assert!(
        text.contains("楼道堆放杂物") && text.contains("三楼楼道堆满纸箱"),
        "{text}"
    );
}
