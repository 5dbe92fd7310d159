//! The `events` import end to end: `plugin add` registers the plugin's own category; the
//! plugin reports events of it (and of nothing else) within its street, reads only its
//! street's events, handles a dispatched event but never accepts one; a missing permission
//! is denied and audited.

use serde_json::{Value, json};
use wangge_tests::{Server, TEST_PASSWORD, Workspace, component, manifest, text_between};

const GRID: &str = "420202001001001";
const OTHER_STREET_GRID: &str = "420202002001001";

async fn answer_of(server: &Server, plugin: &str, path: &str) -> String {
    let page = server.get(&format!("/p/{plugin}{path}")).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    text_between(&page.body, "<pre id=\"answer\">", "</pre>")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

async fn answer(server: &Server, path: &str) -> String {
    answer_of(server, "event-reporter", path).await
}

/// The event id at the start of a `/report` or `/get` answer.
fn id_of(line: &str) -> i64 {
    line.split(' ')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("an event line: {line}"))
}

/// The event-reporter's manifest under another plugin id, with its own category and only
/// the permissions given: the same component, installed as a second plugin.
fn other_manifest(workspace: &Workspace, permissions: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(manifest("event-reporter"))
        .expect("manifest")
        .replace("id = \"event-reporter\"", "id = \"other-reporter\"")
        .replace("event-reporter.visit", "other-reporter.visit")
        .replace(
            "permissions = [\"events:report\", \"events:read\", \"events:handle\"]",
            &format!("permissions = [{permissions}]"),
        );
    let path = workspace.data_dir().join("other-reporter.toml");
    std::fs::write(&path, text).expect("write manifest");
    path
}

fn add_with_manifest(workspace: &Workspace, manifest: &std::path::Path) -> std::process::Output {
    let component = component("event-reporter");
    workspace.wangge(&[
        "plugin",
        "add",
        component.to_str().expect("utf-8 path"),
        "--manifest",
        manifest.to_str().expect("utf-8 path"),
        "--unit",
        "420202001",
        "--unit-name",
        "黄石港街道",
    ])
}

async fn call(server: &Server, token: &str, method: &str, path: &str, body: Value) -> Value {
    let (status, body) = server.api(token, method, path, body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {body}"
    );
    body
}

