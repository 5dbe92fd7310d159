//! What the workspace's record forms share: each field's Chinese label and the Chinese
//! message shown next to it when a rule names it (`Refused`), the inputs that show them,
//! and the notice of a save someone else's change beat.

use maud::{Markup, html};

use crate::rules::RuleError;

/// A field of a form: its name (as the rules name it), its Chinese label, and what to say
/// when it is wrong.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field {
    /// The name the rules use.
    pub name: &'static str,
    /// The label.
    pub label: &'static str,
    /// The message when the rules refuse it.
    pub message: &'static str,
}

macro_rules! fields {
    ($($id:ident = $name:literal, $label:literal, $message:literal;)*) => {
        $(
            pub(super) const $id: Field = Field { name: $name, label: $label, message: $message };
        )*
    };
}

fields! {
    NAME = "name", "姓名", "请填写姓名，最多 50 字。";
    GENDER = "gender", "性别", "请选择性别；须与身份证号一致。";
    BIRTH_DATE = "birth_date", "出生日期", "请填写出生日期（如 1990-01-01）；须与身份证号一致。";
    ID_NUMBER = "id_number", "身份证号", "身份证号无效（18 位，末位为校验码），或与出生日期、性别不符，或已被登记。";
    PHONE = "phone", "手机号", "请填写以 1 开头的 11 位手机号，或留空。";
    POPULATION_TYPE = "population_type", "人口类型", "请选择人口类型。";
    GRID = "grid_code", "网格", "请选择您负责的网格；按坐标找网格时，坐标须落在您负责的网格内。";
    TAGS = "tags", "标签", "标签最多 20 个，每个最多 32 字，不能含“|”。";
    HOUSE = "house_id", "房屋", "房屋须在该居民所在网格内。";
    HOUSEHOLD = "household_id", "户", "户须在该居民所在网格内。";
    RELATION = "household_relation", "与户主关系", "请填写与户主关系（1 至 16 字）；已有户主时不能再填“户主”。";
    CLOSE_REASON = "reason", "注销原因", "请选择注销原因。";
    CLOSE_ON = "on", "发生日期", "请填写日期（如 2026-11-30），不能晚于今天，也不能早于出生日期。";
    ADDRESS = "address", "标准地址", "请填写标准地址（1 至 200 字）；同一地址（不论写法）不能重复登记。";
    USAGE = "usage", "用途", "请选择房屋用途。";
    LATITUDE = "latitude", "纬度", "纬度、经度须同时填写，为 WGS 84 十进制度（纬度 -90 至 90）。";
    LONGITUDE = "longitude", "经度", "纬度、经度须同时填写，为 WGS 84 十进制度（经度 -180 至 180）。";
    NUMBER = "number", "户号", "户号为 1 至 32 位字母、数字或“-”，且不能与已登记的户重复。";
    MEMBER = "resident_id", "居民", "请选择本网格在册的居民；移出或设为户主时须为本户成员。";
    FORMER_RELATION = "former_relation", "原户主与新户主的关系", "请填写原户主与新户主的关系（不能为“户主”）。";
    CATEGORY = "category", "人群类别", "请选择人群类别；同一居民的同一类别只能登记一次。";
    CONTROL_LEVEL = "control_level", "管控级别", "请选择管控级别。";
    RESPONSIBLE = "responsible", "责任人", "责任人须为该网格的网格员（填写其用户名），或留空。";
    NOTE = "note", "备注", "备注最多 500 字。";
    RECORD_CLOSE_REASON = "reason", "解除原因", "请填写解除原因（2 至 200 字）。";
    VISITED_ON = "visited_on", "走访日期", "请填写走访日期（如 2026-11-30），不能晚于今天，也不能早于登记日期。";
    VISIT_KIND = "kind", "走访方式", "请选择走访方式。";
    VISIT_CONTENT = "content", "走访内容", "请填写走访内容（2 至 2000 字）。";
    REVEAL_REASON = "reason", "查看原因", "请填写查看原因（至少 4 字，最多 500 字），将记入审计日志。";
    ORG_NAME = "name", "单位名称", "请填写单位名称（1 至 100 字）。";
    ORG_KIND = "kind", "单位类别", "请选择单位类别。";
    CREDIT_CODE = "credit_code", "统一社会信用代码", "统一社会信用代码无效（18 位，末位为校验码），或已被登记。";
    CONTACT_NAME = "contact_name", "联系人", "联系人最多 50 字。";
    CONTACT_PHONE = "contact_phone", "联系电话", "联系电话最多 20 字。";
}

