//! The event workflow over the API: a resident reports, the street's governance centre
//! accepts (setting the SLA deadline on the working-day calendar) and dispatches, a worker
//! handles and resolves, the centre closes, the reporter evaluates; each step on the
//! timeline, each role checked; overdue events are supervised and the level above told.

use serde_json::{Value, json};
use wangge_tests::{Server, TEST_PASSWORD, Workspace};

fn setup() -> (Workspace, Server) {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "admin", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "worker", &[("grid-worker", "420202001001001")]);
    workspace.add_user("li", "li", &[("resident", "420202001001001")]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

/// One signed-in user of the API.
struct Api<'a> {
    server: &'a Server,
    token: String,
}

impl<'a> Api<'a> {
    async fn as_user(server: &'a Server, username: &str) -> Self {
        let token = server.sign_in(username, TEST_PASSWORD).await;
        Self { server, token }
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        self.server.api(&self.token, method, path, body).await
    }

    async fn act(&self, id: i64, action: &str, extra: Value) -> (u16, Value) {
        let mut body = json!({ "action": action, "note": format!("{action} note") });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        self.call("POST", &format!("/api/events/{id}/actions"), body)
            .await
    }

    async fn actions(&self, id: i64) -> Vec<String> {
        let (_, event) = self
            .call("GET", &format!("/api/events/{id}"), json!(null))
            .await;
        event["actions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["action"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

async fn report(api: &Api<'_>, category: &str) -> i64 {
    // The safety-hazard category requires its custom field (migration 0006).
    let attributes = if category == "safety-hazard" {
        json!({ "hazard_type": "消防" })
    } else {
        json!({})
    };
    let (status, body) = api
        .call(
            "POST",
            "/api/events",
            json!({ "category": category, "title": "楼道堆放杂物", "description": "三单元楼道", "unit": "420202001001001", "attributes": attributes }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().expect("id")
}

#[tokio::test]
async fn an_event_goes_from_report_to_evaluation_with_each_role_checked() {
    let (_workspace, server) = setup();
    let (admin, worker, li) = (
        Api::as_user(&server, "admin").await,
        Api::as_user(&server, "worker").await,
        Api::as_user(&server, "li").await,
    );
    let (status, body) = li
        .call("POST", "/api/events", json!({ "category": "nonsense", "title": "x", "description": "", "unit": "420202001001001" }))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("category"))
    );
    let id = report(&li, "safety-hazard").await;

    assert!(
        worker.actions(id).await.is_empty(),
        "acceptance is the centre's"
    );
    assert_eq!(admin.actions(id).await, ["accept", "reject", "escalate"]);
    assert_eq!(worker.act(id, "accept", json!({})).await.0, 403);
    let (status, accepted) = admin.act(id, "accept", json!({})).await;
    assert_eq!(status, 200, "{accepted}");
    assert!(
        accepted["deadline"].as_str().is_some_and(|d| d.len() == 10),
        "{accepted}"
    );

    let (status, body) = admin.act(id, "dispatch", json!({})).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("dispatched_to"))
    );
    assert_eq!(
        admin
            .act(
                id,
                "dispatch",
                json!({ "dispatched_to": "420202001001001" })
            )
            .await
            .0,
        200
    );
    assert_eq!(worker.act(id, "handle", json!({})).await.0, 200);
    assert_eq!(worker.act(id, "resolve", json!({})).await.0, 200);
    assert_eq!(
        worker.act(id, "close", json!({})).await.0,
        403,
        "closing is the centre's"
    );
    let (status, body) = worker.act(id, "accept", json!({})).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|e| e.contains("possible: return, close")),
        "{body}"
    );
    assert_eq!(admin.act(id, "close", json!({})).await.0, 200);
    let (status, ungraded) = li.act(id, "evaluate", json!({})).await;
    assert_eq!(status, 400, "a rating needs its grade: {ungraded}");
    let (status, evaluated) = li
        .act(id, "evaluate", json!({ "rating": "satisfied" }))
        .await;
    assert_eq!(
        (status, evaluated["state"].as_str()),
        (200, Some("evaluated"))
    );

    let (_, event) = li
        .call("GET", &format!("/api/events/{id}"), json!(null))
        .await;
    let steps: Vec<&str> = event["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|t| t["action"].as_str())
        .collect();
    assert_eq!(
        steps,
        [
            "report", "accept", "dispatch", "handle", "resolve", "close", "evaluate"
        ]
    );
    let actors: Vec<&str> = event["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|t| t["actor"].as_str())
        .collect();
    assert_eq!(actors[..3], ["user:li", "user:admin", "user:admin"]);
}

#[tokio::test]
async fn escalation_moves_up_and_out_of_scope_events_are_invisible() {
    let (workspace, server) = setup();
    let (admin, li) = (
        Api::as_user(&server, "admin").await,
        Api::as_user(&server, "li").await,
    );
    let id = report(&li, "dispute.neighbour").await;
    let (status, escalated) = admin.act(id, "escalate", json!({})).await;
    assert_eq!(
        (status, escalated["unit"].as_str()),
        (200, Some("420202001001"))
    );
    let (status, followed) = li
        .call("GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(
        (status, followed["unit"].as_str()),
        (200, Some("420202001001")),
        "the reporter follows their report wherever it goes"
    );
    workspace.add_user("wang", "w", &[("resident", "420202001001001")]);
    let neighbour = Api::as_user(&server, "wang").await;
    let (status, _) = neighbour
        .call("GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(status, 404, "the resident's grid no longer owns it");

    workspace.add_user("other2", "o", &[("unit-admin", "420202002")]);
    let other = Api::as_user(&server, "other2").await;
    let (status, _) = other
        .call("GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(status, 404, "another street sees nothing");
}

#[tokio::test]
async fn overdue_events_are_supervised_and_the_unit_above_is_told() {
    let (workspace, server) = setup();
    let (admin, li) = (
        Api::as_user(&server, "admin").await,
        Api::as_user(&server, "li").await,
    );
    let id = report(&li, "safety-hazard").await;
    let (_, accepted) = admin.act(id, "accept", json!({})).await;
    let deadline = accepted["deadline"].as_str().expect("deadline").to_owned();

    let on_time = workspace.run(&["events", "supervise", "--today", &deadline]);
    assert!(on_time.starts_with("0 overdue"), "{on_time}");
    let late = workspace.run(&["events", "supervise", "--today", "2099-01-01"]);
    assert!(late.starts_with("1 overdue"), "{late}");
    let again = workspace.run(&["events", "supervise", "--today", "2099-01-01"]);
    assert!(again.starts_with("0 overdue"), "supervised once: {again}");

    let (_, event) = admin
        .call("GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(event["supervised"], true);
    let last = event["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["action"], "supervise");

    let mut db = workspace.database().await;
    let (unit, title): (String, String) =
        sqlx::query_as("SELECT unit_code, title FROM unit_notifications WHERE event_id = $1")
            .bind(id)
            .fetch_one(&mut db)
            .await
            .expect("a notice to the unit above");
    assert_eq!(unit, "420202001001", "the grid's community");
    assert!(title.starts_with("督办："), "{title}");
}

#[tokio::test]
async fn risk_warnings_reach_every_grid_of_the_subtree() {
    let (_workspace, server) = setup();
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let (status, body) = server
        .api(
            &admin,
            "POST",
            "/api/warnings",
            json!({ "unit": "420202001", "title": "寒潮", "body": "今夜降温，请走访独居老人" }),
        )
        .await;
    assert_eq!((status, body["grids"].as_i64()), (201, Some(3)), "{body}");
    let (status, inbox) = server
        .api(
            &worker,
            "GET",
            "/api/unit-inbox?unit=420202001001001",
            json!(null),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(inbox["messages"][0]["title"], "风险预警：寒潮");
    let (status, _) = server
        .api(
            &worker,
            "POST",
            "/api/warnings",
            json!({ "unit": "420202001001001", "title": "x", "body": "" }),
        )
        .await;
    assert_eq!(
        status, 403,
        "workers receive warnings, they do not push them"
    );
    let (status, _) = server
        .api(
            &worker,
            "GET",
            "/api/unit-inbox?unit=420202001001002",
            json!(null),
        )
        .await;
    assert_eq!(status, 403, "another grid's inbox");
}
