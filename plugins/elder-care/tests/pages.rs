//! The elder-care plugin in a real host with the fixtures (黄石市, 300 residents, the demo
//! users): the register, the allowance, visits, meals and emergency help, as residents and
//! workers use them through the host's HTTP stack.

use serde::Deserialize;
use serde_json::Value;
use wangge_harness::{Change, InstallOptions, Installed, TestHost};
use wangge_sdk::date::Date;

/// This plugin's folder: the harness builds and installs it.
const PLUGIN: &str = env!("CARGO_MANIFEST_DIR");

#[derive(Debug, Deserialize)]
struct Elder {
    name: String,
    grid: String,
    band: String,
    living_alone: bool,
}

#[derive(Debug, Deserialize)]
struct Allowance {
    status: String,
}

#[derive(Debug, Deserialize)]
struct VisitTask {
    event_id: String,
}

#[derive(Debug, Deserialize)]
struct Visit {
    note: String,
    event_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Booking {
    canteen: String,
    name: Option<String>,
    booked_at: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct HelpRequest {
    event_id: String,
}

/// Today in China plus `days`, as `YYYY-MM-DD` (the plugin's calendar).
fn day(days: i64) -> String {
    Date::today().add_days(days).to_string()
}

fn assert_has(page: &wangge_harness::Page, text: &str) {
    assert!(
        page.body.contains(text),
        "expected {text:?} in ({}):\n{}",
        page.status,
        page.body
    );
}

/// The event `id` as the host's JSON API shows it to the street's admin.
fn event(host: &TestHost, id: &str) -> Value {
    let page = host.as_user("admin").get(&format!("/api/events/{id}"));
    assert_eq!(page.status, 200, "{}", page.body);
    let value: Value = serde_json::from_str(&page.body).expect("json");
    value.get("event").cloned().unwrap_or(value)
}

/// Every storage key the installation holds under `prefix`, via its keys' values we know:
/// the harness reads single keys, so tests name them.
fn elder(plugin: &Installed<'_>, id: &str) -> Option<Elder> {
    plugin.storage_json(&format!("elders/{id}"))
}

#[test]
fn the_register_is_filled_at_install_and_kept_by_the_hook() {
    let host = TestHost::start();
    let plugin = host.install(PLUGIN);
    let zhang = host.resident_id("张建国");
    let li = host.resident_id("李秀英");
    let child = host.resident_id("王小明");

    let entry = elder(&plugin, &zhang).expect("张建国 (born 1944) is in the register");
    assert_eq!(
        (
            entry.name.as_str(),
            entry.grid.as_str(),
            entry.band.as_str()
        ),
        ("张建国", "420202001001001", "80+")
    );
    assert!(entry.living_alone);
    let entry = elder(&plugin, &li).expect("李秀英 (born 1950)");
    assert_eq!(entry.band, "60+");
    assert!(!entry.living_alone);
    assert!(elder(&plugin, &child).is_none(), "a child is not an elder");
    assert!(
        elder(&plugin, &host.resident_id("周芳")).is_none(),
        "周芳 lives in another street, outside the installation"
    );

    plugin
        .resident_changed(Change::Removed, &zhang)
        .expect("the hook succeeds");
    assert!(elder(&plugin, &zhang).is_none(), "removed residents leave");
    plugin
        .resident_changed(Change::Added, &zhang)
        .expect("the hook succeeds");
    assert!(elder(&plugin, &zhang).is_some(), "added elders join");
    plugin
        .resident_changed(Change::Updated, &child)
        .expect("the hook succeeds");
    assert!(elder(&plugin, &child).is_none(), "the young stay out");

    // The worker of 江边社区第一网格 sees their grid, in Chinese, with the counts.
    let page = host.as_user("worker").get(&plugin.path("/worker/elders"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_has(&page, "老年人名册");
    assert_has(&page, "张建国");
    assert_has(&page, "李秀英");
    assert_has(&page, "网格 420202001001001");
    assert!(
        !page.body.contains("刘德华"),
        "刘德华 lives in the next grid, not the worker's:\n{}",
        page.body
    );
    assert_has(&page, "<dd id=\"count-60\">2</dd>");
    assert_has(&page, "<dd id=\"count-80\">1</dd>");
    assert_has(&page, "<dd id=\"count-alone\">1</dd>");

    // The street's admin sees the whole street and may resync.
    let admin = host.as_user("admin");
    let page = admin.get(&plugin.path("/worker/elders"));
    assert_has(&page, "刘德华");
    let synced = admin.post_form(&plugin.path("/worker/elders/sync"), &[]);
    assert_eq!(synced.status, 303, "{}", synced.body);
    assert_has(&admin.get(&plugin.path("/worker/elders")), "上次同步");
}

#[test]
fn residents_are_refused_on_worker_pages_and_unlinked_accounts_are_told() {
    let host = TestHost::start();
    let plugin = host.install(PLUGIN);
    let resident = host.as_user("resident");
    for path in [
        "/worker",
        "/worker/elders",
        "/worker/allowance",
        "/worker/visits",
        "/worker/meals",
    ] {
        let page = resident.get(&plugin.path(path));
        assert_eq!(page.status, 403, "{path}: {}", page.body);
        assert_has(&page, "仅供网格员和单位管理员使用");
    }
    let zhang = host.resident_id("张建国");
    let page = resident.post_form(
        &plugin.path("/worker/allowance"),
        &[("resident_id", &zhang), ("action", "apply")],
    );
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(plugin.storage(&format!("allowances/{zhang}")).is_none());

    // An account with no resident record cannot book or call for help.
    let worker = host.as_user("worker");
    let page = worker.post_form(
        &plugin.path("/meals"),
        &[("date", &day(1)), ("canteen", "江边社区长者食堂")],
    );
    assert_eq!(page.status, 403, "{}", page.body);
    assert_has(&page, "尚未关联实有人口中的居民记录");
    let page = host.anonymous().get(&plugin.path("/meals"));
    assert_eq!(page.status, 403, "{}", page.body);
    assert_has(&page, "请先登录");
    let page = host.anonymous().get(&plugin.path("/"));
    assert_eq!(page.status, 200, "the landing page explains: {}", page.body);
    assert_has(&page, "请先登录");
    let page = worker.get(&plugin.path("/"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_has(&page, "老年人名册");
    let page = worker.post_form(&plugin.path("/help"), &[("note", "")]);
    assert_eq!(page.status, 403, "{}", page.body);
    assert_has(&page, "尚未关联实有人口中的居民记录");
}

#[test]
fn the_allowance_age_comes_from_the_config_and_workers_record_the_steps() {
    let host = TestHost::start();
    let zhang = host.resident_id("张建国");
    let li = host.resident_id("李秀英");

    let default = host.install(PLUGIN);
    let page = host
        .as_user("worker")
        .get(&default.path("/worker/allowance"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_has(&page, "<strong id=\"threshold\">80</strong>");
    assert_has(&page, "张建国");
    assert!(
        !page.body.contains("李秀英"),
        "76 is under 80:\n{}",
        page.body
    );

    let plugin = host.install_with(
        PLUGIN,
        InstallOptions {
            config: vec!["allowance_age=70".into()],
            ..InstallOptions::default()
        },
    );
    let worker = host.as_user("worker");
    let page = worker.get(&plugin.path("/worker/allowance"));
    assert_has(&page, "<strong id=\"threshold\">70</strong>");
    assert_has(&page, "李秀英");

    // Approving before applying, an unknown elder and a bad action change nothing.
    let path = plugin.path("/worker/allowance");
    let refused = worker.post_form(&path, &[("resident_id", &li), ("action", "approve")]);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_has(&refused, "尚未登记申请");
    assert_has(&refused, "role=\"alert\"");
    let refused = worker.post_form(&path, &[("resident_id", "999999"), ("action", "apply")]);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_has(&refused, "名册中没有这位老年人");
    let refused = worker.post_form(&path, &[("resident_id", &li), ("action", "delete")]);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(plugin.storage(&format!("allowances/{li}")).is_none());

    let applied = worker.post_form(&path, &[("resident_id", &li), ("action", "apply")]);
    assert_eq!(applied.status, 303, "{}", applied.body);
    let stored: Allowance = plugin
        .storage_json(&format!("allowances/{li}"))
        .expect("stored");
    assert_eq!(stored.status, "applied");
    let again = worker.post_form(&path, &[("resident_id", &li), ("action", "apply")]);
    assert_eq!(again.status, 400, "{}", again.body);
    assert_has(&again, "已经登记过申请");
    let approved = worker.post_form(&path, &[("resident_id", &li), ("action", "approve")]);
    assert_eq!(approved.status, 303, "{}", approved.body);
    let stored: Allowance = plugin
        .storage_json(&format!("allowances/{li}"))
        .expect("stored");
    assert_eq!(stored.status, "approved");
    assert_has(&worker.get(&path), "已批准");

    // 张建国 (82) sees that he is eligible and has not applied yet.
    let page = host.as_user("resident").get(&plugin.path("/"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_has(&page, "张建国，您好");
    assert_has(&page, "符合高龄津贴条件（年满 70 周岁）");
    assert_has(&page, "尚未申请");
    let applied = worker.post_form(&path, &[("resident_id", &zhang), ("action", "apply")]);
    assert_eq!(applied.status, 303, "{}", applied.body);
    assert_has(
        &host.as_user("resident").get(&plugin.path("/")),
        "已申请，待审批",
    );
}

#[test]
fn the_visit_schedule_reports_tasks_and_a_recorded_visit_closes_them() {
    let host = TestHost::start();
    let plugin = host.install(PLUGIN);
    let zhang = host.resident_id("张建国");
    let liu = host.resident_id("刘德华");

    plugin.scheduled("visit-tasks").expect("the schedule runs");
    let task: VisitTask = plugin
        .storage_json(&format!("visit-tasks/{zhang}"))
        .expect("a task for 张建国, who lives alone");
    assert!(plugin.storage(&format!("visit-tasks/{liu}")).is_some());
    assert!(
        plugin
            .storage(&format!("visit-tasks/{}", host.resident_id("李秀英")))
            .is_none(),
        "李秀英 does not live alone"
    );
    let reported = event(&host, &task.event_id);
    assert_eq!(reported["category"], "elder-care.visit", "{reported}");
    assert_eq!(reported["unit"], "420202001001001", "{reported}");
    assert_eq!(reported["attributes"]["elder_name"], "张建国", "{reported}");
    assert!(
        reported["title"]
            .as_str()
            .is_some_and(|t| t.contains("独居老人探访")),
        "{reported}"
    );

    // Firing again reports nothing new while the task is open.
    plugin.scheduled("visit-tasks").expect("the schedule runs");
    let again: VisitTask = plugin
        .storage_json(&format!("visit-tasks/{zhang}"))
        .expect("still the task");
    assert_eq!(again.event_id, task.event_id);

    let worker = host.as_user("worker");
    let page = worker.get(&plugin.path("/worker/visits"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_has(&page, "独居老人探访");
    assert_has(&page, &format!("事件 {}", task.event_id));

    // Bad input: each message next to its field, what was typed kept, nothing stored.
    let path = plugin.path("/worker/visits");
    let today = day(0);
    for (fields, message) in [
        (
            vec![
                ("resident_id", zhang.as_str()),
                ("date", "2026-02-30"),
                ("note", "身体好"),
            ],
            "日期格式应为",
        ),
        (
            vec![
                ("resident_id", zhang.as_str()),
                ("date", &day(1)),
                ("note", "身体好"),
            ],
            "不能晚于今天",
        ),
        (
            vec![
                ("resident_id", zhang.as_str()),
                ("date", today.as_str()),
                ("note", ""),
            ],
            "请简要填写探访情况",
        ),
        (
            vec![
                ("resident_id", liu.as_str()),
                ("date", today.as_str()),
                ("note", "身体好"),
            ],
            "您的管辖范围内没有这位独居老人",
        ),
        (
            vec![("date", today.as_str()), ("note", "身体好")],
            "请选择被探访的老人",
        ),
    ] {
        let page = worker.post_form(&path, &fields);
        assert_eq!(page.status, 400, "{fields:?}: {}", page.body);
        assert_has(&page, message);
        assert_has(&page, "class=\"error\" role=\"alert\"");
    }
    let page = worker.post_form(
        &path,
        &[("resident_id", &zhang), ("date", &today), ("note", "")],
    );
    assert_has(&page, &format!("value=\"{today}\""));
    assert!(plugin.storage(&format!("visits/{zhang}/{today}")).is_none());

    let recorded = worker.post_form(
        &path,
        &[
            ("resident_id", &zhang),
            ("date", &today),
            ("note", "身体硬朗，冰箱有菜"),
        ],
    );
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let visit: Visit = plugin
        .storage_json(&format!("visits/{zhang}/{today}"))
        .expect("the visit is stored");
    assert_eq!(visit.note, "身体硬朗，冰箱有菜");
    assert_eq!(visit.event_id.as_deref(), Some(task.event_id.as_str()));
    assert!(plugin.storage(&format!("visit-tasks/{zhang}")).is_none());
    // Not dispatched yet, the event waits for the centre; the hook closes it later.
    assert!(
        plugin
            .storage(&format!("visit-events/{}", task.event_id))
            .is_some()
    );
    let twice = worker.post_form(
        &path,
        &[
            ("resident_id", &zhang),
            ("date", &today),
            ("note", "又来了"),
        ],
    );
    assert_eq!(twice.status, 400, "{}", twice.body);
    assert_has(&twice, "已经登记过");

    // Visited today: no new task until the interval has passed.
    plugin.scheduled("visit-tasks").expect("the schedule runs");
    assert!(plugin.storage(&format!("visit-tasks/{zhang}")).is_none());
}

#[test]
fn meals_are_booked_and_cancelled_and_every_bad_booking_is_refused() {
    let host = TestHost::start();
    let plugin = host.install_with(
        PLUGIN,
        InstallOptions {
            config: vec!["canteens=江边社区长者食堂:30;胜阳港长者食堂:5".into()],
            ..InstallOptions::default()
        },
    );
    let zhang = host.resident_id("张建国");
    let resident = host.as_user("resident");
    let path = plugin.path("/meals");
    let page = resident.get(&path);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_has(&page, "助餐预约");
    assert_has(&page, "胜阳港长者食堂");

    let tomorrow = day(1);
    let booked = resident.post_form(
        &path,
        &[("date", &tomorrow), ("canteen", "江边社区长者食堂")],
    );
    assert_eq!(booked.status, 303, "{}", booked.body);
    let key = format!("bookings/{tomorrow}/江边社区长者食堂/{zhang}");
    let booking: Booking = plugin.storage_json(&key).expect("the booking is stored");
    assert_eq!(booking.canteen, "江边社区长者食堂");
    assert_eq!(booking.name.as_deref(), Some("张建国"));
    assert!(booking.booked_at.is_some());
    assert_eq!(
        plugin.storage_json::<i64>(&format!("meal-count/{tomorrow}/江边社区长者食堂")),
        Some(1)
    );
    assert_has(&resident.get(&path), &format!("取消 {tomorrow} 的预订"));

    // Every refusal: 400, the message by its field, what was typed kept, nothing stored.
    let week_later = day(8);
    let yesterday = day(-1);
    let in_three_days = day(3);
    for (date, canteen, message) in [
        (
            yesterday.as_str(),
            "江边社区长者食堂",
            "不能预订已经过去的日期",
        ),
        (
            week_later.as_str(),
            "江边社区长者食堂",
            "最多只能提前 7 天预订",
        ),
        ("明天", "江边社区长者食堂", "日期格式应为"),
        ("", "江边社区长者食堂", "请选择用餐日期"),
        (in_three_days.as_str(), "", "请选择长者食堂"),
        (
            in_three_days.as_str(),
            "<b>不存在的食堂</b>",
            "没有这个长者食堂",
        ),
        (tomorrow.as_str(), "胜阳港长者食堂", "同一天只能预订一份"),
    ] {
        let page = resident.post_form(&path, &[("date", date), ("canteen", canteen)]);
        assert_eq!(page.status, 400, "{date} {canteen}: {}", page.body);
        assert_has(&page, message);
        assert_has(&page, "class=\"error\" role=\"alert\"");
        assert_has(&page, &format!("value=\"{date}\""));
        assert!(!page.body.contains("<b>"), "input is escaped");
    }
    let page = resident.post_form(&path, &[("canteen", "江边社区长者食堂")]);
    assert_eq!(
        page.status, 400,
        "a missing field is a message: {}",
        page.body
    );
    for date in [&yesterday, &week_later, &in_three_days] {
        for canteen in ["江边社区长者食堂", "胜阳港长者食堂"] {
            assert!(
                plugin
                    .storage(&format!("bookings/{date}/{canteen}/{zhang}"))
                    .is_none()
            );
        }
    }
    assert!(
        plugin
            .storage(&format!("bookings/{tomorrow}/胜阳港长者食堂/{zhang}"))
            .is_none()
    );

    // The canteen's staff see the day's list.
    let worker = host.as_user("worker");
    let list = worker.get(&plugin.path(&format!("/worker/meals?date={tomorrow}")));
    assert_eq!(list.status, 200, "{}", list.body);
    assert_has(&list, "张建国");
    assert_has(&list, "已预订 1 / 30 份");
    let bad = worker.get(&plugin.path("/worker/meals?date=2026-13-01"));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_has(&bad, "日期格式应为");

    // Cancelling: a day without a booking is refused, the booked one goes.
    let cancel = plugin.path("/meals/cancel");
    let refused = resident.post_form(&cancel, &[("date", &in_three_days)]);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_has(&refused, "没有预订");
    let cancelled = resident.post_form(&cancel, &[("date", &tomorrow)]);
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    assert!(plugin.storage(&key).is_none());
    assert_eq!(
        plugin.storage_json::<i64>(&format!("meal-count/{tomorrow}/江边社区长者食堂")),
        Some(0)
    );
    assert_has(&resident.get(&path), "暂无预订");
}

#[test]
fn emergency_help_reports_one_urgent_event_in_the_residents_grid() {
    let host = TestHost::start();
    let plugin = host.install(PLUGIN);
    let zhang = host.resident_id("张建国");
    let resident = host.as_user("resident");

    let home = resident.get(&plugin.path("/"));
    assert_eq!(home.status, 200, "{}", home.body);
    assert_has(&home, "一键求助");

    let long = "很".repeat(201);
    let refused = resident.post_form(&plugin.path("/help"), &[("note", &long)]);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_has(&refused, "情况说明不能超过 200 个字");
    assert_has(&refused, &long);
    assert!(plugin.storage(&format!("help/{zhang}")).is_none());

    let page = resident.post_form(&plugin.path("/help"), &[("note", "摔倒了")]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_has(&page, "求助已发出");
    let help: HelpRequest = plugin
        .storage_json(&format!("help/{zhang}"))
        .expect("the call is stored");
    let reported = event(&host, &help.event_id);
    assert_eq!(reported["category"], "elder-care.help", "{reported}");
    assert_eq!(reported["urgent"], true, "{reported}");
    assert_eq!(reported["unit"], "420202001001001", "{reported}");
    assert_eq!(reported["attributes"]["note"], "摔倒了", "{reported}");

    // Pressing again at once shows the same call rather than reporting another.
    let again = resident.post_form(&plugin.path("/help"), &[("note", "")]);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_has(
        &again,
        &format!("<strong id=\"help-event\">{}</strong>", help.event_id),
    );
    let still: HelpRequest = plugin
        .storage_json(&format!("help/{zhang}"))
        .expect("stored");
    assert_eq!(still.event_id, help.event_id);
}
