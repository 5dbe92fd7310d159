//! Hostile plugins: each fails only its own request, within its limit, with a clear error
//! page naming the plugin and the fault, while `hello` keeps answering during and after.

use std::time::{Duration, Instant};

use wangge_tests::{Server, Workspace};

/// Short enough to keep the suite quick, long enough that `hello` never comes near it.
const DEADLINE_MS: u64 = 600;

/// How much later than its deadline a stopped call may answer: the epoch tick, the error
/// page and a loaded CI machine.
const SLACK: Duration = Duration::from_millis(1_500);

const HOSTILE: [&str; 6] = [
    "hostile-loop",
    "hostile-memory-bomb",
    "hostile-host-call-flood",
    "hostile-huge-response",
    "hostile-panic",
    "hostile-ungranted-import",
];

fn host_with_everything() -> (Workspace, Server) {
    let workspace = Workspace::sqlite();
    workspace.add_plugin("hello", &[]);
    for plugin in HOSTILE {
        workspace.add_plugin(plugin, &[]);
    }
    let deadline = format!("--page-deadline-ms={DEADLINE_MS}");
    // A high breaker threshold: this test is about single faults, not suspension.
    let server = workspace.serve(&[&deadline, "--breaker-threshold=1000"]);
    (workspace, server)
}

async fn assert_hello_answers(server: &Server) {
    let page = server.get("/p/hello/").await;
    assert_eq!(page.status, 200, "hello must keep answering: {}", page.body);
}

async fn assert_fault(server: &Server, plugin: &str, name_zh: &str, status: u16, kind: &str) {
    let started = Instant::now();
    let page = server.get(&format!("/p/{plugin}/")).await;
    let elapsed = started.elapsed();
    assert_eq!(page.status, status, "{plugin}: {}", page.body);
    assert_eq!(page.header("x-wangge-fault"), kind, "{plugin}");
    assert!(
        page.body.contains(plugin) && page.body.contains(name_zh),
        "{}",
        page.body
    );
    assert!(page.body.contains("服务暂不可用"), "{}", page.body);
    assert!(
        elapsed < Duration::from_millis(DEADLINE_MS) + SLACK,
        "{plugin} took {elapsed:?}, past its deadline"
    );
    let faults = server
        .metric(&format!(
            "wangge_plugin_faults_total{{plugin=\"{plugin}\",kind=\"{kind}\"}}"
        ))
        .await;
    assert!(faults >= Some(1.0), "{plugin}: fault metric {faults:?}");
}

#[tokio::test]
async fn each_hostile_plugin_fails_only_its_own_request() {
    let (_workspace, mut server) = host_with_everything();
    assert_hello_answers(&server).await;

    assert_fault(&server, "hostile-loop", "死循环", 504, "timeout").await;
    assert_hello_answers(&server).await;
    assert_fault(&server, "hostile-memory-bomb", "内存炸弹", 500, "memory").await;
    assert_hello_answers(&server).await;
    assert_fault(
        &server,
        "hostile-host-call-flood",
        "调用洪水",
        500,
        "host_calls",
    )
    .await;
    assert_hello_answers(&server).await;
    assert_fault(
        &server,
        "hostile-huge-response",
        "超大响应",
        500,
        "response",
    )
    .await;
    assert_hello_answers(&server).await;
    assert_fault(&server, "hostile-panic", "崩溃", 500, "trap").await;
    assert_hello_answers(&server).await;

    assert!(
        server.is_running(),
        "the host survived every hostile plugin"
    );
    let peak = server
        .metric("wangge_plugin_memory_peak_bytes{plugin=\"hostile-memory-bomb\"}")
        .await
        .expect("memory peak metric");
    assert!(
        peak <= f64::from(64u32 << 20),
        "memory peak {peak} stays within the limit"
    );
}

#[tokio::test]
async fn hello_answers_while_a_plugin_loops() {
    let (_workspace, server) = host_with_everything();
    let looping = tokio::spawn({
        let url = format!("{}/p/hostile-loop/", server.base());
        async move { reqwest::get(url).await.map(|r| r.status().as_u16()) }
    });
    // While the loop burns its deadline, hello answers, again and again.
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..5 {
        assert!(!looping.is_finished(), "the loop is still running");
        assert_hello_answers(&server).await;
    }
    assert_eq!(looping.await.expect("join").expect("response"), 504);
    assert_hello_answers(&server).await;
}

#[tokio::test]
async fn an_ungranted_import_is_denied_and_audited() {
    let (workspace, server) = host_with_everything();
    let page = server.get("/p/hostile-ungranted-import/").await;
    assert_eq!(page.status, 200, "a denial is an answer, not a fault");
    assert!(
        page.body
            .contains("denied: residents.query needs the `residents:read` permission"),
        "{}",
        page.body
    );
    assert_eq!(
        server
            .metric(
                "wangge_plugin_faults_total{plugin=\"hostile-ungranted-import\",kind=\"denied\"}"
            )
            .await,
        Some(1.0)
    );
    let mut db = workspace.database().await;
    let (actor, subject, detail): (String, String, String) = sqlx::query_as(
        "SELECT actor, subject, detail FROM audit_log WHERE action = 'permission.denied'",
    )
    .fetch_one(&mut db)
    .await
    .expect("one audit row for the denial");
    assert!(
        actor.starts_with("plugin:hostile-ungranted-import#"),
        "{actor}"
    );
    assert_eq!(subject, "residents.query");
    assert!(detail.contains("residents:read"), "{detail}");
    let tampering = sqlx::query("DELETE FROM audit_log").execute(&mut db).await;
    assert!(tampering.is_err(), "the audit log is append-only");
}

#[tokio::test]
async fn a_full_instance_pool_answers_busy_without_blaming_the_plugin() {
    let workspace = Workspace::sqlite();
    workspace.add_plugin("hello", &[]);
    workspace.add_plugin("hostile-loop", &[]);
    let server = workspace.serve(&["--max-concurrent-instances=1", "--page-deadline-ms=1500"]);
    let looping = tokio::spawn({
        let url = format!("{}/p/hostile-loop/", server.base());
        async move { reqwest::get(url).await.map(|r| r.status().as_u16()) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !looping.is_finished(),
        "the loop holds the only instance slot"
    );
    let busy = server.get("/p/hello/").await;
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.header("x-wangge-fault"), "overloaded");
    assert!(busy.body.contains("系统繁忙"), "{}", busy.body);
    assert_eq!(looping.await.expect("join").expect("response"), 504);
    assert_hello_answers(&server).await;
}
