//! Grid workers keeping base data, end to end through the real binary and HTTP, on both
//! engines: a resident registered, edited, moved and closed, with the record's history and
//! the `resident-changed` deliveries a test plugin received; a concurrent edit refused with
//! the record as it stands; search by every key; moves outside one's units refused without
//! saying what exists; households and houses kept; visits and the overdue list; a revoked
//! grant that stops working at once; and faulted hook deliveries retried, then given up.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, TEST_PASSWORD, Workspace};

/// 黄石港街道, where the hook recorder is installed.
const STREET: &str = "420202001";
/// 江边社区.
const COMMUNITY: &str = "420202001001";
/// 江边社区第一网格 and 第二网格.
const GRID: &str = "420202001001001";
const GRID2: &str = "420202001001002";
/// 沈家营社区第一网格, in another street.
const ELSEWHERE: &str = "420202002001001";

/// A GB 11643 ID number: the 17 digits and their check character.
pub fn id_number(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("digits") * w)
        .sum();
    format!("{first17}{}", CHECK[(sum % 11) as usize])
}

fn workspace_on(database: Database) -> Workspace {
    let workspace = Workspace::with(database);
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace.add_plugin(
        "hook-recorder",
        &["--unit", STREET, "--unit-name", "黄石港街道"],
    );
    workspace.add_user("keeper", "江边网格员", &[("grid-worker", COMMUNITY)]);
    workspace.add_user("grid2-worker", "第二网格员", &[("grid-worker", GRID2)]);
    workspace.add_user("street-admin", "街道管理员", &[("unit-admin", STREET)]);
    workspace.add_user("street-leader", "街道领导", &[("leader", STREET)]);
    workspace
}

async fn recorded(server: &Server) -> String {
    server
        .get(&format!("/p/hook-recorder/?unit={STREET}"))
        .await
        .body
}

