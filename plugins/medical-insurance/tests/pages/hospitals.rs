//! `/hospitals`: the caller's county by default, another of 黄石市's by `?county=`.

use wangge_harness::TestHost;
use wangge_tests::bureau::Bureau;

use crate::support::{DOWN, DOWN_URL, ids, install};

#[test]
fn hospitals_are_listed_per_county() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let resident = host.as_user("resident");

    let own = resident.get(&plugin.path("/hospitals"));
    assert_eq!(own.status, 200, "{}", own.body);
    assert!(
        own.body.contains("黄石港区医保定点医疗机构"),
        "{}",
        own.body
    );
    let here = ids(&own.body, "hospital-");
    assert!(!here.is_empty(), "{}", own.body);

    let other = resident.get(&plugin.path("/hospitals?county=420281"));
    assert_eq!(other.status, 200, "{}", other.body);
    assert!(
        other.body.contains("大冶市医保定点医疗机构"),
        "{}",
        other.body
    );
    let there = ids(&other.body, "hospital-");
    assert!(!there.is_empty(), "{}", other.body);
    assert_ne!(here, there, "each county has its own hospitals");

    let unknown = resident.get(&plugin.path("/hospitals?county=110101"));
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert!(
        unknown.body.contains("请选择黄石市的区县"),
        "{}",
        unknown.body
    );

    // Anyone may look, signed in or not.
    let anonymous = host.anonymous().get(&plugin.path("/hospitals"));
    assert_eq!(anonymous.status, 200, "{}", anonymous.body);
}

#[test]
fn a_bureau_that_is_down_is_a_503_page_while_claims_keep_working() {
    let host = TestHost::start();
    let plugin = install(&host, DOWN_URL);
    let resident = host.as_user("resident");
    let worker = host.as_user("worker");

    for (client, path) in [
        (&resident, "/hospitals"),
        (&resident, "/claims/new"),
        (&worker, "/worker/campaign"),
    ] {
        let page = client.get(&plugin.path(path));
        assert_eq!(page.status, 503, "{path}: {}", page.body);
        assert!(page.body.contains(DOWN), "{path}: {}", page.body);
    }
    let posted = resident.post_form(
        &plugin.path("/claims"),
        &[
            ("hospital", "x"),
            ("visit_date", "2026-01-01"),
            ("amount", "10"),
            ("description", "门诊"),
        ],
    );
    assert_eq!(posted.status, 503, "{}", posted.body);
    assert!(posted.body.contains(DOWN), "{}", posted.body);
    assert!(plugin.storage("next-claim").is_none(), "nothing is stored");

    let id = host.resident_id("张建国");
    let remind = worker.post_form(&plugin.path(&format!("/worker/campaign/{id}/remind")), &[]);
    assert_eq!(remind.status, 503, "{}", remind.body);
    assert!(plugin.storage(&format!("reminders/{id}")).is_none());

    // Pages that do not need the bureau keep working.
    let mine = resident.get(&plugin.path("/claims"));
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert!(
        mine.body.contains("您还没有提交过报销申请"),
        "{}",
        mine.body
    );
    let review = worker.get(&plugin.path("/worker/claims"));
    assert_eq!(review.status, 200, "{}", review.body);
    let follow = worker.post_form(
        &plugin.path(&format!("/worker/campaign/{id}/follow-up")),
        &[("outcome", "promised"), ("note", "下周去银行缴")],
    );
    assert_eq!(follow.status, 303, "{}", follow.body);

    // The schedule fails without changing anything.
    assert!(plugin.scheduled("campaign-reminders").is_err());
    assert!(plugin.storage(&format!("reminders/{id}")).is_none());
}
