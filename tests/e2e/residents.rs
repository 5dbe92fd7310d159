//! Residents: CSV import with a row-level report (all or nothing, or `--skip-invalid`), and
//! the API's masking, scoping and audited unmasked reads.

use serde_json::json;
use wangge_tests::{TEST_PASSWORD, Workspace};

fn with_units() -> Workspace {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace
}

const BAD_ROWS: &str = "name,gender,birth_date,id_number,phone,population_type,grid_code,tags\n\
    张建国,男,1944-05-12,420202194405120116,13871234567,户籍,420202001001001,\n\
    ,女,1950-09-03,420202195009030228,13972345678,户籍,420202001001001,\n\
    王五,女,1944-05-12,420202194405120116,,户籍,420202001001001,\n\
    赵六,男,1960-01-01,420202196001010013,123,外星,420202001009009,\n\
    陈丽,女,1988-11-30,420202198811300428,15027456789,流动,420202001001002,\n";

#[test]
fn a_file_with_bad_rows_imports_nothing_unless_told_to_skip_them() {
    let workspace = with_units();
    let file = workspace.data_dir().join("residents.csv");
    std::fs::write(&file, BAD_ROWS).expect("write");
    let path = file.to_str().expect("utf-8");

    let refused = workspace.wangge(&["residents", "import", path]);
    assert!(!refused.status.success());
    let report = String::from_utf8_lossy(&refused.stderr);
    for expected in [
        "nothing imported",
        "row 2, name:",
        "row 3, id_number: ID number encodes gender Male, but the record says Female",
        "row 4, grid_code: `420202001009009` is not a known grid",
        "row 4, id_number: ID number: check character",
        "row 4, phone:",
        "row 4, population_type:",
    ] {
        assert!(report.contains(expected), "{expected}:\n{report}");
    }

    let imported = workspace.run(&["residents", "import", "--skip-invalid", path]);
    assert!(
        imported.contains("2 residents imported, 3 rows skipped"),
        "{imported}"
    );
    let again = workspace.run(&["residents", "import", "--skip-invalid", path]);
    assert!(again.contains("0 residents imported"), "{again}");
    assert!(again.contains("already registered"), "{again}");
}

#[tokio::test]
async fn lists_are_scoped_and_masked_and_unmasking_is_audited() {
    let workspace = with_units();
    workspace.import_demo("residents", "residents.csv");
    workspace.add_user("admin", "admin", &[("unit-admin", "420202001")]);
    workspace.add_user("worker", "worker", &[("grid-worker", "420202001001001")]);
    let server = workspace.serve(&[]);
    let worker = server.sign_in("worker", TEST_PASSWORD).await;
    let admin = server.sign_in("admin", TEST_PASSWORD).await;

    let (status, body) = server
        .api(
            &worker,
            "GET",
            "/api/residents?unit=420202001001001",
            json!(null),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let residents = body["residents"].as_array().expect("list");
    assert_eq!(residents.len(), 3, "only the worker's grid: {body}");
    assert_eq!(residents[0]["id_number"], "420202********0116");
    assert_eq!(residents[0]["phone"], "138****4567");
    assert!(
        !body.to_string().contains("420202194405120116"),
        "nothing unmasked: {body}"
    );

    let (status, _) = server
        .api(
            &worker,
            "GET",
            "/api/residents?unit=420202001001002",
            json!(null),
        )
        .await;
    assert_eq!(status, 403, "a neighbouring grid");

    let (_, page) = server
        .api(
            &admin,
            "GET",
            "/api/residents?unit=420202001&limit=4",
            json!(null),
        )
        .await;
    assert_eq!(page["residents"].as_array().map(Vec::len), Some(4));
    let next = page["next"].as_str().expect("a next page").to_owned();
    let (_, rest) = server
        .api(
            &admin,
            "GET",
            &format!("/api/residents?unit=420202001&after={next}"),
            json!(null),
        )
        .await;
    assert_eq!(
        rest["residents"].as_array().map(Vec::len),
        Some(3),
        "7 in the street, 1 elsewhere"
    );

    let id = residents[0]["id"].as_i64().expect("id");
    let unmask = format!("/api/residents/{id}/unmask");
    let reason = json!({ "reason": "核实养老金资格认证" });
    let (status, _) = server.api(&worker, "POST", &unmask, reason.clone()).await;
    assert_eq!(status, 403, "no sensitive-data grant yet");
    let granted = server
        .client()
        .post(format!("{}/api/grants", server.base()))
        .bearer_auth(&admin)
        .json(&json!({ "username": "worker", "role": "sensitive-data", "unit": "420202001001001" }))
        .send()
        .await
        .expect("grant");
    assert_eq!(granted.status(), 201);
    let (status, body) = server
        .api(&worker, "POST", &unmask, json!({ "reason": " " }))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("reason"))
    );
    let (status, body) = server.api(&worker, "POST", &unmask, reason).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id_number"], "420202194405120116");

    let mut db = workspace.database().await;
    let (actor, detail): (String, String) =
        sqlx::query_as("SELECT actor, detail FROM audit_log WHERE action = 'resident.unmasked'")
            .fetch_one(&mut db)
            .await
            .expect("one audit row");
    assert_eq!(actor, "user:worker");
    assert!(detail.contains("核实养老金资格认证"), "{detail}");

    // Unit admins read the audit log of their subtree through the API; workers cannot.
    let (status, log) = server
        .api(&admin, "GET", "/api/audit?unit=420202001", json!(null))
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions[..2],
        ["resident.unmasked", "grant.added"],
        "newest first: {log}"
    );
    assert_eq!(log["entries"][0]["detail"]["reason"], "核实养老金资格认证");
    let (status, _) = server
        .api(
            &worker,
            "GET",
            "/api/audit?unit=420202001001001",
            json!(null),
        )
        .await;
    assert_eq!(status, 403);
}
