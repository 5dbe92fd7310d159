//! The payment campaign: the worker's list of unpaid residents from the bureau (ID numbers
//! read unmasked, audited with the reason), follow-ups, reminders by hand and by schedule.

use serde_json::Value;
use wangge_harness::TestHost;
use wangge_tests::bureau::Bureau;

use crate::support::{bureau_post, ids, install, install_with};

/// 张建国's ID number (host/data/demo/residents.csv).
const ZHANG_ID_NUMBER: &str = "420202194405120116";

#[test]
fn the_worker_lists_the_unpaid_residents_of_the_grid_and_residents_may_not() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let worker = host.as_user("worker");

    let page = worker.get(&plugin.path("/worker/campaign"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("年度城乡居民医保缴费动员"),
        "{}",
        page.body
    );
    let unpaid = ids(&page.body, "resident-");
    assert!(
        !unpaid.is_empty(),
        "some residents have not paid: {}",
        page.body
    );
    assert!(
        !page.body.contains(ZHANG_ID_NUMBER),
        "the list shows ID numbers masked"
    );
    // Every resident of the page was read unmasked, with the list's reason.
    let unmasked = host.audit("resident.unmasked");
    assert!(!unmasked.is_empty());
    assert!(
        unmasked
            .iter()
            .all(|r| r.detail["reason"] == "医保缴费动员名单"
                && r.actor.starts_with("plugin:medical-insurance#")),
        "{unmasked:?}"
    );

    // The stand-in derives each record from the ID number: 张建国 has not paid. A payment
    // at the bureau takes him off the list.
    let zhang = host.resident_id("张建国");
    assert!(unpaid.contains(&zhang), "{}", page.body);
    {
        let year = page
            .body
            .split("id=\"campaign-year\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("the campaign year")
            .to_owned();
        let paid = bureau_post(
            bureau.url(),
            &format!("/api/v1/medical/{ZHANG_ID_NUMBER}/payment"),
            &format!("{{\"year\": {year}}}"),
        );
        assert_eq!(paid, 200);
        let after = worker.get(&plugin.path("/worker/campaign"));
        assert!(
            !ids(&after.body, "resident-").contains(&zhang),
            "{}",
            after.body
        );
    }

    // The street's admin sees the whole street, a page of residents at a time.
    let street = host.as_user("admin").get(&plugin.path("/worker/campaign"));
    assert_eq!(street.status, 200, "{}", street.body);
    assert!(
        ids(&street.body, "resident-").len() >= ids(&page.body, "resident-").len(),
        "{}",
        street.body
    );

    for user in ["resident", "leader"] {
        let refused = host.as_user(user).get(&plugin.path("/worker/campaign"));
        assert_eq!(refused.status, 403, "{user}: {}", refused.body);
    }
    let anonymous = host.anonymous().get(&plugin.path("/worker/campaign"));
    assert_eq!(anonymous.status, 403, "{}", anonymous.body);
}

#[test]
fn a_follow_up_is_recorded_and_shown_and_bad_ones_are_refused() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let worker = host.as_user("worker");
    let list = worker.get(&plugin.path("/worker/campaign"));
    let unpaid = ids(&list.body, "resident-");
    let id = unpaid.first().expect("an unpaid resident").clone();
    let path = plugin.path(&format!("/worker/campaign/{id}/follow-up"));

    let form = worker.get(&path);
    assert_eq!(form.status, 200, "{}", form.body);
    for label in ["已缴费", "承诺缴费", "拒绝", "联系不上"] {
        assert!(form.body.contains(label), "{label}: {}", form.body);
    }

    let missing = worker.post_form(&path, &[("note", "打了两次电话")]);
    assert_eq!(missing.status, 400, "{}", missing.body);
    assert!(missing.body.contains("请选择跟进结果"), "{}", missing.body);
    assert!(
        missing.body.contains("打了两次电话"),
        "what was typed is kept"
    );
    let odd = worker.post_form(&path, &[("outcome", "maybe"), ("note", "")]);
    assert_eq!(odd.status, 400, "{}", odd.body);
    assert!(odd.body.contains("跟进结果只能是"), "{}", odd.body);
    let long = "很".repeat(201);
    let too_long = worker.post_form(&path, &[("outcome", "refused"), ("note", &long)]);
    assert_eq!(too_long.status, 400, "{}", too_long.body);
    assert!(
        plugin.storage(&format!("followups/{id}")).is_none(),
        "nothing stored"
    );

    let saved = worker.post_form(
        &path,
        &[("outcome", "promised"), ("note", "月底<b>缴费</b>")],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored: Vec<Value> = plugin
        .storage_json(&format!("followups/{id}"))
        .expect("stored");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["outcome"], "promised");
    assert_eq!(stored[0]["by"], "江边社区网格员");

    let list = worker.get(&plugin.path("/worker/campaign"));
    assert!(list.body.contains("承诺缴费"), "{}", list.body);
    assert!(
        list.body.contains("月底&lt;b&gt;缴费&lt;/b&gt;"),
        "escaped: {}",
        list.body
    );

    // Someone outside the worker's grid (周芳 lives in another street) is not theirs.
    let outside = host.resident_id("周芳");
    let refused = worker.post_form(
        &plugin.path(&format!("/worker/campaign/{outside}/follow-up")),
        &[("outcome", "paid"), ("note", "")],
    );
    assert_eq!(refused.status, 404, "{}", refused.body);
    let resident = host
        .as_user("resident")
        .post_form(&path, &[("outcome", "paid"), ("note", "")]);
    assert_eq!(resident.status, 403, "{}", resident.body);
    let stored: Vec<Value> = plugin
        .storage_json(&format!("followups/{id}"))
        .expect("stored");
    assert_eq!(stored.len(), 1);
}

