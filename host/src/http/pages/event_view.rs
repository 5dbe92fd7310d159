//! One event's page as the people working it see it, shared by the grid worker's workspace
//! (`/worker/events/{id}`) and the department's (`/department/events/{id}`): the event with
//! its timeline, its photo, and one form per action the workflow allows this person now.
//! Dispatching chooses from the departments and lower units the rules offer; a return asks
//! for its reason; a leader or unit admin over the event may urge it (催办); the dispatch
//! may summon further departments beside the lead (吹哨报到), whose staff check in (报到)
//! on this page; a dispute shows its mediation record and forms (`dispute_view`). Posting a form moves the event through the rules' own `act` and comes
//! back (303) to the event (to the list, after a return); a refused action re-renders the page with the message next to
//! the field, what was typed kept.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::dispute_view;
use super::frame::access::SignedIn;
use super::frame::error::PageError;
use super::frame::photos::photo_figure;
use super::frame::text::china_time;
use super::frame::{Area, respond};
use crate::db::events::StoredEvent;
use crate::db::units::StoredUnit;
use crate::grid::dispute::is_dispute;
use crate::grid::workflow::{EventState, action_zh};
use crate::rules::RuleError;
use crate::rules::events::{self, Action};
use crate::state::AppState;

/// The form action of a 催办, beside the workflow's actions.
const URGE: &str = "urge";

/// The form action of a summoned department's check-in (报到).
const REPORT_IN: &str = "report-in";

/// The prefix of a dispatch form's checkbox summoning a department (`summon.CODE`).
const SUMMON_PREFIX: &str = "summon.";

/// Where the page stands: the area, the path its events live under, and the way back.
#[derive(Debug, Clone)]
pub struct Place {
    /// The area whose frame the page is in.
    pub area: Area,
    /// The events' path (`/worker/events`): the page is `{base}/{id}`, its photo
    /// `{base}/{id}/photo`.
    pub base: &'static str,
    /// The list to go back to, and its name.
    pub back: (String, &'static str),
}

/// One action form as posted.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub(super) action: String,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    dispatched_to: String,
    #[serde(default)]
    deadline: String,
    /// The other forms' fields: the departments the dispatch form ticked to summon
    /// (`summon.CODE`), the dispute forms' fields (`dispute_view`).
    #[serde(flatten)]
    pub(super) rest: std::collections::BTreeMap<String, String>,
}

impl ActionForm {
    /// The departments ticked to summon beside the lead.
    fn summoned(&self) -> Vec<String> {
        self.rest
            .keys()
            .filter_map(|k| k.strip_prefix(SUMMON_PREFIX))
            .map(str::to_owned)
            .collect()
    }
}

/// Why an action was refused, shown on its form.
struct Refusal<'a> {
    /// What was posted, kept in its form.
    input: &'a ActionForm,
    /// The field the message stands next to (`note`, `dispatched_to`, `deadline`), or `None` for the
    /// form as a whole.
    field: Option<&'static str>,
    message: &'static str,
}

/// The page of `event` for `who`.
pub async fn page(
    state: &AppState,
    who: &SignedIn,
    place: &Place,
    event: &StoredEvent,
) -> Result<Response, PageError> {
    render(state, who, place, StatusCode::OK, event, None, None).await
}

