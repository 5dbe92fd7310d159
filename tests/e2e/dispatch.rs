//! Dispatch that routes (派遣) on both engines: departments are units listed under their
//! county and street; the street's centre dispatches an event to a department chosen from
//! the targets the host offers; it enters that department's queue and inbox; only that
//! department handles, resolves or returns it (with a reason, within 2 working days of
//! receipt); a leader urges it (催办) and the department hears; a wrong target, another
//! department, a late return, an urging by a worker or of a closed event are refused and
//! change nothing.

use serde_json::{Value, json};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, TEST_PASSWORD, Workspace};

const GRID: &str = "420202001001001";
const STREET: &str = "420202001";
const CGJ: &str = "420202.cgj";

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "admin", &[("unit-admin", STREET)]);
    workspace.add_user("worker", "worker", &[("grid-worker", GRID)]);
    workspace.add_user("cg", "城管办事员", &[("department-staff", CGJ)]);
    workspace.add_user("zj", "住建办事员", &[("department-staff", "420202.zjj")]);
    workspace.add_user("lead", "街道领导", &[("leader", STREET)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

#[tokio::test]
async fn dispatch_routes_to_a_department_queue_on_sqlite() {
    let (workspace, server) = setup_on(Workspace::sqlite());
    dispatch_routes(&server, &workspace.sqlite_url()).await;
}

#[tokio::test]
async fn dispatch_routes_to_a_department_queue_on_postgres() {
    let database = FreshDatabase::create().await;
    let (_workspace, server) = setup_on(Workspace::with(Database::Postgres(database.url().into())));
    dispatch_routes(&server, database.url()).await;
}

/// The event's receipt moved `days` back, as if it had reached its handler then: a real
/// host's clock cannot be moved, the stored time can.
async fn backdate_receipt(database_url: &str, id: i64, days: i64) {
    sqlx::any::install_default_drivers();
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(database_url)
        .await
        .expect("open the host's database");
    let at = jiff::Timestamp::now().as_millisecond() - days * 24 * 3600 * 1000;
    sqlx::query("UPDATE events SET received_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&mut db)
        .await
        .expect("backdate the receipt");
}

struct Who<'a> {
    server: &'a Server,
    token: String,
}

impl<'a> Who<'a> {
    async fn signed_in(server: &'a Server, name: &str) -> Self {
        let token = server.sign_in(name, TEST_PASSWORD).await;
        Self { server, token }
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.server.api(&self.token, "GET", path, json!(null)).await
    }

    async fn act(&self, id: i64, body: Value) -> (u16, Value) {
        self.server
            .api(
                &self.token,
                "POST",
                &format!("/api/events/{id}/actions"),
                body,
            )
            .await
    }
}

fn codes(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn dispatch_routes(server: &Server, database_url: &str) {
    let admin = Who::signed_in(server, "admin").await;
    let worker = Who::signed_in(server, "worker").await;
    let cg = Who::signed_in(server, "cg").await;
    let zj = Who::signed_in(server, "zj").await;
    let lead = Who::signed_in(server, "lead").await;

    // Departments are units of their own kind, under their county and street.
    let (status, listed) = admin
        .get(&format!("/api/units?under={STREET}&kind=department"))
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(
        codes(&listed, "units"),
        ["420202001.cgzd", "420202001.pcs", "420202001.sfs"]
    );
    assert!(
        listed["units"]
            .as_array()
            .is_some_and(|u| u.iter().all(|u| u["level"] == "department")),
        "{listed}"
    );

    // A grid worker reports; the street's centre accepts.
    let (status, reported) = worker
        .server
        .api(
            &worker.token,
            "POST",
            "/api/events",
            json!({
                "category": "environment",
                "title": "江边路垃圾堆放",
                "description": "路口堆放建筑垃圾",
                "unit": GRID,
                "attributes": { "issue": "乱堆乱放" },
            }),
        )
        .await;
    assert_eq!(status, 201, "{reported}");
    let id = reported["id"].as_i64().expect("an id");
    let (status, _) = admin.act(id, json!({ "action": "accept" })).await;
    assert_eq!(status, 200);

    // The targets: the departments serving the place, then the lower units down to it.
    let (status, targets) = admin
        .get(&format!("/api/events/{id}/dispatch-targets"))
        .await;
    assert_eq!(status, 200, "{targets}");
    let offered = codes(&targets, "targets");
    for expected in [CGJ, "420202.zjj", "420202001.sfs", "420202001001", GRID] {
        assert!(
            offered.contains(&expected.to_owned()),
            "{expected}: {offered:?}"
        );
    }
    for never in ["420202002.pcs", STREET, "420202001002"] {
        assert!(!offered.contains(&never.to_owned()), "{never}: {offered:?}");
    }
    let (status, _) = worker
        .get(&format!("/api/events/{id}/dispatch-targets"))
        .await;
    assert_eq!(status, 403, "a grid worker does not dispatch");

    // A target outside the list — another street's station, the admin's own street, a code
    // that does not exist, free text — is refused in the same words, and nothing moves.
    let mut refusals = Vec::new();
    for wrong in ["420202002.pcs", STREET, "420202001.zzz", "城管"] {
        let (status, body) = admin
            .act(id, json!({ "action": "dispatch", "dispatched_to": wrong }))
            .await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (400, Some("dispatched_to")),
            "{wrong}: {body}"
        );
        refusals.push(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .replace(wrong, "X"),
        );
    }
    assert!(refusals.windows(2).all(|w| w[0] == w[1]), "{refusals:?}");
    let (_, still) = admin.get(&format!("/api/events/{id}")).await;
    assert_eq!(still["state"], "accepted", "{still}");

    // Dispatched to the county's 城管 bureau: its queue and its inbox.
    let (status, moved) = admin
        .act(
            id,
            json!({ "action": "dispatch", "dispatched_to": CGJ, "note": "请城管处理" }),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        (&moved["state"], &moved["handler"], &moved["dispatched_to"]),
        (
            &json!("dispatched"),
            &json!(CGJ),
            &json!("黄石港区城市管理执法局")
        )
    );
    assert!(moved["received_at"].as_i64().is_some(), "{moved}");
    let (status, queue) = cg.get("/api/queue").await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue["units"], json!([CGJ]));
    assert_eq!(queue["events"][0]["id"], id, "{queue}");
    let left = queue["events"][0]["working_days_left"]
        .as_i64()
        .expect("a countdown");
    assert!((1..=6).contains(&left), "5 working days from today: {left}");
    let (status, inbox) = cg.get(&format!("/api/unit-inbox?unit={CGJ}")).await;
    assert_eq!(status, 200, "{inbox}");
    assert!(
        inbox["messages"][0]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("新派遣事件")),
        "{inbox}"
    );

    // Only that department acts: another department does not even see it, the grid worker
    // of its grid sees it but may not handle it.
    let (status, _) = zj.get(&format!("/api/events/{id}")).await;
    assert_eq!(status, 404, "another department sees nothing of it");
    let (status, _) = zj.act(id, json!({ "action": "handle" })).await;
    assert_eq!(status, 404);
    let (status, zj_queue) = zj.get("/api/queue").await;
    assert_eq!((status, &zj_queue["events"]), (200, &json!([])));
    let (status, body) = worker.act(id, json!({ "action": "handle" })).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = cg.get(&format!("/api/queue?unit={STREET}")).await;
    assert_eq!(status, 403, "no role at the street: {body}");
    let (status, _) = worker.get("/api/queue").await;
    assert_eq!(status, 403, "no department");

    // A return needs its reason; with it the event goes back to the centre, out of the queue.
    let (status, body) = cg
        .act(id, json!({ "action": "return", "note": "  " }))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("note")),
        "{body}"
    );
    let (status, back) = cg
        .act(
            id,
            json!({ "action": "return", "note": "属于住建部门职责" }),
        )
        .await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(
        (&back["state"], &back["handler"]),
        (&json!("accepted"), &json!(null))
    );
    let (_, queue) = cg.get("/api/queue").await;
    assert_eq!(queue["events"], json!([]), "{queue}");
    let (status, _) = cg.get(&format!("/api/events/{id}")).await;
    assert_eq!(status, 404, "no longer theirs");

    // Dispatched again; received five days ago, a return comes too late.
    let (status, _) = admin
        .act(id, json!({ "action": "dispatch", "dispatched_to": CGJ }))
        .await;
    assert_eq!(status, 200);
    // 催办: a leader over the event urges it; the department in whose hands it is hears.
    let urge = |who: &'static str, note: &'static str| {
        let token = match who {
            "lead" => lead.token.clone(),
            _ => worker.token.clone(),
        };
        async move {
            server
                .api(
                    &token,
                    "POST",
                    &format!("/api/events/{id}/urge"),
                    json!({ "note": note }),
                )
                .await
        }
    };
    let (status, body) = urge("lead", "请").await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("note")),
        "{body}"
    );
    let (status, body) = urge("worker", "请尽快处理").await;
    assert_eq!(status, 403, "a grid worker does not urge: {body}");
    let (status, body) = urge("lead", "群众反映强烈，请三日内清运").await;
    assert_eq!(
        (status, &body["state"]),
        (200, &json!("dispatched")),
        "{body}"
    );
    let (_, inbox) = cg.get(&format!("/api/unit-inbox?unit={CGJ}")).await;
    assert_eq!(
        inbox["messages"][0]["title"], "催办：江边路垃圾堆放",
        "{inbox}"
    );
    assert!(
        inbox["messages"][0]["body"]
            .as_str()
            .is_some_and(|b| b.contains("群众反映强烈，请三日内清运")),
        "{inbox}"
    );

    backdate_receipt(database_url, id, 5).await;
    let (status, late) = cg
        .act(id, json!({ "action": "return", "note": "仍不属于本部门" }))
        .await;
    assert_eq!(status, 409, "{late}");
    assert!(
        late["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("2 working days")),
        "{late}"
    );
    let (_, still) = cg.get(&format!("/api/events/{id}")).await;
    assert_eq!(still["state"], "dispatched");

    // The department handles and resolves; the centre closes.
    for action in ["handle", "resolve"] {
        let (status, body) = cg
            .act(id, json!({ "action": action, "note": "已清运" }))
            .await;
        assert_eq!(status, 200, "{action}: {body}");
    }
    let (status, closed) = admin.act(id, json!({ "action": "close" })).await;
    assert_eq!(
        (status, &closed["state"]),
        (200, &json!("closed")),
        "{closed}"
    );
    assert_eq!(closed["handler"], CGJ, "who handled it stays known");
    let (status, body) = urge("lead", "再催一次").await;
    assert_eq!(status, 409, "a closed event is not urged: {body}");
    let (_, detail) = admin.get(&format!("/api/events/{id}")).await;
    let steps: Vec<&str> = detail["timeline"]
        .as_array()
        .map(|t| t.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        steps,
        [
            "report", "accept", "dispatch", "return", "dispatch", "urge", "handle", "resolve",
            "close"
        ]
    );

    // The queue pages by `DEADLINE:ID`, the earliest deadline first: three events (a
    // dispute of 10 working days between two of 5) walked one page at a time.
    let mut queued = Vec::new();
    for (category, attributes) in [
        ("environment", json!({ "issue": "乱堆乱放" })),
        ("dispute.property-management", json!({})),
        ("environment", json!({ "issue": "污水" })),
    ] {
        let (status, reported) = worker
            .server
            .api(
                &worker.token,
                "POST",
                "/api/events",
                json!({ "category": category, "title": "排队", "description": "", "unit": GRID, "attributes": attributes }),
            )
            .await;
        assert_eq!(status, 201, "{reported}");
        let id = reported["id"].as_i64().expect("an id");
        let (status, accepted) = admin.act(id, json!({ "action": "accept" })).await;
        assert_eq!(status, 200, "{accepted}");
        let (status, _) = admin
            .act(id, json!({ "action": "dispatch", "dispatched_to": CGJ }))
            .await;
        assert_eq!(status, 200);
        queued.push((
            accepted["deadline"]
                .as_str()
                .expect("a deadline")
                .to_owned(),
            id,
        ));
    }
    queued.sort();
    let mut walked = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let after = next
            .as_deref()
            .map_or(String::new(), |n| format!("&after={n}"));
        let (status, page) = cg.get(&format!("/api/queue?limit=1{after}")).await;
        assert_eq!(status, 200, "{page}");
        for event in page["events"].as_array().expect("events") {
            walked.push((
                event["deadline"].as_str().expect("a deadline").to_owned(),
                event["id"].as_i64().expect("an id"),
            ));
        }
        match page["next"].as_str() {
            Some(n) => next = Some(n.to_owned()),
            None => break,
        }
        assert!(walked.len() <= queued.len(), "the walk ends: {walked:?}");
    }
    assert_eq!(walked, queued);
}
