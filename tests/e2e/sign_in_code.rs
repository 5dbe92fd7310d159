//! Signing in with a one-time code, as a resident meets it: with `--sign-in-codes log` the
//! sign-in page offers a code, the code arrives in the server's log, signs the resident in
//! with the usual cookie and works once; wrong and malformed codes get their message next
//! to the field; a second code within a minute is refused; an unknown username gets the
//! same page and no code; wrong codes count in the sign-in throttle. Without the flag the
//! code pages say they are not enabled and the sign-in page does not offer them.

use wangge_tests::{Server, Workspace, text_between};

const GRID: &str = "420202001001001";

const WRONG_CODE: &str = "验证码不正确或已过期。";

fn workspace() -> Workspace {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("resident", "张建国", &[("resident", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    workspace
}

/// The codes the server logged for `username`, oldest first.
fn logged_codes(server: &Server, username: &str) -> Vec<String> {
    let marker = format!("sign-in code for {username}: ");
    server
        .log()
        .lines()
        .filter_map(|line| {
            let at = line.find(&marker)? + marker.len();
            line.get(at..at + 6).map(str::to_owned)
        })
        .collect()
}

/// A well-formed code that is not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

#[tokio::test]
async fn a_resident_signs_in_with_a_code_from_the_log() {
    let workspace = workspace();
    let server = workspace.serve(&["--sign-in-codes", "log"]);

    let signin = server.get("/signin?next=/inbox").await;
    assert_eq!(signin.status, 200);
    assert!(
        signin.body.contains("href=\"/signin/code?next=/inbox\"")
            && signin.body.contains("使用验证码登录"),
        "{}",
        signin.body
    );
    let ask = server.get("/signin/code?next=/inbox").await;
    assert_eq!(ask.status, 200);
    assert!(
        ask.body.contains("action=\"/signin/code\"")
            && ask.body.contains("name=\"next\" value=\"/inbox\""),
        "{}",
        ask.body
    );
    let nameless = server
        .post_form_with(None, None, "/signin/code", &[("username", " ")])
        .await;
    assert_eq!(nameless.status, 400);
    assert!(
        nameless.body.contains("id=\"username-error\""),
        "{}",
        nameless.body
    );

    let issued = server
        .post_form_with(
            None,
            None,
            "/signin/code",
            &[("username", "resident"), ("next", "/inbox")],
        )
        .await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    assert!(
        issued.body.contains("action=\"/signin/code/verify\"")
            && issued.body.contains("value=\"resident\"")
            && issued.body.contains("name=\"next\" value=\"/inbox\""),
        "username and next kept: {}",
        issued.body
    );
    let codes = logged_codes(&server, "resident");
    assert_eq!(codes.len(), 1, "{}", server.log());
    let code = codes[0].clone();
    assert!(
        code.bytes().all(|b| b.is_ascii_digit()),
        "{code}: {}",
        server.log()
    );
    assert!(server.log().contains("for demos and development only"));

    let verify = |username: &'static str, typed: String| {
        let server = &server;
        async move {
            server
                .post_form_with(
                    None,
                    None,
                    "/signin/code/verify",
                    &[("username", username), ("code", &typed), ("next", "/inbox")],
                )
                .await
        }
    };
    let malformed = verify("resident", "12ab".into()).await;
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.body.contains("id=\"code-error\"")
            && malformed.body.contains("请输入 6 位数字验证码")
            && malformed.body.contains("value=\"resident\""),
        "{}",
        malformed.body
    );
    let no_name = verify("", code.clone()).await;
    assert_eq!(no_name.status, 400);
    assert!(
        no_name.body.contains("id=\"username-error\""),
        "{}",
        no_name.body
    );
    let wrong = verify("resident", other_than(&code).into()).await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains(WRONG_CODE)
            && wrong.body.contains("id=\"code-error\"")
            && wrong.body.contains("value=\"resident\""),
        "{}",
        wrong.body
    );
    assert!(wrong.header("set-cookie").is_empty());

    let signed_in = verify("resident", code.clone()).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.header("location"), "/inbox");
    let set_cookie = signed_in.header("set-cookie");
    assert!(
        set_cookie.starts_with("wangge_session=")
            && set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
    let inbox = server.get_with_cookie(Some(&cookie), "/inbox").await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    assert!(inbox.body.contains("收件箱") && inbox.body.contains("张建国"));

    let again = verify("resident", code.clone()).await;
    assert_eq!(again.status, 401, "a code works once");
    assert!(again.body.contains(WRONG_CODE));
    assert!(again.header("set-cookie").is_empty());

    let too_soon = server
        .post_form_with(
            None,
            None,
            "/signin/code",
            &[("username", "resident"), ("next", "/inbox")],
        )
        .await;
    assert_eq!(too_soon.status, 429);
    assert!(
        too_soon.body.contains("请 60 秒后再获取验证码。")
            && too_soon.body.contains("value=\"resident\""),
        "{}",
        too_soon.body
    );
    assert_eq!(logged_codes(&server, "resident").len(), 1, "no second code");

    let unknown = server
        .post_form_with(
            None,
            None,
            "/signin/code",
            &[("username", "nobody"), ("next", "/inbox")],
        )
        .await;
    assert_eq!(unknown.status, 200);
    assert_eq!(
        unknown.body.replace("nobody", "resident"),
        issued.body,
        "an unknown username gets the same page"
    );
    assert!(
        logged_codes(&server, "nobody").is_empty(),
        "{}",
        server.log()
    );
    let unknown_again = server
        .post_form_with(None, None, "/signin/code", &[("username", "nobody")])
        .await;
    assert_eq!(
        unknown_again.status, 429,
        "and the same refusal within a minute"
    );
    let guessed = verify("nobody", "123456".into()).await;
    assert_eq!(guessed.status, 401);
    assert!(guessed.body.contains(WRONG_CODE));
}

