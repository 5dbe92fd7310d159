//! The leader dashboard in a real headless Chromium (see [`wangge_tests::browser`]): the
//! host's ECharts and `dashboard.js` run under the page's CSP and draw every chart.
//! Screenshot: `artifacts/screenshots/leader-dashboard.png`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wangge_tests::Workspace;
use wangge_tests::browser::Browser;

/// The demo users' password (`wangge demo seed --users`).
const DEMO_PASSWORD: &str = "wangge-demo";

/// The chart containers of the page.
const CHARTS: [&str; 3] = ["chart-category", "chart-state", "chart-trend"];

/// For each chart container: its canvas's width, height and count of non-transparent
/// pixels (null without a canvas).
const MEASURE: &str = "return arguments[0].map(function (id) {\
    var canvas = document.querySelector('#' + id + ' canvas');\
    if (!canvas) { return null; }\
    var w = canvas.width, h = canvas.height;\
    if (!w || !h) { return [w, h, 0]; }\
    var pixels = canvas.getContext('2d').getImageData(0, 0, w, h).data;\
    var painted = 0;\
    for (var i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted++; } }\
    return [w, h, painted];\
});";

fn drawn(measured: &Value) -> bool {
    measured.as_array().is_some_and(|charts| {
        charts.len() == CHARTS.len()
            && charts.iter().all(|c| {
                c.as_array()
                    .is_some_and(|v| v.iter().all(|n| n.as_u64().unwrap_or(0) > 0))
            })
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_leader_dashboard_renders_its_charts() {
    let workspace = Workspace::sqlite();
    workspace.run(&["demo", "seed", "--residents", "500", "--users"]);
    let server = workspace.serve(&[]);
    let token = server.sign_in("leader", DEMO_PASSWORD).await;

    let browser = Browser::start().await;
    // A cookie is set for the page that is open: open the host's origin first.
    browser.goto(&format!("{}/healthz", server.base())).await;
    browser.add_cookie("wangge_session", &token).await;
    browser
        .goto(&format!("{}/dashboard/?unit=4202", server.base()))
        .await;
    browser.wait_for("#chart-trend canvas").await;

    // ECharts paints on the next frames: wait until every canvas has pixels.
    let ids = json!(CHARTS);
    let started = Instant::now();
    let mut measured = browser.execute(MEASURE, std::slice::from_ref(&ids)).await;
    while !drawn(&measured) && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        measured = browser.execute(MEASURE, std::slice::from_ref(&ids)).await;
    }
    browser.screenshot("leader-dashboard").await;
    assert!(
        drawn(&measured),
        "each chart a non-empty canvas [width, height, painted pixels]: {measured}"
    );
    browser
        .execute(
            "document.querySelector('figure.unit-map').scrollIntoView(); return null;",
            &[],
        )
        .await;
    browser.screenshot("leader-dashboard-map").await;
    let polygons = browser
        .execute(
            "return document.querySelectorAll('svg path.unit').length;",
            &[],
        )
        .await;
    assert!(polygons.as_u64().unwrap_or(0) >= 2, "the map: {polygons}");
}