/// Takes the posted action on `event` as `who`: back to the page (303) once taken, else
/// the page again with the refusal on its form. `fail` turns what no form shows (the
/// database failing) into the area's error page; `reload` reads the event again, as the
/// page's own look-up does, after a refusal (someone may have moved it meanwhile).
pub async fn act<F, Fut>(
    state: &AppState,
    who: &SignedIn,
    place: &Place,
    event: &StoredEvent,
    input: ActionForm,
    reload: F,
) -> Result<Response, PageError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<StoredEvent, PageError>>,
{
    if dispute_view::is_dispute_action(&input.action) {
        return match dispute_view::take(state.ground(), who.person(), event.id, &input).await {
            Ok(()) => {
                Ok(Redirect::to(&format!("{}/{}#dispute", place.base, event.id)).into_response())
            }
            Err(error) => {
                let refusal = dispute_view::refusal(&input, error).map_err(PageError::from)?;
                let event = reload().await?;
                render(
                    state,
                    who,
                    place,
                    refusal.status,
                    &event,
                    None,
                    Some(&refusal),
                )
                .await
            }
        };
    }
    let dispatched_to = (input.action == "dispatch").then_some(input.dispatched_to.as_str());
    let summoned = if input.action == "dispatch" {
        input.summoned()
    } else {
        Vec::new()
    };
    let taken = if input.action == URGE {
        events::urge::urge(state.ground(), who.person(), event.id, &input.note).await
    } else if input.action == REPORT_IN {
        events::summons::report_in(state.ground(), who.person(), event.id, &input.note).await
    } else {
        events::act(
            state.ground(),
            who.actor(),
            Action {
                event_id: event.id,
                action: &input.action,
                note: &input.note,
                dispatched_to,
                deadline: (input.action == "dispatch")
                    .then_some(input.deadline.as_str())
                    .filter(|d| !d.trim().is_empty()),
                summon: &summoned,
                rating: None,
            },
        )
        .await
    };
    let returning = input.action == "return" && event.state == EventState::Dispatched;
    let (status, field, message) = match taken {
        // A returned event has left the handler's queue: back to the list they came from.
        Ok(_) if returning => return Ok(Redirect::to(&place.back.0).into_response()),
        Ok(_) => {
            return Ok(Redirect::to(&format!("{}/{}", place.base, event.id)).into_response());
        }
        Err(RuleError::Invalid { field, .. }) if field == "dispatched_to" => (
            StatusCode::BAD_REQUEST,
            Some("dispatched_to"),
            "请从列表中选择承办部门或下级单位。",
        ),
        Err(RuleError::Invalid { field, .. }) if field == "summon" => (
            StatusCode::BAD_REQUEST,
            Some("summon"),
            "吹哨报到须由上面所选的职能部门牵头，并至少另选一个职能部门配合（共不超过 8 个）。",
        ),
        Err(RuleError::Invalid { field, .. })
            if field == "dispatched_to" && !summoned.is_empty() =>
        {
            (
                StatusCode::BAD_REQUEST,
                Some("dispatched_to"),
                "吹哨报到须选择一个职能部门牵头。",
            )
        }
        Err(RuleError::Invalid { field, .. }) if field == "deadline" => (
            StatusCode::BAD_REQUEST,
            Some("deadline"),
            "交办限期须是今天到事件办理期限之间的日期。",
        ),
        Err(RuleError::Invalid { field, .. }) if field == "note" && input.action == URGE => (
            StatusCode::BAD_REQUEST,
            Some("note"),
            "催办意见须写 2 至 500 字：要求做什么、何时办结。",
        ),
        Err(RuleError::Invalid { field, .. }) if field == "note" && returning => (
            StatusCode::BAD_REQUEST,
            Some("note"),
            "退回须写明原因：为什么此事件不属于本单位办理。",
        ),
        Err(RuleError::Invalid { field, .. }) if field == "note" => (
            StatusCode::BAD_REQUEST,
            Some("note"),
            "办理意见最多 2000 字。",
        ),
        Err(RuleError::Invalid { .. }) => (
            StatusCode::BAD_REQUEST,
            None,
            "填写的内容有误，请检查后重试。",
        ),
        Err(RuleError::Conflict(_)) if returning && reload_state(state, event).await => (
            StatusCode::CONFLICT,
            None,
            "已超过退回期限（收到后 2 个工作日内），此事件须由本单位办理。",
        ),
        Err(RuleError::Conflict(_)) => (
            StatusCode::CONFLICT,
            None,
            "事件状态已变化，此操作当前不可执行，请刷新后重试。",
        ),
        Err(RuleError::Forbidden(_)) => (StatusCode::FORBIDDEN, None, "您无权对该事件执行此操作。"),
        Err(error) => return Err(error.into()),
    };
    let event = reload().await?;
    let refusal = Refusal {
        input: &input,
        field,
        message,
    };
    render(state, who, place, status, &event, Some(&refusal), None).await
}

/// Whether `event` is still dispatched as it was read: a refused return then was refused
/// for its window, not because someone moved the event first.
async fn reload_state(state: &AppState, event: &StoredEvent) -> bool {
    matches!(
        state.db().event(event.id).await,
        Ok(Some(now)) if now.state == EventState::Dispatched && now.updated_at == event.updated_at
    )
}

