//! Leader dashboards (`/dashboard/`): the real binary over HTTP on the seeded demo city.
//! The page carries its chart data as JSON, a map of the child units as SVG and links one
//! level down; small cells show as `<5` above community; only leaders and unit admins over
//! the unit see it; ECharts is served by the host under a CSP that allows no inline script.

use serde_json::Value;
use wangge_tests::{Server, Workspace, text_between};

/// The demo users' password (`wangge demo seed --users`).
const DEMO_PASSWORD: &str = "wangge-demo";

/// A seeded demo city with its users, served with `flags`.
fn seeded(flags: &[&str]) -> (Workspace, Server) {
    let workspace = Workspace::sqlite();
    workspace.run(&["demo", "seed", "--residents", "500", "--users"]);
    let server = workspace.serve(flags);
    (workspace, server)
}

/// The page's JSON data block.
fn data(body: &str) -> Value {
    let json = text_between(
        body,
        r#"<script type="application/json" id="data">"#,
        "</script>",
    );
    serde_json::from_str(json).unwrap_or_else(|e| panic!("data block: {e}\n{json}"))
}

#[tokio::test]
async fn a_leader_sees_the_city_and_drills_down() {
    let (_workspace, server) = seeded(&[]);
    let leader = server.sign_in("leader", DEMO_PASSWORD).await;

    // No unit: the leader's highest grant unit, 黄石市.
    let page = server.page_as(&leader, "/dashboard/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csp = page.header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap_or_default();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(!page.body.contains("<script>"), "no inline script");
    assert!(
        page.body
            .contains(r#"<script src="/static/echarts.min.js">"#)
    );
    assert!(page.body.contains(r#"<script src="/static/dashboard.js">"#));

    let data = data(&page.body);
    assert_eq!(data["unit"], "4202");
    assert_eq!(data["by_day"].as_array().map(Vec::len), Some(30), "{data}");
    assert!(
        data["by_category"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "{data}"
    );
    assert!(
        data["by_state"].as_array().is_some_and(|c| !c.is_empty()),
        "{data}"
    );

    // The districts of 黄石市 on the map and in the table, each a way down.
    assert!(page.body.contains("<svg"), "a map");
    let polygons = page.body.matches(r#"<path class="unit""#).count();
    assert!(polygons >= 2, "one polygon per district: {polygons}");
    assert!(page.body.contains(r#"data-unit="420202""#));
    assert!(page.body.contains(r#"href="/dashboard/?unit=420202""#));
    assert!(page.body.contains("<title>"), "tooltips");
    assert!(page.body.contains("未结案"), "open events per district");

    // Small cells: at city level a count of 1–4 shows as `<5`, never as the number, in the
    // tables and the chart data alike.
    let small_in_data = ["by_category", "by_state", "by_day"]
        .iter()
        .flat_map(|key| data[*key].as_array().cloned().unwrap_or_default())
        .any(|row| row["value"] == "<5");
    let numbers_in_data = ["by_category", "by_state", "by_day"]
        .iter()
        .flat_map(|key| data[*key].as_array().cloned().unwrap_or_default())
        .filter_map(|row| row["value"].as_i64())
        .all(|n| n == 0 || n >= 5);
    assert!(numbers_in_data, "no count of 1–4 at city level: {data}");
    assert!(
        small_in_data,
        "the seeded city has some small cells: {data}"
    );
    assert!(page.body.contains("&lt;5"), "small cells in the tables");

    // One level down, then another: a district, then its first street.
    let district = server.page_as(&leader, "/dashboard/?unit=420202").await;
    assert_eq!(district.status, 200, "{}", district.body);
    assert_eq!(data_unit(&district.body), "420202");
    assert!(
        district
            .body
            .contains(r#"href="/dashboard/?unit=420202001""#)
    );
    assert!(
        district.body.contains(r#"href="/dashboard/?unit=4202""#),
        "back up"
    );
    assert!(
        !page.body.contains(r#"href="/dashboard/?unit=42""#),
        "no way up to the province, which the leader may not see"
    );
    let street = server.page_as(&leader, "/dashboard/?unit=420202001").await;
    assert_eq!(street.status, 200);
    assert!(
        street
            .body
            .contains(r#"href="/dashboard/?unit=420202001001""#)
    );

    // ECharts, from npm through the host.
    let echarts = server.get("/static/echarts.min.js").await;
    assert_eq!(
        echarts.status, 200,
        "ECharts is installed by `cargo xtask test`"
    );
    assert!(
        echarts
            .header("content-type")
            .starts_with("text/javascript"),
        "{}",
        echarts.header("content-type")
    );
    assert!(echarts.body.len() > 100_000);
    let script = server.get("/static/dashboard.js").await;
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.body.contains("echarts.init"));
}

fn data_unit(body: &str) -> String {
    data(body)["unit"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn only_leaders_and_unit_admins_over_the_unit_see_it() {
    // Without ECharts (a front directory that does not exist): the tables still show.
    let missing = std::env::temp_dir().join("wangge-no-front-dir");
    let (_workspace, server) = seeded(&["--front-dir", missing.to_str().unwrap_or_default()]);
    let leader = server.sign_in("leader", DEMO_PASSWORD).await;
    let page = server.page_as(&leader, "/dashboard/?unit=420202").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("图表组件未安装"), "{}", page.body);
    assert!(!page.body.contains("/static/echarts.min.js"));
    assert!(page.body.contains("<svg"), "the map needs no script");
    assert_eq!(server.get("/static/echarts.min.js").await.status, 404);

    let resident = server.sign_in("resident", DEMO_PASSWORD).await;
    let page = server.page_as(&resident, "/dashboard/").await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("无权查看"));
    let page = server
        .page_as(&resident, "/dashboard/?unit=420202001001")
        .await;
    assert_eq!(page.status, 403);

    // The street admin: their street by default, the city not at all.
    let admin = server.sign_in("admin", DEMO_PASSWORD).await;
    let own = server.page_as(&admin, "/dashboard/").await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(data_unit(&own.body), "420202001");
    let city = server.page_as(&admin, "/dashboard/?unit=4202").await;
    assert_eq!(city.status, 403);

    // A visitor is sent to sign in first.
    let anonymous = server.get("/dashboard/?unit=4202").await;
    assert_eq!(anonymous.status, 303);
    assert!(anonymous.header("location").starts_with("/signin?next="));
}
