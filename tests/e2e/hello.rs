//! The `hello` plugin served end to end: its page, its counter in storage, its config, its
//! metrics, on SQLite and on PostgreSQL.

use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, TEST_PASSWORD, Workspace};

fn visits(body: &str) -> u64 {
    let start = body
        .find("<strong id=\"visits\">")
        .expect("visit counter on the page")
        + 20;
    let end = start + body[start..].find('<').expect("end of counter");
    body[start..end].parse().expect("a number")
}

async fn counter_goes_up_and_is_measured(workspace: &Workspace) {
    workspace.add_plugin("hello", &[]);
    let server = workspace.serve(&[]);
    for expected in 1..=3 {
        let page = server.get("/p/hello/").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(visits(&page.body), expected);
        assert!(page.body.contains("你好，朋友！"), "{}", page.body);
        assert!(
            page.header("content-security-policy")
                .contains("default-src 'none'")
        );
    }
    assert_eq!(
        server
            .metric("wangge_plugin_calls_total{plugin=\"hello\"}")
            .await,
        Some(3.0)
    );
    assert!(
        server
            .metric("wangge_plugin_memory_peak_bytes{plugin=\"hello\"}")
            .await
            > Some(0.0),
        "memory peak recorded"
    );
    assert!(
        server.log().contains("visits=3"),
        "the plugin logs through `log`"
    );
    drop(server);

    // The counter lives in the database, not in the server: a restart keeps it.
    let server = workspace.serve(&[]);
    assert_eq!(visits(&server.get("/p/hello/").await.body), 4);
    assert!(
        server.log().contains("cache=Hit"),
        "the second start loads the compiled artifact from the cache:\n{}",
        server.log()
    );
}

#[tokio::test]
async fn hello_counts_visits_on_sqlite() {
    counter_goes_up_and_is_measured(&Workspace::sqlite()).await;
}

#[tokio::test]
async fn hello_counts_visits_on_postgres() {
    let database = FreshDatabase::create().await;
    counter_goes_up_and_is_measured(&Workspace::with(Database::Postgres(database.url().into())))
        .await;
}

#[tokio::test]
async fn config_reaches_the_plugin_and_input_is_escaped() {
    let workspace = Workspace::sqlite();
    workspace.add_plugin("hello", &["--config", "greeting=您好"]);
    let server = workspace.serve(&[]);
    let page = server
        .get("/p/hello/?name=%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert!(page.body.contains("您好，&lt;script&gt;"), "{}", page.body);
    assert!(!page.body.contains("<script>"), "{}", page.body);
}

#[tokio::test]
async fn every_request_gets_a_fresh_instance() {
    let workspace = Workspace::sqlite();
    workspace.add_plugin("fresh-instance-probe", &[]);
    let server = workspace.serve(&[]);
    for _ in 0..5 {
        let page = server.get("/p/fresh-instance-probe/").await;
        assert!(page.body.contains("<p id=\"seen\">1</p>"), "{}", page.body);
    }
}

#[tokio::test]
async fn health_home_and_unknown_pages() {
    let workspace = Workspace::sqlite();
    workspace.add_plugin("hello", &[]);
    let server = workspace.serve(&[]);
    let health = server.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let home = server.get("/").await;
    assert!(home.body.contains("href=\"/p/hello/\""), "{}", home.body);
    for unknown in ["/nowhere", "/p/no-such-plugin/", "/p/hello/no-such-page"] {
        let page = server.get(unknown).await;
        assert_eq!(page.status, 404, "{unknown}");
        assert!(page.body.contains("页面不存在"), "{unknown}: {}", page.body);
    }
    let bare = server.get("/p/hello").await;
    assert_eq!(bare.status, 308);
    assert_eq!(bare.header("location"), "/p/hello/");
}

#[tokio::test]
async fn a_signed_in_user_is_the_caller_at_their_own_unit() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("li", "李阿姨", &[("resident", "420202001001001")]);
    workspace.add_plugin("hello", &[]);
    let server = workspace.serve(&[]);
    let token = server.sign_in("li", TEST_PASSWORD).await;

    let page = server
        .client()
        .get(format!("{}/p/hello/", server.base()))
        .header("cookie", format!("wangge_session={token}"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("你好，李阿姨！"), "{page}");
    assert!(
        page.contains("这是江边社区第一网格的第"),
        "the caller's own grid: {page}"
    );

    let anonymous = server.get("/p/hello/").await;
    assert!(anonymous.body.contains("你好，朋友！") && anonymous.body.contains("湖北省"));
    let expired = server
        .client()
        .get(format!("{}/p/hello/", server.base()))
        .header("cookie", "wangge_session=not-a-session")
        .send()
        .await
        .expect("page");
    assert_eq!(
        expired.status(),
        200,
        "an unknown session is an anonymous visitor"
    );
}
