//! 独居老人探访: the `visit-tasks` schedule reports an `elder-care.visit` event for every
//! elder living alone who was not visited within `visit_interval_days`; a worker records
//! the visit, and the plugin moves the task's event to 处置 and 办结 (the only moves a plugin
//! may make, and only once the centre has dispatched it: until then the visit waits in
//! `visit-events/` and the `event-transitioned` hook closes the event when it is dispatched).

use serde::Serialize;
use wangge_sdk::prelude::*;
use wangge_sdk::{events, log};

use crate::model::{ELDERS, VISIT_TASKS, Visit, VisitTask, last_visit, visit_event_key, visit_key};
use crate::ui::{
    back_to_worker, elder_of_worker, elders_of_worker, field, field_error, require_worker, url,
    worker_name,
};

/// The category of visit tasks.
pub(crate) const VISIT_CATEGORY: &str = "elder-care.visit";

/// Longest note.
const MAX_NOTE_CHARS: usize = 500;

/// Tasks reported per run at most: a hook has the page deadline (2 s by default), and each
/// report is a write with its audit entry. Elders left over get theirs at the next run.
const MAX_TASKS_PER_RUN: usize = 200;

/// How far back a visit may be recorded.
const MAX_DAYS_BACK: i64 = 30;

/// The custom fields of a visit task (the category's `fields_schema`).
#[derive(Serialize)]
struct TaskFields<'a> {
    resident_id: &'a str,
    elder_name: &'a str,
}

/// Days between visits, from the installation's config.
fn interval_days() -> Result<i64, Error> {
    let days: i64 = config_or("visit_interval_days", 7)?;
    if (1..=90).contains(&days) {
        Ok(days)
    } else {
        Err(Error::invalid(format!(
            "config `visit_interval_days` is {days}: expected 1 to 90 days"
        )))
    }
}

/// The `visit-tasks` schedule: one event per elder living alone who is due a visit and has
/// no open task. An elder whose report fails is logged and the others still get theirs;
/// the schedule then answers with the first error so the host records the failure.
pub(crate) fn create_tasks(today: Date) -> Result<usize, Error> {
    let interval = interval_days()?;
    let mut created = 0;
    let mut deferred = 0;
    let mut first_error = None;
    for (id, elder) in ELDERS.all()? {
        if !elder.living_alone || VISIT_TASKS.get(&id)?.is_some() {
            continue;
        }
        let last = last_visit(&id)?.and_then(|visit| Date::parse(&visit.date));
        if last.is_some_and(|last| today.days_since(last) < interval) {
            continue;
        }
        if created >= MAX_TASKS_PER_RUN {
            deferred += 1;
            continue;
        }
        let since = match last {
            Some(last) => format!("上次探访是 {last}"),
            None => "尚无探访记录".to_owned(),
        };
        let reported = report_event(
            VISIT_CATEGORY,
            format!("独居老人探访：{}", elder.name),
            format!(
                "{}（{} 岁）独居，{since}。请在 3 个工作日内上门探访，并在养老服务的“独居老人探访”页面登记。",
                elder.name,
                elder.age_on(today)
            ),
            &elder.grid,
        )
        .custom_fields(&TaskFields {
            resident_id: &id,
            elder_name: &elder.name,
        })
        .send();
        match reported {
            Ok(event) => {
                VISIT_TASKS.insert(
                    &id,
                    &VisitTask {
                        event_id: event.id,
                        created_on: today.to_string(),
                    },
                )?;
                created += 1;
            }
            Err(error) => {
                log::write(
                    log::Level::Warn,
                    "visit task not reported",
                    &[
                        ("resident".to_owned(), id.clone()),
                        ("error".to_owned(), error.message().to_owned()),
                    ],
                );
                first_error.get_or_insert(error);
            }
        }
    }
    log::write(
        log::Level::Info,
        "visit tasks created",
        &[
            ("created".to_owned(), created.to_string()),
            ("deferred".to_owned(), deferred.to_string()),
        ],
    );
    match first_error {
        Some(error) => Err(error),
        None => Ok(created),
    }
}

/// Moves the task's event to 处置 then 办结 with `note`; false when the event is not
/// dispatched yet (or no longer open), which is not an error: it is closed later.
fn close_event(event_id: &str, note: &str) -> bool {
    // `handle` fails as invalid when the event is not dispatched, e.g. already being
    // handled; `resolve` then tells whether it could be closed.
    if let Err(error) = events::transition(event_id, "handle", note)
        && !matches!(error, Error::Invalid(_))
    {
        log::write(
            log::Level::Warn,
            "visit event not handled",
            &[
                ("event".to_owned(), event_id.to_owned()),
                ("error".to_owned(), error.message().to_owned()),
            ],
        );
        return false;
    }
    events::transition(event_id, "resolve", note).is_ok()
}

/// The `event-transitioned` hook: a visit task whose visit is already recorded is closed
/// as soon as the centre dispatches it (or someone starts handling it).
pub(crate) fn event_transitioned(event: &Event) -> Result<(), Error> {
    let open = matches!(event.state, EventState::Dispatched | EventState::Handling);
    if event.category != VISIT_CATEGORY || !open {
        return Ok(());
    }
    let waiting = visit_event_key(&event.id);
    let Some(visit_key) = store::get::<String>(&waiting)? else {
        return Ok(());
    };
    let Some(mut visit) = store::get::<Visit>(&visit_key)? else {
        store::delete(&waiting)?;
        return Ok(());
    };
    if close_event(
        &event.id,
        &format!("已于 {} 上门探访：{}", visit.date, visit.note),
    ) {
        visit.event_resolved = true;
        store::set(&visit_key, &visit)?;
        store::delete(&waiting)?;
    }
    Ok(())
}

