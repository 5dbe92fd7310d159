//! 吹哨报到 on both engines: the street's centre dispatches an event to 城管 to lead and
//! summons 住建 and the street's 派出所 beside it; each summoned department is told, opens
//! the event and checks in (报到) once with a note, its response time on the event; only
//! the lead handles and resolves it, and the event resolves when the lead resolves it.
//! A summons led by a lower unit, of a lower unit, of a department outside the targets,
//! with no department besides the lead, or on another action is refused and changes
//! nothing; a department not summoned cannot check in, nor one that did check in again.

use serde_json::{Value, json};
use wangge_tests::caller::Caller;
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, Workspace};

const GRID: &str = "420202001001001";
const STREET: &str = "420202001";
const CGJ: &str = "420202.cgj";
const ZJJ: &str = "420202.zjj";
const PCS: &str = "420202001.pcs";
/// Another street's 派出所: not a dispatch target of this event.
const OTHER_PCS: &str = "420202002.pcs";

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("street", "街道中心", &[("unit-admin", STREET)]);
    workspace.add_user("worker", "网格员", &[("grid-worker", GRID)]);
    workspace.add_user("cg", "城管办事员", &[("department-staff", CGJ)]);
    workspace.add_user("zj", "住建办事员", &[("department-staff", ZJJ)]);
    workspace.add_user("pcs", "民警", &[("department-staff", PCS)]);
    workspace.add_user("mz", "民政办事员", &[("department-staff", "420202.mzj")]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

#[tokio::test]
async fn a_street_whistles_and_three_departments_report_in_on_sqlite() {
    let (_workspace, server) = setup_on(Workspace::sqlite());
    whistle(&server).await;
}

#[tokio::test]
async fn a_street_whistles_and_three_departments_report_in_on_postgres() {
    let database = FreshDatabase::create().await;
    let (_workspace, server) = setup_on(Workspace::with(Database::Postgres(database.url().into())));
    whistle(&server).await;
}

fn summoned<'a>(event: &'a Value, department: &str) -> &'a Value {
    event["summons"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["department"] == department))
        .unwrap_or_else(|| panic!("{department} is not summoned: {event}"))
}

async fn whistle(server: &Server) {
    let street = Caller::signed_in(server, "street").await;
    let worker = Caller::signed_in(server, "worker").await;
    let cg = Caller::signed_in(server, "cg").await;
    let zj = Caller::signed_in(server, "zj").await;
    let pcs = Caller::signed_in(server, "pcs").await;
    let mz = Caller::signed_in(server, "mz").await;

    let id = worker.report(GRID, "江边违建占道", json!({})).await;
    let (status, _) = street.act(id, json!({ "action": "accept" })).await;
    assert_eq!(status, 200);

    // Refused summonses, each changing nothing.
    let summon = |lead: &str, others: Value| json!({ "action": "dispatch", "dispatched_to": lead, "summon": others });
    for (body, field, what) in [
        (
            summon(GRID, json!([ZJJ])),
            "dispatched_to",
            "a lower unit leads",
        ),
        (
            summon(CGJ, json!([GRID])),
            "summon",
            "a lower unit summoned",
        ),
        (
            summon(CGJ, json!([OTHER_PCS])),
            "summon",
            "outside the targets",
        ),
        (
            summon(CGJ, json!([CGJ, " "])),
            "summon",
            "nobody besides the lead",
        ),
        (
            json!({ "action": "escalate", "summon": [ZJJ] }),
            "summon",
            "on another action",
        ),
    ] {
        let (status, refused) = street.act(id, body).await;
        assert_eq!(
            (status, refused["error"]["field"].as_str()),
            (400, Some(field)),
            "{what}: {refused}"
        );
    }
    let (_, unchanged) = street.get(&format!("/api/events/{id}")).await;
    assert_eq!(unchanged["state"], "accepted");
    assert_eq!(unchanged["summons"], json!([]));

    // 吹哨: 城管 leads, 住建 and the 派出所 come.
    let (status, moved) = street.act(id, summon(CGJ, json!([ZJJ, PCS, ZJJ]))).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["handler"], CGJ);
    let (_, event) = street.get(&format!("/api/events/{id}")).await;
    let all = event["summons"].as_array().expect("summons");
    assert_eq!(all.len(), 3, "the duplicate counted once: {event}");
    assert_eq!(all[0]["department"], CGJ, "the lead first");
    assert_eq!(all[0]["lead"], true);
    assert_eq!(summoned(&event, ZJJ)["lead"], false);
    assert!(
        event
            .to_string()
            .contains("吹哨报到：黄石港区城市管理执法局牵头"),
        "the timeline says who leads: {event}"
    );
    let (_, inbox) = zj.get(&format!("/api/unit-inbox?unit={ZJJ}")).await;
    assert_eq!(
        inbox["messages"][0]["title"], "吹哨报到：江边违建占道",
        "{inbox}"
    );
    assert_eq!(inbox["messages"][0]["event"], id);

    // Each checks in once; a department not summoned cannot.
    let (status, _) = mz
        .post(
            &format!("/api/events/{id}/report-in"),
            json!({ "note": "" }),
        )
        .await;
    assert_eq!(status, 404, "not summoned: the event is out of its reach");
    for (who, note) in [
        (&zj, "住建已到场，核查建筑手续"),
        (&pcs, "民警到场维持秩序"),
        (&cg, ""),
    ] {
        let (status, body) = who
            .post(
                &format!("/api/events/{id}/report-in"),
                json!({ "note": note }),
            )
            .await;
        assert_eq!(status, 200, "{note}: {body}");
    }
    let (status, body) = street
        .post(
            &format!("/api/events/{id}/report-in"),
            json!({ "note": "代为报到" }),
        )
        .await;
    assert_eq!(
        status, 403,
        "the street's admin does not check in for a department: {body}"
    );
    let (status, again) = zj
        .post(
            &format!("/api/events/{id}/report-in"),
            json!({ "note": "再次报到" }),
        )
        .await;
    assert_eq!(status, 409, "once: {again}");
    let (_, event) = zj.get(&format!("/api/events/{id}")).await;
    let zjj = summoned(&event, ZJJ);
    assert_eq!(zjj["note"], "住建已到场，核查建筑手续");
    assert_eq!(zjj["reported_by"], "user:zj");
    assert!(zjj["response_minutes"].is_i64(), "{zjj}");
    assert!(
        event["timeline"].as_array().is_some_and(|t| t
            .iter()
            .filter(|e| e["action"] == "report-in")
            .count()
            == 3),
        "each check-in on the timeline: {event}"
    );

    // Only the lead handles and resolves it.
    let (status, _) = zj.act(id, json!({ "action": "handle" })).await;
    assert_eq!(status, 403, "a summoned department does not handle it");
    for action in ["handle", "resolve"] {
        let (status, body) = cg.act(id, json!({ "action": action })).await;
        assert_eq!(status, 200, "{action}: {body}");
    }
    let (_, event) = street.get(&format!("/api/events/{id}")).await;
    assert_eq!(event["state"], "resolved");

    // The summoned department's page: the event opens with the check-in done.
    let page = server
        .page_as(&zj.token, &format!("/department/events/{id}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("吹哨报到")
            && page.body.contains("住建已到场")
            && page.body.contains("牵头"),
        "{}",
        page.body
    );
}
