//! The unit tree: `wangge units import` and `units list`, and the API (`/api/units`,
//! `/api/units/import`): the demo tree imports, bad files are reported row by row and import
//! nothing, and unit admins import only inside their own subtrees.

use wangge_tests::{TEST_PASSWORD, Workspace};

fn demo_units() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../host/data/demo/units.csv")
}

#[test]
fn the_demo_tree_imports_and_lists_by_subtree() {
    let workspace = Workspace::sqlite();
    let path = demo_units();
    let output = workspace.wangge(&["units", "import", path.to_str().expect("utf-8")]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("31 units imported (31 new, 0 updated)"),
        "{stdout}"
    );

    let list = workspace.wangge(&["units", "list", "--under", "420202001"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.starts_with("      420202001 黄石港街道\n"),
        "{listed}"
    );
    assert!(
        listed.contains("          420202001001001 江边社区第一网格"),
        "{listed}"
    );
    assert!(
        listed.contains("        420202001.pcs 黄石港派出所 (职能部门)\n"),
        "the street's departments, one step in: {listed}"
    );
    assert!(
        !listed.contains("沈家营"),
        "another street's units stay out: {listed}"
    );
}

#[test]
fn a_file_with_bad_rows_imports_nothing_and_names_each_problem() {
    let workspace = Workspace::sqlite();
    let file = workspace.data_dir().join("bad-units.csv");
    std::fs::write(
        &file,
        "code,name,parent\n42,湖北省,\n4202,,42\n420202,黄石港区,4203\n42020,错,4202\n",
    )
    .expect("write");
    let output = workspace.wangge(&["units", "import", file.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "3 problem(s), nothing imported",
        "row 2, name:",
        "row 3, parent: `4203` is not the parent of `420202`",
        "row 4, code: unit code `42020`",
    ] {
        assert!(error.contains(expected), "{expected}: {error}");
    }
    let list = workspace.wangge(&["units", "list"]);
    assert_eq!(String::from_utf8_lossy(&list.stdout), "no units under 42\n");
}

#[tokio::test]
async fn unit_admins_import_units_over_the_api_only_inside_their_subtree() {
    let workspace = Workspace::sqlite();
    workspace.run(&["units", "import", demo_units().to_str().expect("utf-8")]);
    workspace.add_user("admin", "街道管理员", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "网格员", &[("grid-worker", "420202001001001")]);
    let server = workspace.serve(&[]);
    let admin = server.sign_in("admin", TEST_PASSWORD).await;
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let post = |token: &str, content_type: &str, body: &str| {
        server
            .client()
            .post(format!("{}/api/units/import", server.base()))
            .bearer_auth(token.to_owned())
            .header("content-type", content_type.to_owned())
            .body(body.to_owned())
            .send()
    };
    let read = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        (status, body)
    };

    let new_community = "code,name,parent\n420202001003,新港社区,420202001\n420202001003001,新港社区第一网格,420202001003\n";
    let (status, body) = read(post(&admin, "text/csv", new_community).await.expect("post")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["created"], 2);

    let outside = "code,name\n420202002002,沈家营新社区\n";
    let (status, body) = read(post(&admin, "text/csv", outside).await.expect("post")).await;
    assert_eq!(status, 403, "another street: {body}");
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, _) = read(
        post(&worker, "text/csv", new_community)
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, 403, "grid workers do not edit the tree");

    let bad = "code,name,parent\n420202001004,错社区,420202002\n";
    let (status, body) = read(post(&admin, "text/csv", bad).await.expect("post")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "parent");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nothing imported")),
        "{body}"
    );
    let (status, body) = read(
        post(&admin, "application/xml", "<units/>")
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("content-type"))
    );

    let (status, tree) = server
        .api(
            &admin,
            "GET",
            "/api/units?under=420202001",
            serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = tree["units"]
        .as_array()
        .map(|u| u.iter().filter_map(|u| u["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"420202001003001"), "{codes:?}");
    assert!(
        !codes.iter().any(|c| c.starts_with("420202002")),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"420202001004"),
        "the bad file left nothing"
    );
}
