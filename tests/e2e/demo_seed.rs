//! `wangge demo seed`: a fresh workspace gets the generated unit tree, residents and events,
//! which the API then serves in scope; a second seed is refused.

use serde_json::json;
use wangge_tests::{TEST_PASSWORD, Workspace};

#[tokio::test]
async fn seeded_data_is_served_in_scope() {
    let workspace = Workspace::sqlite();
    let summary = workspace.run(&["demo", "seed", "--residents", "2000", "--seed", "7"]);
    assert!(summary.contains("residents: 2000"), "{summary}");
    assert!(summary.contains("county 6"), "{summary}");
    for state in [
        "reported",
        "accepted",
        "rejected",
        "dispatched",
        "handling",
        "resolved",
    ] {
        assert!(summary.contains(state), "{state}: {summary}");
    }

    let again = workspace.wangge(&["demo", "seed", "--residents", "2000"]);
    assert!(!again.status.success(), "a second seed is refused");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already has residents"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    workspace.add_user("centre", "黄石市指挥中心", &[("unit-admin", "4202")]);
    workspace.add_user(
        "worker",
        "江边社区网格员",
        &[("grid-worker", "420202001001001")],
    );
    let server = workspace.serve(&[]);
    let centre = server.sign_in("centre", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;

    let (status, body) = server
        .api(
            &centre,
            "GET",
            "/api/residents?unit=4202&limit=100",
            json!(null),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let residents = body["residents"].as_array().expect("a list");
    assert_eq!(residents.len(), 100, "{body}");
    assert!(body["next"].is_string(), "more pages: {body}");

    // The demo CSV's residents are among the generated ones, in the worker's grid.
    let (status, body) = server
        .api(
            &worker,
            "GET",
            "/api/residents?unit=420202001001001",
            json!(null),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let ids: Vec<&str> = body["residents"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["id_number"].as_str())
        .collect();
    assert!(ids.contains(&"420202********0116"), "张建国: {ids:?}");

    let (status, body) = server
        .api(&centre, "GET", "/api/events?unit=4202", json!(null))
        .await;
    assert_eq!(status, 200, "{body}");
    let events = body["events"].as_array().expect("a list");
    assert!(events.len() >= 50, "{}", events.len());
    let id = events[0]["id"].as_i64().expect("an id");
    let (status, event) = server
        .api(&centre, "GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(status, 200, "{event}");
    assert!(
        event["timeline"].as_array().is_some_and(|t| !t.is_empty()),
        "every event has its timeline: {event}"
    );

    // One neighbours' dispute of the demo street is under mediation.
    let (status, body) = server
        .api(&centre, "GET", "/api/events?unit=420202001", json!(null))
        .await;
    assert_eq!(status, 200, "{body}");
    let mut mediating = Vec::new();
    for event in body["events"].as_array().expect("a list") {
        if event["category"] != "dispute.neighbour" {
            continue;
        }
        let path = format!("/api/events/{}/dispute", event["id"]);
        let (status, record) = server.api(&centre, "GET", &path, json!(null)).await;
        assert_eq!(status, 200, "{record}");
        if record["stage"] == "mediating" {
            mediating.push(record);
        }
    }
    assert_eq!(mediating.len(), 1, "{mediating:?}");
    assert_eq!(mediating[0]["item"]["name"], "房屋漏水渗水");
    assert_eq!(mediating[0]["parties"].as_array().map(Vec::len), Some(2));
    assert_eq!(mediating[0]["parties"][0]["phone"], "138****4567");
}
