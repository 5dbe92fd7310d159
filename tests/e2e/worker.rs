//! The grid worker workspace end to end (`/worker/…`): only workers and unit admins get in
//! (a resident gets 403, a visitor is sent to sign in); the resident list is masked and
//! scoped to the worker's grid; the event page offers exactly the actions the workflow
//! allows the user, an action moves the event (the timeline grows), and a refused action
//! shows its message with the note kept and changes nothing. Reading special populations
//! from a page is audited; the plugins page lists the worker pages covering the grid.

use serde_json::{Value, json};
use wangge_tests::{Page, Server, TEST_PASSWORD, Workspace};

/// 江边社区第一网格: the worker's grid, where 张建国 lives.
const GRID: &str = "420202001001001";
/// 江边社区第二网格: a neighbouring grid, not the worker's.
const OTHER_GRID: &str = "420202001001002";

fn setup() -> (Workspace, Server) {
    let workspace = Workspace::demo();
    workspace.add_user("admin", "街道管理员", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

/// The event's state and timeline length, as the JSON API reports them.
async fn event_state(server: &Server, token: &str, id: i64) -> (String, usize) {
    let (status, event) = server
        .api(token, "GET", &format!("/api/events/{id}"), json!(null))
        .await;
    assert_eq!(status, 200, "{event}");
    (
        event["state"].as_str().expect("state").to_owned(),
        event["timeline"].as_array().expect("timeline").len(),
    )
}

/// The actions offered on the event page, in order (from the forms' ids).
fn offered(page: &Page) -> Vec<&str> {
    page.body
        .split("id=\"action-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|action| *action != "error")
        .collect()
}

/// An event reported by li in the worker's grid and accepted by the admin.
async fn accepted_event(server: &Server, li: &str, admin: &str) -> i64 {
    let (status, body) = server
        .api(
            li,
            "POST",
            "/api/events",
            json!({ "category": "dispute.neighbour", "title": "楼上噪音扰民", "description": "夜间施工", "unit": GRID }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().expect("id");
    let (status, body): (u16, Value) = server
        .api(
            admin,
            "POST",
            &format!("/api/events/{id}/actions"),
            json!({ "action": "accept" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

#[tokio::test]
async fn only_workers_get_in_and_the_resident_list_is_masked_and_scoped() {
    let (workspace, server) = setup();
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let li = server.sign_in("li", TEST_PASSWORD).await;

    let anonymous = server.get("/worker/").await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.header("location"), "/signin?next=/worker/");
    let resident = server.page_as(&li, "/worker/").await;
    assert_eq!(resident.status, 403, "{}", resident.body);
    assert!(resident.body.contains("没有权限"), "{}", resident.body);
    assert_eq!(
        server
            .page_as(&li, &format!("/worker/residents?unit={GRID}"))
            .await
            .status,
        403
    );

    let home = server.page_as(&worker, "/worker/").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("江边社区第一网格"), "{}", home.body);
    assert!(
        home.body
            .contains(&format!("href=\"/worker/residents?unit={GRID}\"")),
        "{}",
        home.body
    );

    let list = server
        .page_as(&worker, &format!("/worker/residents?unit={GRID}"))
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("张建国"), "{}", list.body);
    assert!(
        list.body.contains("420202********0116"),
        "masked ID number: {}",
        list.body
    );
    assert!(
        list.body.contains("138****4567"),
        "masked phone: {}",
        list.body
    );
    assert!(!list.body.contains("420202194405120116"), "{}", list.body);
    assert!(!list.body.contains("13871234567"), "{}", list.body);
    assert!(
        !list.body.contains("陈丽"),
        "another grid's resident: {}",
        list.body
    );
    assert!(!list.body.contains("下一页"), "one page: {}", list.body);

    for path in ["residents", "houses", "special-populations", "events"] {
        let other = server
            .page_as(&worker, &format!("/worker/{path}?unit={OTHER_GRID}"))
            .await;
        assert_eq!(other.status, 403, "{path} of another grid: {}", other.body);
        let own = server
            .page_as(&worker, &format!("/worker/{path}?unit={GRID}"))
            .await;
        assert_eq!(own.status, 200, "{path}: {}", own.body);
    }
    // Reading special-population records from the page is audited like the API's read.
    let mut db = workspace.database().await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'special_populations.read' \
         AND actor = 'user:worker' AND unit_code = $1",
    )
    .bind(GRID)
    .fetch_one(&mut db)
    .await
    .expect("audit rows");
    assert_eq!(audited, 1, "the special-population page's read");
    let tampered = server
        .page_as(
            &worker,
            &format!("/worker/residents?unit={GRID}&after=nonsense"),
        )
        .await;
    assert_eq!(tampered.status, 400, "{}", tampered.body);
    assert_eq!(server.page_as(&worker, "/worker/plugins").await.status, 200);
}

#[tokio::test]
async fn the_event_page_offers_the_allowed_actions_and_moves_the_event() {
    let (_workspace, server) = setup();
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let li = server.sign_in("li", TEST_PASSWORD).await;
    let id = accepted_event(&server, &li, &admin).await;
    let path = format!("/worker/events/{id}");

    let list = server
        .page_as(&worker, &format!("/worker/events?unit={GRID}"))
        .await;
    assert!(
        list.body.contains(&format!("href=\"{path}\"")),
        "{}",
        list.body
    );

    let page = server.page_as(&worker, &path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("已受理"), "{}", page.body);
    assert!(offered(&page).is_empty(), "dispatching is the centre's");
    let page = server.page_as(&admin, &path).await;
    assert_eq!(
        offered(&page),
        ["escalate", "dispatch", "urge"],
        "{}",
        page.body
    );
    assert!(page.body.contains(">派遣</button>"), "{}", page.body);
    // The choice: the departments serving the grid, then the lower units down to it.
    assert!(
        page.body.contains("<optgroup label=\"职能部门\">")
            && page
                .body
                .contains("<option value=\"420202.cgj\">黄石港区城市管理执法局</option>")
            && page
                .body
                .contains("<option value=\"420202001001001\">江边社区第一网格</option>"),
        "{}",
        page.body
    );

    // Dispatching without a target: the message next to the field, the note kept, nothing
    // moved.
    let before = event_state(&server, &admin, id).await;
    let refused = server
        .post_form_as(
            &admin,
            &path,
            &[
                ("action", "dispatch"),
                ("note", "请尽快处理"),
                ("dispatched_to", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("<span class=\"field-error\" id=\"dispatched_to-error\">请从列表中选择承办部门或下级单位。</span>"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(">请尽快处理</textarea>"),
        "{}",
        refused.body
    );
    assert_eq!(event_state(&server, &admin, id).await, before);

    let moved = server
        .post_form_as(
            &admin,
            &path,
            &[
                ("action", "dispatch"),
                ("note", "请尽快处理"),
                ("dispatched_to", "420202001001001"),
            ],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert_eq!(moved.header("location"), path);
    assert_eq!(
        event_state(&server, &admin, id).await,
        ("dispatched".to_owned(), before.1 + 1)
    );

    let page = server.page_as(&worker, &path).await;
    assert_eq!(offered(&page), ["handle", "return"], "{}", page.body);
    assert!(page.body.contains("已派遣"), "{}", page.body);

    // An action the worker may not take: refused, nothing moved.
    let refused = server
        .post_form_as(&worker, &path, &[("action", "close"), ("note", "")])
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("action-error"), "{}", refused.body);
    assert_eq!(
        event_state(&server, &admin, id).await,
        ("dispatched".to_owned(), before.1 + 1)
    );

    let moved = server
        .post_form_as(
            &worker,
            &path,
            &[("action", "handle"), ("note", "已到现场")],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let page = server.page_as(&worker, &path).await;
    assert!(page.body.contains("处置中"), "{}", page.body);
    assert!(
        page.body.contains("已到现场"),
        "the note on the timeline: {}",
        page.body
    );
    assert_eq!(offered(&page), ["resolve"], "{}", page.body);
    assert_eq!(
        event_state(&server, &admin, id).await,
        ("handling".to_owned(), before.1 + 2)
    );

    // A cookie-authenticated post from another site is refused by the same-origin check.
    let forged = server
        .client()
        .post(format!("{}{path}", server.base()))
        .header("cookie", format!("wangge_session={worker}"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=resolve")
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 403);
    assert_eq!(
        event_state(&server, &admin, id).await.0,
        "handling",
        "nothing moved"
    );

    // 催办 from the event page, by the street's admin: a note is required; with it the
    // urging is on the timeline and the state stays.
    let refused = server
        .post_form_as(&admin, &path, &[("action", "urge"), ("note", " ")])
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"urge-note-error\""),
        "{}",
        refused.body
    );
    let urged = server
        .post_form_as(&admin, &path, &[("action", "urge"), ("note", "请今日办结")])
        .await;
    assert_eq!(urged.status, 303, "{}", urged.body);
    let page = server.page_as(&admin, &path).await;
    assert!(
        page.body.contains(
            "<strong>催办</strong> <small class=\"muted\">user:admin</small>：请今日办结"
        ),
        "{}",
        page.body
    );
    assert_eq!(event_state(&server, &admin, id).await.0, "handling");
}

#[tokio::test]
async fn the_plugins_page_lists_the_worker_pages_of_plugins_covering_the_workers_units() {
    let workspace = Workspace::demo();
    workspace.add_plugin(
        "elder-care",
        &["--unit", "420202001", "--unit-name", "黄石港街道"],
    );
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    // 沈家营社区第一网格, in another street.
    workspace.add_user("far", "赵网格", &[("grid-worker", "420202002001001")]);
    let server = workspace.serve(&[]);
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let far = server.sign_in("far", TEST_PASSWORD).await;

    let page = server.page_as(&worker, "/worker/plugins").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for (path, title) in [
        ("/worker", "养老服务工作台"),
        ("/worker/elders", "老年人名册"),
        ("/worker/visits", "独居老人探访"),
    ] {
        assert!(
            page.body
                .contains(&format!("<a href=\"/p/elder-care{path}\">{title}</a>")),
            "{path}: {}",
            page.body
        );
    }
    assert!(
        !page.body.contains("href=\"/p/elder-care/meals\""),
        "resident pages are not the worker's: {}",
        page.body
    );

    let page = server.page_as(&far, "/worker/plugins").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("elder-care"), "{}", page.body);
}

/// How many events a list page links to.
fn rows(page: &Page) -> usize {
    page.body.matches("href=\"/worker/events/").count()
}

#[tokio::test]
async fn the_event_list_filters_and_pages() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "街道管理员", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    let server = workspace.serve(&[]);
    let worker = wangge_tests::caller::Caller::signed_in(&server, "worker").await;
    let admin = wangge_tests::caller::Caller::signed_in(&server, "admin").await;
    let mut ids = Vec::new();
    for n in 0..53 {
        ids.push(
            worker
                .report(GRID, &format!("巡查发现 {n}"), json!({}))
                .await,
        );
    }
    let (late, accepted) = (ids[3], ids[4]);
    for id in [late, accepted] {
        let (status, body) = admin.act(id, json!({ "action": "accept" })).await;
        assert_eq!(status, 200, "{body}");
    }
    wangge_tests::caller::set_event_time(
        &workspace.sqlite_url(),
        late,
        "deadline",
        json!("2026-01-05"),
    )
    .await;
    workspace.run(&["events", "supervise"]);
    // The oldest as a plugin's emergency report (a stored flag: only plugins raise it).
    wangge_tests::caller::set_event_time(&workspace.sqlite_url(), ids[0], "urgent", json!(1)).await;
    let list = |query: String| {
        let server = &server;
        let token = worker.token.clone();
        async move {
            server
                .page_as(&token, &format!("/worker/events?unit={GRID}{query}"))
                .await
        }
    };

    // Newest first, 50 a page, the next page below the last.
    let first = list(String::new()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    // The urgent one above the list, then 50 newest first.
    assert_eq!(rows(&first), 51, "{}", first.body);
    let (urgent, newest) = first
        .body
        .split_once("<table class=\"worker-list events\">")
        .expect("two tables");
    assert!(
        urgent.contains("紧急待受理")
            && urgent.contains("【紧急】")
            && urgent.contains("巡查发现 0<"),
        "{urgent}"
    );
    assert!(newest.contains("巡查发现 52"));
    let next = format!("&amp;before={}", ids[3]);
    assert!(first.body.contains(&next), "the pager: {}", first.body);
    let second = list(format!("&before={}", ids[3])).await;
    assert_eq!(rows(&second), 3, "{}", second.body);
    assert!(
        !second.body.contains("紧急待受理"),
        "on the first page only"
    );
    assert!(!second.body.contains("下一页"));

    // Each filter, and the filters kept on the form.
    let by_state = list("&state=accepted".to_owned()).await;
    assert_eq!(rows(&by_state), 2, "{}", by_state.body);
    assert!(
        by_state
            .body
            .contains("<option value=\"accepted\" selected>")
    );
    let overdue = list("&overdue=1".to_owned()).await;
    assert_eq!(rows(&overdue), 1, "{}", overdue.body);
    assert!(
        overdue.body.contains("巡查发现 3") && overdue.body.contains("已超期"),
        "{}",
        overdue.body
    );
    let supervised = list("&supervised=1&category=environment".to_owned()).await;
    assert_eq!(rows(&supervised), 1, "{}", supervised.body);
    assert!(supervised.body.contains("【督办】"));
    let none = list("&state=closed".to_owned()).await;
    assert_eq!(rows(&none), 0);
    assert!(none.body.contains("没有符合条件的事件"), "{}", none.body);
    for bad in ["&state=lost", "&category=no-such"] {
        assert_eq!(list(bad.to_owned()).await.status, 400, "{bad}");
    }
}