#[tokio::test]
async fn a_plugin_reports_reads_and_handles_events_of_its_own_category_in_scope() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("admin", "admin", &[("unit-admin", "420202001")]);
    workspace.add_user("admin2", "admin2", &[("unit-admin", "420202002")]);
    workspace.add_plugin(
        "event-reporter",
        &["--unit", "420202001", "--unit-name", "黄石港街道"],
    );
    let other = other_manifest(&workspace, "\"events:read\"");
    let added = add_with_manifest(&workspace, &other);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let server = workspace.serve(&[]);
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let admin2 = server.sign_in("admin2", TEST_PASSWORD).await;

    // The category is registered with its owner; built-in ones have none.
    let categories = call(&server, &admin, "GET", "/api/event-categories", json!(null)).await;
    let find = |code: &str| {
        categories["categories"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["code"] == code).cloned())
            .unwrap_or_else(|| panic!("category {code}: {categories}"))
    };
    let visit = find("event-reporter.visit");
    assert_eq!(visit["owner_plugin"], "event-reporter", "{visit}");
    assert_eq!(visit["sla_working_days"], 3);
    assert_eq!(visit["fields_schema"]["required"][0], "visitor", "{visit}");
    assert_eq!(find("safety-hazard")["owner_plugin"], Value::Null);
    let listed = answer(&server, "/categories").await;
    assert!(
        listed.contains("event-reporter.visit event-reporter")
            && listed.contains("safety-hazard -"),
        "{listed}"
    );

    // Its own category, in scope: reported by the installation.
    let reported = answer(
        &server,
        &format!("/report?unit={GRID}&field=%E6%9D%8E%E7%BD%91%E6%A0%BC&urgent=1"),
    )
    .await;
    assert!(
        reported.contains(
            "event-reporter.visit EventState::Reported 420202001001001 plugin:event-reporter#"
        ),
        "{reported}"
    );
    let id = id_of(&reported);
    let events = call(
        &server,
        &admin,
        "GET",
        "/api/events?unit=420202001",
        json!(null),
    )
    .await;
    let event = events["events"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["id"] == id).cloned())
        .unwrap_or_else(|| panic!("event {id} listed: {events}"));
    assert!(
        event["reporter"]
            .as_str()
            .is_some_and(|r| r.starts_with("plugin:event-reporter#")),
        "{event}"
    );
    assert_eq!(event["attributes"]["visitor"], "李网格", "{event}");
    assert_eq!(event["urgent"], true, "{event}");

    // A built-in category and another plugin's: denied, naming the category.
    for category in ["safety-hazard", "other-reporter.visit"] {
        let refused = answer(
            &server,
            &format!("/report?unit={GRID}&field=x&category={category}"),
        )
        .await;
        assert!(
            refused.starts_with("error: Error::Denied") && refused.contains(category),
            "{refused}"
        );
    }

    // A bad custom field: invalid, naming it.
    let bad = answer(
        &server,
        &format!("/report?unit={GRID}&fields=%7B%22visitor%22%3A%22x%22%2C%22minutes%22%3A0%7D"),
    )
    .await;
    assert!(
        bad.starts_with("error: Error::Invalid") && bad.contains("custom-fields.minutes"),
        "{bad}"
    );
    let missing = answer(&server, &format!("/report?unit={GRID}")).await;
    assert!(
        missing.starts_with("error: Error::Invalid") && missing.contains("custom-fields.visitor"),
        "{missing}"
    );

    // Outside the street: refused alike for a unit that exists and one that does not.
    let existing = answer(
        &server,
        &format!("/report?unit={OTHER_STREET_GRID}&field=x"),
    )
    .await;
    let absent = answer(&server, "/report?unit=420202099001001&field=x").await;
    assert!(existing.starts_with("error: Error::Denied"), "{existing}");
    assert_eq!(
        existing.replace(OTHER_STREET_GRID, "CODE"),
        absent.replace("420202099001001", "CODE"),
        "the answer must not tell whether a unit outside scope exists"
    );
    assert!(!existing.contains("沈家营"), "{existing}");

    // Reads stay within the street.
    let (status, body) = server
        .api(
            &admin2,
            "POST",
            "/api/events",
            json!({ "category": "environment", "title": "污水外溢", "description": "", "unit": OTHER_STREET_GRID, "attributes": { "issue": "污水" } }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let elsewhere = body["id"].as_i64().expect("id");
    let list = answer(&server, "/list").await;
    assert!(
        list.lines().any(|l| id_of(l) == id),
        "its event is listed:\n{list}"
    );
    assert!(
        !list.lines().any(|l| id_of(l) == elsewhere),
        "another street's event:\n{list}"
    );
    let outside = answer(&server, "/list?prefix=420202002").await;
    assert!(outside.starts_with("error: Error::Denied"), "{outside}");
    let hidden = answer(&server, &format!("/get?id={elsewhere}")).await;
    assert!(hidden.starts_with("error: Error::NotFound"), "{hidden}");
    assert_eq!(id_of(&answer(&server, &format!("/get?id={id}")).await), id);

    // Handling: not before a person accepted and dispatched it, never accepting itself.
    let early = answer(&server, &format!("/handle?id={id}")).await;
    assert!(
        early.starts_with("error: Error::Invalid") && early.contains("reported"),
        "{early}"
    );
    let accept = answer(&server, &format!("/handle?id={id}&action=accept")).await;
    assert!(accept.starts_with("error: Error::Denied"), "{accept}");
    for (action, extra) in [
        ("accept", json!({})),
        ("dispatch", json!({ "dispatched_to": "420202001001001" })),
    ] {
        let mut body = json!({ "action": action, "note": "" });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        call(
            &server,
            &admin,
            "POST",
            &format!("/api/events/{id}/actions"),
            body,
        )
        .await;
    }
    let handled = answer(&server, &format!("/handle?id={id}")).await;
    assert!(handled.contains("EventState::Handling "), "{handled}");
    let resolved = answer(&server, &format!("/handle?id={id}&action=resolve")).await;
    assert!(resolved.contains("EventState::Resolved "), "{resolved}");
    let close = answer(&server, &format!("/handle?id={id}&action=close")).await;
    assert!(close.starts_with("error: Error::Denied"), "{close}");
    let read = call(
        &server,
        &admin,
        "GET",
        &format!("/api/events/{id}"),
        json!(null),
    )
    .await;
    let handle_entry = read["timeline"]
        .as_array()
        .and_then(|t| t.iter().find(|e| e["action"] == "handle").cloned())
        .unwrap_or_else(|| panic!("a handle entry: {read}"));
    assert!(
        handle_entry["actor"]
            .as_str()
            .is_some_and(|a| a.starts_with("plugin:event-reporter#")),
        "{handle_entry}"
    );
    assert_eq!(handle_entry["note"], "插件已联系家属处置");

    // A missing permission: denied and audited.
    let ungranted = answer_of(&server, "other-reporter", &format!("/handle?id={id}")).await;
    assert!(
        ungranted.starts_with("error: Error::Denied") && ungranted.contains("events:handle"),
        "{ungranted}"
    );
    let not_reporting = answer_of(&server, "other-reporter", &format!("/report?unit={GRID}")).await;
    assert!(
        not_reporting.starts_with("error: Error::Denied")
            && not_reporting.contains("events:report"),
        "{not_reporting}"
    );

    let mut db = workspace.database().await;
    let denied: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, subject FROM audit_log WHERE action = 'permission.denied' ORDER BY id",
    )
    .fetch_all(&mut db)
    .await
    .expect("audit rows");
    assert!(
        denied.iter().any(
            |(actor, subject)| actor.starts_with("plugin:other-reporter#")
                && subject == "events.transition"
        ),
        "{denied:?}"
    );
    let writes: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, subject FROM audit_log WHERE actor LIKE 'plugin:event-reporter#%' \
         AND action LIKE 'event.%' ORDER BY id",
    )
    .fetch_all(&mut db)
    .await
    .expect("audit rows");
    let subject = format!("event:{id}");
    assert_eq!(
        writes,
        [
            ("event.reported".to_owned(), subject.clone()),
            ("event.transitioned".to_owned(), subject.clone()),
            ("event.transitioned".to_owned(), subject),
        ]
    );
}

