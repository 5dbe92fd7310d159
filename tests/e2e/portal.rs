//! The resident portal end to end: signing in with the form (failures re-render it, `next`
//! brings the user back, only to a local path), pages that need a user redirect to sign in,
//! the same-origin check on cookie-authenticated posts (bearer calls unaffected), reporting
//! a problem (field messages with the input kept, nothing stored; a good report listed with
//! its timeline, for its reporter only), the inbox with its mark-read form, the friendly
//! 404, and the viewport meta on every page.

use reqwest::Response;
use serde_json::json;
use wangge_tests::{Page, Server, TEST_PASSWORD, Workspace};

const GRID: &str = "420202001001001";

fn setup() -> (Workspace, Server) {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace.add_plugin("hello", &[]);
    workspace.add_plugin(
        "notifier",
        &["--unit", "420202001", "--unit-name", "黄石港街道"],
    );
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

async fn link_zhang(workspace: &Workspace) -> i64 {
    let id = workspace.resident_id("张建国").await;
    workspace.run(&["users", "link-resident", "zhang", &id.to_string()]);
    id
}

fn location(page: &Page) -> &str {
    page.header("location")
}

fn assert_page(page: &Page, what: &str) {
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{what}: {}",
        page.header("content-type")
    );
    assert!(
        page.body.contains("<meta name=\"viewport\""),
        "{what}: {}",
        page.body
    );
}