/// What a rule refused in a form, by the form's fields: the fields it named with their
/// Chinese messages, or a message for the form as a whole.
#[derive(Debug, Clone, Default)]
pub(super) struct Refused {
    /// The fields named, each once.
    pub fields: Vec<&'static str>,
    /// A message above the form.
    pub general: Option<&'static str>,
}

impl Refused {
    /// The refusal of `error` by a form of `fields`: the fields it names (one it does not
    /// know makes the message general), or `None` for an error that is not about the input.
    pub fn of(error: &RuleError, fields: &[Field]) -> Option<Self> {
        let named = error.field_problems();
        if named.is_empty() {
            return None;
        }
        let mut refused = Self::default();
        for (name, _) in named {
            match fields.iter().find(|f| f.name == name) {
                Some(field) if !refused.fields.contains(&field.name) => {
                    refused.fields.push(field.name);
                }
                Some(_) => {}
                None => refused.general = Some("填写的内容有误，请检查后重新提交。"),
            }
        }
        Some(refused)
    }

    /// Whether `field` was named.
    pub fn names(&self, field: &Field) -> bool {
        self.fields.contains(&field.name)
    }
}

/// The message next to `field` if `refused` names it, with the id the input points at.
pub(super) fn message(field: &Field, refused: Option<&Refused>) -> Markup {
    html! {
        @if refused.is_some_and(|r| r.names(field)) {
            span.field-error id={ (field.name) "-error" } { (field.message) }
        }
    }
}

/// The message above a form, if any.
pub(super) fn general(refused: Option<&Refused>) -> Markup {
    html! {
        @if let Some(text) = refused.and_then(|r| r.general) {
            p.field-error.form-error { (text) }
        } @else if refused.is_some_and(|r| !r.fields.is_empty()) {
            p.field-error.form-error { "有 " (refused.map_or(0, |r| r.fields.len())) " 项填写有误，请按提示修改。" }
        }
    }
}

/// A labelled text input for `field` holding `value`, with its message.
pub(super) fn text_input(
    field: &Field,
    value: &str,
    refused: Option<&Refused>,
    kind: &str,
    extra: Option<&str>,
) -> Markup {
    let invalid = refused.is_some_and(|r| r.names(field));
    html! {
        label {
            (field.label)
            input type=(kind) name=(field.name) value=(value)
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[invalid.then(|| format!("{}-error", field.name))]
                placeholder=[extra];
            (message(field, refused))
        }
    }
}

/// A labelled select for `field` of `(value, label)` choices, `chosen` selected.
pub(super) fn select(
    field: &Field,
    choices: &[(&str, &str)],
    chosen: &str,
    refused: Option<&Refused>,
) -> Markup {
    let invalid = refused.is_some_and(|r| r.names(field));
    html! {
        label {
            (field.label)
            select name=(field.name) aria-invalid=[invalid.then_some("true")] {
                @for (value, label) in choices {
                    option value=(value) selected[*value == chosen] { (label) }
                }
            }
            (message(field, refused))
        }
    }
}

/// The notice of a save that someone else's change beat: the form below shows the record
/// as it stands.
pub(super) const STALE: &str =
    "该记录刚被他人修改，未保存您的修改。下面是最新内容，请核对后重新提交。";

/// The notice of a change refused because the record's state does not allow it.
pub(super) const CLOSED: &str = "该记录已注销（或解除），不能再修改。";

/// Tags as typed: separated by spaces, commas or 、.
pub(super) fn tags_of(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}