/// Waits until the recorder's log holds `line`.
async fn wait_for(server: &Server, line: &str) -> String {
    let started = Instant::now();
    loop {
        let log = recorded(server).await;
        if log.contains(line) {
            return log;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never delivered: {line}\n{log}\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn actions(history: &Value) -> Vec<String> {
    history["history"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r["action"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn resident_lifecycle(workspace: Workspace) {
    let server = workspace.serve(&[]);
    let keeper = server.sign_in("keeper", TEST_PASSWORD).await;
    let number = id_number("42020219900101001");

    // Every problem is named at once, and nothing is stored.
    let (status, refused) = server
        .api(
            &keeper,
            "POST",
            "/api/residents",
            json!({
                "name": "赵新民", "gender": "女", "birth_date": "1990-01-01",
                "id_number": number, "phone": "12345", "population_type": "户籍",
                "grid_code": GRID,
            }),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    let fields: Vec<&str> = refused["error"]["problems"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&"phone") && fields.contains(&"id_number"),
        "{refused}"
    );

    let (status, registered) = server
        .api(
            &keeper,
            "POST",
            "/api/residents",
            json!({
                "name": "赵新民", "gender": "男", "birth_date": "1990-01-01",
                "id_number": number, "phone": "13800001234", "population_type": "户籍",
                "grid_code": GRID, "tags": ["新迁入"],
            }),
        )
        .await;
    assert_eq!(status, 201, "{registered}");
    assert_eq!(registered["version"], 1);
    let masked = format!("420202********{}", &number[14..]);
    assert_eq!(registered["id_number"], masked.as_str(), "masked");
    let id = registered["id"].as_i64().expect("an id");
    wait_for(&server, "resident-changed:added:赵新民").await;

    // Two workers read version 1; the first save wins, the second gets the record as it
    // stands and nothing of it is written.
    let (status, edited) = server
        .api(
            &keeper,
            "PATCH",
            &format!("/api/residents/{id}"),
            json!({ "version": 1, "phone": "13900005678" }),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["phone"], "139****5678");
    let (status, stale) = server
        .api(
            &keeper,
            "PATCH",
            &format!("/api/residents/{id}"),
            json!({ "version": 1, "population_type": "流动" }),
        )
        .await;
    assert_eq!(status, 409, "{stale}");
    assert_eq!(stale["error"]["code"], "conflict");
    assert_eq!(stale["current"]["version"], 2);
    assert_eq!(
        stale["current"]["population_type"], "registered",
        "not overwritten"
    );
    wait_for(&server, "resident-changed:updated:赵新民").await;

    // Search by every key finds them; by ID number the search is audited.
    for (q, by) in [
        ("赵新", "name"),
        (number.as_str(), "id_number"),
        ("13900005678", "phone"),
    ] {
        let (status, found) = server
            .api(
                &keeper,
                "GET",
                &format!(
                    "/api/residents?unit={COMMUNITY}&q={}&by={by}",
                    wangge_tests::percent_encode(q)
                ),
                json!(null),
            )
            .await;
        assert_eq!(status, 200, "{found}");
        let ids: Vec<i64> = found["residents"]
            .as_array()
            .map(|r| r.iter().filter_map(|r| r["id"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(ids, [id], "by {by}: {found}");
    }
    let admin = server.sign_in("street-admin", TEST_PASSWORD).await;
    let (_, audit) = server
        .api(
            &admin,
            "GET",
            &format!("/api/audit?unit={STREET}"),
            json!(null),
        )
        .await;
    let searched = audit["entries"]
        .as_array()
        .and_then(|e| {
            e.iter()
                .find(|e| e["action"] == "residents.searched_by_id_number")
                .cloned()
        })
        .expect("the ID-number search is audited");
    assert_eq!(searched["detail"]["id_number"], masked.as_str());

    // A house of the grid, then the resident in it; found by address however spelt.
    let (status, house) = server
        .api(
            &keeper,
            "POST",
            "/api/houses",
            json!({ "address": "黄石港区江边路8号3栋2单元301室", "usage": "自住", "grid_code": GRID }),
        )
        .await;
    assert_eq!(status, 201, "{house}");
    let (status, housed) = server
        .api(
            &keeper,
            "PATCH",
            &format!("/api/residents/{id}"),
            json!({ "version": 2, "house_id": house["id"] }),
        )
        .await;
    assert_eq!(status, 200, "{housed}");
    let (_, by_address) = server
        .api(
            &keeper,
            "GET",
            &format!(
                "/api/residents?unit={COMMUNITY}&by=address&q={}",
                wangge_tests::percent_encode("黄石港区江边路８号３幢")
            ),
            json!(null),
        )
        .await;
    assert_eq!(by_address["residents"][0]["id"], id, "{by_address}");

    // A move outside one's units says nothing of what exists there.
    let move_to = |grid: &str| json!({ "version": 3, "grid_code": grid });
    let (status, outside) = server
        .api(
            &keeper,
            "POST",
            &format!("/api/residents/{id}/move"),
            move_to(ELSEWHERE),
        )
        .await;
    assert_eq!(status, 403, "{outside}");
    let (status, nowhere) = server
        .api(
            &keeper,
            "POST",
            &format!("/api/residents/{id}/move"),
            move_to("420202009009009"),
        )
        .await;
    assert_eq!(status, 403, "{nowhere}");
    assert_eq!(
        outside["error"]["message"]
            .as_str()
            .map(|m| m.replace(ELSEWHERE, "X")),
        nowhere["error"]["message"]
            .as_str()
            .map(|m| m.replace("420202009009009", "X")),
    );
    let (status, moved) = server
        .api(
            &keeper,
            "POST",
            &format!("/api/residents/{id}/move"),
            move_to(GRID2),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["grid_code"], GRID2);
    assert_eq!(
        moved["house_id"],
        Value::Null,
        "the old grid's house stays behind"
    );
    let grid2 = server.sign_in("grid2-worker", TEST_PASSWORD).await;
    let (_, inbox) = server
        .api(
            &grid2,
            "GET",
            &format!("/api/unit-inbox?unit={GRID2}"),
            json!(null),
        )
        .await;
    assert!(
        inbox["messages"][0]["title"]
            .as_str()
            .is_some_and(|t| t.contains("居民迁入：赵新民")),
        "the receiving grid is told: {inbox}"
    );

    // Closing keeps the record and takes it out of the living.
    let (status, closed) = server
        .api(
            &grid2,
            "POST",
            &format!("/api/residents/{id}/close"),
            json!({ "version": 4, "reason": "迁出", "on": "2026-11-30" }),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["closed"]["reason"], "moved-out");
    let (_, listed) = server
        .api(
            &grid2,
            "GET",
            &format!("/api/residents?unit={GRID2}"),
            json!(null),
        )
        .await;
    assert!(
        !listed.to_string().contains("赵新民"),
        "closed records are not listed: {listed}"
    );
    let (status, again) = server
        .api(
            &grid2,
            "PATCH",
            &format!("/api/residents/{id}"),
            json!({ "version": 5, "phone": "" }),
        )
        .await;
    assert_eq!(status, 409, "a closed record is kept as it was: {again}");

    let (_, history) = server
        .api(
            &grid2,
            "GET",
            &format!("/api/residents/{id}/history"),
            json!(null),
        )
        .await;
    assert_eq!(
        actions(&history),
        [
            "resident.closed",
            "resident.moved",
            "resident.updated",
            "resident.updated",
            "resident.registered"
        ],
        "{history}"
    );
    let phone_change = &history["history"][3]["changes"]["phone"];
    assert_eq!(
        phone_change,
        &json!(["138****1234", "139****5678"]),
        "phones masked in the history too: {history}"
    );

    let log = wait_for(&server, "resident-changed:removed:赵新民").await;
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("赵新民"))
        .map(|l| l.rsplit_once(':').map_or(l, |(head, _)| head))
        .collect();
    assert_eq!(
        lines,
        [
            "resident-changed:added:赵新民",
            "resident-changed:updated:赵新民",
            "resident-changed:updated:赵新民",
            "resident-changed:updated:赵新民",
            "resident-changed:removed:赵新民",
        ],
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_is_registered_edited_moved_and_closed_on_sqlite() {
    resident_lifecycle(workspace_on(Database::Sqlite)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resident_is_registered_edited_moved_and_closed_on_postgres() {
    let database = FreshDatabase::create().await;
    resident_lifecycle(workspace_on(Database::Postgres(database.url().into()))).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn households_take_members_and_change_their_head() {
    let workspace = workspace_on(Database::Sqlite);
    let server = workspace.serve(&[]);
    let keeper = server.sign_in("keeper", TEST_PASSWORD).await;
    let zhang = workspace.resident_id("张建国").await;
    let li = workspace.resident_id("李秀英").await;
    let (status, household) = server
        .api(
            &keeper,
            "POST",
            "/api/households",
            json!({ "number": "H-0099", "grid_code": GRID }),
        )
        .await;
    assert_eq!(status, 201, "{household}");
    let hid = household["id"].as_i64().expect("an id");
    for (resident, relation) in [(zhang, "户主"), (li, "配偶")] {
        let (status, joined) = server
            .api(
                &keeper,
                "POST",
                &format!("/api/households/{hid}/members"),
                json!({ "resident_id": resident, "version": 1, "relation": relation }),
            )
            .await;
        assert_eq!(status, 200, "{joined}");
    }
    let (_, read) = server
        .api(
            &keeper,
            "GET",
            &format!("/api/households/{hid}"),
            json!(null),
        )
        .await;
    assert_eq!(read["household"]["head_resident_id"], zhang);
    let version = read["household"]["version"].clone();
    let (status, changed) = server
        .api(
            &keeper,
            "POST",
            &format!("/api/households/{hid}/head"),
            json!({ "version": version, "resident_id": li, "former_relation": "配偶" }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["head_resident_id"], li);
    let (status, head_leaves) = server
        .api(
            &keeper,
            "DELETE",
            &format!("/api/households/{hid}/members/{li}?version=2"),
            json!(null),
        )
        .await;
    assert_eq!(status, 409, "the head leaves last: {head_leaves}");
    let (_, zhang_now) = server
        .api(
            &keeper,
            "GET",
            &format!("/api/residents/{zhang}"),
            json!(null),
        )
        .await;
    let (status, left) = server
        .api(
            &keeper,
            "DELETE",
            &format!(
                "/api/households/{hid}/members/{zhang}?version={}",
                zhang_now["version"]
            ),
            json!(null),
        )
        .await;
    assert_eq!(status, 200, "{left}");
    assert_eq!(left["household_id"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_house_that_moves_by_its_coordinates_says_where_it_now_lies() {
    let workspace = workspace_on(Database::Sqlite);
    let boundaries = workspace.data_dir().join("grids.geojson");
    std::fs::write(&boundaries, wangge_tests::fixtures::TWO_GRIDS_GEOJSON)
        .expect("write boundaries");
    workspace.run(&["units", "import", &boundaries.display().to_string()]);
    let server = workspace.serve(&[]);
    let keeper = server.sign_in("keeper", TEST_PASSWORD).await;
    let (status, house) = server
        .api(
            &keeper,
            "POST",
            "/api/houses",
            json!({ "address": "江边路1号", "usage": "出租", "latitude": 30.205, "longitude": 115.005 }),
        )
        .await;
    assert_eq!(status, 201, "{house}");
    assert_eq!(house["grid_code"], GRID, "found by boundary");
    assert_eq!(house["grid_source"], "boundary");
    let (status, twin) = server
        .api(
            &keeper,
            "POST",
            "/api/houses",
            json!({ "address": "江边路１号", "usage": "自住", "grid_code": GRID }),
        )
        .await;
    assert_eq!(status, 400, "the same address spelt otherwise: {twin}");
    assert_eq!(twin["error"]["field"], "address");
    let (status, edited) = server
        .api(
            &keeper,
            "PATCH",
            &format!("/api/houses/{}", house["id"]),
            json!({ "version": 1, "address": "江边路1号", "usage": "出租", "latitude": 30.205, "longitude": 115.015 }),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["house"]["grid_code"], GRID2);
    assert_eq!(edited["moved_from"], GRID);
}

#[tokio::test(flavor = "multi_thread")]
async fn overdue_visits_are_listed_for_workers_and_counted_for_leaders() {
    let workspace = workspace_on(Database::Sqlite);
    let server = workspace.serve(&[]);
    let keeper = server.sign_in("keeper", TEST_PASSWORD).await;
    let zhang = workspace.resident_id("张建国").await;
    let (status, created) = server
        .api(
            &keeper,
            "POST",
            "/api/special-populations",
            json!({ "resident_id": zhang, "category": "刑满释放人员", "control_level": "一级", "responsible": "keeper" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let record = created["id"].as_i64().expect("an id");
    let (_, fresh) = overdue(&server, &keeper).await;
    assert_eq!(fresh["overdue"], json!([]), "just registered: {fresh}");
    assert_eq!(fresh["intervals"]["1"], 7);

    // The record was registered forty days ago.
    let forty_days_ago = ms_ago(40);
    let mut db = workspace.database().await;
    sqlx::query("UPDATE special_populations SET created_at = ? WHERE id = ?")
        .bind(forty_days_ago)
        .bind(record)
        .execute(&mut db)
        .await
        .expect("backdate the record");
    let (_, late) = overdue(&server, &keeper).await;
    assert_eq!(late["overdue"][0]["record"]["id"], record, "{late}");
    assert!(
        late["overdue"][0]["days_overdue"].as_i64() > Some(30),
        "{late}"
    );

    let leader = server.sign_in("street-leader", TEST_PASSWORD).await;
    let (_, stats) = server
        .api(
            &leader,
            "GET",
            &format!("/api/stats?unit={STREET}"),
            json!(null),
        )
        .await;
    assert_eq!(
        stats["overdue_visits"]["by_child_unit"],
        json!([{ "key": COMMUNITY, "count": "<5" }]),
        "a street's leader sees small cells hidden: {stats}"
    );
    let (status, _) = server
        .api(
            &leader,
            "GET",
            &format!("/api/special-populations/overdue?unit={STREET}"),
            json!(null),
        )
        .await;
    assert_eq!(status, 403, "leaders get counts, never names");

    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
        .to_string();
    let (status, visit) = server
        .api(
            &keeper,
            "POST",
            &format!("/api/special-populations/{record}/visits"),
            json!({ "visited_on": today, "kind": "上门", "content": "上门走访，情况稳定。" }),
        )
        .await;
    assert_eq!(status, 201, "{visit}");
    assert_eq!(visit["visitor"], "user:keeper");
    let (_, after) = overdue(&server, &keeper).await;
    assert_eq!(after["overdue"], json!([]), "visited today: {after}");
    let (_, visits) = server
        .api(
            &keeper,
            "GET",
            &format!("/api/special-populations/{record}/visits"),
            json!(null),
        )
        .await;
    assert_eq!(visits["visits"][0]["kind_zh"], "上门");
}

/// The community's overdue visits, as `keeper` reads them.
async fn overdue(server: &Server, token: &str) -> (u16, Value) {
    server
        .api(
            token,
            "GET",
            &format!("/api/special-populations/overdue?unit={COMMUNITY}"),
            json!(null),
        )
        .await
}

/// Milliseconds since the epoch, `days` ago.
fn ms_ago(days: i64) -> i64 {
    jiff::Timestamp::now().as_millisecond() - days * 24 * 60 * 60 * 1000
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_grant_stops_working_at_once() {
    let workspace = workspace_on(Database::Sqlite);
    workspace.add_user("newcomer", "新网格员", &[]);
    let server = workspace.serve(&[]);
    let admin = server.sign_in("street-admin", TEST_PASSWORD).await;
    let grant = json!({ "username": "newcomer", "role": "grid-worker", "unit": GRID });
    let (status, _) = server
        .api(&admin, "POST", "/api/grants", grant.clone())
        .await;
    assert_eq!(status, 201);
    let newcomer = server.sign_in("newcomer", TEST_PASSWORD).await;
    let list = format!("/api/residents?unit={GRID}");
    let (status, _) = server.api(&newcomer, "GET", &list, json!(null)).await;
    assert_eq!(status, 200);
    let (status, body) = server
        .api(&admin, "DELETE", "/api/grants", grant.clone())
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, _) = server.api(&newcomer, "GET", &list, json!(null)).await;
    assert_eq!(status, 403, "the same session, the grant gone");
    let (status, _) = server.api(&admin, "DELETE", "/api/grants", grant).await;
    assert_eq!(status, 404, "nothing left to revoke");
}

#[tokio::test(flavor = "multi_thread")]
async fn faulted_deliveries_are_retried_then_given_up_and_shown() {
    let workspace = workspace_on(Database::Sqlite);
    let server = workspace.serve(&["--hook-retry-base-ms", "200", "--hook-retry-attempts", "3"]);
    let keeper = server.sign_in("keeper", TEST_PASSWORD).await;
    let register = |name: &str, first17: &str, tag: &str| {
        json!({
            "name": name, "gender": "男", "birth_date": "1990-01-01",
            "id_number": id_number(first17), "population_type": "户籍",
            "grid_code": GRID, "tags": [tag],
        })
    };
    let (status, _) = server
        .api(
            &keeper,
            "POST",
            "/api/residents",
            register("偶发故障", "42020219900101003", "hook-fault-once"),
        )
        .await;
    assert_eq!(status, 201);
    let log = wait_for(&server, "resident-changed:added:偶发故障").await;
    assert!(
        log.contains("attempt:偶发故障:1") && log.contains("attempt:偶发故障:2"),
        "{log}"
    );

    let (status, _) = server
        .api(
            &keeper,
            "POST",
            "/api/residents",
            register("总是故障", "42020219900101005", "hook-fault-always"),
        )
        .await;
    assert_eq!(status, 201);
    wait_for(&server, "attempt:总是故障:3").await;
    let admin = server.sign_in("street-admin", TEST_PASSWORD).await;
    let started = Instant::now();
    loop {
        let page = server.page_as(&admin, "/admin/hook-deliveries").await;
        if page.body.contains("已放弃") {
            assert!(page.body.contains("hook-recorder"), "{}", page.body);
            assert!(page.body.contains("resident-changed"), "{}", page.body);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never shown as given up:\n{}",
            page.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let log = recorded(&server).await;
    assert!(
        !log.contains("attempt:总是故障:4"),
        "three attempts in all: {log}"
    );
}
