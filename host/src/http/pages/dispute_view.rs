//! The 矛盾纠纷调处 part of a dispute event's page (`event_view`): the stage, the item of
//! its class, the parties (ID numbers and phones masked) and the mediation sessions, with a
//! form for each thing those who work the event record — the item, a party (and removing
//! one added by mistake), a session. The forms post to the event page with their own
//! `action` (`dispute-…`), so a refusal re-renders the whole page with each bad field named
//! in Chinese and what was typed kept.

use axum::http::StatusCode;
use maud::{Markup, html};

use super::event_view::ActionForm;
use super::frame::text::china_time;
use crate::db::disputes::DisputeItem;
use crate::grid::calendar::{day_in_china, today_in_china};
use crate::grid::dispute::{Outcome, Side};
use crate::rules::RuleError;
use crate::rules::RuleResult;
use crate::rules::actor::Person;
use crate::rules::events::mediation::{self, PartyInput, Record, SessionInput};
use crate::state::Ground;

/// The form actions of the dispute's forms.
pub const ITEM: &str = "dispute-item";
/// Adding a party.
pub const PARTY: &str = "dispute-party";
/// Removing a party.
pub const PARTY_REMOVE: &str = "dispute-party-remove";
/// Recording a session.
pub const SESSION: &str = "dispute-session";

/// Whether `action` is one of the dispute's forms.
pub fn is_dispute_action(action: &str) -> bool {
    [ITEM, PARTY, PARTY_REMOVE, SESSION].contains(&action)
}

/// Why a dispute form was refused: the message per field, or for the form as a whole.
pub struct Refusal<'a> {
    /// The page's status.
    pub status: StatusCode,
    /// What was posted, kept in its form.
    pub input: &'a ActionForm,
    /// Each bad field with its message.
    pub fields: Vec<(&'static str, &'static str)>,
    /// A message for the form as a whole.
    pub general: Option<&'static str>,
}

impl Refusal<'_> {
    fn on(&self, action: &str) -> bool {
        self.input.action == action
    }

    fn field(&self, action: &str, field: &str) -> Option<&'static str> {
        self.on(action)
            .then(|| {
                self.fields
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, m)| *m)
            })
            .flatten()
    }

    fn general(&self, action: &str) -> Option<&'static str> {
        self.on(action).then_some(self.general).flatten()
    }
}

/// The Chinese message for a bad `field` of a dispute form.
fn field_message(field: &str) -> &'static str {
    match field {
        "item" => "请从列表中选择本类纠纷的具体事项。",
        "side" => "请选择申请人或被申请人。",
        "name" => "请填写当事人姓名（50 字以内）。",
        "id_number" => "身份证号码有误：须为 18 位，且校验码和出生日期正确。",
        "phone" => "手机号码须为 1 开头的 11 位数字。",
        "held_on" => "调解日期须是事件上报之日到今天之间的日期。",
        "mediator" => "请填写调解员姓名（50 字以内）。",
        "place" => "请填写调解地点（100 字以内）。",
        "outcome" => "请选择调解结果。",
        "agreement_signed" => "只有调解成功时才签订调解协议。",
        "note" => "调解情况最多 1000 字。",
        _ => "填写的内容有误，请检查后重试。",
    }
}

/// Takes the posted dispute form `input` on event `id` as `person`.
pub async fn take(ground: &Ground, person: &Person, id: i64, input: &ActionForm) -> RuleResult<()> {
    let field = |name: &str| input.rest.get(name).map_or("", String::as_str);
    match input.action.as_str() {
        ITEM => mediation::set_item(ground, person, id, field("item")).await?,
        PARTY => {
            let party = PartyInput {
                side: field("side"),
                name: field("name"),
                id_number: field("id_number"),
                phone: field("phone"),
            };
            mediation::add_party(ground, person, id, party).await?
        }
        PARTY_REMOVE => {
            let party = field("party").trim().parse::<i64>().map_err(|_| {
                RuleError::NotFound(format!("party `{}` of event {id}", field("party")))
            })?;
            mediation::remove_party(ground, person, id, party).await?
        }
        _ => {
            let session = SessionInput {
                held_on: field("held_on"),
                mediator: field("mediator"),
                place: field("place"),
                outcome: field("outcome"),
                agreement_signed: !field("agreement_signed").is_empty(),
                note: &input.note,
            };
            mediation::record_session(ground, person, id, session).await?
        }
    };
    Ok(())
}

