//! The site navigation with the real binary: each signed-in user sees links to exactly the
//! areas their roles open (工作台 for grid workers and unit admins, 统计看板 for leaders
//! and unit admins, 管理 for unit admins), and each link opens for them; plugin pages
//! carry the same navigation, with 退出 for a signed-in visitor and 登录 for anyone else.

use wangge_tests::{Server, TEST_PASSWORD, Workspace, plugin_page};

const STREET: &str = "420202001";
const GRID: &str = "420202001001001";

/// The area links (`a.area`) of a page, as (href, text).
fn areas(body: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("<a class=\"area\" href=\"") {
        rest = &rest[start + "<a class=\"area\" href=\"".len()..];
        let href_end = rest.find('"').expect("href ends");
        let href = rest[..href_end].to_owned();
        let text_start = rest.find('>').expect("tag ends") + 1;
        let text_end = rest.find("</a>").expect("link ends");
        found.push((href, rest[text_start..text_end].to_owned()));
    }
    found
}

async fn areas_of(server: &Server, username: &str) -> Vec<(String, String)> {
    let token = server.sign_in(username, TEST_PASSWORD).await;
    let home = server.page_as(&token, "/").await;
    assert_eq!(home.status, 200, "{username}: {}", home.body);
    let links = areas(&home.body);
    for (href, _) in &links {
        let page = server.page_as(&token, href).await;
        assert_eq!(page.status, 200, "{username} opens {href}: {}", page.body);
    }
    links
}

fn link(href: &str, text: &str) -> (String, String) {
    (href.to_owned(), text.to_owned())
}

#[tokio::test]
async fn the_navigation_links_the_areas_each_role_opens() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_plugin("hello", &["--unit", STREET, "--unit-name", "黄石港街道"]);
    workspace.add_user("resident", "居民", &[("resident", GRID)]);
    workspace.add_user("worker", "网格员", &[("grid-worker", GRID)]);
    workspace.add_user("leader", "领导", &[("leader", STREET)]);
    workspace.add_user("admin", "管理员", &[("unit-admin", STREET)]);
    let server = workspace.serve(&[]);

    assert_eq!(areas_of(&server, "resident").await, []);
    assert_eq!(
        areas_of(&server, "worker").await,
        [link("/worker/", "工作台")]
    );
    assert_eq!(
        areas_of(&server, "leader").await,
        [link("/dashboard/", "统计看板")]
    );
    assert_eq!(
        areas_of(&server, "admin").await,
        [
            link("/worker/", "工作台"),
            link("/dashboard/", "统计看板"),
            link("/admin/", "管理"),
        ]
    );

    // A plugin page: the same navigation, with sign-out for the signed-in.
    let hello = plugin_page("hello", "/", STREET);
    let anonymous = server.get(&hello).await;
    assert_eq!(anonymous.status, 200, "{}", anonymous.body);
    assert!(
        anonymous.body.contains("href=\"/signin\"") && !anonymous.body.contains("退出"),
        "{}",
        anonymous.body
    );
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let signed_in = server.page_as(&worker, &hello).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    assert!(signed_in.body.contains("退出"), "{}", signed_in.body);
    assert_eq!(areas(&signed_in.body), [link("/worker/", "工作台")]);
}