#[tokio::test]
async fn wrong_codes_count_in_the_sign_in_throttle() {
    let workspace = workspace();
    let server = workspace.serve(&["--sign-in-codes", "log"]);
    let issued = server
        .post_form_with(None, None, "/signin/code", &[("username", "li")])
        .await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let code = logged_codes(&server, "li").pop().expect("a code for li");
    let wrong = other_than(&code);
    for _ in 0..5 {
        let page = server
            .post_form_with(
                None,
                None,
                "/signin/code/verify",
                &[("username", "li"), ("code", wrong)],
            )
            .await;
        assert_eq!(page.status, 401, "{}", page.body);
    }
    let throttled = server
        .post_form_with(
            None,
            None,
            "/signin/code/verify",
            &[("username", "li"), ("code", &code)],
        )
        .await;
    assert_eq!(throttled.status, 429);
    assert!(
        throttled.body.contains("登录失败次数过多"),
        "{}",
        throttled.body
    );
    assert!(throttled.header("set-cookie").is_empty());
    let password = server
        .post_form_with(
            None,
            None,
            "/signin",
            &[
                ("username", "li"),
                ("password", wangge_tests::TEST_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        password.status, 429,
        "the same throttle as the password form"
    );
}

#[tokio::test]
async fn codes_are_off_unless_the_server_turns_them_on() {
    let workspace = workspace();
    let server = workspace.serve(&[]);
    let signin = server.get("/signin").await;
    assert_eq!(signin.status, 200);
    assert!(
        !signin.body.contains("/signin/code") && !signin.body.contains("验证码"),
        "{}",
        signin.body
    );
    for page in [
        server.get("/signin/code").await,
        server
            .post_form_with(None, None, "/signin/code", &[("username", "resident")])
            .await,
        server
            .post_form_with(
                None,
                None,
                "/signin/code/verify",
                &[("username", "resident"), ("code", "123456")],
            )
            .await,
    ] {
        assert_eq!(page.status, 404);
        assert!(
            page.header("content-type").starts_with("text/html")
                && text_between(&page.body, "<h1>", "</h1>") == "验证码登录未开通",
            "{}",
            page.body
        );
    }
    assert!(!server.log().contains("sign-in code"), "{}", server.log());
}