/// The refusal of `input` for `error`, or the error back when no form shows it (the
/// database failing, the event gone).
pub fn refusal<'a>(input: &'a ActionForm, error: RuleError) -> Result<Refusal<'a>, RuleError> {
    let (status, fields, general) = match error {
        RuleError::Invalid { field, .. } => (
            StatusCode::BAD_REQUEST,
            vec![(field_name(&field), field_message(&field))],
            None,
        ),
        RuleError::InvalidFields(problems) => (
            StatusCode::BAD_REQUEST,
            problems
                .iter()
                .map(|p| (p.field, field_message(p.field)))
                .collect(),
            None,
        ),
        RuleError::Conflict(_) => (
            StatusCode::CONFLICT,
            Vec::new(),
            Some(conflict_message(&input.action)),
        ),
        RuleError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            Vec::new(),
            Some("您无权登记此纠纷的调处情况。"),
        ),
        RuleError::NotFound(_) if input.action == PARTY_REMOVE => (
            StatusCode::NOT_FOUND,
            Vec::new(),
            Some("该当事人已不在记录中，请刷新后查看。"),
        ),
        other => return Err(other),
    };
    Ok(Refusal {
        status,
        input,
        fields,
        general,
    })
}

/// The `'static` name of a field the rules named.
fn field_name(field: &str) -> &'static str {
    [
        "item",
        "side",
        "name",
        "id_number",
        "phone",
        "held_on",
        "mediator",
        "place",
        "outcome",
        "agreement_signed",
        "note",
    ]
    .into_iter()
    .find(|f| *f == field)
    .unwrap_or("form")
}

/// What a conflict on `action` means to the person who posted it.
fn conflict_message(action: &str) -> &'static str {
    match action {
        SESSION => {
            "不能记录此次调解：须先登记申请人和被申请人；调解已成功或已终止的，不再记录新的调解。"
        }
        PARTY | PARTY_REMOVE => "调解已结束，当事人记录不再变更。",
        _ => "事件状态已变化，此操作当前不可执行，请刷新后重试。",
    }
}

