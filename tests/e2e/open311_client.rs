//! A standard Open311 client reads the host anonymously: the `georeport` package from PyPI
//! (`tests/open311_client.py`, installed by `cargo xtask test` into its own virtual
//! environment) lists the services, reads a definition, and reads back a request a resident
//! posted — the public view: no description, address or notes, the place to about 100 m. A
//! dispute the same resident posted is neither listed nor readable, and `discovery.json`
//! points a client at the endpoint.

use std::process::Command;

use serde_json::{Value, json};
use wangge_tests::{Server, TEST_PASSWORD, Workspace, form_encode};

const GRID: &str = "420202001001001";

/// Posts a form to `requests.json`; the new request's id.
async fn post(server: &Server, pairs: &[(&str, &str)]) -> String {
    let response = server
        .client()
        .post(format!("{}/open311/v2/requests.json", server.base()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_encode(pairs))
        .send()
        .await
        .expect("POST requests.json");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("JSON");
    body[0]["service_request_id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// The Python of the virtual environment with `georeport`, as `cargo xtask test` made it.
fn georeport_python() -> String {
    std::env::var("WANGGE_GEOREPORT_PYTHON").unwrap_or_else(|_| {
        panic!(
            "WANGGE_GEOREPORT_PYTHON is not set: run this test through `cargo xtask test`, \
             which installs the georeport client from PyPI into target/georeport/venv"
        )
    })
}

#[tokio::test]
async fn a_standard_client_reads_the_public_view() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("li", "li", &[("resident", GRID)]);
    let server = workspace.serve(&[]);
    let li = server.sign_in("li", TEST_PASSWORD).await;
    let hazard = post(
        &server,
        &[
            ("service_code", "safety-hazard"),
            ("lat", "30.2012"),
            ("long", "115.0789"),
            ("address_string", "江边路 8 号三单元"),
            ("description", "楼道堆放杂物，李四家门口"),
            ("attribute[hazard_type]", "消防"),
            ("api_key", &li),
        ],
    )
    .await;
    let dispute = post(
        &server,
        &[
            ("service_code", "dispute.neighbour"),
            ("lat", "30.2012"),
            ("long", "115.0789"),
            ("description", "楼上深夜噪音"),
            ("api_key", &li),
        ],
    )
    .await;

    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("open311_client.py");
    let root = format!("{}/open311/v2", server.base());
    let output = Command::new(georeport_python())
        .arg(&script)
        .args([root.as_str(), "safety-hazard", hazard.as_str()])
        .output()
        .expect("the georeport client runs");
    assert!(
        output.status.success(),
        "the client failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: Value = serde_json::from_slice(&output.stdout).expect("the client's JSON");

    let services: Vec<&str> = read["services"]
        .as_array()
        .expect("services")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(services.contains(&"safety-hazard"), "{services:?}");
    assert_eq!(read["definition"]["service_code"], "safety-hazard");
    assert!(
        read["definition"]["attributes"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{}",
        read["definition"]
    );
    let request = &read["request"];
    assert_eq!(request["service_request_id"], hazard.as_str());
    assert_eq!(request["status"], "open");
    assert_eq!(request["service_name"], "安全隐患");
    assert_eq!(request["agency_responsible"], "江边社区第一网格");
    assert_eq!(
        (&request["lat"], &request["long"]),
        (&json!(30.201), &json!(115.079))
    );
    for private in ["description", "address", "status_notes", "media_url"] {
        assert!(
            request[private].is_null(),
            "{private} is not public: {request}"
        );
    }
    assert!(
        request["requested_datetime"]
            .as_str()
            .is_some_and(|t| t.ends_with("+08:00")),
        "{request}"
    );
    assert_eq!(read["listed"].as_array().map(Vec::len), Some(1));
    assert_eq!(read["listed"][0], *request);
    let recent: Vec<&str> = read["recent"]
        .as_array()
        .expect("recent")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(recent, [hazard.as_str()], "the dispute is not public");

    // Read by hand, the dispute does not exist for anyone without a key; its reporter sees it.
    let anonymous = server
        .get(&format!("/open311/v2/requests/{dispute}.json"))
        .await;
    assert_eq!(anonymous.status, 404, "{}", anonymous.body);
    assert!(!anonymous.body.contains("噪音"));
    let own = server
        .page_as(&li, &format!("/open311/v2/requests/{dispute}.json"))
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let bad_key = server
        .get(&format!(
            "/open311/v2/requests/{hazard}.json?api_key=not-a-session"
        ))
        .await;
    assert_eq!(
        bad_key.status, 403,
        "a wrong key is refused, not read as anonymous"
    );

    let discovery = server.get("/open311/v2/discovery.json").await;
    assert_eq!(discovery.status, 200);
    let discovery: Value = serde_json::from_str(&discovery.body).expect("JSON");
    assert_eq!(discovery["endpoints"][0]["url"], root.as_str());
    assert_eq!(discovery["endpoints"][0]["formats"][0], "application/json");
}
