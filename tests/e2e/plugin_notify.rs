//! The `notify` import end to end: a street plugin's message to a resident reaches the
//! inbox of the user linked to that resident and nobody else's; a message to a grid reaches
//! that grid's workers only; residents and grids outside the street are not found and
//! nothing is stored; malformed messages are refused naming the field; inboxes are read and
//! marked read through `/api/inbox`, each user's own only, with read marks per reader.

use serde_json::Value;
use wangge_tests::{Server, TEST_PASSWORD, Workspace, form_encode, pre_answer};

const GRID: &str = "420202001001001";
const SIBLING_GRID: &str = "420202001001002";
const OTHER_STREET_GRID: &str = "420202002001001";

/// What the notifier plugin answered to `/send?QUERY`.
async fn send(server: &Server, query: &[(&str, &str)]) -> String {
    let path = format!("/p/notifier/send?{}", form_encode(query));
    let page = server.get(&path).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    pre_answer(&page.body)
}

async fn inbox(server: &Server, token: &str) -> Vec<Value> {
    let (status, body) = server.api(token, "GET", "/api/inbox", Value::Null).await;
    assert_eq!(status, 200, "{body}");
    body["messages"].as_array().expect("messages").clone()
}

async fn stored(workspace: &Workspace) -> i64 {
    let mut db = workspace.database().await;
    sqlx::query_scalar("SELECT COUNT(*) FROM inbox_messages")
        .fetch_one(&mut db)
        .await
        .expect("count")
}