/// The section for `record`, its forms posting to `action`, `items` those of its class.
pub fn section(
    record: &Record,
    items: &[DisputeItem],
    action: &str,
    refusal: Option<&Refusal<'_>>,
) -> Markup {
    let kept = |form: &str, name: &str| {
        refusal
            .filter(|r| r.on(form))
            .and_then(|r| r.input.rest.get(name))
            .map_or(String::new(), Clone::clone)
    };
    let field_error = |form: &str, name: &str| refusal.and_then(|r| r.field(form, name));
    let general = |form: &str| refusal.and_then(|r| r.general(form));
    let concluded = record.stage.is_concluded();
    let reported = day_in_china(record.event.reported_at).map(|d| d.to_string());
    let today = today_in_china().to_string();
    let kept_item = kept(ITEM, "item");
    let current_item = record.item.as_ref().map(|i| i.code.as_str()).unwrap_or("");
    html! {
        section.dispute id="dispute" {
            h2 { "矛盾纠纷调处" }
            p {
                "调处阶段："
                strong id="dispute-stage" data-stage=(record.stage.name()) { (record.stage.name_zh()) }
                @if record.agreement_signed { " · " strong { "已签订调解协议" } }
            }
            p id="dispute-item" {
                "纠纷事项："
                @match &record.item { Some(item) => { (item.name) } None => { span.muted { "未登记" } } }
            }
            h3 { "当事人" }
            @if record.parties.is_empty() {
                p.muted { "尚未登记当事人。" }
            } @else {
                table.worker-list.parties {
                    thead { tr { th { "身份" } th { "姓名" } th { "身份证号" } th { "电话" } @if record.may_keep && !concluded { th { "操作" } } } }
                    tbody {
                        @for shown in &record.parties {
                            @let p = &shown.party;
                            tr {
                                td { (p.side.name_zh()) }
                                td { (p.name) }
                                td.masked { (p.id_number.as_deref().unwrap_or("—")) }
                                td.masked { (p.phone.as_deref().unwrap_or("—")) }
                                @if record.may_keep && !concluded {
                                    td {
                                        form.party-remove method="post" action=(action) {
                                            input type="hidden" name="action" value=(PARTY_REMOVE);
                                            input type="hidden" name="party" value=(p.id);
                                            button type="submit" { "删除" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(m) = general(PARTY_REMOVE) { p.field-error { (m) } }
            h3 { "调解记录" }
            @if record.sessions.is_empty() {
                p.muted { "尚无调解记录。" }
            } @else {
                table.worker-list.sessions {
                    thead { tr { th { "日期" } th { "调解员" } th { "地点" } th { "结果" } th { "调解协议" } th { "情况" } th { "记录人" } } }
                    tbody {
                        @for s in &record.sessions {
                            tr {
                                td { (s.held_on) }
                                td { (s.mediator) }
                                td { (s.place) }
                                td { (s.outcome.name_zh()) }
                                td { @if s.agreement_signed { "已签订" } @else { "—" } }
                                td.long { (s.note) }
                                td { (s.recorded_by) " " small.muted { (china_time(s.recorded_at)) } }
                            }
                        }
                    }
                }
            }
            // The forms side by side on an office screen, one under another on a phone.
            section.acts {
                @if record.may_keep {
                    form.worker-action id="dispute-item-form" method="post" action=(action) {
                        h2 { "登记纠纷事项" }
                        input type="hidden" name="action" value=(ITEM);
                        @if let Some(m) = general(ITEM) { p.field-error { (m) } }
                        label {
                            "本类纠纷中的具体事项"
                            select name="item" required aria-invalid=[field_error(ITEM, "item").map(|_| "true")] {
                                option value="" { "请选择…" }
                                @for item in items {
                                    @let chosen = if kept_item.is_empty() { item.code == current_item } else { item.code == kept_item };
                                    option value=(item.code) selected[chosen] { (item.name) }
                                }
                            }
                            @if let Some(m) = field_error(ITEM, "item") { span.field-error id="item-error" { (m) } }
                        }
                        button type="submit" { "登记事项" }
                    }
                }
                @if record.may_keep && !concluded {
                    form.worker-action id="dispute-party-form" method="post" action=(action) {
                        h2 { "登记当事人" }
                        input type="hidden" name="action" value=(PARTY);
                        @if let Some(m) = general(PARTY) { p.field-error { (m) } }
                        @let side = kept(PARTY, "side");
                        label {
                            "身份"
                            select name="side" required aria-invalid=[field_error(PARTY, "side").map(|_| "true")] {
                                @for s in Side::all() {
                                    option value=(s.name()) selected[side == s.name()] { (s.name_zh()) }
                                }
                            }
                            @if let Some(m) = field_error(PARTY, "side") { span.field-error { (m) } }
                        }
                        (text_input("姓名", "name", &kept(PARTY, "name"), 50, true, field_error(PARTY, "name")))
                        (text_input("身份证号（选填）", "id_number", &kept(PARTY, "id_number"), 18, false, field_error(PARTY, "id_number")))
                        (text_input("手机号码（选填）", "phone", &kept(PARTY, "phone"), 11, false, field_error(PARTY, "phone")))
                        button type="submit" { "添加当事人" }
                    }
                }
                @if record.may_keep && !concluded {
                    form.worker-action id="dispute-session-form" method="post" action=(action) {
                        h2 { "记录调解" }
                        input type="hidden" name="action" value=(SESSION);
                        @if let Some(m) = general(SESSION) { p.field-error { (m) } }
                        label {
                            "调解日期"
                            input type="date" name="held_on" required value=(kept(SESSION, "held_on")) min=[reported.as_deref()] max=(today)
                                aria-invalid=[field_error(SESSION, "held_on").map(|_| "true")];
                            @if let Some(m) = field_error(SESSION, "held_on") { span.field-error id="held_on-error" { (m) } }
                        }
                        (text_input("调解员", "mediator", &kept(SESSION, "mediator"), 50, true, field_error(SESSION, "mediator")))
                        (text_input("调解地点", "place", &kept(SESSION, "place"), 100, true, field_error(SESSION, "place")))
                        @let outcome = kept(SESSION, "outcome");
                        label {
                            "调解结果"
                            select name="outcome" required aria-invalid=[field_error(SESSION, "outcome").map(|_| "true")] {
                                option value="" { "请选择…" }
                                @for o in Outcome::all() {
                                    option value=(o.name()) selected[outcome == o.name()] { (o.name_zh()) }
                                }
                            }
                            @if let Some(m) = field_error(SESSION, "outcome") { span.field-error id="outcome-error" { (m) } }
                        }
                        label.check {
                            input type="checkbox" name="agreement_signed" value="1" checked[!kept(SESSION, "agreement_signed").is_empty()];
                            "已签订书面调解协议（仅调解成功时）"
                        }
                        @if let Some(m) = field_error(SESSION, "agreement_signed") { span.field-error id="agreement_signed-error" { (m) } }
                        label {
                            "调解情况（选填，1000 字以内）"
                            textarea name="note" maxlength="1000" {
                                (refusal.filter(|r| r.on(SESSION)).map_or("", |r| r.input.note.as_str()))
                            }
                            @if let Some(m) = field_error(SESSION, "note") { span.field-error { (m) } }
                        }
                        button type="submit" { "记录调解" }
                    }
                }
            }
            @if record.may_keep && !concluded {
                form.worker-action id="dispute-session-form" method="post" action=(action) {
                    h2 { "记录调解" }
                    input type="hidden" name="action" value=(SESSION);
                    @if let Some(m) = general(SESSION) { p.field-error { (m) } }
                    label {
                        "调解日期"
                        input type="date" name="held_on" required value=(kept(SESSION, "held_on")) min=[reported.as_deref()] max=(today)
                            aria-invalid=[field_error(SESSION, "held_on").map(|_| "true")];
                        @if let Some(m) = field_error(SESSION, "held_on") { span.field-error id="held_on-error" { (m) } }
                    }
                    (text_input("调解员", "mediator", &kept(SESSION, "mediator"), 50, true, field_error(SESSION, "mediator")))
                    (text_input("调解地点", "place", &kept(SESSION, "place"), 100, true, field_error(SESSION, "place")))
                    @let outcome = kept(SESSION, "outcome");
                    label {
                        "调解结果"
                        select name="outcome" required aria-invalid=[field_error(SESSION, "outcome").map(|_| "true")] {
                            option value="" { "请选择…" }
                            @for o in Outcome::all() {
                                option value=(o.name()) selected[outcome == o.name()] { (o.name_zh()) }
                            }
                        }
                        @if let Some(m) = field_error(SESSION, "outcome") { span.field-error id="outcome-error" { (m) } }
                    }
                    label.check {
                        input type="checkbox" name="agreement_signed" value="1" checked[!kept(SESSION, "agreement_signed").is_empty()];
                        "已签订书面调解协议（仅调解成功时）"
                    }
                    @if let Some(m) = field_error(SESSION, "agreement_signed") { span.field-error id="agreement_signed-error" { (m) } }
                    label {
                        "调解情况（选填，1000 字以内）"
                        textarea name="note" maxlength="1000" {
                            (refusal.filter(|r| r.on(SESSION)).map_or("", |r| r.input.note.as_str()))
                        }
                        @if let Some(m) = field_error(SESSION, "note") { span.field-error { (m) } }
                    }
                    button type="submit" { "记录调解" }
                }
            }
        }
    }
}

/// A labelled text input named `name`, with its message.
fn text_input(
    label: &str,
    name: &str,
    value: &str,
    max: usize,
    required: bool,
    message: Option<&str>,
) -> Markup {
    html! {
        label {
            (label)
            input type="text" name=(name) value=(value) maxlength=(max) required[required]
                aria-invalid=[message.map(|_| "true")];
            @if let Some(m) = message { span.field-error id={ (name) "-error" } { (m) } }
        }
    }
}
