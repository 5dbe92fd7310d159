//! Reimbursement claims: a resident submits their own, every bad input is refused next to
//! its field with nothing stored, nobody acts for another resident, and a worker of the
//! grid reviews them.

use serde_json::Value;
use wangge_harness::{Installed, TestHost};
use wangge_tests::bureau::Bureau;

use crate::support::{day, install, options};

/// A bad form: its fields, the id of the element with the message, and the message.
type Case = (Vec<(String, String)>, &'static str, &'static str);

/// A hospital of the resident's county, from the claim form.
fn a_hospital(host: &TestHost, plugin: &Installed<'_>) -> String {
    let form = host.as_user("resident").get(&plugin.path("/claims/new"));
    assert_eq!(form.status, 200, "{}", form.body);
    options(&form.body)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no hospital to choose: {}", form.body))
}

/// Asserts nothing was stored for a claim.
fn nothing_stored(plugin: &Installed<'_>) {
    assert!(
        plugin.storage("next-claim").is_none(),
        "no claim was numbered"
    );
    assert!(
        plugin.storage("claims/000001").is_none(),
        "no claim was stored"
    );
}

#[test]
fn a_resident_submits_a_claim_and_follows_it() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let hospital = a_hospital(&host, &plugin);
    let resident = host.as_user("resident");
    let visit = day(-3);

    let posted = resident.post_form(
        &plugin.path("/claims"),
        &[
            ("hospital", &hospital),
            ("visit_date", &visit),
            ("amount", "1234.5"),
            ("description", "高血压门诊<script>"),
        ],
    );
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        Some("/p/medical-insurance/claims/000001?unit=420202001")
    );
    let stored: Value = plugin.storage_json("claims/000001").expect("stored");
    assert_eq!(stored["amount_fen"], 123_450);
    assert_eq!(stored["status"], "submitted");
    assert_eq!(stored["resident_id"], host.resident_id("张建国"));
    assert_eq!(stored["resident_name"], "张建国");
    assert_eq!(stored["hospital_code"], hospital.as_str());
    assert_eq!(stored["visit_date"], visit.as_str());
    assert_eq!(stored["history"].as_array().map(Vec::len), Some(1));
    let zhang = host.resident_id("张建国");
    assert!(
        plugin
            .storage(&format!("claims-by-resident/{zhang}/000001"))
            .is_some()
    );
    assert!(
        plugin
            .storage("claims-by-grid/420202001001001/000001")
            .is_some()
    );

    let mine = resident.get(&plugin.path("/claims"));
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(mine.body.contains("1234.50"), "{}", mine.body);
    assert!(mine.body.contains("已提交"), "{}", mine.body);
    let one = resident.get(&plugin.path("/claims/000001"));
    assert_eq!(one.status, 200, "{}", one.body);
    assert!(
        one.body.contains("高血压门诊&lt;script&gt;"),
        "{}",
        one.body
    );
    assert!(!one.body.contains("<script>"));
}