/// What a worker typed into the visit form, and what is wrong with it.
#[derive(Default)]
struct VisitForm {
    resident_id: String,
    date: String,
    note: String,
    resident_error: Option<String>,
    date_error: Option<String>,
    note_error: Option<String>,
}

/// `GET /worker/visits`.
pub(crate) fn visits_page(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    let form = VisitForm {
        resident_id: ctx.query_param("resident").unwrap_or_default(),
        date: Date::today().to_string(),
        ..VisitForm::default()
    };
    render(ctx, 200, &form, ctx.query_param("recorded").is_some())
}

fn render(ctx: &Ctx, status: u16, form: &VisitForm, recorded: bool) -> Result<Response, Error> {
    let today = Date::today();
    let mut rows = Vec::new();
    for elder in elders_of_worker(ctx)?
        .into_iter()
        .filter(|e| e.living_alone)
    {
        let task = VISIT_TASKS.get(&elder.resident_id)?;
        let last = last_visit(&elder.resident_id)?;
        rows.push((elder, task, last));
    }
    Ok(page_with_status(
        status,
        "独居老人探访",
        html! {
            h1 { "独居老人探访" }
            @if recorded { p role="status" { "探访已登记。" } }
            @if rows.is_empty() {
                p { "您的管辖范围内，名册中没有独居老人。" }
            } @else {
                table {
                    thead { tr { th { "姓名" } th { "网格" } th { "年龄" } th { "上次探访" } th { "待办探访" } } }
                    tbody {
                        @for (elder, task, last) in &rows {
                            tr {
                                td { (elder.name) }
                                td { (elder.grid) }
                                td { (elder.age_on(today)) }
                                td { @if let Some(v) = last { (v.date) "（" (v.worker) "）" } @else { "无" } }
                                td { @if let Some(t) = task { "事件 " (t.event_id) "（" (t.created_on) " 生成）" } @else { "—" } }
                            }
                        }
                    }
                }
                h2 { "登记探访" }
                form method="post" action=(url("/worker/visits")) {
                    p {
                        label for="resident_id" { "老人" }
                        select #resident_id name="resident_id" {
                            option value="" { "请选择" }
                            @for (elder, _, _) in &rows {
                                option value=(elder.resident_id) selected[elder.resident_id == form.resident_id] { (elder.name) "（" (elder.grid) "）" }
                            }
                        }
                        (field_error(form.resident_error.as_deref()))
                    }
                    p {
                        label for="date" { "探访日期" }
                        input #date type="date" name="date" value=(form.date) max=(today.to_string());
                        (field_error(form.date_error.as_deref()))
                    }
                    p {
                        label for="note" { "探访情况" }
                        textarea #note name="note" maxlength=(MAX_NOTE_CHARS) { (form.note) }
                        (field_error(form.note_error.as_deref()))
                    }
                    button type="submit" { "登记探访" }
                }
            }
            (back_to_worker())
        },
    ))
}

/// `POST /worker/visits`: `resident_id`, `date`, `note`.
pub(crate) fn record(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    let mut form = VisitForm {
        resident_id: field(ctx, "resident_id"),
        date: field(ctx, "date"),
        note: field(ctx, "note"),
        ..VisitForm::default()
    };
    let today = Date::today();
    let elder = elder_of_worker(ctx, &form.resident_id)?.filter(|e| e.living_alone);
    if form.resident_id.is_empty() {
        form.resident_error = Some("请选择被探访的老人。".to_owned());
    } else if elder.is_none() {
        form.resident_error = Some("您的管辖范围内没有这位独居老人。".to_owned());
    }
    match Date::parse(&form.date) {
        _ if form.date.is_empty() => form.date_error = Some("请填写探访日期。".to_owned()),
        None => form.date_error = Some("日期格式应为 YYYY-MM-DD，例如 2026-12-01。".to_owned()),
        Some(date) if date > today => {
            form.date_error = Some("探访日期不能晚于今天。".to_owned());
        }
        Some(date) if today.days_since(date) > MAX_DAYS_BACK => {
            form.date_error = Some(format!("只能登记最近 {MAX_DAYS_BACK} 天内的探访。"));
        }
        Some(date) => {
            if store::get::<Visit>(&visit_key(&form.resident_id, &date.to_string()))?.is_some() {
                form.date_error = Some("这一天已经登记过对这位老人的探访。".to_owned());
            }
        }
    }
    let note_chars = form.note.chars().count();
    if note_chars == 0 {
        form.note_error = Some("请简要填写探访情况（身体、居住、需求等）。".to_owned());
    } else if note_chars > MAX_NOTE_CHARS {
        form.note_error = Some(format!("探访情况不能超过 {MAX_NOTE_CHARS} 个字。"));
    }
    let Some(elder) = elder.filter(|_| {
        form.resident_error.is_none() && form.date_error.is_none() && form.note_error.is_none()
    }) else {
        return render(ctx, 400, &form, false);
    };

    let task = VISIT_TASKS.get(&elder.resident_id)?;
    let key = visit_key(&elder.resident_id, &form.date);
    let mut visit = Visit {
        resident_id: elder.resident_id.clone(),
        date: form.date.clone(),
        note: form.note.clone(),
        worker: worker_name(ctx),
        event_id: task.as_ref().map(|t| t.event_id.clone()),
        event_resolved: false,
    };
    store::set(&key, &visit)?;
    if let Some(task) = task {
        let note = format!("已于 {} 上门探访：{}", visit.date, visit.note);
        if close_event(&task.event_id, &note) {
            visit.event_resolved = true;
            store::set(&key, &visit)?;
        } else {
            store::set(&visit_event_key(&task.event_id), &key)?;
        }
        VISIT_TASKS.remove(&elder.resident_id)?;
    }
    Ok(redirect("/worker/visits?recorded=1"))
}
