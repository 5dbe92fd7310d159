//! 考核 on both engines, figure by figure on a hand-made set of events: five events in one
//! grid, each moved through the real workflow (their report times and deadlines shifted in
//! the store where a test cannot wait days), then `GET /api/assessment` by unit, by
//! department and by grid worker, the drill-down behind figures, the CSV, and the refusals.
//!
//! The events, all in 420202001001001 and reported within the period:
//! - A: accepted at once, dispatched to 城管, resolved in time, closed, rated 满意.
//! - B: reported 10 days ago and only then accepted (late), dispatched to 城管, returned by
//!   it, dispatched again, resolved after its deadline (late), closed, reopened 不满意.
//! - C: rejected at once.
//! - D: reported 10 days ago and never answered (late).
//! - E: accepted at once, its deadline passed unresolved (late; 督办 by the sweep), urged
//!   twice.

use serde_json::{Value, json};
use wangge_tests::caller::{Caller, days_ago, set_event_time};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, Workspace};

const GRID: &str = "420202001001001";
const OTHER_GRID: &str = "420202001001002";
const COMMUNITY: &str = "420202001001";
const STREET: &str = "420202001";
const COUNTY: &str = "420202";
const CGJ: &str = "420202.cgj";

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("cg", "城管办事员", &[("department-staff", CGJ)]);
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("county", "区领导", &[("leader", COUNTY)]);
    workspace.add_user("community", "社区书记", &[("leader", COMMUNITY)]);
    workspace.add_user("worker", "网格员", &[("grid-worker", GRID)]);
    // Shares the grid with `worker`, and keeps a quiet one of their own.
    workspace.add_user(
        "wang",
        "王网格员",
        &[("grid-worker", GRID), ("grid-worker", OTHER_GRID)],
    );
    workspace.add_user("zhao", "赵网格员", &[("grid-worker", OTHER_GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

#[tokio::test]
async fn assessment_counts_a_hand_made_month_on_sqlite() {
    let (workspace, server) = setup_on(Workspace::sqlite());
    assessment_figures(&workspace, &server, &workspace.sqlite_url()).await;
}

#[tokio::test]
async fn assessment_counts_a_hand_made_month_on_postgres() {
    let database = FreshDatabase::create().await;
    let (workspace, server) = setup_on(Workspace::with(Database::Postgres(database.url().into())));
    assessment_figures(&workspace, &server, database.url()).await;
}

async fn ok(who: &Caller<'_>, id: i64, body: Value) {
    let (status, moved) = who.act(id, body.clone()).await;
    assert_eq!(status, 200, "{body}: {moved}");
}

fn day(offset_days: i64) -> String {
    let today = jiff::tz::offset(8)
        .to_datetime(jiff::Timestamp::now())
        .date();
    today
        .checked_add(jiff::Span::new().days(offset_days))
        .expect("a day")
        .to_string()
}

fn row<'a>(assessment: &'a Value, code: &str) -> &'a Value {
    assessment["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["code"] == code))
        .unwrap_or_else(|| panic!("no row {code} in {assessment}"))
}

/// `(count, of)` of a rate.
fn rate(value: &Value) -> (i64, i64) {
    (
        value["count"].as_i64().expect("count"),
        value["of"].as_i64().expect("of"),
    )
}

fn ids(page: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = page["events"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["id"].as_i64()).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    ids
}

async fn assessment_figures(workspace: &Workspace, server: &Server, database_url: &str) {
    let admin = Caller::signed_in(server, "admin").await;
    let cg = Caller::signed_in(server, "cg").await;
    let zhang = Caller::signed_in(server, "zhang").await;
    let county = Caller::signed_in(server, "county").await;
    let community = Caller::signed_in(server, "community").await;
    let worker = Caller::signed_in(server, "worker").await;
    let dispatch = json!({ "action": "dispatch", "dispatched_to": CGJ });

    let a = zhang.report(GRID, "A 垃圾堆放", json!({})).await;
    ok(&admin, a, json!({ "action": "accept" })).await;
    ok(&admin, a, dispatch.clone()).await;
    ok(&cg, a, json!({ "action": "handle" })).await;
    ok(&cg, a, json!({ "action": "resolve" })).await;
    ok(&admin, a, json!({ "action": "close" })).await;
    ok(
        &zhang,
        a,
        json!({ "action": "evaluate", "rating": "satisfied" }),
    )
    .await;

    let b = zhang.report(GRID, "B 污水外溢", json!({})).await;
    set_event_time(database_url, b, "reported_at", json!(days_ago(10))).await;
    ok(&admin, b, json!({ "action": "accept" })).await;
    ok(&admin, b, dispatch.clone()).await;
    ok(
        &cg,
        b,
        json!({ "action": "return", "note": "不属于城管职责" }),
    )
    .await;
    ok(&admin, b, dispatch.clone()).await;
    ok(&cg, b, json!({ "action": "handle" })).await;
    set_event_time(database_url, b, "deadline", json!(day(-1))).await;
    ok(&cg, b, json!({ "action": "resolve" })).await;
    ok(&admin, b, json!({ "action": "close" })).await;
    ok(
        &zhang,
        b,
        json!({ "action": "reopen", "note": "没有处理干净" }),
    )
    .await;

    let c = zhang.report(GRID, "C 不属于受理范围", json!({})).await;
    ok(&admin, c, json!({ "action": "reject" })).await;

    let d = zhang.report(GRID, "D 无人受理", json!({})).await;
    set_event_time(database_url, d, "reported_at", json!(days_ago(10))).await;

    let e = zhang.report(GRID, "E 超期未办结", json!({})).await;
    ok(&admin, e, json!({ "action": "accept" })).await;
    set_event_time(database_url, e, "deadline", json!(day(-2))).await;
    workspace.run(&["events", "supervise"]);
    for note in ["请尽快处理", "今天必须处理"] {
        let (status, urged) = admin
            .post(&format!("/api/events/{e}/urge"), json!({ "note": note }))
            .await;
        assert_eq!(status, 200, "{urged}");
    }

    let period = format!("from={}&to={}", day(-20), day(0));

    // By unit at the community: its grid's row, every figure, ratings shown.
    let (status, by_grid) = community
        .get(&format!("/api/assessment?unit={COMMUNITY}&{period}"))
        .await;
    assert_eq!(status, 200, "{by_grid}");
    let grid = row(&by_grid, GRID);
    assert_eq!(grid["events"], 5, "{grid}");
    // Answered in time: A, C, E; answered: A, B, C, E; unanswered past the day: D.
    assert_eq!(rate(&grid["response"]), (3, 5), "{grid}");
    assert_eq!(grid["response"]["percent"], 60.0);
    // Resolved in time: A; resolved: A, B; unresolved past the deadline: E.
    assert_eq!(rate(&grid["on_time_resolution"]), (1, 3), "{grid}");
    assert_eq!(grid["on_time_resolution"]["percent"], 33.3);
    // Ratings: A 满意, B 不满意 (its reopening).
    assert_eq!(rate(&grid["satisfaction"]), (1, 2), "{grid}");
    // Dispatched: A, B; returned: B.
    assert_eq!(rate(&grid["returns"]), (1, 2), "{grid}");
    // Closed: A, B; reopened: B.
    assert_eq!(rate(&grid["reopens"]), (1, 2), "{grid}");
    assert_eq!(
        (grid["supervised"].as_i64(), grid["urged"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(by_grid["total"]["events"], 5);

    // By unit at the county: the street's row carries the same counts; two ratings are
    // too few to show above community level.
    let (status, by_street) = county
        .get(&format!("/api/assessment?unit={COUNTY}&{period}"))
        .await;
    assert_eq!(status, 200, "{by_street}");
    let street = row(&by_street, STREET);
    assert_eq!(rate(&street["response"]), (3, 5));
    assert_eq!(rate(&street["on_time_resolution"]), (1, 3));
    assert_eq!(street["satisfaction"], Value::Null, "{street}");
    // Streets with nothing reported are assessed too, with empty rates.
    let quiet = row(&by_street, "420202002");
    assert_eq!(
        (
            quiet["events"].as_i64(),
            quiet["response"]["percent"].clone()
        ),
        (Some(0), Value::Null)
    );

    // By department: 城管 received A and B, returned B once, resolved A in time.
    let (status, by_department) = county
        .get(&format!(
            "/api/assessment?unit={COUNTY}&{period}&by=department"
        ))
        .await;
    assert_eq!(status, 200, "{by_department}");
    let cgj = row(&by_department, CGJ);
    assert_eq!(cgj["events"], 2, "{cgj}");
    assert_eq!(rate(&cgj["returns"]), (1, 2), "{cgj}");
    assert_eq!(rate(&cgj["on_time_resolution"]), (1, 2), "{cgj}");
    assert_eq!(
        by_department["rows"].as_array().map(Vec::len),
        Some(1),
        "{by_department}"
    );

    // By grid worker at the community: both workers of the grid carry its five events, the
    // worker of the quiet grid alone is a row of zeros, and the total is the community's.
    let (status, by_worker) = community
        .get(&format!(
            "/api/assessment?unit={COMMUNITY}&{period}&by=worker"
        ))
        .await;
    assert_eq!(status, 200, "{by_worker}");
    let codes: Vec<&str> = by_worker["rows"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["wang", "worker", "zhao"], "{by_worker}");
    for who in ["wang", "worker"] {
        let shared = row(&by_worker, who);
        assert_eq!(shared["events"], 5, "{shared}");
        assert_eq!(rate(&shared["response"]), (3, 5), "{shared}");
        assert_eq!(rate(&shared["on_time_resolution"]), (1, 3), "{shared}");
        assert_eq!(rate(&shared["satisfaction"]), (1, 2), "{shared}");
        assert_eq!(shared["urged"], 2, "{shared}");
    }
    assert_eq!(row(&by_worker, "worker")["name"], "网格员");
    assert_eq!(row(&by_worker, "zhao")["events"], 0);
    assert_eq!(by_worker["total"]["events"], 5, "{by_worker}");
    let worker_drill = |row: &str, figure: &str| {
        format!(
            "/api/assessment/events?unit={COMMUNITY}&{period}&by=worker&row={row}&figure={figure}"
        )
    };
    for (row, figure, expected) in [
        ("worker", "late-response", vec![b, d]),
        ("wang", "dissatisfied", vec![b]),
        ("zhao", "all", vec![]),
        (COMMUNITY, "all", vec![a, b, c, d, e]),
    ] {
        let (status, page) = community.get(&worker_drill(row, figure)).await;
        assert_eq!(status, 200, "worker {row} {figure}: {page}");
        assert_eq!(ids(&page), expected, "worker {row} {figure}");
    }
    let (status, stranger) = community.get(&worker_drill("cg", "all")).await;
    assert_eq!(
        (status, stranger["error"]["field"].as_str()),
        (400, Some("row")),
        "a user who is no grid worker here: {stranger}"
    );

    // The events behind figures.
    let drill = |by: &str, row: &str, figure: &str| {
        format!("/api/assessment/events?unit={COUNTY}&{period}&by={by}&row={row}&figure={figure}")
    };
    for (by, row, figure, expected) in [
        ("unit", STREET, "late-response", vec![b, d]),
        ("unit", STREET, "late-resolution", vec![b, e]),
        ("unit", STREET, "returned", vec![b]),
        ("unit", STREET, "reopened", vec![b]),
        ("unit", STREET, "dissatisfied", vec![b]),
        ("unit", STREET, "supervised", vec![e]),
        ("unit", STREET, "urged", vec![e]),
        ("unit", COUNTY, "all", vec![a, b, c, d, e]),
        ("department", CGJ, "returned", vec![b]),
        ("department", CGJ, "all", vec![a, b]),
    ] {
        let (status, page) = county.get(&drill(by, row, figure)).await;
        assert_eq!(status, 200, "{by} {row} {figure}: {page}");
        assert_eq!(ids(&page), expected, "{by} {row} {figure}");
    }

    // The CSV: Chinese headers after the byte-order mark, the street's line, the total.
    let csv = server
        .client()
        .get(format!(
            "{}/api/assessment/csv?unit={COUNTY}&{period}",
            server.base()
        ))
        .bearer_auth(&county.token)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status().as_u16(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/csv"))
    );
    let text = csv.text().await.expect("csv text");
    assert!(
        text.starts_with("\u{feff}代码,名称,事件数,响应率%"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with(&format!("{STREET},"))
            && l.contains(",60,3,5,33.3,1,3,<5,<5,<5,50,1,2,50,1,2,1,2")),
        "{text}"
    );
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with(&format!("{COUNTY},"))),
        "{text}"
    );

    // Refusals.
    let (status, denied) = worker
        .get(&format!("/api/assessment?unit={GRID}&{period}"))
        .await;
    assert_eq!(status, 403, "a grid worker: {denied}");
    let (status, above) = community
        .get(&format!("/api/assessment?unit={STREET}"))
        .await;
    assert_eq!(status, 403, "above the caller's unit: {above}");
    for (query, field) in [
        (format!("unit={COUNTY}&from=2026-13-01"), "from"),
        (format!("unit={COUNTY}&from=2026-05-02&to=2026-05-01"), "to"),
        (format!("unit={COUNTY}&from=2024-01-01&to=2026-01-01"), "to"),
        // Too many workers for one table above a street.
        (format!("unit={COUNTY}&by=worker"), "by"),
    ] {
        let (status, refused) = county.get(&format!("/api/assessment?{query}")).await;
        assert_eq!(
            (status, refused["error"]["field"].as_str()),
            (400, Some(field)),
            "{query}: {refused}"
        );
    }
    let (status, bad_figure) = county.get(&drill("unit", STREET, "happiness")).await;
    assert_eq!(
        (status, bad_figure["error"]["field"].as_str()),
        (400, Some("figure")),
        "{bad_figure}"
    );
    let (status, foreign_row) = county.get(&drill("unit", "420203", "all")).await;
    assert_eq!(
        (status, foreign_row["error"]["field"].as_str()),
        (400, Some("row")),
        "{foreign_row}"
    );
}