#[test]
fn every_bad_claim_is_refused_next_to_its_field_and_nothing_is_stored() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let hospital = a_hospital(&host, &plugin);
    let resident = host.as_user("resident");
    let yesterday = day(-1);
    let good = [
        ("hospital", hospital.as_str()),
        ("visit_date", yesterday.as_str()),
        ("amount", "88.80"),
        ("description", "门诊"),
    ];
    let with = |field: &str, value: &'static str| -> Vec<(String, String)> {
        good.iter()
            .map(|(k, v)| {
                let v = if *k == field { value } else { v };
                ((*k).to_owned(), v.to_owned())
            })
            .collect()
    };
    let tomorrow = day(1);
    let long_ago = day(-400);
    let cases: Vec<Case> = vec![
        (
            with("hospital", ""),
            "hospital-error",
            "请选择就诊的定点医疗机构",
        ),
        (
            with("hospital", "NOT-A-HOSPITAL"),
            "hospital-error",
            "不是本区县的定点医疗机构",
        ),
        (with("visit_date", ""), "visit_date-error", "请填写就诊日期"),
        (
            with("visit_date", "2026-02-30"),
            "visit_date-error",
            "就诊日期格式不正确",
        ),
        (
            with("visit_date", "昨天"),
            "visit_date-error",
            "就诊日期格式不正确",
        ),
        (with("amount", ""), "amount-error", "请填写报销金额"),
        (with("amount", "-20"), "amount-error", "报销金额必须大于 0"),
        (with("amount", "0"), "amount-error", "报销金额必须大于 0"),
        (with("amount", "12.345"), "amount-error", "最多两位小数"),
        (with("amount", "一百"), "amount-error", "最多两位小数"),
        (
            with("description", "   "),
            "description-error",
            "请简要说明就诊情况",
        ),
    ];
    let mut cases = cases;
    let mut future = with("visit_date", "");
    future[1].1 = tomorrow.clone();
    cases.push((future, "visit_date-error", "就诊日期不能晚于今天"));
    let mut old = with("visit_date", "");
    old[1].1 = long_ago.clone();
    cases.push((old, "visit_date-error", "一年以内"));

    for (fields, id, message) in &cases {
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let page = resident.post_form(&plugin.path("/claims"), &fields);
        assert_eq!(page.status, 400, "{fields:?}: {}", page.body);
        let at = page
            .body
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{fields:?}: no {id}: {}", page.body));
        assert!(
            page.body[at..].contains(message),
            "{fields:?}: {message}: {}",
            page.body
        );
        // What was typed is kept.
        let amount = fields
            .iter()
            .find(|(k, _)| *k == "amount")
            .map(|(_, v)| *v)
            .unwrap_or("");
        assert!(
            page.body.contains(&format!("value=\"{amount}\"")),
            "{}",
            page.body
        );
        nothing_stored(&plugin);
    }

    // A missing field altogether is the same as an empty one, not a host error page.
    let page = resident.post_form(&plugin.path("/claims"), &[("hospital", &hospital)]);
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.body.contains("请填写报销金额"), "{}", page.body);
    nothing_stored(&plugin);
}

#[test]
fn nobody_submits_or_sees_a_claim_for_another_resident() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let hospital = a_hospital(&host, &plugin);
    let resident = host.as_user("resident");
    let yesterday = day(-1);
    let other = host.resident_id("李秀英");

    let crafted = resident.post_form(
        &plugin.path("/claims"),
        &[
            ("resident", &other),
            ("hospital", &hospital),
            ("visit_date", &yesterday),
            ("amount", "50"),
            ("description", "替邻居申请"),
        ],
    );
    assert_eq!(crafted.status, 403, "{}", crafted.body);
    assert!(
        crafted.body.contains("只能为本人提交报销申请"),
        "{}",
        crafted.body
    );
    assert!(
        crafted.body.contains("替邻居申请"),
        "what was typed is kept"
    );
    nothing_stored(&plugin);

    // Users without a resident record of their own (workers, admins, visitors) cannot
    // claim at all.
    for user in ["worker", "admin"] {
        let page = host.as_user(user).post_form(
            &plugin.path("/claims"),
            &[
                ("hospital", &hospital),
                ("visit_date", &yesterday),
                ("amount", "50"),
                ("description", "x"),
            ],
        );
        assert_eq!(page.status, 403, "{user}: {}", page.body);
    }
    let anonymous = host.anonymous().get(&plugin.path("/claims"));
    assert_eq!(anonymous.status, 403, "{}", anonymous.body);
    nothing_stored(&plugin);

    // 张建国's own claim is his alone.
    let own = resident.post_form(
        &plugin.path("/claims"),
        &[
            ("resident", &host.resident_id("张建国")),
            ("hospital", &hospital),
            ("visit_date", &yesterday),
            ("amount", "50"),
            ("description", "门诊"),
        ],
    );
    assert_eq!(own.status, 303, "{}", own.body);
    for user in ["worker", "admin"] {
        let page = host.as_user(user).get(&plugin.path("/claims/000001"));
        assert_eq!(page.status, 403, "{user}: {}", page.body);
    }
    let missing = resident.get(&plugin.path("/claims/000002"));
    assert_eq!(missing.status, 404, "{}", missing.body);
}

