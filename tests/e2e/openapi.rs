//! The OpenAPI document over the real server: served publicly as JSON, and every GET path it
//! documents (without path parameters) exists: it refuses a caller without a session with
//! the API's error shape, or answers the public ones.

use serde_json::Value;
use wangge_tests::Workspace;

#[tokio::test]
async fn the_document_is_served_and_its_paths_exist() {
    let workspace = Workspace::sqlite();
    let server = workspace.serve(&[]);

    let page = server.get("/api/openapi.json").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.header("content-type").starts_with("application/json"),
        "content-type {}",
        page.header("content-type")
    );
    let doc: Value = serde_json::from_str(&page.body).expect("the document is JSON");
    let paths = doc["paths"].as_object().expect("paths");

    let mut checked = 0;
    for (path, item) in paths {
        let Some(get) = item.get("get") else { continue };
        if path.contains('{') {
            continue;
        }
        // Operations with `security: []` are public; the rest need a session.
        let public = get["security"].as_array().is_some_and(Vec::is_empty);
        let response = server.get(path).await;
        if public {
            assert_eq!(response.status, 200, "GET {path}: {}", response.body);
        } else {
            assert_eq!(response.status, 401, "GET {path}: {}", response.body);
            let body: Value = serde_json::from_str(&response.body)
                .unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {}", response.body));
            assert_eq!(body["error"]["code"], "unauthorized", "GET {path}: {body}");
            assert!(body["error"]["message"].is_string(), "GET {path}: {body}");
            assert!(
                body["error"].get("field").is_some(),
                "GET {path}: no `field`: {body}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} GET paths checked");
    for public in ["/api/event-categories", "/api/openapi.json"] {
        assert_eq!(
            paths[public]["get"]["security"],
            serde_json::json!([]),
            "{public} is documented as public"
        );
    }
}
