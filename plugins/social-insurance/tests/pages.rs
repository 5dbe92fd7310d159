//! The plugin in a real in-process host (wangge-harness) against the bureau stand-in
//! (`bureau-standin`, launched by `wangge_tests::bureau::Bureau`): the resident's summary,
//! the worker's due list and in-person certification, self-certification, refusals that
//! change nothing, the bureau down, and the reminder schedule.

use wangge_harness::{InstallOptions, Installed, TestHost};
use wangge_sdk::date::Date;
use wangge_tests::bureau::Bureau;

/// This plugin's folder: the harness builds and installs it.
const PLUGIN: &str = env!("CARGO_MANIFEST_DIR");

/// What every page says while the bureau cannot be reached.
const UNAVAILABLE: &str = "社保经办机构暂时无法访问，请稍后再试";

/// 张建国's ID number in the fixtures (born 1944, a pensioner at the stand-in).
const ZHANG_ID_NUMBER: &str = "420202194405120116";

fn install<'a>(host: &'a TestHost, bureau_url: &str) -> Installed<'a> {
    host.install_with(
        PLUGIN,
        InstallOptions {
            config: vec![format!("bureau_url={bureau_url}")],
            ..InstallOptions::default()
        },
    )
}

/// The current year in China Standard Time: the year certifications are kept under.
fn this_year() -> i32 {
    Date::today().year()
}

fn certification_key(resident_id: &str) -> String {
    format!("certifications/{}/{resident_id}", this_year())
}

#[test]
fn a_resident_sees_their_own_pension_and_the_read_is_audited() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let page = host.as_user("resident").get(&plugin.path("/"));
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "张建国",
        "养老保险",
        "累计缴费年限",
        "是否领取养老金",
        "月养老金",
        "待认证",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(
        !page.body.contains(ZHANG_ID_NUMBER),
        "the full ID number never reaches a page"
    );

    let id = host.resident_id("张建国");
    let audit = host.audit("resident.unmasked");
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(
        audit[0].actor.starts_with("plugin:social-insurance#"),
        "{audit:?}"
    );
    assert_eq!(audit[0].subject, format!("resident:{id}"));
    assert_eq!(audit[0].detail["reason"], "查询本人社保信息");

    // Someone without a resident record of their own is told so; nothing is unmasked.
    let anonymous = host.anonymous().get(&plugin.path("/"));
    assert_eq!(anonymous.status, 403, "{}", anonymous.body);
    assert!(anonymous.body.contains("请先登录"), "{}", anonymous.body);
    assert_eq!(host.audit("resident.unmasked").len(), 1);
}

#[test]
fn the_worker_lists_due_pensioners_and_residents_are_refused() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let page = host
        .as_user("worker")
        .get(&plugin.path("/worker/certification"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("张建国"), "{}", page.body);
    assert!(page.body.contains("420202********0116"), "{}", page.body);
    assert!(!page.body.contains(ZHANG_ID_NUMBER), "{}", page.body);
    assert!(page.body.contains("420202001001001"), "{}", page.body);
    // Only the worker's own grid: 刘德华 (born 1939) lives in the next grid.
    assert!(!page.body.contains("刘德华"), "{}", page.body);
    let audit = host.audit("resident.unmasked");
    assert!(!audit.is_empty());
    assert!(
        audit
            .iter()
            .all(|a| a.detail["reason"] == "待遇资格认证名单"),
        "{audit:?}"
    );

    let refused = host
        .as_user("resident")
        .get(&plugin.path("/worker/certification"));
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("仅供网格员"), "{}", refused.body);
}

