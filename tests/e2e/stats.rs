//! Dashboard aggregates: counts over a subtree, with cells below 5 shown as "<5" above
//! community level and exact below it.

use serde_json::{Value, json};
use wangge_tests::{TEST_PASSWORD, Workspace};

fn cell<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array()
        .and_then(|cells| cells.iter().find(|c| c["key"] == key))
        .map_or(&Value::Null, |c| &c["count"])
}

#[tokio::test]
async fn small_cells_are_suppressed_above_community_level() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace.add_user("leader", "leader", &[("leader", "4202")]);
    workspace.add_user("community", "community", &[("unit-admin", "420202001001")]);
    workspace.add_user("li", "li", &[("resident", "420202001001001")]);
    let server = workspace.serve(&[]);
    let li = server.sign_in("li", TEST_PASSWORD).await;
    // Each category with its required custom field (migration 0006).
    for (category, times, attributes) in [
        ("safety-hazard", 3, json!({ "hazard_type": "用电" })),
        ("environment", 6, json!({ "issue": "污水" })),
    ] {
        for _ in 0..times {
            let (status, _) = server
                .api(
                    &li,
                    "POST",
                    "/api/events",
                    json!({ "category": category, "title": "t", "description": "", "unit": "420202001001001", "attributes": attributes }),
                )
                .await;
            assert_eq!(status, 201);
        }
    }

    let leader = server.sign_in("leader", TEST_PASSWORD).await;
    let (status, city) = server
        .api(&leader, "GET", "/api/stats?unit=4202", json!(null))
        .await;
    assert_eq!(status, 200, "{city}");
    assert_eq!(city["small_cells_below"], 5);
    assert_eq!(cell(&city["events"]["by_category"], "safety-hazard"), "<5");
    assert_eq!(cell(&city["events"]["by_category"], "environment"), 6);
    assert_eq!(cell(&city["events"]["by_state"], "reported"), 9);
    assert_eq!(cell(&city["events"]["by_child_unit"], "420202"), 9);
    assert_eq!(cell(&city["residents"]["by_type"], "registered"), 5);
    assert_eq!(cell(&city["residents"]["by_type"], "floating"), "<5");
    let today_total: i64 = city["events"]["by_day"]
        .as_array()
        .map(|days| days.iter().filter_map(|d| d["count"].as_i64()).sum())
        .unwrap_or_default();
    assert_eq!(today_total, 9, "{}", city["events"]["by_day"]);

    let community = server.sign_in("community", TEST_PASSWORD).await;
    let (status, own) = server
        .api(
            &community,
            "GET",
            "/api/stats?unit=420202001001",
            json!(null),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(own["small_cells_below"], Value::Null);
    assert_eq!(cell(&own["events"]["by_category"], "safety-hazard"), 3);
    assert_eq!(cell(&own["events"]["by_child_unit"], "420202001001001"), 9);
    let (status, _) = server
        .api(&community, "GET", "/api/stats?unit=4202", json!(null))
        .await;
    assert_eq!(status, 403, "a community admin sees no city statistics");
    let (status, _) = server
        .api(&li, "GET", "/api/stats?unit=420202001001", json!(null))
        .await;
    assert_eq!(status, 403, "residents see no statistics");
}