#[tokio::test]
async fn plugin_messages_reach_the_right_inboxes_only() {
    let workspace = Workspace::demo_with_street_plugin("notifier");
    let resident_id = {
        let mut db = workspace.database().await;
        let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM residents")
            .fetch_all(&mut db)
            .await
            .expect("ids");
        move |name: &str| {
            ids.iter()
                .find(|(_, n)| n == name)
                .unwrap_or_else(|| panic!("{name}"))
                .0
                .to_string()
        }
    };
    let zhang = resident_id("张建国");
    let li = resident_id("李秀英");
    let zhou = resident_id("周芳");

    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    workspace.add_user("worker1", "第一网格网格员", &[("grid-worker", GRID)]);
    workspace.add_user("partner1", "第一网格专职网格员", &[("grid-worker", GRID)]);
    workspace.add_user(
        "worker2",
        "第二网格网格员",
        &[("grid-worker", SIBLING_GRID)],
    );
    workspace.run(&["users", "link-resident", "zhang", &zhang]);
    workspace.run(&["users", "link-resident", "li", &li]);
    let unknown_user = workspace.wangge(&["users", "link-resident", "nobody", &zhang]);
    assert!(!unknown_user.status.success());
    assert!(String::from_utf8_lossy(&unknown_user.stderr).contains("no user `nobody`"));
    let unknown_resident = workspace.wangge(&["users", "link-resident", "zhang", "999999"]);
    assert!(!unknown_resident.status.success());
    assert!(String::from_utf8_lossy(&unknown_resident.stderr).contains("no resident 999999"));

    let server = workspace.serve(&[]);
    let sent = send(
        &server,
        &[
            ("to", "resident"),
            ("id", &zhang),
            ("title", "高龄津贴已发放"),
            ("body", "本月高龄津贴已发放到您的社保卡。"),
            ("link", "/claims/7"),
        ],
    )
    .await;
    assert_eq!(sent, "sent");
    let sent = send(
        &server,
        &[
            ("to", "grid"),
            ("grid", GRID),
            ("title", "新的居民诉求"),
            ("body", "江边路路灯不亮"),
        ],
    )
    .await;
    assert_eq!(sent, "sent");
    assert_eq!(stored(&workspace).await, 2);

    // Outside the street, a resident and a grid look exactly like missing ones.
    for id in [zhou.as_str(), "999999", "not-a-number"] {
        let answer = send(
            &server,
            &[
                ("to", "resident"),
                ("id", id),
                ("title", "t"),
                ("body", "b"),
            ],
        )
        .await;
        assert!(answer.starts_with("error=not-found: "), "{id}: {answer}");
    }
    let answer = send(
        &server,
        &[("to", "grid"), ("grid", OTHER_STREET_GRID), ("title", "t")],
    )
    .await;
    assert!(answer.starts_with("error=not-found: "), "{answer}");
    let answer = send(
        &server,
        &[("to", "grid"), ("grid", "420202001"), ("title", "t")],
    )
    .await;
    assert!(
        answer.starts_with("error=invalid: grid-code"),
        "a street is no grid: {answer}"
    );

    let answer = send(
        &server,
        &[
            ("to", "resident"),
            ("id", &zhang),
            ("title", ""),
            ("body", "b"),
        ],
    )
    .await;
    assert!(
        answer.starts_with("error=invalid: message.title"),
        "{answer}"
    );
    let long_title = "长".repeat(101);
    let answer = send(
        &server,
        &[("to", "resident"), ("id", &zhang), ("title", &long_title)],
    )
    .await;
    assert!(
        answer.starts_with("error=invalid: message.title"),
        "{answer}"
    );
    for link in ["/claims/../../api/inbox", "//evil.example/", "claims/7"] {
        let answer = send(
            &server,
            &[
                ("to", "resident"),
                ("id", &zhang),
                ("title", "t"),
                ("link", link),
            ],
        )
        .await;
        assert!(
            answer.starts_with("error=invalid: message.link"),
            "{link}: {answer}"
        );
    }
    assert_eq!(stored(&workspace).await, 2, "nothing refused was stored");

    let zhang_token = server.sign_in("zhang", TEST_PASSWORD).await;
    let li_token = server.sign_in("li", TEST_PASSWORD).await;
    let worker1_token = server.sign_in("worker1", TEST_PASSWORD).await;
    let worker2_token = server.sign_in("worker2", TEST_PASSWORD).await;

    let zhangs = inbox(&server, &zhang_token).await;
    assert_eq!(zhangs.len(), 1, "{zhangs:?}");
    let message = &zhangs[0];
    assert_eq!(message["title"], "高龄津贴已发放");
    assert_eq!(message["body"], "本月高龄津贴已发放到您的社保卡。");
    assert_eq!(message["link"], "/p/notifier/claims/7");
    assert_eq!(message["from_plugin"], "notifier");
    assert_eq!(message["read"], false);
    assert!(message["created_at"].as_i64().is_some_and(|at| at > 0));
    assert!(
        inbox(&server, &li_token).await.is_empty(),
        "another resident's message"
    );

    let worker1s = inbox(&server, &worker1_token).await;
    assert_eq!(worker1s.len(), 1, "{worker1s:?}");
    assert_eq!(worker1s[0]["title"], "新的居民诉求");
    assert_eq!(worker1s[0]["link"], Value::Null);
    assert!(
        inbox(&server, &worker2_token).await.is_empty(),
        "another grid's message"
    );

    let id = message["id"].as_i64().expect("id");
    let (status, body) = server
        .api(
            &li_token,
            "POST",
            &format!("/api/inbox/{id}/read"),
            Value::Null,
        )
        .await;
    assert_eq!(status, 404, "someone else's message: {body}");
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = server
        .api(
            &zhang_token,
            "POST",
            &format!("/api/inbox/{id}/read"),
            Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(inbox(&server, &zhang_token).await[0]["read"], true);

    // A grid's message: one worker marking it read leaves it unread for the other.
    let partner1_token = server.sign_in("partner1", TEST_PASSWORD).await;
    let grid_message = worker1s[0]["id"].as_i64().expect("id");
    let (status, _) = server
        .api(
            &worker1_token,
            "POST",
            &format!("/api/inbox/{grid_message}/read"),
            Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(inbox(&server, &worker1_token).await[0]["read"], true);
    let partners = inbox(&server, &partner1_token).await;
    assert_eq!(partners[0]["id"], grid_message);
    assert_eq!(
        partners[0]["read"], false,
        "read marks are each reader's own"
    );

    let (status, body) = server
        .api(&zhang_token, "GET", "/api/inbox?limit=0", Value::Null)
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "limit");

    let anonymous = server.get("/api/inbox").await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let body: Value = serde_json::from_str(&anonymous.body).expect("JSON");
    assert_eq!(body["error"]["code"], "unauthorized");
}
