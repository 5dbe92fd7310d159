//! The workflow's notices in the resident's inbox, end to end: each move of a resident's
//! report by a worker (受理 with its note, 派遣) shows under 上报进展 linking to the report,
//! unread until marked read (only by its user) or until the report is opened; other
//! residents see none of it. `/api/notices` lists and marks the same notices. (That a reporter's own moves notify nobody is checked in
//! `host/src/db/event_notices.rs`.)

use serde_json::{Value, json};
use wangge_tests::{Server, TEST_PASSWORD, Workspace};

const STREET: &str = "420202001";
const GRID: &str = "420202001001001";

async fn act(server: &Server, token: &str, id: i64, action: Value) {
    let (status, body) = server
        .api(token, "POST", &format!("/api/events/{id}/actions"), action)
        .await;
    assert_eq!(status, 200, "{body}");
}

/// The ids of the notices on an inbox page (`id="notice-N"`), in page order.
fn notice_ids(body: &str) -> Vec<i64> {
    body.split("id=\"notice-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn moves_of_my_report_by_others_arrive_in_my_inbox() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    let server = workspace.serve(&[]);
    let zhang = server.sign_in("zhang", TEST_PASSWORD).await;
    let li = server.sign_in("li", TEST_PASSWORD).await;
    let admin = server.sign_in("admin", TEST_PASSWORD).await;

    let (status, body) = server
        .api(
            &zhang,
            "POST",
            "/api/events",
            json!({ "category": "dispute.neighbour", "title": "楼上噪音扰民", "description": "", "unit": GRID }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().expect("id");
    let inbox = server.page_as(&zhang, "/inbox").await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    assert!(notice_ids(&inbox.body).is_empty(), "{}", inbox.body);

    // 受理 with a note: the notice names the report, the step, the state and the note.
    act(
        &server,
        &admin,
        id,
        json!({ "action": "accept", "note": "已联系物业" }),
    )
    .await;
    let inbox = server.page_as(&zhang, "/inbox").await;
    let ids = notice_ids(&inbox.body);
    assert_eq!(ids.len(), 1, "{}", inbox.body);
    for text in [
        "上报进展",
        &format!("href=\"/reports/{id}\""),
        "楼上噪音扰民",
        "受理",
        "已受理",
        "已联系物业",
        "未读",
    ] {
        assert!(inbox.body.contains(text), "{text}: {}", inbox.body);
    }
    // Not li's to see or mark.
    assert!(notice_ids(&server.page_as(&li, "/inbox").await.body).is_empty());
    let path = format!("/inbox/notices/{}/read", ids[0]);
    assert_eq!(server.post_form_as(&li, &path, &[]).await.status, 404);
    let read = server.post_form_as(&zhang, &path, &[]).await;
    assert_eq!(read.status, 303, "{}", read.body);
    assert_eq!(read.header("location"), "/inbox");
    let inbox = server.page_as(&zhang, "/inbox").await;
    assert!(!inbox.body.contains("未读"), "{}", inbox.body);

    // 派遣: a second notice, newest first; opening the report marks it read.
    act(
        &server,
        &admin,
        id,
        json!({ "action": "dispatch", "dispatched_to": "420202001001001" }),
    )
    .await;
    let inbox = server.page_as(&zhang, "/inbox").await;
    let ids = notice_ids(&inbox.body);
    assert_eq!(ids.len(), 2, "{}", inbox.body);
    assert!(ids[0] > ids[1], "newest first: {ids:?}");
    assert!(inbox.body.contains("已派遣") && inbox.body.contains("未读"));

    // The API: the same notices, newest first, paged; marking one read is the user's own.
    let (status, page) = server
        .api(&zhang, "GET", "/api/notices?limit=1", Value::Null)
        .await;
    assert_eq!(status, 200, "{page}");
    let newest = &page["notices"][0];
    assert_eq!(newest["id"], ids[0]);
    assert_eq!(
        (&newest["event"], &newest["action"], &newest["state"]),
        (&json!(id), &json!("dispatch"), &json!("dispatched"))
    );
    assert_eq!(newest["title"], "楼上噪音扰民");
    assert_eq!(newest["read"], false);
    assert_eq!(page["next_before"], ids[0]);
    let (_, older) = server
        .api(
            &zhang,
            "GET",
            &format!("/api/notices?before={}", ids[0]),
            Value::Null,
        )
        .await;
    assert_eq!(older["notices"][0]["id"], ids[1]);
    assert_eq!(older["notices"][0]["note"], "已联系物业");
    assert_eq!(older["notices"][0]["read"], true);
    assert_eq!(older["next_before"], Value::Null);
    let (status, _) = server
        .api(&li, "GET", "/api/notices?limit=0", Value::Null)
        .await;
    assert_eq!(status, 400);
    let (status, li_page) = server.api(&li, "GET", "/api/notices", Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(li_page["notices"], json!([]));
    let read_path = format!("/api/notices/{}/read", ids[0]);
    let (status, _) = server.api(&li, "POST", &read_path, Value::Null).await;
    assert_eq!(status, 404, "not li's");
    assert_eq!(server.get("/api/notices").await.status, 401);

    // Opening the report marks its notices read.
    let report = server.page_as(&zhang, &format!("/reports/{id}")).await;
    assert_eq!(report.status, 200, "{}", report.body);
    let inbox = server.page_as(&zhang, "/inbox").await;
    assert!(!inbox.body.contains("未读"), "{}", inbox.body);
    let (_, page) = server.api(&zhang, "GET", "/api/notices", Value::Null).await;
    assert_eq!(page["notices"][0]["read"], true);
}
