//! The reporter's evaluation (评价) on both engines, the way the flow runs: a
//! resident reports → the street dispatches to 城管 → 城管 handles and resolves → the street
//! closes → the resident rates 不满意 and has it handled again → it is resolved and closed
//! again → a second reopening is refused → the resident rates 满意. Anyone else's rating,
//! a rating without its grade, a reopening without its reason and a rating after the 7-day
//! window are refused and change nothing; a later report linked as a repeat shows on both
//! timelines.

use serde_json::{Value, json};
use wangge_tests::caller::{Caller, days_ago, set_event_time};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, Workspace};

const GRID: &str = "420202001001001";
const STREET: &str = "420202001";
const CGJ: &str = "420202.cgj";

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("cg", "城管办事员", &[("department-staff", CGJ)]);
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

#[tokio::test]
async fn the_reporter_rates_reopens_once_and_links_a_repeat_on_sqlite() {
    let (workspace, server) = setup_on(Workspace::sqlite());
    evaluation_flow(&server, &workspace.sqlite_url()).await;
}

#[tokio::test]
async fn the_reporter_rates_reopens_once_and_links_a_repeat_on_postgres() {
    let database = FreshDatabase::create().await;
    let (_workspace, server) = setup_on(Workspace::with(Database::Postgres(database.url().into())));
    evaluation_flow(&server, database.url()).await;
}

/// Dispatches, handles, resolves and closes event `id`.
async fn work_through(admin: &Caller<'_>, cg: &Caller<'_>, id: i64) {
    for (who, body) in [
        (admin, json!({ "action": "dispatch", "dispatched_to": CGJ })),
        (cg, json!({ "action": "handle" })),
        (cg, json!({ "action": "resolve", "note": "已清运" })),
        (admin, json!({ "action": "close" })),
    ] {
        let (status, moved) = who.act(id, body.clone()).await;
        assert_eq!(status, 200, "{body}: {moved}");
    }
}

async fn read(who: &Caller<'_>, id: i64) -> Value {
    let (status, event) = who.get(&format!("/api/events/{id}")).await;
    assert_eq!(status, 200, "{event}");
    event
}

