//! 矛盾纠纷排查调处 on both engines: the items of the 15 dispute classes as data; a grid
//! worker registers a neighbours' dispute as one item, records its parties (ID number and
//! phone masked for everyone, unmasked only with the sensitive-data grant and a reason,
//! audited) and its mediation sessions until one concludes it with a signed 调解协议; the
//! stage follows the sessions and each session is on the timeline. And every refusal: an
//! item of another class, bad party fields named together, a session before both sides are
//! on record or after the mediation concluded, a day in the future, an agreement without
//! agreement; a leader reads but does not keep the record, another street's worker sees
//! nothing, a non-dispute event has no record. The workspace's forms name the bad field in
//! Chinese and keep what was typed.

use serde_json::{Value, json};
use wangge_tests::caller::Caller;
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, Workspace, day};

const STREET: &str = "420202001";
const GRID: &str = "420202001001001";
const OTHER_STREET_GRID: &str = "420202002001001";

fn setup_on(workspace: Workspace) -> (Workspace, Server) {
    workspace.import_demo("units", "units.csv");
    workspace.add_user("worker", "李网格员", &[("grid-worker", GRID)]);
    workspace.add_user("lead", "街道领导", &[("leader", STREET)]);
    workspace.add_user(
        "keeper",
        "街道数据管理员",
        &[("unit-admin", STREET), ("sensitive-data", STREET)],
    );
    workspace.add_user("far", "别街网格员", &[("grid-worker", OTHER_STREET_GRID)]);
    let server = workspace.serve(&[]);
    (workspace, server)
}

#[tokio::test]
async fn a_dispute_is_mediated_to_a_signed_agreement_on_sqlite() {
    let (_workspace, server) = setup_on(Workspace::sqlite());
    mediation(&server).await;
}

#[tokio::test]
async fn a_dispute_is_mediated_to_a_signed_agreement_on_postgres() {
    let database = FreshDatabase::create().await;
    let (_workspace, server) = setup_on(Workspace::with(Database::Postgres(database.url().into())));
    mediation(&server).await;
}

/// `first17` with its GB 11643 check character.
fn with_check(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("a digit") * w)
        .sum();
    format!("{first17}{}", CHECK[(sum % 11) as usize])
}

