//! Open311 GeoReport v2 over real HTTP: the categories as services with their custom fields,
//! a citizen app posting a form-encoded request with attributes, reading it back in full in
//! scope only (and anyone its public view), its status following the workflow; and the custom fields checked the same way on
//! `POST /api/events`. The workflow test runs on SQLite and on PostgreSQL.

use serde_json::{Value, json};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, TEST_PASSWORD, Workspace};

const GRID: &str = "420202001001001";

fn setup() -> (Workspace, Server) {
    setup_on(Workspace::sqlite())
}

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "admin", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "worker", &[("grid-worker", GRID)]);
    workspace.add_user("li", "li", &[("resident", GRID)]);
    workspace.add_user("hubin", "hubin", &[("unit-admin", "420202001002")]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

/// `application/x-www-form-urlencoded`, percent-encoding everything but unreserved bytes.
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn get(server: &Server, path: &str) -> (u16, Value) {
    let page = server.get(path).await;
    let body = serde_json::from_str(&page.body)
        .unwrap_or_else(|e| panic!("GET {path}: {e}: {}", page.body));
    (page.status, body)
}

async fn post(server: &Server, pairs: &[(&str, &str)]) -> (u16, Value) {
    let response = server
        .client()
        .post(format!("{}/open311/v2/requests.json", server.base()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(pairs))
        .send()
        .await
        .expect("POST requests.json");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// The description of an Open311 error array, after checking its shape and status.
fn open311_error(status: u16, body: &Value, expected: u16) -> String {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body[0]["code"], expected, "{body}");
    body[0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["service_request_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn services_describe_the_categories_and_their_custom_fields() {
    let (_workspace, server) = setup();
    let (status, services) = get(&server, "/open311/v2/services.json").await;
    assert_eq!(status, 200, "{services}");
    let service = |code: &str| {
        services
            .as_array()
            .and_then(|s| s.iter().find(|s| s["service_code"] == code))
            .cloned()
            .unwrap_or_default()
    };
    let hazard = service("safety-hazard");
    assert_eq!(
        (
            &hazard["service_name"],
            &hazard["metadata"],
            &hazard["group"]
        ),
        (&json!("安全隐患"), &json!(true), &json!("other"))
    );
    assert_eq!(hazard["type"], "realtime");
    let neighbour = service("dispute.neighbour");
    assert_eq!(
        (&neighbour["metadata"], &neighbour["group"]),
        (&json!(false), &json!("dispute"))
    );

    let (status, definition) = get(&server, "/open311/v2/services/safety-hazard.json").await;
    assert_eq!(status, 200, "{definition}");
    let first = &definition["attributes"][0];
    assert_eq!(
        (
            &first["code"],
            &first["datatype"],
            &first["required"],
            &first["order"]
        ),
        (
            &json!("hazard_type"),
            &json!("singlevaluelist"),
            &json!(true),
            &json!(1)
        )
    );
    assert_eq!(first["description"], "隐患类型");
    assert!(
        first["values"]
            .as_array()
            .is_some_and(|v| v.iter().any(|v| v["key"] == "燃气")),
        "{first}"
    );
    let people = definition["attributes"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["code"] == "people_at_risk"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (&people["datatype"], &people["required"]),
        (&json!("number"), &json!(false))
    );

    let (status, body) = get(&server, "/open311/v2/services/nonsense.json").await;
    open311_error(status, &body, 404);
    for xml in [
        "/open311/v2/services.xml",
        "/open311/v2/services/safety-hazard.xml",
        "/open311/v2/requests.xml",
    ] {
        let (status, body) = get(&server, xml).await;
        assert!(open311_error(status, &body, 400).contains("only the JSON format"));
    }
}

#[tokio::test]
async fn requests_are_posted_read_in_scope_and_follow_the_workflow() {
    requests_follow_the_workflow(setup()).await;
}

#[tokio::test]
async fn requests_follow_the_workflow_on_postgres() {
    let database = FreshDatabase::create().await;
    requests_follow_the_workflow(setup_on(Workspace::with(Database::Postgres(
        database.url().into(),
    ))))
    .await;
}

async fn requests_follow_the_workflow((_workspace, server): (Workspace, Server)) {
    let li = server.sign_in("li", TEST_PASSWORD).await;
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let hubin = server.sign_in("hubin", TEST_PASSWORD).await;
    let good: Vec<(&str, &str)> = vec![
        ("service_code", "safety-hazard"),
        ("lat", "30.2012"),
        ("long", "115.0789"),
        ("address_string", "江边路 8 号三单元"),
        ("description", "楼道堆放杂物\n三单元一楼到三楼都有"),
        ("attribute[hazard_type]", "消防"),
        ("attribute[people_at_risk]", "12"),
        ("email", "li@example.com"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = good.clone();
        for (k, v) in extra {
            pairs.retain(|(name, _)| name != k);
            pairs.push((k, v));
        }
        pairs
    };

    let (status, body) = post(&server, &good).await;
    assert!(open311_error(status, &body, 401).contains("api_key"));
    let (status, body) = post(&server, &with(&[("api_key", "not-a-session")])).await;
    open311_error(status, &body, 403);

    let mut signed = good.clone();
    signed.push(("api_key", li.as_str()));
    let with_key = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = signed.clone();
        for (k, v) in extra {
            pairs.retain(|(name, _)| name != k);
            pairs.push((k, v));
        }
        pairs
    };
    let (status, body) = post(&server, &with_key(&[("attribute[hazard_type]", "水灾")])).await;
    let problem = open311_error(status, &body, 400);
    assert!(problem.contains("attribute[hazard_type]"), "{problem}");
    let (status, body) = post(&server, &with_key(&[("attribute[people_at_risk]", "many")])).await;
    assert!(open311_error(status, &body, 400).contains("attribute[people_at_risk]"));
    let (status, body) = post(&server, &with_key(&[("attribute[colour]", "red")])).await;
    assert!(open311_error(status, &body, 400).contains("attribute[colour]"));
    let (status, body) = post(&server, &with_key(&[("jurisdiction_id", "420202001002")])).await;
    assert!(open311_error(status, &body, 403).contains("jurisdiction_id"));
    let (status, body) = post(&server, &with_key(&[("lat", "91")])).await;
    assert!(open311_error(status, &body, 400).starts_with("lat"));

    let (status, created) = post(&server, &signed).await;
    assert_eq!(status, 201, "{created}");
    let id = created[0]["service_request_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert!(
        created[0]["service_notice"]
            .as_str()
            .is_some_and(|n| n.contains("江边社区第一网格")),
        "{created}"
    );

    // The admin's grants are at one unit too, but jurisdiction_id names the grid.
    let admin_report = [
        ("service_code", "environment"),
        ("address_string", "江边路垃圾站"),
        ("description", "垃圾三天未清运"),
        ("attribute[issue]", "垃圾未清运"),
        ("jurisdiction_id", GRID),
        ("api_key", admin.as_str()),
    ];
    let (status, body) = post(&server, &admin_report).await;
    assert_eq!(status, 201, "{body}");
    let environment_id = body[0]["service_request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let one = format!("/open311/v2/requests/{id}.json?api_key={li}");
    let (status, request) = get(&server, &one).await;
    assert_eq!(status, 200, "{request}");
    let request = &request[0];
    assert_eq!(
        (
            &request["status"],
            &request["service_code"],
            &request["service_name"]
        ),
        (&json!("open"), &json!("safety-hazard"), &json!("安全隐患"))
    );
    assert_eq!(
        (&request["lat"], &request["long"]),
        (&json!(30.2012), &json!(115.0789))
    );
    assert_eq!(request["address"], "江边路 8 号三单元");
    assert_eq!(request["agency_responsible"], "江边社区第一网格");
    assert!(request["media_url"].is_null());
    assert!(
        request["requested_datetime"]
            .as_str()
            .is_some_and(|t| t.ends_with("+08:00") && t.len() == 25),
        "{request}"
    );

    let (status, list) = get(
        &server,
        &format!("/open311/v2/requests.json?api_key={admin}"),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        ids(&list),
        [environment_id.as_str(), id.as_str()],
        "newest first"
    );
    let filtered = format!("/open311/v2/requests.json?api_key={admin}&service_code=environment");
    assert_eq!(
        ids(&get(&server, &filtered).await.1),
        [environment_id.as_str()]
    );
    let by_id = format!("/open311/v2/requests.json?api_key={admin}&service_request_id={id},999");
    assert_eq!(ids(&get(&server, &by_id).await.1), [id.as_str()]);
    let closed = format!("/open311/v2/requests.json?api_key={admin}&status=closed");
    assert!(ids(&get(&server, &closed).await.1).is_empty());
    let old = format!(
        "/open311/v2/requests.json?api_key={admin}&start_date=2020-01-01T00:00:00%2B08:00&end_date=2020-02-01"
    );
    assert!(ids(&get(&server, &old).await.1).is_empty());
    let (status, body) = get(
        &server,
        &format!("/open311/v2/requests.json?api_key={admin}&status=done"),
    )
    .await;
    assert!(open311_error(status, &body, 400).contains("status"));
    // Without a key, the public view: listed alike, nothing that names or points at anyone.
    let (status, public) = get(&server, "/open311/v2/requests.json").await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(ids(&public), [environment_id.as_str(), id.as_str()]);
    let hazard = &public[1];
    assert_eq!(
        (&hazard["lat"], &hazard["long"]),
        (&json!(30.201), &json!(115.079)),
        "the place to about 100 m"
    );
    for private in ["description", "address", "status_notes"] {
        assert!(hazard[private].is_null(), "{private}: {hazard}");
    }
    assert_eq!(hazard["agency_responsible"], "江边社区第一网格");
    let (status, body) = get(&server, "/open311/v2/requests.json?jurisdiction_id=4299").await;
    assert!(open311_error(status, &body, 400).contains("jurisdiction_id"));

    // Another community's admin: the request does not exist for them.
    let (status, body) = get(
        &server,
        &format!("/open311/v2/requests/{id}.json?api_key={hubin}"),
    )
    .await;
    open311_error(status, &body, 404);
    let (status, body) = get(
        &server,
        &format!("/open311/v2/requests/99999.json?api_key={hubin}"),
    )
    .await;
    open311_error(status, &body, 404);
    let (_, theirs) = get(
        &server,
        &format!("/open311/v2/requests.json?api_key={hubin}"),
    )
    .await;
    assert!(ids(&theirs).is_empty(), "{theirs}");

    // The workflow closes it; Open311 sees it closed with the last note.
    let act = |token: &str, action: &str, extra: Value| {
        let mut body = json!({ "action": action, "note": format!("{action} note") });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let (token, path) = (token.to_owned(), format!("/api/events/{id}/actions"));
        let server = &server;
        async move { server.api(&token, "POST", &path, body).await }
    };
    assert_eq!(act(&admin, "accept", json!({})).await.0, 200);
    let dispatched = act(
        &admin,
        "dispatch",
        json!({ "dispatched_to": "420202001001001" }),
    )
    .await;
    assert_eq!(dispatched.0, 200, "{}", dispatched.1);
    assert_eq!(act(&worker, "handle", json!({})).await.0, 200);
    assert_eq!(act(&worker, "resolve", json!({})).await.0, 200);
    assert_eq!(
        act(&admin, "close", json!({ "note": "杂物已清理" }))
            .await
            .0,
        200
    );
    let (_, request) = get(&server, &one.replace(&li, &admin)).await;
    let request = &request[0];
    assert_eq!(
        (
            &request["status"],
            &request["status_notes"],
            &request["agency_responsible"]
        ),
        (
            &json!("closed"),
            &json!("杂物已清理"),
            &json!("江边社区第一网格")
        )
    );
    assert!(
        request["expected_datetime"]
            .as_str()
            .is_some_and(|t| t.ends_with("T23:59:59+08:00"))
    );
    assert!(request["updated_datetime"].as_str() >= request["requested_datetime"].as_str());
    assert_eq!(ids(&get(&server, &closed).await.1), [id.as_str()]);

    // Bearer works in place of api_key.
    let response = server
        .client()
        .get(format!("{}/open311/v2/requests/{id}.json", server.base()))
        .bearer_auth(&li)
        .send()
        .await
        .expect("GET with bearer");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_json_api_checks_custom_fields_and_keeps_the_place() {
    let (_workspace, server) = setup();
    let li = server.sign_in("li", TEST_PASSWORD).await;
    let (status, categories) = server
        .api(&li, "GET", "/api/event-categories", json!(null))
        .await;
    assert_eq!(status, 200);
    let hazard = categories["categories"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["code"] == "safety-hazard"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        hazard["fields_schema"]["required"][0], "hazard_type",
        "{hazard}"
    );
    assert!(hazard["description"].is_string());

    let report = |extra: Value| {
        let mut body = json!({ "category": "safety-hazard", "title": "电线裸露", "description": "", "unit": GRID });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let (server, li) = (&server, li.clone());
        async move { server.api(&li, "POST", "/api/events", body).await }
    };
    let (status, body) = report(json!({ "attributes": { "hazard_type": "水灾" } })).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("attributes.hazard_type")),
        "{body}"
    );
    let (status, body) = report(json!({})).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("attributes.hazard_type")),
        "{body}"
    );
    let (status, body) =
        report(json!({ "attributes": { "hazard_type": "用电" }, "latitude": 30.2 })).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("longitude")),
        "{body}"
    );
    let (status, body) = report(json!({
        "attributes": { "hazard_type": "用电", "immediate_danger": true },
        "latitude": 30.2, "longitude": 115.1, "address": "江边路 3 号"
    }))
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().expect("id");
    let (_, event) = server
        .api(&li, "GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(
        (
            &event["latitude"],
            &event["address"],
            &event["attributes"]["hazard_type"]
        ),
        (&json!(30.2), &json!("江边路 3 号"), &json!("用电"))
    );
    assert_eq!(event["updated_at"], event["reported_at"]);
}
