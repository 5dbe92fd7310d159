//! The host's log for a collector (`--log-format json`): one JSON object a line; a request's
//! id, the caller's when plausible or else one made, comes back in `x-request-id` and is on
//! the request's access line and on every record the plugin wrote while serving it. The
//! default text log has the same access line.

use serde_json::Value;
use wangge_tests::{Page, Server, Workspace};

/// GETs `path` sending `x-request-id: id` (if any).
async fn get_with_id(server: &Server, path: &str, id: Option<&str>) -> Page {
    let mut request = server.client().get(format!("{}{path}", server.base()));
    if let Some(id) = id {
        request = request.header("x-request-id", id);
    }
    Page::read(request.send().await.expect("GET")).await
}

/// The log's records, each line parsed (a line that is not JSON fails the test).
fn records(server: &Server) -> Vec<Value> {
    server
        .log()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// The request id of the span a record was made in, if any.
fn request_id(record: &Value) -> Option<&str> {
    record["spans"]
        .as_array()?
        .iter()
        .find_map(|span| span["request_id"].as_str())
}

/// The access line of the request `id`.
fn access_line<'a>(records: &'a [Value], id: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["target"] == "access" && request_id(r) == Some(id))
        .unwrap_or_else(|| panic!("no access line for {id} in {records:#?}"))
}

#[tokio::test]
async fn json_log_follows_a_request_into_the_plugin() {
    let workspace = Workspace::sqlite();
    workspace.add_plugin("hello", &[]);
    let server = workspace.serve(&["--log-format", "json"]);

    let page = get_with_id(&server, "/p/hello/", Some("trace-me-1")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("x-request-id"),
        "trace-me-1",
        "the caller's id comes back"
    );

    let all = records(&server);
    let access = access_line(&all, "trace-me-1");
    assert_eq!(access["level"], "INFO");
    assert_eq!(access["fields"]["method"], "GET");
    assert_eq!(access["fields"]["route"], "/p/{plugin}/");
    assert_eq!(access["fields"]["status"], 200);
    assert!(
        access["fields"]["duration_ms"]
            .as_f64()
            .is_some_and(|ms| ms >= 0.0),
        "{access}"
    );
    let by_plugin = all
        .iter()
        .find(|r| r["target"] == "plugin" && request_id(r) == Some("trace-me-1"))
        .unwrap_or_else(|| panic!("the plugin's record carries the request id: {all:#?}"));
    let fields = &by_plugin["fields"];
    assert_eq!(fields["plugin"], "hello");
    assert!(
        fields["version"].as_str().is_some_and(|v| v.contains('.')),
        "{fields}"
    );
    assert!(fields["installation"].as_i64().is_some(), "{fields}");
    assert!(
        fields["unit"].as_str().is_some_and(|u| !u.is_empty()),
        "{fields}"
    );
    assert!(
        fields["fields"]
            .as_str()
            .is_some_and(|f| f.contains("visits=1")),
        "{fields}"
    );

    // No id, or one that could forge a line, and the host makes its own.
    for sent in [None, Some("two words"), Some("x".repeat(65).as_str())] {
        let page = get_with_id(&server, "/healthz", sent).await;
        assert_eq!(page.status, 200);
        let made = page.header("x-request-id").to_owned();
        assert_eq!(made.len(), 32, "a made id, not {sent:?}: {made}");
        assert!(made.bytes().all(|b| b.is_ascii_hexdigit()), "{made}");
    }
    let api = get_with_id(&server, "/api/events/999999", Some("trace-me-2")).await;
    let all = records(&server);
    let access = access_line(&all, "trace-me-2");
    assert_eq!(access["fields"]["status"], u64::from(api.status));
    assert_eq!(
        access["fields"]["route"], "/api/events/{id}",
        "the route's pattern, not the path"
    );
    assert!(
        !server.log().contains("two words"),
        "an implausible id is never written"
    );
}

#[tokio::test]
async fn text_log_has_the_access_line() {
    let workspace = Workspace::sqlite();
    let server = workspace.serve(&[]);
    let page = get_with_id(&server, "/", Some("trace-me-3")).await;
    assert_eq!(page.header("x-request-id"), "trace-me-3");
    let log = server.log();
    let line = log
        .lines()
        .find(|line| line.contains("request_id=trace-me-3") && line.contains("access"))
        .unwrap_or_else(|| panic!("an access line for trace-me-3:\n{log}"));
    assert!(
        line.contains("method=GET") && line.contains("status=") && line.contains("route=/"),
        "{line}"
    );
}
