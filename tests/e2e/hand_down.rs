//! 交办 on both engines: a county's admin accepts an event of one of its grids and hands it
//! down to the street with a deadline (交办限期) no later than the event's own; the street
//! finds it in its queue; the county follows it on `GET /api/handed-down` (and its page)
//! through handling to resolution and urges it (催办), which the street hears. A deadline
//! in the past, after the event's own, malformed, or on another action is refused and
//! changes nothing; the street's leader and a grid worker cannot read the county's list.

use serde_json::{Value, json};
use wangge_tests::caller::Caller;
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, Workspace};

const GRID: &str = "420202001001001";
const STREET: &str = "420202001";
const COUNTY: &str = "420202";

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("county", "区中心", &[("unit-admin", COUNTY)]);
    workspace.add_user("street", "街道中心", &[("unit-admin", STREET)]);
    workspace.add_user("lead", "街道领导", &[("leader", STREET)]);
    workspace.add_user("worker", "网格员", &[("grid-worker", GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

#[tokio::test]
async fn a_county_hands_an_event_down_with_a_deadline_on_sqlite() {
    let (_workspace, server) = setup_on(Workspace::sqlite());
    hand_down(&server).await;
}

#[tokio::test]
async fn a_county_hands_an_event_down_with_a_deadline_on_postgres() {
    let database = FreshDatabase::create().await;
    let (_workspace, server) = setup_on(Workspace::with(Database::Postgres(database.url().into())));
    hand_down(&server).await;
}

fn day(offset_days: i64) -> String {
    jiff::tz::offset(8)
        .to_datetime(jiff::Timestamp::now())
        .date()
        .checked_add(jiff::Span::new().days(offset_days))
        .expect("a day")
        .to_string()
}

fn listed(page: &Value, id: i64) -> &Value {
    page["events"]
        .as_array()
        .and_then(|events| events.iter().find(|e| e["id"] == id))
        .unwrap_or_else(|| panic!("event {id} is not listed: {page}"))
}

async fn hand_down(server: &Server) {
    let county = Caller::signed_in(server, "county").await;
    let street = Caller::signed_in(server, "street").await;
    let lead = Caller::signed_in(server, "lead").await;
    let worker = Caller::signed_in(server, "worker").await;

    let id = worker.report(GRID, "江堤护栏破损", json!({})).await;
    let (status, accepted) = county.act(id, json!({ "action": "accept" })).await;
    assert_eq!(status, 200, "{accepted}");
    let own = accepted["deadline"]
        .as_str()
        .expect("an SLA deadline")
        .to_owned();
    let after_own = jiff::civil::Date::strptime("%Y-%m-%d", &own)
        .expect("a day")
        .tomorrow()
        .expect("a day")
        .to_string();

    // Refused deadlines, each changing nothing.
    let dispatch = |deadline: &str| json!({ "action": "dispatch", "dispatched_to": STREET, "deadline": deadline });
    for (body, what) in [
        (dispatch(&day(-1)), "yesterday"),
        (dispatch(&after_own), "after the event's own deadline"),
        (dispatch("2026-13-01"), "no day"),
        (
            json!({ "action": "escalate", "deadline": day(0) }),
            "a deadline on another action",
        ),
    ] {
        let (status, refused) = county.act(id, body).await;
        assert_eq!(
            (status, refused["error"]["field"].as_str()),
            (400, Some("deadline")),
            "{what}: {refused}"
        );
    }
    let (_, unchanged) = county.get(&format!("/api/events/{id}")).await;
    assert_eq!(
        (&unchanged["state"], &unchanged["deadline"]),
        (&json!("accepted"), &json!(own)),
        "{unchanged}"
    );

    // Handed down to the street, due today.
    let today = day(0);
    let (status, moved) = county
        .act(
            id,
            json!({ "action": "dispatch", "dispatched_to": STREET, "deadline": today, "note": "请街道牵头处理" }),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        (&moved["handler"], &moved["deadline"]),
        (&json!(STREET), &json!(today))
    );
    let (_, with_timeline) = county.get(&format!("/api/events/{id}")).await;
    let timeline = with_timeline.to_string();
    assert!(
        timeline.contains(&format!("请街道牵头处理；交办限期 {today}")),
        "the timeline says by when: {timeline}"
    );
    let (status, queue) = street.get(&format!("/api/queue?unit={STREET}")).await;
    assert_eq!(status, 200, "{queue}");
    assert!(listed(&queue, id)["working_days_left"].is_i64(), "{queue}");

    // The county follows it.
    let (status, following) = county.get(&format!("/api/handed-down?unit={COUNTY}")).await;
    assert_eq!(status, 200, "{following}");
    let row = listed(&following, id);
    assert_eq!(row["state"], "dispatched");
    assert!(row["working_days_left"].is_i64(), "{row}");
    let (status, _) = street.act(id, json!({ "action": "handle" })).await;
    assert_eq!(status, 200);
    let (_, following) = county.get(&format!("/api/handed-down?unit={COUNTY}")).await;
    assert_eq!(listed(&following, id)["state"], "handling");

    // 催办 from the county reaches the street.
    let (status, urged) = county
        .post(
            &format!("/api/events/{id}/urge"),
            json!({ "note": "汛期将至，今天务必修复" }),
        )
        .await;
    assert_eq!(status, 200, "{urged}");
    let (_, inbox) = street.get(&format!("/api/unit-inbox?unit={STREET}")).await;
    assert_eq!(
        inbox["messages"][0]["title"], "催办：江堤护栏破损",
        "{inbox}"
    );

    let (status, _) = street
        .act(id, json!({ "action": "resolve", "note": "已更换护栏" }))
        .await;
    assert_eq!(status, 200);
    let (_, following) = county.get(&format!("/api/handed-down?unit={COUNTY}")).await;
    let row = listed(&following, id);
    assert_eq!(row["state"], "resolved");
    assert_eq!(
        row["working_days_left"],
        Value::Null,
        "nothing counts down once resolved"
    );

    // The page shows the same list.
    let page = server
        .page_as(
            &county.token,
            &format!("/dashboard/handed-down?unit={COUNTY}"),
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("江堤护栏破损") && page.body.contains("交办跟踪"),
        "{}",
        page.body
    );

    // Only the county's leaders and admins read it.
    for (who, what) in [(&lead, "the street's leader"), (&worker, "a grid worker")] {
        let (status, body) = who.get(&format!("/api/handed-down?unit={COUNTY}")).await;
        assert_eq!(status, 403, "{what}: {body}");
    }
    let (status, mine) = street.get(&format!("/api/handed-down?unit={STREET}")).await;
    assert_eq!(status, 200);
    assert!(
        mine["events"]
            .as_array()
            .is_some_and(|events| events.iter().all(|e| e["id"] != id)),
        "an event held by the street itself is not handed down inside it: {mine}"
    );
}
