//! "一标三实" end to end: grid boundaries imported as GeoJSON, houses imported from CSV and
//! given their grid by point-in-polygon with the match rate reported, residents linked to
//! houses and households, organizations, and special populations that only the roles that
//! need them can see, through the real binary and HTTP (the import and scope test also on
//! PostgreSQL).

use serde_json::{Value, json};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, TEST_PASSWORD, Workspace, pre_answer};

const GRID_BOUNDARIES: &str = wangge_tests::fixtures::TWO_GRIDS_GEOJSON;

/// Rows 1 and 2 fall in the two grids, row 3 names its grid, row 4 lies outside every
/// boundary, row 5 has a usage nobody knows.
const HOUSES: &str = "address,latitude,longitude,usage,grid_code
黄石港区江边路1号1栋101室,30.205,115.005,自住,
黄石港区江边路9号2栋202室,30.205,115.015,出租,
黄石港区湖滨路3号,,,商用,420202001002001
黄石港区长江中心,30.5,115.5,自住,
黄石港区江边路1号1栋102室,30.206,115.006,城堡,
";

fn write(workspace: &Workspace, name: &str, text: &str) -> String {
    let path = workspace.data_dir().join(name);
    std::fs::write(&path, text).expect("write the import file");
    path.display().to_string()
}

fn setup() -> (Workspace, Server) {
    setup_on(Workspace::sqlite())
}

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    let grids = write(&workspace, "grids.geojson", GRID_BOUNDARIES);
    workspace.run(&["units", "import", &grids]);
    let houses = write(&workspace, "houses.csv", HOUSES);

    let refused = workspace.wangge(&["houses", "import", &houses]);
    let report = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success(),
        "a bad row refuses the whole file"
    );
    assert!(
        report.contains("row 4, grid_code: the coordinates lie inside no grid boundary"),
        "{report}"
    );
    assert!(report.contains("row 5, usage: `城堡`"), "{report}");
    assert!(report.contains("nothing imported"), "{report}");
    assert!(
        report.contains(
            "match rate: 3 of 4 rows with coordinates fell inside a grid boundary (75.0%)"
        ),
        "{report}"
    );

    let imported = workspace.run(&["houses", "import", &houses, "--skip-invalid"]);
    assert!(
        imported.contains("3 houses imported, 2 rows skipped"),
        "{imported}"
    );
    assert!(imported.contains("match rate: 3 of 4"), "{imported}");

    let residents = write(
        &workspace,
        "residents.csv",
        "name,gender,birth_date,id_number,phone,population_type,address,household,relation,latitude,longitude
周大山,男,1980-01-01,420202198001010111,13800001111,户籍,黄石港区江边路1号1栋101室,H-0001,户主,,
吴小红,女,1982-02-02,420202198202020228,,户籍,黄石港区江边路1号1栋101室,H-0001,配偶,,
周小川,男,2010-03-03,420202201003030313,,留守,,,,30.205,115.015
",
    );
    let linked = workspace.run(&["residents", "import", &residents]);
    assert!(linked.contains("3 residents imported"), "{linked}");
    assert!(linked.contains("match rate: 1 of 1"), "{linked}");

    workspace.add_user("worker1", "网格员一", &[("grid-worker", "420202001001001")]);
    workspace.add_user("worker2", "网格员二", &[("grid-worker", "420202001001002")]);
    workspace.add_user("admin", "街道管理员", &[("unit-admin", "420202001")]);
    workspace.add_user("leader", "市领导", &[("leader", "4202")]);
    workspace.add_user("resident", "居民", &[("resident", "420202001001001")]);
    workspace.add_plugin(
        "resident-reader",
        &["--unit", "420202001001", "--unit-name", "江边社区"],
    );
    let server = workspace.serve(&[]);
    (workspace, server)
}

/// What the `resident-reader` plugin answered on `path`.
async fn plugin_answer(server: &Server, path: &str) -> String {
    let page = server.get(&format!("/p/resident-reader{path}")).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    pre_answer(&page.body)
}

#[tokio::test]
async fn a_community_plugin_reads_its_houses_and_households() {
    let (workspace, server) = setup();
    let houses = plugin_answer(&server, "/houses").await;
    let addresses: Vec<&str> = houses.lines().filter_map(|l| l.split(' ').nth(1)).collect();
    assert_eq!(
        addresses,
        ["黄石港区江边路1号1栋101室", "黄石港区江边路9号2栋202室"],
        "the community's houses only:\n{houses}"
    );
    let mut db = workspace.database().await;
    let elsewhere: i64 =
        sqlx::query_scalar("SELECT id FROM houses WHERE address = '黄石港区湖滨路3号'")
            .fetch_one(&mut db)
            .await
            .expect("the other community's house");
    let hidden = plugin_answer(&server, &format!("/house?id={elsewhere}")).await;
    assert!(hidden.contains("NotFound"), "{hidden}");
    let outside = plugin_answer(&server, "/houses?prefix=420202001002").await;
    assert!(outside.contains("Denied"), "{outside}");
    let (household, head): (i64, i64) =
        sqlx::query_as("SELECT household_id, id FROM residents WHERE household_relation = 'head'")
            .fetch_one(&mut db)
            .await
            .expect("the head of H-0001");
    let answer = plugin_answer(&server, &format!("/household?id={household}")).await;
    assert!(
        answer.starts_with(&format!("H-0001 head={head} members={head},")),
        "{answer}"
    );
}