/// Signs in through the form and returns the `name=value` cookie pair.
async fn sign_in_form(server: &Server, username: &str) -> String {
    let page = server
        .post_form_with(
            None,
            None,
            "/signin",
            &[("username", username), ("password", TEST_PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    cookie_of(&page)
}

fn cookie_of(page: &Page) -> String {
    let set = page.header("set-cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"),
        "{set}"
    );
    set.split(';').next().expect("name=value").to_owned()
}

async fn events_stored(workspace: &Workspace) -> i64 {
    let mut db = workspace.database().await;
    sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut db)
        .await
        .expect("count")
}

#[tokio::test]
async fn sign_in_form_next_and_protected_pages() {
    let (_workspace, server) = setup();

    let asked = server.get("/reports?x=1").await;
    assert_eq!(asked.status, 303);
    assert_eq!(location(&asked), "/signin?next=/reports%3Fx%3D1");
    for path in ["/report", "/inbox", "/reports/1"] {
        let page = server.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert!(location(&page).starts_with("/signin?next="), "{path}");
    }

    let form = server.get("/signin?next=/reports").await;
    assert_eq!(form.status, 200);
    assert_page(&form, "sign-in form");
    assert!(
        form.body.contains("name=\"next\" value=\"/reports\""),
        "{}",
        form.body
    );

    let empty = server
        .post_form_with(
            None,
            None,
            "/signin",
            &[("username", ""), ("password", "x")],
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(
        empty.body.contains("id=\"username-error\""),
        "{}",
        empty.body
    );
    let no_password = server
        .post_form_with(
            None,
            None,
            "/signin",
            &[("username", "zhang"), ("password", "")],
        )
        .await;
    assert_eq!(no_password.status, 400);
    assert!(no_password.body.contains("id=\"password-error\""));
    let wrong = server
        .post_form_with(
            None,
            None,
            "/signin",
            &[
                ("username", "zhang"),
                ("password", "wrong"),
                ("next", "/reports"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_page(&wrong, "failed sign-in");
    assert!(wrong.body.contains("用户名或密码不正确"), "{}", wrong.body);
    assert!(
        wrong.body.contains("value=\"zhang\""),
        "username kept: {}",
        wrong.body
    );
    assert!(wrong.header("set-cookie").is_empty());

    let signed_in = server
        .post_form_with(
            None,
            None,
            "/signin",
            &[
                ("username", "zhang"),
                ("password", TEST_PASSWORD),
                ("next", "/reports?x=1"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(location(&signed_in), "/reports?x=1");
    let cookie = cookie_of(&signed_in);
    for foreign in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let page = server
            .post_form_with(
                None,
                None,
                "/signin",
                &[
                    ("username", "li"),
                    ("password", TEST_PASSWORD),
                    ("next", foreign),
                ],
            )
            .await;
        assert_eq!((page.status, location(&page)), (303, "/"), "{foreign}");
    }

    let expired_post = server
        .post_form_with(
            Some("wangge_session=expired"),
            Some(server.base()),
            "/report",
            &[("title", "x")],
        )
        .await;
    assert_eq!(
        (expired_post.status, location(&expired_post)),
        (303, "/signin?next=/report")
    );

    let reports = server.get_with_cookie(Some(&cookie), "/reports").await;
    assert_eq!(reports.status, 200);
    assert_page(&reports, "my reports");
    assert!(reports.body.contains("我的上报") && reports.body.contains("退出"));

    let home = server.get_with_cookie(Some(&cookie), "/").await;
    assert_page(&home, "home");
    assert!(home.body.contains("我的社区服务"), "{}", home.body);
    assert!(
        home.body.contains("href=\"/p/hello/about\""),
        "{}",
        home.body
    );
    assert!(
        !home.body.contains("/p/notifier/send"),
        "worker pages are not listed"
    );
    let anonymous = server.get("/").await;
    assert_page(&anonymous, "public home");
    assert!(anonymous.body.contains("社区服务") && anonymous.body.contains("href=\"/signin\""));

    let out = server
        .post_form_with(Some(&cookie), Some(server.base()), "/signout", &[])
        .await;
    assert_eq!((out.status, location(&out)), (303, "/"));
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    let after = server.get_with_cookie(Some(&cookie), "/reports").await;
    assert_eq!(after.status, 303, "the session is gone");

    for _ in 0..5 {
        let page = server
            .post_form_with(
                None,
                None,
                "/signin",
                &[("username", "li"), ("password", "bad")],
            )
            .await;
        assert_eq!(page.status, 401);
    }
    let throttled = server
        .post_form_with(
            None,
            None,
            "/signin",
            &[("username", "li"), ("password", TEST_PASSWORD)],
        )
        .await;
    assert_eq!(throttled.status, 429);
    assert!(throttled.body.contains("登录失败次数过多") && throttled.body.contains("value=\"li\""));
    assert!(throttled.header("set-cookie").is_empty());

    let missing = server.get("/no-such-page").await;
    assert_eq!(missing.status, 404);
    assert_page(&missing, "404");
    assert!(missing.body.contains("页面不存在") && missing.body.contains("href=\"/reports\""));
    let api_missing = server.get("/api/no-such-route").await;
    assert_eq!(api_missing.status, 404);
    assert!(
        api_missing
            .header("content-type")
            .starts_with("application/json")
    );
}

async fn json_of(response: Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn cookie_posts_must_come_from_this_site() {
    let (workspace, server) = setup();
    let cookie = sign_in_form(&server, "zhang").await;
    let token = server.sign_in("zhang", TEST_PASSWORD).await;
    let url = format!("{}/api/events", server.base());
    let report = json!({ "category": "dispute.neighbour", "title": "噪声", "description": "", "unit": GRID });

    let foreign = server
        .client()
        .post(&url)
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .json(&report)
        .send()
        .await
        .expect("post");
    let (status, body) = json_of(foreign).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    let no_origin = server
        .client()
        .post(&url)
        .header("cookie", &cookie)
        .json(&report)
        .send()
        .await
        .expect("post");
    assert_eq!(no_origin.status(), 403);
    assert_eq!(events_stored(&workspace).await, 0);

    let form_refused = server
        .post_form_with(
            Some(&cookie),
            Some("http://evil.example"),
            "/report",
            &[("category", "dispute.neighbour"), ("title", "噪声")],
        )
        .await;
    assert_eq!(form_refused.status, 403);
    assert_page(&form_refused, "refusal");
    assert_eq!(events_stored(&workspace).await, 0);

    let same = server
        .client()
        .post(&url)
        .header("cookie", &cookie)
        .header("origin", server.base())
        .json(&report)
        .send()
        .await
        .expect("post");
    assert_eq!(same.status(), 201);
    let fetch_site = server
        .client()
        .post(&url)
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .json(&report)
        .send()
        .await
        .expect("post");
    assert_eq!(fetch_site.status(), 201);
    let bearer = server
        .client()
        .post(&url)
        .bearer_auth(&token)
        .header("origin", "http://evil.example")
        .json(&report)
        .send()
        .await
        .expect("post");
    assert_eq!(bearer.status(), 201, "bearer calls are not CSRF-able");
    assert_eq!(events_stored(&workspace).await, 3);
}

#[tokio::test]
async fn residents_report_problems_and_follow_them() {
    let (workspace, server) = setup();
    link_zhang(&workspace).await;
    let zhang = sign_in_form(&server, "zhang").await;
    let li = sign_in_form(&server, "li").await;
    let origin = Some(server.base());

    let form = server.get_with_cookie(Some(&zhang), "/report").await;
    assert_eq!(form.status, 200);
    assert_page(&form, "report form");
    assert!(
        form.body.contains("value=\"dispute.neighbour\""),
        "{}",
        form.body
    );

    let bad = server
        .post_form_with(
            Some(&zhang),
            origin,
            "/report",
            &[
                ("category", "dispute.neighbour"),
                ("title", "   "),
                ("description", "楼上每晚装修到十二点"),
                ("address", "江边社区 3 栋"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_page(&bad, "refused report");
    assert!(bad.body.contains("id=\"title-error\""), "{}", bad.body);
    assert!(
        bad.body.contains("楼上每晚装修到十二点") && bad.body.contains("value=\"江边社区 3 栋\"")
    );
    let unknown = server
        .post_form_with(
            Some(&zhang),
            origin,
            "/report",
            &[("category", "nonsense"), ("title", "噪声扰民")],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body.contains("id=\"category-error\"")
            && unknown.body.contains("value=\"噪声扰民\"")
    );
    assert_eq!(events_stored(&workspace).await, 0, "nothing stored");

    let good = server
        .post_form_with(
            Some(&zhang),
            origin,
            "/report",
            &[
                ("category", "dispute.neighbour"),
                ("title", "楼上装修噪声扰民"),
                ("description", "楼上每晚装修到十二点"),
                ("address", "江边社区 3 栋"),
            ],
        )
        .await;
    assert_eq!(good.status, 303, "{}", good.body);
    let path = location(&good).to_owned();
    assert!(path.starts_with("/reports/"), "{path}");
    assert_eq!(events_stored(&workspace).await, 1);
    let mut db = workspace.database().await;
    let (unit, reporter): (String, String) =
        sqlx::query_as("SELECT unit_code, reporter FROM events")
            .fetch_one(&mut db)
            .await
            .expect("event");
    assert_eq!((unit.as_str(), reporter.as_str()), (GRID, "user:zhang"));

    let list = server.get_with_cookie(Some(&zhang), "/reports").await;
    assert!(
        list.body.contains("楼上装修噪声扰民") && list.body.contains("已上报"),
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!("href=\"{path}\"")));
    let detail = server.get_with_cookie(Some(&zhang), &path).await;
    assert_eq!(detail.status, 200);
    assert_page(&detail, "report detail");
    assert!(
        detail.body.contains("办理经过") && detail.body.contains("<strong>上报</strong>"),
        "{}",
        detail.body
    );

    let other = server.get_with_cookie(Some(&li), &path).await;
    assert_eq!(other.status, 404, "only the reporter sees it");
    assert_page(&other, "someone else's report");
    assert!(!other.body.contains("楼上装修噪声扰民"));
    let others_list = server.get_with_cookie(Some(&li), "/reports").await;
    assert!(!others_list.body.contains("楼上装修噪声扰民"));
    assert_eq!(
        server
            .get_with_cookie(Some(&zhang), "/reports/999999")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_inbox_lists_messages_and_marks_them_read() {
    let (workspace, server) = setup();
    let resident = link_zhang(&workspace).await;
    let send = format!(
        "/p/notifier/send?to=resident&id={resident}&title=%E5%85%BB%E8%80%81%E9%87%91%E5%B7%B2%E5%8F%91%E6%94%BE&body=%E8%AF%B7%E6%9F%A5%E6%94%B6&link=%2Fclaims%2F7"
    );
    let sent = server.get(&send).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("sent"), "{}", sent.body);

    let zhang = sign_in_form(&server, "zhang").await;
    let li = sign_in_form(&server, "li").await;
    let inbox = server.get_with_cookie(Some(&zhang), "/inbox").await;
    assert_eq!(inbox.status, 200);
    assert_page(&inbox, "inbox");
    assert!(
        inbox.body.contains("养老金已发放") && inbox.body.contains("请查收"),
        "{}",
        inbox.body
    );
    assert!(
        inbox.body.contains("href=\"/p/notifier/claims/7\""),
        "{}",
        inbox.body
    );
    let start = inbox
        .body
        .find("action=\"/inbox/")
        .expect("a mark-read form")
        + 8;
    let end = start + inbox.body[start..].find('"').expect("end");
    let action = inbox.body[start..end].to_owned();
    assert!(action.ends_with("/read"), "{action}");

    let empty_inbox = server.get_with_cookie(Some(&li), "/inbox").await;
    assert!(!empty_inbox.body.contains("养老金已发放"));
    let not_hers = server
        .post_form_with(Some(&li), Some(server.base()), &action, &[])
        .await;
    assert_eq!(not_hers.status, 404);

    let read = server
        .post_form_with(Some(&zhang), Some(server.base()), &action, &[])
        .await;
    assert_eq!((read.status, location(&read)), (303, "/inbox"));
    let after = server.get_with_cookie(Some(&zhang), "/inbox").await;
    assert!(
        after.body.contains("养老金已发放") && !after.body.contains("标为已读"),
        "{}",
        after.body
    );
}