fn actions(event: &Value) -> Vec<String> {
    event["actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["action"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn ratings(event: &Value) -> Vec<String> {
    event["evaluations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["rating"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn evaluation_flow(server: &Server, database_url: &str) {
    let admin = Caller::signed_in(server, "admin").await;
    let cg = Caller::signed_in(server, "cg").await;
    let zhang = Caller::signed_in(server, "zhang").await;
    let li = Caller::signed_in(server, "li").await;

    let id = zhang.report(GRID, "楼下垃圾无人清运", json!({})).await;
    let (status, _) = admin.act(id, json!({ "action": "accept" })).await;
    assert_eq!(status, 200);
    // Before the close nobody rates.
    let (status, early) = zhang
        .act(id, json!({ "action": "evaluate", "rating": "satisfied" }))
        .await;
    assert_eq!(status, 409, "{early}");
    work_through(&admin, &cg, id).await;

    let closed = read(&zhang, id).await;
    assert_eq!(closed["state"], "closed");
    assert!(closed["closed_at"].as_i64().is_some(), "{closed}");
    assert_eq!(actions(&closed), ["evaluate", "reopen"]);
    // The street's admin sees no rating to give: it is the reporter's.
    assert!(actions(&read(&admin, id).await).is_empty());

    // Refusals, each changing nothing.
    let (status, other) = li
        .act(id, json!({ "action": "evaluate", "rating": "satisfied" }))
        .await;
    assert_eq!(status, 403, "another resident: {other}");
    let (status, by_admin) = admin
        .act(id, json!({ "action": "evaluate", "rating": "satisfied" }))
        .await;
    assert_eq!(status, 403, "the admin: {by_admin}");
    let (status, no_grade) = zhang
        .act(id, json!({ "action": "evaluate", "note": "还行" }))
        .await;
    assert_eq!(
        (status, no_grade["error"]["field"].as_str()),
        (400, Some("rating")),
        "{no_grade}"
    );
    let (status, bad_grade) = zhang
        .act(id, json!({ "action": "evaluate", "rating": "good" }))
        .await;
    assert_eq!(
        (status, bad_grade["error"]["field"].as_str()),
        (400, Some("rating")),
        "{bad_grade}"
    );
    let (status, no_reason) = zhang.act(id, json!({ "action": "reopen" })).await;
    assert_eq!(
        (status, no_reason["error"]["field"].as_str()),
        (400, Some("note")),
        "{no_reason}"
    );
    let (status, content) = zhang
        .act(
            id,
            json!({ "action": "reopen", "rating": "satisfied", "note": "x" }),
        )
        .await;
    assert_eq!(
        (status, content["error"]["field"].as_str()),
        (400, Some("rating")),
        "{content}"
    );
    let (status, stray) = admin
        .act(id, json!({ "action": "close", "rating": "satisfied" }))
        .await;
    assert_eq!(status, 409, "close is not possible from closed: {stray}");
    let unchanged = read(&zhang, id).await;
    assert_eq!(
        (unchanged["state"].as_str(), ratings(&unchanged).len()),
        (Some("closed"), 0)
    );

    // 不满意 → handled again, back at the street, accepted with a new deadline.
    let (status, reopened) = zhang
        .act(
            id,
            json!({ "action": "reopen", "rating": "dissatisfied", "note": "垃圾只清了一半" }),
        )
        .await;
    assert_eq!(status, 200, "{reopened}");
    assert_eq!(reopened["state"], "accepted");
    assert_eq!(reopened["reopen_count"], 1);
    assert_eq!(reopened["unit"], GRID);
    assert!(reopened["deadline"].as_str().is_some(), "{reopened}");
    let after = read(&admin, id).await;
    assert_eq!(ratings(&after), ["dissatisfied"]);
    assert_eq!(after["evaluations"][0]["comment"], "垃圾只清了一半");
    assert_eq!(after["evaluations"][0]["handler"], CGJ);
    assert!(
        after["timeline"].as_array().is_some_and(|t| t
            .iter()
            .any(|e| e["action"] == "reopen" && e["note"] == "垃圾只清了一半")),
        "{after}"
    );
    // The street's inbox hears nothing new is needed here: the event is in its list again.
    assert!(actions(&after).contains(&"dispatch".to_owned()), "{after}");

    work_through(&admin, &cg, id).await;
    // A second reopening is refused; the rating stays possible.
    let again = read(&zhang, id).await;
    assert_eq!(actions(&again), ["evaluate"]);
    let (status, twice) = zhang
        .act(id, json!({ "action": "reopen", "note": "还是不行" }))
        .await;
    assert_eq!(status, 409, "{twice}");
    assert!(
        twice["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("already")),
        "{twice}"
    );
    let (status, rated) = zhang
        .act(
            id,
            json!({ "action": "evaluate", "rating": "satisfied", "note": "这次清理干净了" }),
        )
        .await;
    assert_eq!(status, 200, "{rated}");
    assert_eq!(rated["state"], "evaluated");
    let done = read(&zhang, id).await;
    assert_eq!(ratings(&done), ["dissatisfied", "satisfied"]);
    assert!(actions(&done).is_empty());

    // The window: a closed event rated 8 days after its close is refused.
    let late = zhang.report(GRID, "路灯不亮", json!({})).await;
    let (status, _) = admin.act(late, json!({ "action": "accept" })).await;
    assert_eq!(status, 200);
    work_through(&admin, &cg, late).await;
    set_event_time(database_url, late, "closed_at", json!(days_ago(8))).await;
    assert!(actions(&read(&zhang, late).await).is_empty());
    let (status, too_late) = zhang
        .act(
            late,
            json!({ "action": "evaluate", "rating": "basically-satisfied" }),
        )
        .await;
    assert_eq!(status, 409, "{too_late}");
    assert!(
        too_late["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("7 days")),
        "{too_late}"
    );
    assert_eq!(read(&zhang, late).await["state"], "closed");

    // A repeat: the new report names the earlier one; both timelines show it.
    let repeat = zhang
        .report(GRID, "路灯又不亮了", json!({ "repeat_of": late }))
        .await;
    let later = read(&zhang, repeat).await;
    assert_eq!(later["repeat_of"], late);
    let earlier = read(&zhang, late).await;
    assert_eq!(earlier["repeated_by"], json!([repeat]));
    assert!(
        earlier["timeline"]
            .as_array()
            .is_some_and(|t| t.iter().any(|e| e["action"] == "repeat"
                && e["note"]
                    .as_str()
                    .is_some_and(|n| n.contains(&format!("#{repeat}"))))),
        "{earlier}"
    );
    // A repeat of an event nobody can show the caller is refused in the same words as one
    // that does not exist.
    let (status, unknown) = zhang
        .post(
            "/api/events",
            json!({ "category": "environment", "title": "t", "description": "", "unit": GRID,
                    "attributes": { "issue": "乱堆乱放" }, "repeat_of": 999_999 }),
        )
        .await;
    assert_eq!(
        (status, unknown["error"]["field"].as_str()),
        (400, Some("repeat_of")),
        "{unknown}"
    );
}
