//! Users, sign-in and grants over the real API: sessions by bearer token or HttpOnly
//! cookie, grants that reach a subtree, the rules of who may grant what, and failed sign-ins
//! audited and throttled.

use serde_json::{Value, json};
use wangge_tests::{Server, TEST_PASSWORD, Workspace};

fn setup() -> (Workspace, Server) {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "网格员小王", &[]);
    workspace.add_user("li", "李阿姨", &[]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

async fn sign_in(server: &Server, username: &str, password: &str) -> reqwest::Response {
    server
        .client()
        .post(format!("{}/api/session", server.base()))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("sign in")
}

async fn grant(
    server: &Server,
    token: &str,
    username: &str,
    role: &str,
    unit: &str,
) -> (u16, String) {
    let response = server
        .client()
        .post(format!("{}/api/grants", server.base()))
        .bearer_auth(token)
        .json(&json!({ "username": username, "role": role, "unit": unit }))
        .send()
        .await
        .expect("grant");
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn sign_in_by_token_or_cookie_and_out() {
    let (_workspace, server) = setup();
    let wrong = sign_in(&server, "admin", "not-the-password").await;
    assert_eq!(wrong.status(), 401);
    let unknown = sign_in(&server, "nobody", TEST_PASSWORD).await;
    assert_eq!(unknown.status(), 401);

    let response = sign_in(&server, "admin", TEST_PASSWORD).await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let token = response.json::<Value>().await.expect("json")["token"]
        .as_str()
        .expect("token")
        .to_owned();

    let me = |request: reqwest::RequestBuilder| async move {
        let response = request.send().await.expect("me");
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap_or_default())
    };
    let url = format!("{}/api/me", server.base());
    let (status, body) = me(server.client().get(&url).bearer_auth(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["grants"],
        json!([{ "role": "unit-admin", "unit": "420202001" }])
    );
    let cookie_pair = cookie.split(';').next().expect("name=value").to_owned();
    let (status, body) = me(server.client().get(&url).header("cookie", cookie_pair)).await;
    assert_eq!((status, body["username"].as_str()), (200, Some("admin")));
    assert_eq!(me(server.client().get(&url)).await.0, 401);

    let out = server
        .client()
        .delete(format!("{}/api/session", server.base()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status(), 204);
    assert_eq!(
        me(server.client().get(&url).bearer_auth(&token)).await.0,
        401
    );
}

#[tokio::test]
async fn grants_follow_the_subtree_and_rank_rules() {
    let (workspace, server) = setup();
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    assert_eq!(
        grant(&server, &admin, "worker", "grid-worker", "420202001001001")
            .await
            .0,
        201
    );
    let (status, body) = grant(&server, &admin, "worker", "grid-worker", "420202002001").await;
    assert_eq!(status, 403, "another street: {body}");
    let (status, body) = grant(&server, &admin, "worker", "chief", "420202001").await;
    assert_eq!(status, 400);
    assert!(body.contains("unknown role `chief`"), "{body}");

    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let (status, body) = grant(&server, &worker, "li", "unit-admin", "420202001001001").await;
    assert_eq!(status, 403);
    assert!(body.contains("ranks above your own"), "{body}");
    assert_eq!(
        grant(&server, &worker, "li", "resident", "420202001001001")
            .await
            .0,
        201
    );
    let (status, _) = grant(&server, &worker, "li", "resident", "420202001001002").await;
    assert_eq!(status, 403, "not the worker's grid");

    let mut db = workspace.database().await;
    let actors: Vec<String> =
        sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'grant.added' ORDER BY id")
            .fetch_all(&mut db)
            .await
            .expect("audit");
    assert_eq!(actors, ["cli", "user:admin", "user:worker"]);
}

#[tokio::test]
async fn failed_sign_ins_are_audited_and_throttled() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("worker", "网格员", &[("grid-worker", "420202001001001")]);
    let server = workspace.serve(&[]);
    let attempt = |username: &'static str, password: &'static str| {
        server
            .client()
            .post(format!("{}/api/session", server.base()))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
    };
    for _ in 0..5 {
        let response = attempt("worker", "wrong-password").await.expect("request");
        assert_eq!(response.status(), 401);
    }
    let blocked = attempt("worker", TEST_PASSWORD).await.expect("request");
    assert_eq!(
        blocked.status(),
        429,
        "even the right password waits out the window"
    );
    let body: Value = blocked.json().await.expect("json");
    assert_eq!(body["error"]["code"], "too_many_requests");
    let unknown = attempt("nobody", "whatever-password")
        .await
        .expect("request");
    assert_eq!(
        unknown.status(),
        401,
        "an unknown name reads like a wrong password"
    );

    let mut db = workspace.database().await;
    let audited: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, subject FROM audit_log WHERE action = 'session.sign_in_failed' ORDER BY id",
    )
    .fetch_all(&mut db)
    .await
    .expect("audit rows");
    assert_eq!(audited.len(), 6, "{audited:?}");
    assert_eq!(
        audited[0],
        ("anonymous".to_owned(), "user:worker".to_owned())
    );
    assert_eq!(audited[5].1, "user:nobody");
}
