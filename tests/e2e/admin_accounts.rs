//! The admin console's account pages through real HTTP: a unit admin creates a user, grants
//! and revokes a role, resets a password, and creates and revokes a department's service
//! account whose token is shown once; every bad field is named in Chinese and every act is
//! in the audit log.

use serde_json::json;
use wangge_tests::{Server, TEST_PASSWORD, Workspace};

/// 黄石港街道, the admin's street, and a grid of it.
const STREET: &str = "420202001";
const GRID: &str = "420202001001001";

/// The bearer token on a service account's answer page, between `<code class="token">` and
/// `</code>`.
fn token_on(body: &str) -> Option<String> {
    let start = body.find(r#"<code class="token">"#)? + r#"<code class="token">"#.len();
    let end = body[start..].find("</code>")?;
    Some(body[start..start + end].to_owned())
}

async fn status_of(server: &Server, token: &str, path: &str) -> u16 {
    server.api(token, "GET", path, json!(null)).await.0
}

#[tokio::test]
async fn an_admin_keeps_users_and_service_accounts_from_the_console() {
    let workspace = Workspace::demo();
    workspace.add_user("admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("worker", "王网格", &[("grid-worker", GRID)]);
    let server = workspace.serve(&[]);
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let residents = format!("/api/residents?unit={GRID}");

    // Only unit admins post the console's forms.
    let refused = server
        .post_form_as(&worker, "/admin/users/new", &[("username", "x")])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // A short password is named, and what was typed stays in the form.
    let short = server
        .post_form_as(
            &admin,
            "/admin/users/new",
            &[
                ("username", "newbie"),
                ("display_name", "新网格员"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 400, "{}", short.body);
    assert!(short.body.contains("密码至少 8 位"), "{}", short.body);
    assert!(short.body.contains(r#"value="newbie""#), "kept as typed");
    let created = server
        .post_form_as(
            &admin,
            "/admin/users/new",
            &[
                ("username", "newbie"),
                ("display_name", "新网格员"),
                ("password", "first-password"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(
        created.body.contains("已新建用户 新网格员（newbie）"),
        "{}",
        created.body
    );
    let taken = server
        .post_form_as(
            &admin,
            "/admin/users/new",
            &[
                ("username", "newbie"),
                ("display_name", "又一个"),
                ("password", "first-password"),
            ],
        )
        .await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert!(taken.body.contains("用户名已被使用"), "{}", taken.body);

    // Granted, the new worker reads the grid.
    let granted = server
        .post_form_as(
            &admin,
            "/admin/users",
            &[
                ("username", "newbie"),
                ("role", "grid-worker"),
                ("unit", GRID),
            ],
        )
        .await;
    assert_eq!(granted.status, 303, "{}", granted.body);
    let newbie = server.sign_in("newbie", "first-password").await;
    assert_eq!(status_of(&server, &newbie, &residents).await, 200);
    let listed = server.page_as(&admin, "/admin/users").await;
    assert!(
        listed
            .body
            .contains(r#"aria-label="撤销 newbie 的 网格员""#),
        "a revoke button per grant: {}",
        listed.body
    );
    assert!(
        !listed.body.contains(r#"aria-label="撤销 admin "#),
        "no button for one's own grants"
    );

    // A new password ends the old sessions.
    let reset = server
        .post_form_as(
            &admin,
            "/admin/users/password",
            &[("username", "newbie"), ("password", "second-password")],
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert!(
        reset.body.contains("已重置 newbie 的密码"),
        "{}",
        reset.body
    );
    assert_eq!(status_of(&server, &newbie, &residents).await, 401);
    let newbie = server.sign_in("newbie", "second-password").await;

    // Linked to their resident record; a number that is no resident of the admin's is named.
    let zhang = workspace.resident_id("张建国").await.to_string();
    let linked = server
        .post_form_as(
            &admin,
            "/admin/users/resident",
            &[("username", "newbie"), ("resident_id", zhang.as_str())],
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.body);
    assert!(
        linked
            .body
            .contains(&format!("已将 newbie 关联到居民 {zhang}")),
        "{}",
        linked.body
    );
    let unknown = server
        .post_form_as(
            &admin,
            "/admin/users/resident",
            &[("username", "newbie"), ("resident_id", "999999")],
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(
        unknown.body.contains("用户或居民不在您管理的单位中"),
        "{}",
        unknown.body
    );

    // Revoked, the grant stops at once; one's own cannot be revoked.
    let revoked = server
        .post_form_as(
            &admin,
            "/admin/users/revoke",
            &[
                ("username", "newbie"),
                ("role", "grid-worker"),
                ("unit", GRID),
            ],
        )
        .await;
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    assert_eq!(status_of(&server, &newbie, &residents).await, 403);
    let own = server
        .post_form_as(
            &admin,
            "/admin/users/revoke",
            &[
                ("username", "admin"),
                ("role", "unit-admin"),
                ("unit", STREET),
            ],
        )
        .await;
    assert_eq!(own.status, 409, "{}", own.body);
    assert!(own.body.contains("不能撤销您自己的角色"), "{}", own.body);

    // A service account: a name without `svc-` is named; the token is shown once.
    let bad = server
        .post_form_as(
            &admin,
            "/admin/service-accounts",
            &[
                ("username", "gongan"),
                ("display_name", "派出所"),
                ("role", "department-staff"),
                ("unit", STREET),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("账号名须以“svc-”开头"), "{}", bad.body);
    let made = server
        .post_form_as(
            &admin,
            "/admin/service-accounts",
            &[
                ("username", "svc-gongan"),
                ("display_name", "派出所"),
                ("role", "department-staff"),
                ("unit", STREET),
            ],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let token = token_on(&made.body).unwrap_or_else(|| panic!("a token: {}", made.body));
    assert_eq!(status_of(&server, &token, "/api/me").await, 200);
    let list = server.page_as(&admin, "/admin/service-accounts").await;
    assert!(list.body.contains("svc-gongan"), "{}", list.body);
    assert!(
        !list.body.contains(&token),
        "the token is never shown again"
    );
    let (_, accounts) = server
        .api(&admin, "GET", "/api/service-accounts", json!(null))
        .await;
    let id = accounts["service_accounts"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id: {accounts}"));
    let gone = server
        .post_form_as(&admin, &format!("/admin/service-accounts/{id}/revoke"), &[])
        .await;
    assert_eq!(gone.status, 303, "{}", gone.body);
    assert_eq!(status_of(&server, &token, "/api/me").await, 401);
    let list = server.page_as(&admin, "/admin/service-accounts").await;
    assert!(list.body.contains("已撤销"), "{}", list.body);

    // Every act is in the audit log.
    let (_, audit) = server
        .api(
            &admin,
            "GET",
            &format!("/api/audit?unit={STREET}"),
            json!(null),
        )
        .await;
    let audit = audit.to_string();
    for action in [
        "user.created",
        "user.password_reset",
        "user.resident-linked",
        "grant.added",
        "grant.revoked",
        "service_account.created",
        "service_account.revoked",
    ] {
        assert!(audit.contains(action), "{action} audited: {audit}");
    }
}
