//! The circuit breaker: repeated faults suspend a plugin, its pages and the log say so,
//! and after the cool-down one trial request is let through.

use std::time::Duration;

use wangge_tests::Workspace;

#[tokio::test]
async fn repeated_faults_suspend_the_plugin_and_a_trial_follows_the_cooldown() {
    let workspace = Workspace::sqlite();
    workspace.add_plugin("hello", &[]);
    workspace.add_plugin("hostile-panic", &[]);
    let server = workspace.serve(&["--breaker-threshold=3", "--breaker-cooldown-s=1"]);

    for _ in 0..3 {
        let page = server.get("/p/hostile-panic/").await;
        assert_eq!(page.header("x-wangge-fault"), "trap");
    }
    let suspended = server.get("/p/hostile-panic/").await;
    assert_eq!(suspended.status, 503);
    assert_eq!(suspended.header("x-wangge-fault"), "suspended");
    assert!(suspended.body.contains("已暂停"), "{}", suspended.body);
    assert!(server.get("/").await.body.contains("（已暂停）"));
    assert!(
        server
            .log()
            .contains("plugin suspended by the circuit breaker"),
        "{}",
        server.log()
    );
    assert_eq!(
        server.get("/p/hello/").await.status,
        200,
        "others keep serving"
    );

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let trial = server.get("/p/hostile-panic/").await;
    assert_eq!(
        trial.header("x-wangge-fault"),
        "trap",
        "the trial reached the plugin"
    );
    let again = server.get("/p/hostile-panic/").await;
    assert_eq!(
        again.header("x-wangge-fault"),
        "suspended",
        "a failed trial suspends again"
    );
}