#[test]
fn a_worker_of_the_grid_reviews_claims() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let hospital = a_hospital(&host, &plugin);
    let resident = host.as_user("resident");
    let worker = host.as_user("worker");
    let yesterday = day(-1);
    for amount in ["100", "200.5"] {
        let posted = resident.post_form(
            &plugin.path("/claims"),
            &[
                ("hospital", &hospital),
                ("visit_date", &yesterday),
                ("amount", amount),
                ("description", "住院"),
            ],
        );
        assert_eq!(posted.status, 303, "{}", posted.body);
    }

    let list = worker.get(&plugin.path("/worker/claims"));
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains("张建国") && list.body.contains("200.50"),
        "{}",
        list.body
    );
    let refused = resident.get(&plugin.path("/worker/claims"));
    assert_eq!(refused.status, 403, "{}", refused.body);
    let refused = resident.post_form(
        &plugin.path("/worker/claims/000001/review"),
        &[("action", "approve")],
    );
    assert_eq!(refused.status, 403, "{}", refused.body);

    let review = |id: &str, action: &str, note: &str| {
        worker.post_form(
            &plugin.path(&format!("/worker/claims/{id}/review")),
            &[("action", action), ("note", note)],
        )
    };
    assert_eq!(review("000001", "review", "").status, 303);
    assert_eq!(review("000001", "approve", "材料齐全").status, 303);
    let no_reason = review("000002", "return", "");
    assert_eq!(no_reason.status, 400, "{}", no_reason.body);
    assert!(no_reason.body.contains("请写明原因"), "{}", no_reason.body);
    assert_eq!(review("000002", "return", "缺少发票原件").status, 303);
    let again = review("000001", "return", "改主意了");
    assert_eq!(
        again.status, 400,
        "a decided claim stays decided: {}",
        again.body
    );
    assert_eq!(review("000009", "approve", "").status, 404);

    let first: Value = plugin.storage_json("claims/000001").expect("stored");
    assert_eq!(first["status"], "approved");
    assert_eq!(first["history"].as_array().map(Vec::len), Some(3));
    assert_eq!(first["history"][1]["status"], "reviewing");
    assert_eq!(first["history"][2]["by"], "江边社区网格员");

    let mine = resident.get(&plugin.path("/claims"));
    assert!(mine.body.contains("已通过"), "{}", mine.body);
    assert!(
        mine.body.contains("已退回") && mine.body.contains("缺少发票原件"),
        "{}",
        mine.body
    );
    let detail = resident.get(&plugin.path("/claims/000001"));
    assert!(
        detail.body.contains("审核中") && detail.body.contains("材料齐全"),
        "{}",
        detail.body
    );

    // The street's admin sees them too; a worker of another street would not (their unit
    // is not a prefix of the claim's grid).
    let admin = host.as_user("admin").get(&plugin.path("/worker/claims"));
    assert_eq!(admin.status, 200, "{}", admin.body);
    assert!(admin.body.contains("claim-000002"), "{}", admin.body);
}

#[test]
fn long_lists_of_claims_come_a_page_at_a_time() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let hospital = a_hospital(&host, &plugin);
    let resident = host.as_user("resident");
    let yesterday = day(-1);
    for _ in 0..51 {
        let posted = resident.post_form(
            &plugin.path("/claims"),
            &[
                ("hospital", &hospital),
                ("visit_date", &yesterday),
                ("amount", "10"),
                ("description", "复诊"),
            ],
        );
        assert_eq!(posted.status, 303, "{}", posted.body);
    }
    for (client, path) in [
        (&resident, "/claims"),
        (&host.as_user("worker"), "/worker/claims"),
    ] {
        let first = client.get(&plugin.path(path));
        assert_eq!(first.status, 200, "{}", first.body);
        assert_eq!(first.body.matches("id=\"claim-").count(), 50, "{path}");
        assert!(
            first.body.contains("claim-000051"),
            "newest first: {}",
            first.body
        );
        assert!(
            first.body.contains("page=1") && first.body.contains("下一页"),
            "{}",
            first.body
        );
        let second = client.get(&plugin.path(&format!("{path}?page=1")));
        assert_eq!(second.body.matches("id=\"claim-").count(), 1, "{path}");
        assert!(second.body.contains("claim-000001"), "{}", second.body);
        assert!(second.body.contains("上一页") && !second.body.contains("下一页"));
    }
}