async fn token(server: &Server, username: &str) -> String {
    server.sign_in(username, TEST_PASSWORD).await
}

fn strings(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r[key].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn houses_get_their_grid_by_boundary_and_stay_in_scope() {
    houses_in_scope(setup()).await;
}

#[tokio::test]
async fn houses_get_their_grid_by_boundary_on_postgres() {
    let database = FreshDatabase::create().await;
    houses_in_scope(setup_on(Workspace::with(Database::Postgres(
        database.url().into(),
    ))))
    .await;
}

async fn houses_in_scope((_workspace, server): (Workspace, Server)) {
    let worker1 = token(&server, "worker1").await;
    let admin = token(&server, "admin").await;

    let (status, body) = server
        .api(&admin, "GET", "/api/houses?unit=420202001", json!(null))
        .await;
    assert_eq!(status, 200, "{body}");
    let rows = body["houses"].as_array().cloned().unwrap_or_default();
    let placed: Vec<(String, String, String)> = rows
        .iter()
        .map(|h| {
            (
                h["address"].as_str().unwrap_or("").to_owned(),
                h["grid_code"].as_str().unwrap_or("").to_owned(),
                h["grid_source"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        [
            (
                "黄石港区江边路1号1栋101室".into(),
                "420202001001001".into(),
                "boundary".into()
            ),
            (
                "黄石港区江边路9号2栋202室".into(),
                "420202001001002".into(),
                "boundary".into()
            ),
            (
                "黄石港区湖滨路3号".into(),
                "420202001002001".into(),
                "given".into()
            ),
        ]
    );

    let (_, mine) = server
        .api(
            &worker1,
            "GET",
            "/api/houses?unit=420202001001001",
            json!(null),
        )
        .await;
    assert_eq!(
        strings(&mine["houses"], "address"),
        ["黄石港区江边路1号1栋101室"]
    );
    let (status, _) = server
        .api(
            &worker1,
            "GET",
            "/api/houses?unit=420202001001002",
            json!(null),
        )
        .await;
    assert_eq!(status, 403, "the neighbouring grid's list is refused");
    let other_id = rows[1]["id"].as_i64().expect("id");
    let (status, body) = server
        .api(
            &worker1,
            "GET",
            &format!("/api/houses/{other_id}"),
            json!(null),
        )
        .await;
    assert_eq!(status, 404, "another grid's house looks absent: {body}");
    let (status, _) = server
        .api(&worker1, "GET", "/api/houses/999999", json!(null))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn residents_join_households_and_houses() {
    let (_workspace, server) = setup();
    let worker1 = token(&server, "worker1").await;
    let worker2 = token(&server, "worker2").await;
    let (_, body) = server
        .api(
            &worker1,
            "GET",
            "/api/residents?unit=420202001001001",
            json!(null),
        )
        .await;
    let residents = body["residents"].as_array().cloned().unwrap_or_default();
    assert_eq!(residents.len(), 2, "{body}");
    let household_id = residents[0]["household_id"].as_i64().expect("a household");
    assert_eq!(residents[1]["household_id"].as_i64(), Some(household_id));
    assert!(residents[0]["house_id"].as_i64().is_some());
    assert_eq!(residents[0]["id_number"], "420202********0111", "masked");

    let (status, household) = server
        .api(
            &worker1,
            "GET",
            &format!("/api/households/{household_id}"),
            json!(null),
        )
        .await;
    assert_eq!(status, 200, "{household}");
    assert_eq!(household["household"]["number"], "H-0001");
    assert_eq!(
        household["household"]["head_resident_id"],
        residents[0]["id"]
    );
    assert_eq!(
        household["household"]["member_ids"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        strings(&household["members"], "id_number"),
        ["420202********0111", "420202********0228"],
        "the members, masked"
    );
    let (status, _) = server
        .api(
            &worker2,
            "GET",
            &format!("/api/households/{household_id}"),
            json!(null),
        )
        .await;
    assert_eq!(status, 404, "another grid's household looks absent");

    let (_, theirs) = server
        .api(
            &worker2,
            "GET",
            "/api/residents?unit=420202001001002",
            json!(null),
        )
        .await;
    assert_eq!(
        strings(&theirs["residents"], "name"),
        ["周小川"],
        "the resident with coordinates only was placed by boundary"
    );
}

#[tokio::test]
async fn organizations_check_credit_codes_and_mask_phones() {
    let (_workspace, server) = setup();
    let worker1 = token(&server, "worker1").await;
    let good = json!({
        "name": "江边便民超市",
        "kind": "个体工商户",
        "credit_code": "91350100M000100Y43",
        "address": "黄石港区江边路1号1栋101室",
        "contact_name": "周大山",
        "contact_phone": "13800001111",
    });
    let (status, body) = server
        .api(&worker1, "POST", "/api/organizations", good.clone())
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = server
        .api(&worker1, "POST", "/api/organizations", good)
        .await;
    assert_eq!(status, 409, "the credit code is taken: {body}");
    let (status, body) = server
        .api(
            &worker1,
            "POST",
            "/api/organizations",
            json!({ "name": "某公司", "kind": "企业", "credit_code": "91350100M000100Y44",
                    "address": "江边路5号", "grid_code": "420202001001001" }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("credit_code")),
        "{body}"
    );
    let (status, _) = server
        .api(
            &worker1,
            "POST",
            "/api/organizations",
            json!({ "name": "某公司", "kind": "企业", "address": "沈家营路1号",
                    "grid_code": "420202002001001" }),
        )
        .await;
    assert_eq!(status, 403, "another street's grid");

    let (_, list) = server
        .api(
            &worker1,
            "GET",
            "/api/organizations?unit=420202001001001",
            json!(null),
        )
        .await;
    let first = &list["organizations"][0];
    assert_eq!(first["grid_code"], "420202001001001", "the house's grid");
    assert_eq!(first["contact_phone"], "138****1111");
}

#[tokio::test]
async fn special_populations_are_seen_only_by_those_who_need_them() {
    let (workspace, server) = setup();
    let admin = token(&server, "admin").await;
    let worker1 = token(&server, "worker1").await;
    let worker2 = token(&server, "worker2").await;
    let leader = token(&server, "leader").await;
    let resident = token(&server, "resident").await;
    let (_, body) = server
        .api(
            &worker1,
            "GET",
            "/api/residents?unit=420202001001001",
            json!(null),
        )
        .await;
    let resident_id = body["residents"][0]["id"].as_i64().expect("a resident");

    let register = |category: &str, responsible: &str| {
        json!({ "resident_id": resident_id, "category": category, "control_level": "二级",
                "responsible": responsible, "note": "每月走访" })
    };
    let (status, body) = server
        .api(
            &admin,
            "POST",
            "/api/special-populations",
            register("小偷", "worker1"),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("category"))
    );
    let (status, body) = server
        .api(
            &admin,
            "POST",
            "/api/special-populations",
            register("社区矫正人员", "worker2"),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("responsible")),
        "worker2 does not keep this grid: {body}"
    );
    let (status, body) = server
        .api(
            &worker2,
            "POST",
            "/api/special-populations",
            register("社区矫正人员", "worker1"),
        )
        .await;
    assert_eq!(
        status, 404,
        "outside worker2's scope the resident does not exist: {body}"
    );
    let (status, body) = server
        .api(
            &admin,
            "POST",
            "/api/special-populations",
            register("社区矫正人员", "worker1"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = server
        .api(
            &admin,
            "POST",
            "/api/special-populations",
            register("community-correction", "worker1"),
        )
        .await;
    assert_eq!(status, 409, "one record per resident and category");

    let list = "/api/special-populations?unit=420202001001001";
    let (status, body) = server.api(&worker1, "GET", list, json!(null)).await;
    assert_eq!(status, 200, "{body}");
    let record = &body["special_populations"][0];
    assert_eq!(
        (
            record["category"].as_str(),
            record["control_level"].as_str(),
            record["responsible"].as_str()
        ),
        (Some("community-correction"), Some("2"), Some("worker1"))
    );
    for (who, token) in [
        ("resident", &resident),
        ("leader", &leader),
        ("worker2", &worker2),
    ] {
        let (status, _) = server.api(token, "GET", list, json!(null)).await;
        assert_eq!(status, 403, "{who} may not read the records");
    }
    let (_, stats) = server
        .api(&leader, "GET", "/api/stats?unit=4202", json!(null))
        .await;
    assert_eq!(
        stats["special_populations"]["by_category"],
        json!([{ "key": "community-correction", "count": "<5" }]),
        "the leader sees a suppressed count, never a name"
    );

    let mut db = workspace.database().await;
    let reads: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'special_populations.read' AND actor = 'user:worker1'",
    )
    .fetch_one(&mut db)
    .await
    .expect("count audit rows");
    assert_eq!(reads, 1, "the read was audited");
}
