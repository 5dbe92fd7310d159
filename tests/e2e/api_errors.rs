//! One error shape across the JSON API, also for requests refused before any handler runs:
//! a body without a required field, an unknown query parameter, a wrong content type, a
//! path that does not parse, and a route that does not exist.

use serde_json::Value;
use wangge_tests::{TEST_PASSWORD, Workspace};

#[tokio::test]
async fn every_refusal_has_the_error_shape() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("worker", "网格员", &[("grid-worker", "420202001001001")]);
    let server = workspace.serve(&[]);
    let token = server.sign_in("worker", TEST_PASSWORD).await;
    let base = server.base().to_owned();
    let client = server.client();

    let cases = [
        (
            client
                .post(format!("{base}/api/events"))
                .bearer_auth(&token)
                .json(&serde_json::json!({ "category": "environment", "unit": "420202001001001" })),
            422,
            "invalid",
            Some("title"),
        ),
        (
            client
                .get(format!("{base}/api/residents?unitt=420202001001001"))
                .bearer_auth(&token),
            400,
            "invalid",
            Some("unitt"),
        ),
        (
            client
                .post(format!("{base}/api/events"))
                .bearer_auth(&token)
                .body("category=environment"),
            415,
            "unsupported_media_type",
            None,
        ),
        (
            client
                .get(format!("{base}/api/events/abc"))
                .bearer_auth(&token),
            400,
            "invalid",
            None,
        ),
        (
            client
                .get(format!("{base}/api/no-such-thing"))
                .bearer_auth(&token),
            404,
            "not_found",
            None,
        ),
    ];
    for (request, status, code, field) in cases {
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), status);
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert_eq!(body["error"]["field"].as_str(), field, "{body}");
    }
}