#[test]
fn an_in_person_certification_reaches_the_bureau_and_is_kept() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let zhang = host.resident_id("张建国");
    let worker = host.as_user("worker");
    let posted = worker.post_form(
        &plugin.path("/worker/certification"),
        &[("resident", zhang.as_str())],
    );
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert_eq!(
        posted.header("location"),
        Some(format!("/p/social-insurance/worker/certification?done={zhang}").as_str())
    );

    let stored: serde_json::Value = plugin
        .storage_json(&certification_key(&zhang))
        .expect("the local record");
    assert_eq!(stored["method"], "in-person");
    assert_eq!(stored["recorded_by"], "江边社区网格员");
    assert!(
        stored["date"].as_str().is_some_and(|d| d.len() == 10),
        "{stored}"
    );
    assert!(
        host.audit("resident.unmasked")
            .iter()
            .any(|a| a.detail["reason"] == "待遇资格认证（网格员上门认证）"
                && a.subject == format!("resident:{zhang}"))
    );

    // The bureau's record is certified: the resident's page says so, and the due list
    // no longer names him.
    let page = host.as_user("resident").get(&plugin.path("/"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("已认证"), "{}", page.body);
    assert!(page.body.contains("网格员上门认证"), "{}", page.body);
    let list = worker.get(&plugin.path("/worker/certification"));
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(!list.body.contains("张建国"), "{}", list.body);

    // Again: already certified, nothing changes.
    let again = worker.post_form(
        &plugin.path("/worker/certification"),
        &[("resident", zhang.as_str())],
    );
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("已经完成"), "{}", again.body);
}

#[test]
fn a_resident_certifies_themself_and_only_themself() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let zhang = host.resident_id("张建国");
    let li = host.resident_id("李秀英");
    let resident = host.as_user("resident");

    // Another resident named in the form: refused, nothing changed.
    let other = resident.post_form(
        &plugin.path("/certify"),
        &[("resident", li.as_str()), ("confirm", "yes")],
    );
    assert_eq!(other.status, 403, "{}", other.body);
    assert!(other.body.contains("只能为本人"), "{}", other.body);
    assert!(plugin.storage(&certification_key(&li)).is_none());
    // No pledge ticked: refused.
    let unticked = resident.post_form(&plugin.path("/certify"), &[]);
    assert_eq!(unticked.status, 400, "{}", unticked.body);
    assert!(unticked.body.contains("请勾选"), "{}", unticked.body);
    assert!(plugin.storage(&certification_key(&zhang)).is_none());

    let posted = resident.post_form(&plugin.path("/certify"), &[("confirm", "yes")]);
    assert_eq!(posted.status, 303, "{}", posted.body);
    let stored: serde_json::Value = plugin
        .storage_json(&certification_key(&zhang))
        .expect("the local record");
    assert_eq!(stored["method"], "self");
    assert_eq!(stored["recorded_by"], "本人");
    let page = resident.get(&plugin.path("/?certified=1"));
    assert!(page.body.contains("认证成功"), "{}", page.body);
    assert!(page.body.contains("本人自助认证"), "{}", page.body);

    let again = resident.post_form(&plugin.path("/certify"), &[("confirm", "yes")]);
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("无需重复认证"), "{}", again.body);
}

#[test]
fn bad_certifications_are_refused_and_change_nothing() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let worker = host.as_user("worker");
    let form = plugin.path("/worker/certification");

    // 王小明 (born 2012) lives in the worker's grid but draws no pension: the bureau's 409.
    let child = host.resident_id("王小明");
    let page = worker.post_form(&form, &[("resident", child.as_str())]);
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(page.body.contains("不是养老金领取人员"), "{}", page.body);
    assert!(plugin.storage(&certification_key(&child)).is_none());

    // 刘德华 lives in another grid of the street.
    let elsewhere = host.resident_id("刘德华");
    let page = worker.post_form(&form, &[("resident", elsewhere.as_str())]);
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("不在您负责的网格内"), "{}", page.body);
    assert!(plugin.storage(&certification_key(&elsewhere)).is_none());

    // Malformed fields.
    for fields in [
        vec![("resident", "abc")],
        vec![],
        vec![("resident", "1"), ("resident", "2")],
    ] {
        let page = worker.post_form(&form, &fields);
        assert_eq!(page.status, 400, "{fields:?}: {}", page.body);
        assert!(page.body.contains("表单有误"), "{}", page.body);
    }
    let page = worker.get(&plugin.path("/worker/certification?after=x"));
    assert_eq!(page.status, 400, "{}", page.body);

    // A resident cannot use the worker's form, even for themself.
    let zhang = host.resident_id("张建国");
    let page = host
        .as_user("resident")
        .post_form(&form, &[("resident", zhang.as_str())]);
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(plugin.storage(&certification_key(&zhang)).is_none());
    assert!(
        host.audit("resident.unmasked")
            .iter()
            .all(|a| a.subject != format!("resident:{elsewhere}")),
        "nothing outside the grid is unmasked"
    );
}