#[test]
fn the_schedule_reminds_unpaid_residents_at_most_once_per_interval() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install_with(&host, bureau.url(), &["reminder_interval_days=14"]);
    let worker = host.as_user("worker");
    let unpaid = ids(
        &worker.get(&plugin.path("/worker/campaign")).body,
        "resident-",
    );
    let id = unpaid.first().expect("an unpaid resident").clone();

    plugin
        .scheduled("campaign-reminders")
        .expect("the schedule runs");
    let first: Value = plugin
        .storage_json(&format!("reminders/{id}"))
        .expect("the unpaid resident was reminded");
    assert_eq!(first["by"], "定时提醒");
    assert!(
        plugin.storage("campaign/cursor").is_none(),
        "one firing reaches every resident of the demo street"
    );
    let reasons = host.audit("resident.unmasked");
    assert!(
        reasons.iter().any(|r| r.detail["reason"] == "医保缴费提醒"),
        "{reasons:?}"
    );

    let zhang = host.resident_id("张建国");
    assert!(unpaid.contains(&zhang), "张建国 has not paid");
    {
        let inbox = host.as_user("resident").get("/api/inbox");
        assert_eq!(inbox.status, 200, "{}", inbox.body);
        assert_eq!(
            inbox.body.matches("城乡居民医保缴费提醒").count(),
            1,
            "{}",
            inbox.body
        );
    }

    // Fired again within the interval: nobody is reminded twice.
    plugin
        .scheduled("campaign-reminders")
        .expect("the schedule runs again");
    let second: Value = plugin
        .storage_json(&format!("reminders/{id}"))
        .expect("kept");
    assert_eq!(first, second, "not reminded again within 14 days");
    {
        let inbox = host.as_user("resident").get("/api/inbox");
        assert_eq!(
            inbox.body.matches("城乡居民医保缴费提醒").count(),
            1,
            "{}",
            inbox.body
        );
    }

    // The list shows when each was reminded.
    let list = worker.get(&plugin.path("/worker/campaign"));
    assert!(list.body.contains("定时提醒"), "{}", list.body);
}

#[test]
fn a_worker_sends_a_reminder_from_the_list() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let worker = host.as_user("worker");
    let unpaid = ids(
        &worker.get(&plugin.path("/worker/campaign")).body,
        "resident-",
    );
    let id = unpaid.first().expect("an unpaid resident").clone();

    let sent = worker.post_form(&plugin.path(&format!("/worker/campaign/{id}/remind")), &[]);
    assert_eq!(sent.status, 303, "{}", sent.body);
    let reminder: Value = plugin
        .storage_json(&format!("reminders/{id}"))
        .expect("recorded");
    assert_eq!(reminder["by"], "江边社区网格员");
    let location = sent
        .header("location")
        .expect("back to the list")
        .to_owned();
    assert!(location.contains(&format!("reminded={id}")), "{location}");
    let list = worker.get(&location);
    assert!(list.body.contains("发送缴费提醒。"), "{}", list.body);

    // The schedule counts it: no second reminder within the interval.
    plugin
        .scheduled("campaign-reminders")
        .expect("the schedule runs");
    let after: Value = plugin
        .storage_json(&format!("reminders/{id}"))
        .expect("kept");
    assert_eq!(reminder, after);

    let resident = host
        .as_user("resident")
        .post_form(&plugin.path(&format!("/worker/campaign/{id}/remind")), &[]);
    assert_eq!(resident.status, 403, "{}", resident.body);
}
