//! Photos on residents' reports end to end: a report posted with the page's multipart form
//! and a photo is served back to its reporter and to the grid's worker, with the type the
//! bytes show and locked-down headers, and to no one else (another resident, a worker of
//! another grid, a visitor). A file that is no image, whatever its name, and a photo over
//! 5 MB are refused next to the photo field with the typed title kept and no event stored;
//! a report without a photo still goes through. Cross-site multipart posts are refused.

use reqwest::multipart::{Form, Part};
use wangge_tests::fixtures::PNG;
use wangge_tests::{Page, Server, TEST_PASSWORD, Workspace, form_encode};

/// 江边社区第一网格: where the residents live and `worker` works.
const GRID: &str = "420202001001001";
/// 江边社区第二网格: `far` works here, not where the reports are.
const OTHER_GRID: &str = "420202001001002";

/// The start of a JFIF JPEG: what the host looks at.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
];

const TOO_LARGE: &str = "照片不能超过 5 MB。";
const WRONG_TYPE: &str = "请上传 JPEG、PNG 或 WebP 格式的照片。";

fn setup() -> (Workspace, Server) {
    let workspace = Workspace::demo();
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    workspace.add_user("li", "李秀英", &[("resident", GRID)]);
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    workspace.add_user("far", "赵网格", &[("grid-worker", OTHER_GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

/// Signs in through the form and returns the `name=value` cookie pair.
async fn sign_in(server: &Server, username: &str) -> String {
    let response = server
        .client()
        .post(format!("{}/signin", server.base()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_encode(&[
            ("username", username),
            ("password", TEST_PASSWORD),
        ]))
        .send()
        .await
        .expect("sign in");
    let page = Page::read(response).await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.header("set-cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned()
}

/// The report form as the page sends it: the text fields, then the file input.
fn report(title: &str, photo: Part) -> Form {
    Form::new()
        .text("category", "dispute.neighbour")
        .text("title", title.to_owned())
        .text("description", "楼道堆满杂物")
        .text("address", "江边路 1 号")
        .part("photo", photo)
}

fn file(bytes: &[u8], name: &str, content_type: &str) -> Part {
    Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str(content_type)
        .expect("a media type")
}

/// What a file input with no file chosen sends.
fn no_file() -> Part {
    file(&[], "", "application/octet-stream")
}

/// Posts `form` to `/report` as the holder of `cookie`, from `origin`.
async fn post_report(server: &Server, cookie: &str, origin: &str, form: Form) -> Page {
    let response = server
        .client()
        .post(format!("{}/report", server.base()))
        .header("cookie", cookie)
        .header("origin", origin)
        .multipart(form)
        .send()
        .await
        .expect("POST /report");
    Page::read(response).await
}

/// Reports through the form and returns the new event's id.
async fn reported(server: &Server, cookie: &str, form: Form) -> i64 {
    let page = post_report(server, cookie, server.base(), form).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.header("location");
    location
        .strip_prefix("/reports/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {location}"))
}

async fn get(server: &Server, cookie: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = server.client().get(format!("{}{path}", server.base()));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("GET")
}

/// The photo at `path` as `cookie` gets it: its content type and bytes; asserts the
/// headers every photo carries.
async fn photo(server: &Server, cookie: &str, path: &str) -> (String, Vec<u8>) {
    let response = get(server, Some(cookie), path).await;
    assert_eq!(response.status(), 200, "{path}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    assert_eq!(
        header("content-security-policy"),
        "default-src 'none'; sandbox",
        "{path}"
    );
    assert_eq!(header("cache-control"), "private, no-store", "{path}");
    let content_type = header("content-type");
    let bytes = response.bytes().await.expect("the photo").to_vec();
    (content_type, bytes)
}

async fn events_stored(workspace: &Workspace) -> i64 {
    let mut db = workspace.database().await;
    sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_photo_is_shown_only_to_those_who_may_see_the_report() {
    let (_workspace, server) = setup();
    let zhang = sign_in(&server, "zhang").await;

    let form = Page::read(get(&server, Some(&zhang), "/report").await).await;
    assert!(
        form.body.contains("enctype=\"multipart/form-data\"")
            && form.body.contains(
                "type=\"file\" name=\"photo\" accept=\"image/jpeg,image/png,image/webp\""
            )
            && form.body.contains("照片（选填）"),
        "{}",
        form.body
    );

    let id = reported(
        &server,
        &zhang,
        report("楼道杂物", file(PNG, "楼道.png", "image/png")),
    )
    .await;
    let mine = format!("/reports/{id}/photo");
    let workers = format!("/worker/events/{id}/photo");

    let detail = Page::read(get(&server, Some(&zhang), &format!("/reports/{id}")).await).await;
    assert_eq!(detail.status, 200);
    assert!(
        detail.body.contains(&format!("<img src=\"{mine}\" alt=\"")),
        "{}",
        detail.body
    );
    assert_eq!(
        photo(&server, &zhang, &mine).await,
        ("image/png".to_owned(), PNG.to_vec())
    );

    let worker = sign_in(&server, "worker").await;
    let page = Page::read(get(&server, Some(&worker), &format!("/worker/events/{id}")).await).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("<img src=\"{workers}\" alt=\"")),
        "{}",
        page.body
    );
    assert_eq!(
        photo(&server, &worker, &workers).await,
        ("image/png".to_owned(), PNG.to_vec())
    );

    // Another resident of the same grid, a worker of another grid, a visitor: no photo.
    let li = sign_in(&server, "li").await;
    let far = sign_in(&server, "far").await;
    for (who, cookie, path, status) in [
        ("another resident", Some(li.as_str()), mine.as_str(), 404),
        ("another resident", Some(li.as_str()), workers.as_str(), 403),
        (
            "the worker, as a resident",
            Some(worker.as_str()),
            mine.as_str(),
            404,
        ),
        (
            "another grid's worker",
            Some(far.as_str()),
            workers.as_str(),
            404,
        ),
        ("a visitor", None, mine.as_str(), 303),
        ("a visitor", None, workers.as_str(), 303),
    ] {
        let response = get(&server, cookie, path).await;
        assert_eq!(response.status(), status, "{who}: {path}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(!content_type.starts_with("image/"), "{who}: {path}");
        let body = response.bytes().await.expect("body");
        assert!(!body.starts_with(&PNG[..8]), "{who}: {path}");
    }
    let li_detail = get(&server, Some(&li), &format!("/reports/{id}")).await;
    assert_eq!(li_detail.status(), 404);

    // The type is the bytes', not the name's or the client's.
    let jpeg = reported(
        &server,
        &zhang,
        report("井盖缺失", file(JPEG, "井盖.png", "image/png")),
    )
    .await;
    assert_eq!(
        photo(&server, &zhang, &format!("/reports/{jpeg}/photo")).await,
        ("image/jpeg".to_owned(), JPEG.to_vec())
    );

    // No file chosen: a report without a photo.
    let plain = reported(&server, &zhang, report("路灯不亮", no_file())).await;
    let detail = Page::read(get(&server, Some(&zhang), &format!("/reports/{plain}")).await).await;
    assert_eq!(detail.status, 200);
    assert!(detail.body.contains("路灯不亮") && !detail.body.contains("<img"));
    let none = get(&server, Some(&zhang), &format!("/reports/{plain}/photo")).await;
    assert_eq!(none.status(), 404);
    let none = get(
        &server,
        Some(&worker),
        &format!("/worker/events/{plain}/photo"),
    )
    .await;
    assert_eq!(none.status(), 404);

    // "My reports" lists all three, newest first.
    let list = Page::read(get(&server, Some(&zhang), "/reports").await).await;
    let at = |title: &str| {
        list.body
            .find(title)
            .unwrap_or_else(|| panic!("{title}: {}", list.body))
    };
    assert!(at("路灯不亮") < at("井盖缺失") && at("井盖缺失") < at("楼道杂物"));
    assert!(
        !Page::read(get(&server, Some(&li), "/reports").await)
            .await
            .body
            .contains("楼道杂物")
    );
}

#[tokio::test]
async fn refused_photos_keep_the_form_and_store_nothing() {
    let (workspace, server) = setup();
    let zhang = sign_in(&server, "zhang").await;

    let text = b"this is a text file, not a photo\n";
    let page = post_report(
        &server,
        &zhang,
        server.base(),
        report("楼道杂物", file(text, "photo.jpg", "image/jpeg")),
    )
    .await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("id=\"photo-error\">{WRONG_TYPE}<")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"楼道杂物\""),
        "title kept: {}",
        page.body
    );
    assert!(page.body.contains("楼道堆满杂物") && page.body.contains("value=\"江边路 1 号\""));
    assert!(page.body.contains("<meta name=\"viewport\""));
    assert_eq!(
        events_stored(&workspace).await,
        0,
        "no event for a refused photo"
    );

    // A chosen file with nothing in it is no photo either.
    let page = post_report(
        &server,
        &zhang,
        server.base(),
        report("楼道杂物", file(&[], "empty.png", "image/png")),
    )
    .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains(WRONG_TYPE), "{}", page.body);

    // One byte over 5 MiB, a PNG by its first bytes.
    let mut large = PNG.to_vec();
    large.resize(5 * 1024 * 1024 + 1, 0);
    let page = post_report(
        &server,
        &zhang,
        server.base(),
        report("楼道杂物", file(&large, "large.png", "image/png")),
    )
    .await;
    assert_eq!(page.status, 413, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("id=\"photo-error\">{TOO_LARGE}<")),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"楼道杂物\""), "title kept");
    assert_eq!(events_stored(&workspace).await, 0);

    // Far over the request limit: the same page (the text fields come first), if the answer
    // arrives before the client gives up sending; either way nothing is stored.
    large.resize(12 * 1024 * 1024, 0);
    let response = server
        .client()
        .post(format!("{}/report", server.base()))
        .header("cookie", &zhang)
        .header("origin", server.base())
        .multipart(report("楼道杂物", file(&large, "huge.png", "image/png")))
        .send()
        .await;
    if let Ok(response) = response {
        let page = Page::read(response).await;
        assert_eq!(page.status, 413);
        assert!(page.body.contains(TOO_LARGE), "{}", page.body);
    }
    assert_eq!(events_stored(&workspace).await, 0);

    // Another site's page cannot post the form with the resident's cookie.
    let page = post_report(
        &server,
        &zhang,
        "http://evil.example",
        report("楼道杂物", file(PNG, "楼道.png", "image/png")),
    )
    .await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert_eq!(events_stored(&workspace).await, 0);

    // The same report with a real photo goes through.
    let page = post_report(
        &server,
        &zhang,
        server.base(),
        report("楼道杂物", file(PNG, "楼道.png", "image/png")),
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(events_stored(&workspace).await, 1);
}
