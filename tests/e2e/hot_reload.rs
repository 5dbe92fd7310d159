//! A running `wangge serve` follows installation changes without a restart: a plugin added
//! while it runs appears, a disabled one answers the disabled page, an enabled one is back.

use std::time::{Duration, Instant};

use wangge_tests::{Page, Server, Workspace};

/// How long a change may take to show: a readiness bound, far above the 100 ms poll the
/// server is started with, not a timing assertion.
const READY_WITHIN: Duration = Duration::from_secs(10);

/// GETs `path` until `ready` holds for the page, and returns it; panics after
/// [`READY_WITHIN`] with the last page and the server's log.
async fn wait_for(server: &Server, path: &str, what: &str, ready: impl Fn(&Page) -> bool) -> Page {
    let start = Instant::now();
    loop {
        let page = server.get(path).await;
        if ready(&page) {
            return page;
        }
        assert!(
            start.elapsed() < READY_WITHIN,
            "{what}: still {} after {READY_WITHIN:?}: {}\n{}",
            page.status,
            page.body,
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn serve_picks_up_add_disable_and_enable_without_a_restart() {
    let workspace = Workspace::sqlite();
    let server = workspace.serve(&["--catalog-poll-ms", "100"]);
    assert_eq!(server.get("/p/hello/").await.status, 404);

    workspace.add_plugin("hello", &[]);
    let page = wait_for(&server, "/p/hello/", "added", |page| page.status == 200).await;
    assert!(page.body.contains("你好，朋友！"), "{}", page.body);

    workspace.run(&["plugin", "disable", "hello", "--unit", "42"]);
    let page = wait_for(&server, "/p/hello/", "disabled", |page| page.status == 503).await;
    assert!(
        page.body.contains("disabled by the administrator"),
        "{}",
        page.body
    );

    workspace.run(&["plugin", "enable", "hello", "--unit", "42"]);
    let page = wait_for(&server, "/p/hello/", "enabled", |page| page.status == 200).await;
    assert!(page.body.contains("你好，朋友！"), "{}", page.body);

    let log = server.log();
    assert!(log.contains("plugin catalog reloaded"), "{log}");
}
