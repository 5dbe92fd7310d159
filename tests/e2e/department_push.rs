//! 部门推送 end to end on both engines: a unit admin creates a department's service
//! account (the token shown once), the department pushes residents and houses with it as
//! CSV and JSON — new, changed, unchanged and bad rows — and the counts, the match rate and
//! the grids' 关联核录 rates come back right; a file with bad rows applies nothing unless
//! told to skip them; every use of the token is audited; a revoked token stops at once.

use serde_json::{Value, json};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, TEST_PASSWORD, Workspace};

use super::base_data_upkeep::id_number;

const STREET: &str = "420202001";
const GRID: &str = "420202001001001";

async fn push(
    server: &Server,
    token: &str,
    path: &str,
    content_type: &str,
    body: String,
) -> (u16, Value) {
    let response = server
        .client()
        .post(format!("{}{path}", server.base()))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("push");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn department_pushes(database: Database) {
    let workspace = Workspace::with(database);
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace.add_user("street-admin", "街道管理员", &[("unit-admin", STREET)]);
    let server = workspace.serve(&[]);
    let admin = server.sign_in("street-admin", TEST_PASSWORD).await;

    let (status, created) = server
        .api(
            &admin,
            "POST",
            "/api/service-accounts",
            json!({ "username": "svc-shebao", "display_name": "区社保局", "role": "department-staff", "unit": STREET }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"]
        .as_str()
        .expect("the token, once")
        .to_owned();
    let (_, listed) = server
        .api(&admin, "GET", "/api/service-accounts", json!(null))
        .await;
    assert!(
        !listed.to_string().contains(&token),
        "the token is never shown again: {listed}"
    );

    // The demo's 张建国 unchanged, 李秀英 with a new phone, one new resident, and two bad
    // rows: a wrong check character and a grid outside the street.
    let newcomer = id_number("42020219950505002");
    let csv = format!(
        "name,gender,birth_date,id_number,phone,population_type,grid_code,tags
张建国,男,1944-05-12,420202194405120116,13871234567,户籍,{GRID},living-alone|pensioner
李秀英,女,1950-09-03,420202195009030228,13900000001,户籍,{GRID},
孙新来,女,1995-05-05,{newcomer},,流动,{GRID},
错号码,男,1990-01-01,420202199001010010,,户籍,{GRID},
外街道,女,1946-12-25,420202194612250861,,户籍,420202002001001,
"
    );
    let (status, refused) = push(
        &server,
        &token,
        "/api/imports/residents",
        "text/csv",
        csv.clone(),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    let problems = refused["error"]["problems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let rows: Vec<i64> = problems.iter().filter_map(|p| p["row"].as_i64()).collect();
    assert_eq!(rows, [4, 5], "{refused}");
    assert_eq!(problems[1]["field"], "grid_code");
    let (_, unchanged_yet) = server
        .api(
            &admin,
            "GET",
            &format!("/api/residents?unit={GRID}&q=孙新来"),
            json!(null),
        )
        .await;
    assert_eq!(unchanged_yet["residents"], json!([]), "nothing applied");

    let (status, report) = push(
        &server,
        &token,
        "/api/imports/residents?skip_invalid=true",
        "text/csv",
        csv,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (
            &report["rows"],
            &report["new"],
            &report["updated"],
            &report["unchanged"],
            &report["invalid"]
        ),
        (&json!(5), &json!(1), &json!(1), &json!(1), &json!(2)),
        "{report}"
    );
    let rate = report["match_rate_percent"].as_f64().expect("a rate");
    assert!(
        (rate - 200.0 / 3.0).abs() < 0.01,
        "2 of 3 good rows matched: {report}"
    );
    assert_eq!(report["target_percent"], 80.0);

    let (_, found) = server
        .api(
            &admin,
            "GET",
            &format!("/api/residents?unit={GRID}&q=李秀英"),
            json!(null),
        )
        .await;
    let li = found["residents"][0]["id"].as_i64().expect("李秀英");
    let (_, history) = server
        .api(
            &admin,
            "GET",
            &format!("/api/residents/{li}/history"),
            json!(null),
        )
        .await;
    assert_eq!(
        history["history"][0]["action"], "resident.pushed",
        "{history}"
    );
    assert_eq!(history["history"][0]["actor"], "user:svc-shebao");
    assert_eq!(
        history["history"][0]["changes"]["phone"],
        json!(["139****5678", "139****0001"]),
        "{history}"
    );

    // Houses as JSON, matched however the address is spelt.
    let (status, first) = push(
        &server,
        &token,
        "/api/imports/houses",
        "application/json",
        json!([
            { "address": "江边路8号3栋2单元301室", "usage": "自住", "grid_code": GRID },
            { "address": "江边路9号", "usage": "出租", "grid_code": GRID },
        ])
        .to_string(),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["new"], 2, "{first}");
    let (status, again) = push(
        &server,
        &token,
        "/api/imports/houses",
        "application/json",
        json!([
            { "address": "江边路８号３幢２单元３０１", "usage": "自住", "grid_code": GRID },
            { "address": "江边路 9 号", "usage": "商用", "grid_code": GRID },
        ])
        .to_string(),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (&again["new"], &again["updated"], &again["unchanged"]),
        (&json!(0), &json!(1), &json!(1)),
        "{again}"
    );

    // The grid's rate: the two houses and the three residents the push carried, of the
    // grid's four living residents and two houses.
    let (_, stats) = server
        .api(
            &admin,
            "GET",
            &format!("/api/stats?unit={GRID}"),
            json!(null),
        )
        .await;
    let whole = &stats["verification"]["whole"];
    assert_eq!(whole["residents"]["verified"], 3, "{stats}");
    assert_eq!(whole["residents"]["total"], 4, "{stats}");
    assert_eq!(whole["houses"]["verified"], 2, "{stats}");
    assert_eq!(whole["combined"]["percent"], 83.3, "{stats}");
    assert_eq!(whole["combined"]["meets_target"], true);

    let (_, audit) = server
        .api(
            &admin,
            "GET",
            &format!("/api/audit?unit={STREET}"),
            json!(null),
        )
        .await;
    let uses = audit["entries"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter(|e| e["action"] == "service_account.used")
                .count()
        })
        .unwrap_or_default();
    assert_eq!(uses, 4, "every use of the token is audited: {audit}");

    let page = server.page_as(&token, "/worker/").await;
    assert_eq!(
        page.status, 303,
        "a service token opens no pages: {}",
        page.body
    );

    let id = created["service_account"]["id"].as_i64().expect("an id");
    let (status, _) = server
        .api(
            &admin,
            "DELETE",
            &format!("/api/service-accounts/{id}"),
            json!(null),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = push(
        &server,
        &token,
        "/api/imports/houses",
        "application/json",
        "[]".into(),
    )
    .await;
    assert_eq!(status, 401, "a revoked token stops at once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_department_pushes_residents_and_houses_on_sqlite() {
    department_pushes(Database::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_department_pushes_residents_and_houses_on_postgres() {
    let database = FreshDatabase::create().await;
    department_pushes(Database::Postgres(database.url().into())).await;
}