fn fields(refused: &Value) -> Vec<String> {
    let mut fields: Vec<String> = refused["error"]["problems"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|p| p["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    fields.sort();
    fields
}

async fn report_dispute(worker: &Caller<'_>, title: &str) -> i64 {
    let (status, created) = worker
        .post(
            "/api/events",
            json!({
                "category": "dispute.neighbour",
                "title": title,
                "description": "楼上卫生间漏水，楼下天花板受损",
                "unit": GRID,
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_i64().expect("an id")
}

async fn mediation(server: &Server) {
    let worker = Caller::signed_in(server, "worker").await;
    let lead = Caller::signed_in(server, "lead").await;
    let keeper = Caller::signed_in(server, "keeper").await;
    let far = Caller::signed_in(server, "far").await;

    // The items, as data: every dispute class has its own, 160 and more in all.
    let (status, items) = worker.get("/api/dispute-items").await;
    assert_eq!(status, 200, "{items}");
    let items = items["items"].as_array().expect("items").clone();
    assert!(items.len() >= 160, "{} items", items.len());
    let (_, categories) = worker.get("/api/event-categories").await;
    let classes: Vec<&str> = categories["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .filter(|c| c.starts_with("dispute."))
        .collect();
    assert_eq!(classes.len(), 15, "{classes:?}");
    for class in &classes {
        let of_class = items.iter().filter(|i| i["category"] == *class).count();
        assert!(of_class >= 10, "{class} has {of_class} items");
    }
    let item_of = |class: &str, name: &str| -> String {
        items
            .iter()
            .find(|i| i["category"] == class && i["name"] == name)
            .and_then(|i| i["code"].as_str())
            .unwrap_or_else(|| panic!("no item {name} of {class}"))
            .to_owned()
    };
    let leak = item_of("dispute.neighbour", "房屋漏水渗水");
    let wages = item_of("dispute.labour", "拖欠工资纠纷");

    let id = report_dispute(&worker, "楼上漏水引发邻里纠纷").await;
    let path = format!("/api/events/{id}/dispute");
    let (status, record) = worker.get(&path).await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["stage"], "registered");
    assert_eq!(record["item"], Value::Null);
    assert_eq!(record["may_keep"], true);

    // The item: one of the event's own class.
    let (status, refused) = worker
        .put(&format!("{path}/item"), json!({ "item": wages }))
        .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (400, Some("item")),
        "{refused}"
    );
    let (status, refused) = worker
        .put(
            &format!("{path}/item"),
            json!({ "item": "dispute.neighbour.99" }),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (400, Some("item")),
        "{refused}"
    );
    let (status, record) = worker
        .put(&format!("{path}/item"), json!({ "item": leak }))
        .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["item"]["name"], "房屋漏水渗水");

    // No session before both sides are on record.
    let session = |outcome: &str, agreement: bool| {
        json!({
            "held_on": day(0),
            "mediator": "张调解员",
            "place": "江边社区调解室",
            "outcome": outcome,
            "agreement_signed": agreement,
            "note": "双方到场陈述",
        })
    };
    let (status, refused) = worker
        .post(&format!("{path}/sessions"), session("adjourned", false))
        .await;
    assert_eq!(status, 409, "{refused}");

    // Parties: every bad field named at once, nothing added.
    let id_number = with_check("42020219900307123");
    let wrong_check = format!(
        "{}{}",
        &id_number[..17],
        if id_number.ends_with('0') { '1' } else { '0' }
    );
    let (status, refused) = worker
        .post(
            &format!("{path}/parties"),
            json!({ "side": "judge", "name": " ", "id_number": wrong_check, "phone": "123" }),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        fields(&refused),
        ["id_number", "name", "phone", "side"],
        "{refused}"
    );
    let (_, unchanged) = worker.get(&path).await;
    assert_eq!(unchanged["parties"].as_array().map(Vec::len), Some(0));

    let (status, record) = worker
        .post(
            &format!("{path}/parties"),
            json!({ "side": "applicant", "name": "王秀兰", "id_number": id_number, "phone": "13812345678" }),
        )
        .await;
    assert_eq!(status, 201, "{record}");
    let (status, record) = worker
        .post(
            &format!("{path}/parties"),
            json!({ "side": "respondent", "name": "赵建国" }),
        )
        .await;
    assert_eq!(status, 201, "{record}");
    let parties = record["parties"].as_array().expect("parties");
    assert_eq!(parties.len(), 2, "{record}");
    let applicant = &parties[0];
    assert_eq!(applicant["side"], "applicant");
    assert_eq!(applicant["name"], "王秀兰");
    assert_eq!(applicant["phone"], "138****5678");
    assert_eq!(
        applicant["id_number"].as_str(),
        Some(format!("420202********{}", &id_number[14..]).as_str())
    );
    assert_eq!(parties[1]["side"], "respondent");
    assert_eq!(parties[1]["id_number"], Value::Null);
    let party = applicant["id"].as_i64().expect("a party id");

    // Unmasked only with the grant and a reason, audited.
    let unmask = format!("{path}/parties/{party}/unmask");
    let (status, _) = worker
        .post(&unmask, json!({ "reason": "电话联系当事人" }))
        .await;
    assert_eq!(status, 403, "a grid worker has no sensitive-data grant");
    let (status, refused) = keeper.post(&unmask, json!({ "reason": "  " })).await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (400, Some("reason"))
    );
    let (status, shown) = keeper
        .post(&unmask, json!({ "reason": "电话通知当事人参加调解" }))
        .await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["phone"], "13812345678");
    assert_eq!(shown["id_number"].as_str(), Some(id_number.as_str()));
    assert_eq!(shown["unmasked"], true);
    let (_, audit) = keeper.get(&format!("/api/audit?unit={STREET}")).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"dispute.party_unmasked"), "{actions:?}");
    assert!(actions.contains(&"dispute.party_added"), "{actions:?}");

    // Others: a leader reads but does not keep; another street sees nothing.
    let (status, read) = lead.get(&path).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["may_keep"], false);
    assert_eq!(read["parties"][0]["phone"], "138****5678");
    let (status, _) = lead
        .post(
            &format!("{path}/parties"),
            json!({ "side": "respondent", "name": "某某" }),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = far.get(&path).await;
    assert_eq!(status, 404);
    let (status, _) = far.post(&unmask, json!({ "reason": "想看看是谁" })).await;
    assert_eq!(status, 404);
    let other = worker.report(GRID, "垃圾堆放", json!({})).await;
    let (status, _) = worker.get(&format!("/api/events/{other}/dispute")).await;
    assert_eq!(status, 404, "an environment event has no mediation record");

    // Sessions: bad ones refused with every field named, then held until agreement.
    let (status, refused) = worker
        .post(
            &format!("{path}/sessions"),
            json!({ "held_on": day(1), "mediator": "", "place": "调解室", "outcome": "won" }),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        fields(&refused),
        ["held_on", "mediator", "outcome"],
        "{refused}"
    );
    let (status, refused) = worker
        .post(&format!("{path}/sessions"), session("adjourned", true))
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(fields(&refused), ["agreement_signed"], "{refused}");

    let (status, record) = worker
        .post(&format!("{path}/sessions"), session("adjourned", false))
        .await;
    assert_eq!(status, 201, "{record}");
    assert_eq!(record["stage"], "mediating");
    assert_eq!(record["agreement_signed"], false);
    let (status, record) = worker
        .post(&format!("{path}/sessions"), session("agreed", true))
        .await;
    assert_eq!(status, 201, "{record}");
    assert_eq!(record["stage"], "settled");
    assert_eq!(record["stage_zh"], "调解成功");
    assert_eq!(record["agreement_signed"], true);
    let sessions = record["sessions"].as_array().expect("sessions");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["outcome"], "adjourned");
    assert_eq!(sessions[1]["outcome"], "agreed");
    assert_eq!(sessions[1]["mediator"], "张调解员");
    assert_eq!(sessions[1]["recorded_by"], "user:worker");

    // Concluded: no further session, the parties stay.
    let (status, _) = worker
        .post(&format!("{path}/sessions"), session("partial", false))
        .await;
    assert_eq!(status, 409);
    let (status, _) = worker.delete(&format!("{path}/parties/{party}")).await;
    assert_eq!(status, 409);

    // The timeline has both sessions, the state unchanged.
    let (status, event) = worker.get(&format!("/api/events/{id}")).await;
    assert_eq!(status, 200, "{event}");
    assert_eq!(event["state"], "reported");
    let mediated: Vec<&Value> = event["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .filter(|e| e["action"] == "mediate")
        .collect();
    assert_eq!(mediated.len(), 2, "{event}");
    assert!(
        mediated[1]["note"]
            .as_str()
            .is_some_and(|n| n.contains("调解成功") && n.contains("签订书面调解协议")),
        "{event}"
    );

    // The workspace's page: the record masked, and its forms.
    let page = server
        .page_as(&worker.token, &format!("/worker/events/{id}"))
        .await;
    assert_eq!(page.status, 200);
    for shown in [
        "矛盾纠纷调处",
        "调解成功",
        "已签订调解协议",
        "房屋漏水渗水",
        "王秀兰",
        "138****5678",
        "江边社区调解室",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    assert!(
        !page.body.contains("13812345678"),
        "the phone is masked on the page"
    );
    assert!(
        !page.body.contains("dispute-session-form"),
        "no session form once concluded"
    );

    let second = report_dispute(&worker, "楼道堆放杂物纠纷").await;
    let form_path = format!("/worker/events/{second}");
    let refused = server
        .post_form_as(
            &worker.token,
            &form_path,
            &[
                ("action", "dispute-party"),
                ("side", "applicant"),
                ("name", "钱多多"),
                ("phone", "12345"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("手机号码须为 1 开头的 11 位数字"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"钱多多\""),
        "the name typed is kept: {}",
        refused.body
    );
    let added = server
        .post_form_as(
            &worker.token,
            &form_path,
            &[
                ("action", "dispute-party"),
                ("side", "applicant"),
                ("name", "钱多多"),
                ("phone", "13900001111"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let early = server
        .post_form_as(
            &worker.token,
            &form_path,
            &[
                ("action", "dispute-session"),
                ("held_on", &day(0)),
                ("mediator", "张调解员"),
                ("place", "调解室"),
                ("outcome", "agreed"),
            ],
        )
        .await;
    assert_eq!(early.status, 409, "only the applicant is on record");
    assert!(
        early.body.contains("须先登记申请人和被申请人"),
        "{}",
        early.body
    );
    let (_, record) = worker.get(&format!("/api/events/{second}/dispute")).await;
    assert_eq!(record["parties"][0]["name"], "钱多多", "{record}");
    assert_eq!(record["parties"][0]["phone"], "139****1111", "{record}");
    let removed = server
        .post_form_as(
            &worker.token,
            &form_path,
            &[
                ("action", "dispute-party-remove"),
                ("party", &record["parties"][0]["id"].to_string()),
            ],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let (_, record) = worker.get(&format!("/api/events/{second}/dispute")).await;
    assert_eq!(
        record["parties"].as_array().map(Vec::len),
        Some(0),
        "{record}"
    );
}