#[tokio::test]
async fn plugin_add_refuses_a_bad_fields_schema_and_a_built_in_code_registering_nothing() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    let text = std::fs::read_to_string(manifest("event-reporter")).expect("manifest");

    let bad_schema = workspace.data_dir().join("bad-schema.toml");
    std::fs::write(
        &bad_schema,
        text.replace("type = \"integer\"", "type = \"array\""),
    )
    .expect("write");
    let refused = add_with_manifest(&workspace, &bad_schema);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(stderr.contains("categories[0].fields_schema"), "{stderr}");

    // A plugin called `dispute` may name `dispute.neighbour`, which is built in.
    let built_in = workspace.data_dir().join("built-in.toml");
    std::fs::write(
        &built_in,
        text.replace("id = \"event-reporter\"", "id = \"dispute\"")
            .replace("event-reporter.visit", "dispute.neighbour"),
    )
    .expect("write");
    let refused = add_with_manifest(&workspace, &built_in);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("categories[0].code") && stderr.contains("built-in"),
        "{stderr}"
    );

    let mut db = workspace.database().await;
    let plugins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plugins")
        .fetch_one(&mut db)
        .await
        .expect("count");
    assert_eq!(plugins, 0);
    let owned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM event_categories WHERE owner_plugin IS NOT NULL")
            .fetch_one(&mut db)
            .await
            .expect("count");
    assert_eq!(owned, 0);
}