#[test]
fn a_bureau_that_is_down_gives_a_clear_503_and_changes_nothing() {
    let host = TestHost::start();
    // Port 9 (discard) has no listener: connection refused.
    let plugin = install(&host, "http://127.0.0.1:9");
    let zhang = host.resident_id("张建国");
    let resident = host.as_user("resident");
    let worker = host.as_user("worker");
    let pages = [
        resident.get(&plugin.path("/")),
        resident.post_form(&plugin.path("/certify"), &[("confirm", "yes")]),
        worker.get(&plugin.path("/worker/certification")),
        worker.post_form(
            &plugin.path("/worker/certification"),
            &[("resident", zhang.as_str())],
        ),
    ];
    for page in pages {
        assert_eq!(page.status, 503, "{}", page.body);
        assert!(page.body.contains(UNAVAILABLE), "{}", page.body);
        assert!(page.header("x-wangge-fault").is_none(), "not a fault");
    }
    assert!(plugin.storage(&certification_key(&zhang)).is_none());
    // The reminder run fails (to be retried the next day) and records nothing.
    assert!(plugin.scheduled("certification-reminders").is_err());
    assert!(plugin.storage(&format!("reminders/{zhang}")).is_none());
}

#[test]
fn reminders_reach_due_pensioners_at_most_once_per_interval() {
    let bureau = Bureau::start();
    let host = TestHost::start();
    let plugin = install(&host, bureau.url());
    let zhang = host.resident_id("张建国");
    // 李秀英 (a pensioner in the same grid) is certified first: she is not reminded.
    let li = host.resident_id("李秀英");
    let certified = host.as_user("worker").post_form(
        &plugin.path("/worker/certification"),
        &[("resident", li.as_str())],
    );
    assert_eq!(certified.status, 303, "{}", certified.body);
    plugin
        .scheduled("certification-reminders")
        .expect("the run succeeds");
    assert!(plugin.storage(&format!("reminders/{li}")).is_none());
    let reminded: serde_json::Value = plugin
        .storage_json(&format!("reminders/{zhang}"))
        .expect("张建国 was reminded");
    assert!(reminded["at_ms"].as_i64().is_some(), "{reminded}");
    assert!(
        host.audit("resident.unmasked")
            .iter()
            .any(|a| a.detail["reason"] == "待遇资格认证提醒")
    );

    let inbox = |client: &wangge_harness::Client<'_>| {
        let page = client.get("/api/inbox");
        assert_eq!(page.status, 200, "{}", page.body);
        let body: serde_json::Value = serde_json::from_str(&page.body).expect("json");
        body["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .filter(|m| m["title"] == "养老金待遇资格认证提醒")
            .count()
    };
    let resident = host.as_user("resident");
    assert_eq!(inbox(&resident), 1);

    // The next day's run: within 30 days of the last reminder, no second message.
    plugin
        .scheduled("certification-reminders")
        .expect("the run succeeds");
    assert_eq!(inbox(&resident), 1);

    // An undeclared schedule is refused by name.
    let error = plugin.scheduled("nightly").expect_err("undeclared");
    assert!(error.contains("nightly"), "{error}");
}

/// A server on a free port that answers every request with `500`, for as long as the test
/// runs; its URL.
fn failing_bureau() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0_u8; 4096];
            let _ = stream.read(&mut buffer);
            let body = r#"{"error":"internal","message":"系统维护"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn a_bureau_that_fails_or_hangs_gives_the_same_503() {
    let host = TestHost::start();
    let failing = install(&host, &failing_bureau());
    let resident = host.as_user("resident");
    let page = resident.get(&failing.path("/"));
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains(UNAVAILABLE), "{}", page.body);

    // A bureau that accepts connections and never answers: the host's deadline for the
    // request leaves the page time to say so.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", silent.local_addr().expect("address"));
    let host = TestHost::start();
    let hanging = install(&host, &url);
    let started = std::time::Instant::now();
    let page = host.as_user("resident").get(&hanging.path("/"));
    assert_eq!(page.status, 503, "{}", page.body);
    assert!(page.body.contains(UNAVAILABLE), "{}", page.body);
    assert!(
        page.header("x-wangge-fault").is_none(),
        "not a timeout fault"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    drop(silent);
}
