//! 风险预警 with acknowledgement on both engines: a street admin pushes a warning to its
//! three grids, the grid workers sign for theirs (签收) and send feedback (反馈) over the
//! API and through the workspace's forms, the pusher reads per grid who answered and the
//! 签收率; and every refusal the issue names: a grid the caller does not work, a warning
//! that was not addressed to it, a second acknowledgement, feedback too long or twice, the
//! progress read by someone who did not push it.

use serde_json::{Value, json};
use wangge_tests::caller::Caller;
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, Workspace};

const STREET: &str = "420202001";
const GRID_1: &str = "420202001001001";
const GRID_2: &str = "420202001001002";
const OTHER_STREET_GRID: &str = "420202002001001";

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("li", "李网格员", &[("grid-worker", GRID_1)]);
    workspace.add_user("wang", "王网格员", &[("grid-worker", GRID_2)]);
    workspace.add_user("far", "别街网格员", &[("grid-worker", OTHER_STREET_GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

#[tokio::test]
async fn warnings_are_acknowledged_and_fed_back_per_grid_on_sqlite() {
    let (_workspace, server) = setup_on(Workspace::sqlite());
    acknowledgement(&server).await;
}

#[tokio::test]
async fn warnings_are_acknowledged_and_fed_back_per_grid_on_postgres() {
    let database = FreshDatabase::create().await;
    let (_workspace, server) = setup_on(Workspace::with(Database::Postgres(database.url().into())));
    acknowledgement(&server).await;
}

fn receipt<'a>(progress: &'a Value, grid: &str) -> &'a Value {
    progress["receipts"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["grid"] == grid))
        .unwrap_or_else(|| panic!("no receipt of {grid} in {progress}"))
}

async fn acknowledgement(server: &Server) {
    let admin = Caller::signed_in(server, "admin").await;
    let li = Caller::signed_in(server, "li").await;
    let wang = Caller::signed_in(server, "wang").await;
    let far = Caller::signed_in(server, "far").await;

    let (status, pushed) = admin
        .post(
            "/api/warnings",
            json!({ "unit": STREET, "title": "寒潮", "body": "今夜降温，请走访独居老人" }),
        )
        .await;
    assert_eq!(status, 201, "{pushed}");
    let id = pushed["id"].as_i64().expect("the warning's id");
    let grids = pushed["grids"].as_i64().expect("grids");
    assert!(grids >= 2, "{pushed}");

    // Each worker sees the warning with their own grid's receipt only.
    let (status, mine) = li.get("/api/warnings/received").await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["warnings"][0]["warning"]["id"], id, "{mine}");
    assert_eq!(mine["warnings"][0]["warning"]["title"], "风险预警：寒潮");
    let receipts = mine["warnings"][0]["receipts"]
        .as_array()
        .expect("receipts");
    assert_eq!(receipts.len(), 1, "{mine}");
    assert_eq!(receipts[0]["grid"], GRID_1);
    assert_eq!(receipts[0]["acknowledged_by"], Value::Null);
    let (_, elsewhere) = far.get("/api/warnings/received").await;
    assert_eq!(
        elsewhere["warnings"].as_array().map(Vec::len),
        Some(0),
        "another street's worker was not addressed: {elsewhere}"
    );

    // 签收 over the API.
    let ack = |grid: &str| json!({ "grid": grid });
    let (status, signed) = li
        .post(&format!("/api/warnings/{id}/acknowledgement"), ack(GRID_1))
        .await;
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed["acknowledged_by"], "li");
    assert_eq!(signed["acknowledged_by_name"], "李网格员");
    assert!(signed["acknowledged_at"].as_i64().is_some(), "{signed}");

    // Refusals, each changing nothing.
    let (status, again) = li
        .post(&format!("/api/warnings/{id}/acknowledgement"), ack(GRID_1))
        .await;
    assert_eq!(status, 409, "a second acknowledgement: {again}");
    for (who, grid, what) in [
        (
            &li,
            GRID_2,
            "a grid of the same street the caller does not work",
        ),
        (
            &far,
            OTHER_STREET_GRID,
            "a grid the warning was not addressed to",
        ),
        (&admin, GRID_2, "a unit admin does not sign for a grid"),
    ] {
        let (status, refused) = who
            .post(&format!("/api/warnings/{id}/acknowledgement"), ack(grid))
            .await;
        assert_eq!(status, 404, "{what}: {refused}");
    }
    let (status, missing) = li
        .post(
            &format!("/api/warnings/{}/acknowledgement", id + 1000),
            ack(GRID_1),
        )
        .await;
    assert_eq!(status, 404, "no such warning: {missing}");
    let (status, too_long) = wang
        .post(
            &format!("/api/warnings/{id}/feedback"),
            json!({ "grid": GRID_2, "feedback": "走".repeat(501) }),
        )
        .await;
    assert_eq!(
        (status, too_long["error"]["field"].as_str()),
        (400, Some("feedback")),
        "{too_long}"
    );

    // 反馈 through the workspace form: acknowledges grid 2 as well.
    let path = format!("/worker/warnings/{id}/feedback");
    let sent = server
        .post_form_as(
            &wang.token,
            &path,
            &[("grid", GRID_2), ("feedback", "已走访 12 户独居老人")],
        )
        .await;
    assert_eq!(sent.status, 303, "the form goes back to the list");
    let list = server
        .page_as(&wang.token, "/worker/warnings?done=feedback")
        .await;
    assert_eq!(list.status, 200);
    for shown in ["反馈已提交", "已走访 12 户独居老人", "已签收：王网格员"] {
        assert!(list.body.contains(shown), "{shown}: {}", list.body);
    }
    let again = server
        .post_form_as(
            &wang.token,
            &path,
            &[("grid", GRID_2), ("feedback", "再报一次")],
        )
        .await;
    assert_eq!(again.status, 409, "feedback is sent once: {}", again.body);
    let blank = server
        .post_form_as(&li.token, &path, &[("grid", GRID_1), ("feedback", "  ")])
        .await;
    assert_eq!(blank.status, 400);
    assert!(blank.body.contains("反馈：请填写"), "{}", blank.body);

    // The pusher's view: per grid, who and when; the rate.
    let (status, progress) = admin.get(&format!("/api/warnings/{id}")).await;
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["answers"]["grids"], grids);
    assert_eq!(progress["answers"]["acknowledged"], 2, "{progress}");
    assert_eq!(progress["answers"]["fed_back"], 1, "{progress}");
    let percent = (2.0 * 1000.0 / grids as f64).round() / 10.0;
    assert_eq!(progress["answers"]["acknowledged_percent"], percent);
    assert_eq!(
        receipt(&progress, GRID_1)["acknowledged_by_name"],
        "李网格员"
    );
    assert_eq!(receipt(&progress, GRID_1)["feedback"], Value::Null);
    assert_eq!(
        receipt(&progress, GRID_2)["feedback"],
        "已走访 12 户独居老人"
    );
    let (status, listed) = admin.get(&format!("/api/warnings?unit={STREET}")).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["warnings"][0]["warning"]["id"], id);
    assert_eq!(listed["warnings"][0]["answers"]["acknowledged"], 2);

    // Nobody else reads it; the list needs a leader or admin there.
    let (status, _) = li.get(&format!("/api/warnings/{id}")).await;
    assert_eq!(status, 404, "a worker does not read the pusher's view");
    let (status, _) = li.get(&format!("/api/warnings?unit={STREET}")).await;
    assert_eq!(status, 403);
    let (status, bad_limit) = admin
        .get(&format!("/api/warnings?unit={STREET}&limit=500"))
        .await;
    assert_eq!(
        (status, bad_limit["error"]["field"].as_str()),
        (400, Some("limit"))
    );
}