/// The page, with `refusal` on its form if an action was just refused (`dispute` if a
/// dispute form was).
async fn render(
    state: &AppState,
    who: &SignedIn,
    place: &Place,
    status: StatusCode,
    event: &StoredEvent,
    refusal: Option<&Refusal<'_>>,
    dispute: Option<&dispute_view::Refusal<'_>>,
) -> Result<Response, PageError> {
    let timeline = state.db().event_timeline(event.id).await?;
    let has_photo = state.db().has_event_photo(event.id).await?;
    let actor = who.actor();
    // Rating is the reporter's, on their own report's page (`/reports/{id}`), with its
    // grades; staff pages show the work.
    let actions: Vec<_> = events::possible(&actor, event)
        .filter(|t| !t.by_reporter)
        .collect();
    let may_rate = events::possible(&actor, event).any(|t| t.by_reporter);
    let targets = if actions.iter().any(|t| t.action == "dispatch") {
        events::dispatch::targets(state.db(), who.person(), event)
            .await
            .map_err(PageError::from)?
    } else {
        Vec::new()
    };
    let summons = state.db().event_summons(event.id).await?;
    let checking_in = events::summons::may_report_in(who.person(), &summons);
    let mediation = if is_dispute(&event.category) {
        let record = events::mediation::record_of(state.db(), who.person(), event)
            .await
            .map_err(PageError::from)?;
        let items: Vec<_> = events::mediation::items(state.db())
            .await
            .map_err(PageError::from)?
            .into_iter()
            .filter(|i| i.category == event.category)
            .collect();
        Some(dispute_view::section(
            &record,
            &items,
            &format!("{}/{}", place.base, event.id),
            dispute,
        ))
    } else {
        None
    };
    let refused = |action: &str| refusal.filter(|r| r.input.action == action);
    let message_for = |action: &str, field: Option<&str>| {
        refused(action)
            .filter(|r| r.field == field)
            .map(|r| r.message)
    };
    let content = html! {
        h1 { (event.title) }
        p { "状态：" strong.state id="event-state" data-state=(event.state.name()) { (event.state.name_zh()) } }
        @if event.urgent { p { strong.urgent { "紧急事件" } } }
        @if event.supervised { p { strong.urgent { "已督办" } } }
        @if !event.description.is_empty() { p { (event.description) } }
        @if let Some(address) = &event.address { p.muted { "地址：" (address) } }
        p.muted { "所属单位：" code { (event.unit_code) } }
        p.muted { "上报时间：" (china_time(event.reported_at)) }
        @if let Some(deadline) = &event.deadline { p.muted { "办理期限：" (deadline) } }
        @if let Some(to) = &event.dispatched_to {
            p.muted id="event-handler" {
                "承办：" (to)
                @if let Some(at) = event.received_at { "（" (china_time(at)) " 派遣）" }
            }
        }
        @if has_photo { (photo_figure(&format!("{}/{}/photo", place.base, event.id))) }
        h2 { "办理经过" }
        ol.timeline {
            @for entry in &timeline {
                li {
                    (china_time(entry.at)) " "
                    strong { (action_zh(&entry.action)) }
                    " " small.muted { (entry.actor) }
                    @if !entry.note.is_empty() { "：" (entry.note) }
                }
            }
        }
        @if !summons.is_empty() {
            h2 { "吹哨报到" }
            table.worker-list.summons {
                thead { tr { th { "部门" } th { "分工" } th { "报到时间" } th { "用时" } th { "说明" } } }
                tbody {
                    @for s in &summons {
                        tr {
                            td { (s.name) }
                            td { @if s.lead { strong { "牵头" } } @else { "配合" } }
                            td { @match s.reported_at { Some(at) => { (china_time(at)) } None => { span.urgent { "未报到" } } } }
                            td { @if let Some(at) = s.reported_at { (response_time(at - s.summoned_at)) } }
                            td.long { (s.note.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
        @if let Some(section) = mediation { (section) }
        @if let Some(mine) = checking_in {
            @let kept = refused(REPORT_IN).map(|r| r.input);
            form.worker-action id="action-report-in" method="post" action={ (place.base) "/" (event.id) } {
                h2 { "报到：" (mine.name) }
                input type="hidden" name="action" value=(REPORT_IN);
                @if let Some(m) = message_for(REPORT_IN, None) { p.field-error { (m) } }
                label {
                    "到场情况（选填，500 字以内）"
                    textarea name="note" maxlength="500" { (kept.map_or("", |k| k.note.as_str())) }
                    @if let Some(m) = message_for(REPORT_IN, Some("note")) {
                        span.field-error id="report-in-note-error" { (m) }
                    }
                }
                button type="submit" { "报到" }
            }
        }
        h2 { "办理" }
        @if let Some(r) = refusal.filter(|r| r.input.action != URGE && r.input.action != REPORT_IN && !actions.iter().any(|t| t.action == r.input.action)) {
            p.field-error id="action-error" { (r.message) }
        }
        @if may_rate {
            p { "您是此事件的上报人，可以" a href={ "/reports/" (event.id) } { "评价办理结果" } "。" }
        } @else if actions.is_empty() {
            p.muted { "当前状态下您没有可执行的操作。" }
        }
        @for t in &actions {
            @let kept = refused(t.action).map(|r| r.input);
            @let returning = t.action == "return" && event.state == EventState::Dispatched;
            form.worker-action id={ "action-" (t.action) } method="post" action={ (place.base) "/" (event.id) } {
                input type="hidden" name="action" value=(t.action);
                @if let Some(m) = message_for(t.action, None) { p.field-error { (m) } }
                @if t.action == "dispatch" {
                    (target_choice(&targets, kept.map_or("", |k| k.dispatched_to.as_str()), message_for(t.action, Some("dispatched_to"))))
                    (summon_choice(&targets, kept, message_for(t.action, Some("summon"))))
                    label {
                        "交办限期（选填，不晚于办理期限 " (event.deadline.as_deref().unwrap_or("—")) "）"
                        input type="date" name="deadline" value=(kept.map_or("", |k| k.deadline.as_str()))
                            max=[event.deadline.as_deref()];
                        @if let Some(m) = message_for(t.action, Some("deadline")) {
                            span.field-error id="deadline-error" { (m) }
                        }
                    }
                }
                label {
                    @if returning { "退回原因（必填，收到后 2 个工作日内可退回）" } @else { "办理意见（选填）" }
                    textarea name="note" maxlength="2000" required[returning] { (kept.map_or("", |k| k.note.as_str())) }
                    @if let Some(m) = message_for(t.action, Some("note")) {
                        span.field-error id="note-error" { (m) }
                    }
                }
                button type="submit" { (t.action_zh) }
            }
        }
        @if events::urge::may_urge(who.person(), event) {
            @let kept = refused(URGE).map(|r| r.input);
            h2 { "催办" }
            form.worker-action id="action-urge" method="post" action={ (place.base) "/" (event.id) } {
                input type="hidden" name="action" value=(URGE);
                label {
                    "催办意见（必填，告知当前承办单位）"
                    textarea name="note" maxlength="500" required { (kept.map_or("", |k| k.note.as_str())) }
                    @if let Some(m) = message_for(URGE, Some("note")) {
                        span.field-error id="urge-note-error" { (m) }
                    }
                }
                @if let Some(m) = message_for(URGE, None) { p.field-error { (m) } }
                button type="submit" { "催办" }
            }
        }
        p { a href=(place.back.0) { (place.back.1) } }
    };
    Ok(respond(
        status,
        &event.title,
        place.area,
        &who.visitor(),
        content,
    ))
}

/// A response time in minutes, hours or days, as a person reads it.
fn response_time(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    match minutes {
        0..60 => format!("{minutes} 分钟"),
        60..1440 => format!("{} 小时 {} 分钟", minutes / 60, minutes % 60),
        _ => format!("{} 天 {} 小时", minutes / 1440, minutes % 1440 / 60),
    }
}

/// The dispatch form's 吹哨报到 boxes: the departments among the targets, to summon
/// beside the one chosen to lead; `kept` ticked.
fn summon_choice(
    targets: &[StoredUnit],
    kept: Option<&ActionForm>,
    message: Option<&str>,
) -> Markup {
    let departments: Vec<&StoredUnit> =
        targets.iter().filter(|u| u.level == "department").collect();
    let ticked =
        |code: &str| kept.is_some_and(|k| k.rest.contains_key(&format!("{SUMMON_PREFIX}{code}")));
    html! {
        @if departments.len() > 1 {
            details.summon open[kept.is_some_and(|k| !k.summoned().is_empty())] {
                summary { "吹哨报到：同时召集其他职能部门配合（上面所选部门牵头）" }
                fieldset.attributes {
                    legend { "配合部门" }
                    @for u in &departments {
                        label.check {
                            input type="checkbox" name={ (SUMMON_PREFIX) (u.code) } value="1" checked[ticked(&u.code)];
                            (u.name)
                        }
                    }
                }
                @if let Some(m) = message {
                    span.field-error id="summon-error" { (m) }
                }
            }
        }
    }
}

/// The dispatch form's choice: the departments, then the lower units, `kept` selected.
fn target_choice(targets: &[StoredUnit], kept: &str, message: Option<&str>) -> Markup {
    let (departments, lower): (Vec<&StoredUnit>, Vec<&StoredUnit>) =
        targets.iter().partition(|u| u.level == "department");
    html! {
        label {
            "承办部门或下级单位"
            select name="dispatched_to" required {
                option value="" { "请选择…" }
                @if !departments.is_empty() {
                    optgroup label="职能部门" {
                        @for u in &departments {
                            option value=(u.code) selected[u.code == kept] { (u.name) }
                        }
                    }
                }
                @if !lower.is_empty() {
                    optgroup label="下级单位" {
                        @for u in &lower {
                            option value=(u.code) selected[u.code == kept] { (u.name) }
                        }
                    }
                }
            }
            @if let Some(m) = message {
                span.field-error id="dispatched_to-error" { (m) }
            }
        }
    }
}