/// A worker's list holds several warnings, each with its own grid's receipt and no other's,
/// whatever was acknowledged on the others.
#[tokio::test]
async fn each_received_warning_carries_its_own_receipts() {
    let (_workspace, server) = setup_on(Workspace::sqlite());
    let admin = Caller::signed_in(&server, "admin").await;
    let li = Caller::signed_in(&server, "li").await;
    let mut ids = Vec::new();
    for title in ["寒潮", "暴雨", "大风"] {
        let (status, pushed) = admin
            .post(
                "/api/warnings",
                json!({ "unit": STREET, "title": title, "body": "请走访独居老人" }),
            )
            .await;
        assert_eq!(status, 201, "{pushed}");
        ids.push(pushed["id"].as_i64().expect("an id"));
    }
    let (status, signed) = li
        .post(
            &format!("/api/warnings/{}/acknowledgement", ids[1]),
            json!({ "grid": GRID_1 }),
        )
        .await;
    assert_eq!(status, 200, "{signed}");

    let (status, mine) = li.get("/api/warnings/received").await;
    assert_eq!(status, 200, "{mine}");
    let listed = mine["warnings"].as_array().expect("warnings");
    let listed_ids: Vec<i64> = listed
        .iter()
        .filter_map(|w| w["warning"]["id"].as_i64())
        .collect();
    assert_eq!(listed_ids, [ids[2], ids[1], ids[0]], "newest first");
    for entry in listed {
        let receipts = entry["receipts"].as_array().expect("receipts");
        assert_eq!(receipts.len(), 1, "only li's grid: {entry}");
        assert_eq!(receipts[0]["grid"], GRID_1);
        let acknowledged = entry["warning"]["id"] == ids[1];
        assert_eq!(
            receipts[0]["acknowledged_by"].as_str(),
            acknowledged.then_some("li"),
            "{entry}"
        );
    }
}
