//! A resident's page in the workspace (`/worker/residents/{id}`): the record (masked), its
//! household and house, its history, and one form per act: edit, move (迁移), close (注销),
//! register as a special population (特殊人群), and for holders of the sensitive-data grant, break the glass — the ID number and phone
//! shown whole for this page only, with a reason that goes to the audit log. Registering
//! is `register`; the posted acts are `acts`. Every form goes through the same rule as the
//! API, and a refused one comes back filled in, the bad field named in Chinese.

pub(super) mod acts;
pub(super) mod register;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::forms::{self, Refused};
use super::{history, page};
use crate::auth::Role;
use crate::db::audit::AuditRow;
use crate::grid::calendar::today_in_china;
use crate::grid::special_population::{CATEGORIES, CONTROL_LEVELS};
use crate::http::pages::frame::access::Worker;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::rules::base_data::residents::{self, Shown};
use crate::rules::base_data::{households, houses};
use crate::rules::units;
use crate::state::AppState;

/// Grids a move form offers at most.
const MAX_GRIDS: usize = 300;

/// Houses an edit form offers at most.
const MAX_HOUSES: i64 = 200;

/// The stored names of the genders, population types and close reasons with their
/// Chinese names, as the forms offer them.
pub(super) const GENDERS: [(&str, &str); 2] = [("male", "男"), ("female", "女")];
pub(super) const POPULATION_TYPES: [(&str, &str); 4] = [
    ("registered", "户籍"),
    ("floating", "流动"),
    ("left-behind", "留守"),
    ("foreign", "境外"),
];
const CLOSE_REASONS: [(&str, &str); 2] = [("moved-out", "迁出"), ("deceased", "死亡")];

fn zh<'a>(list: &[(&str, &'a str)], name: &str) -> &'a str {
    list.iter()
        .find(|(n, _)| *n == name)
        .map_or("?", |(_, zh)| zh)
}

/// The edit form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct EditForm {
    pub version: i64,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    /// Blank: unchanged (the page shows it masked).
    pub id_number: String,
    /// Blank: unchanged, unless `clear_phone`.
    pub phone: String,
    pub clear_phone: Option<String>,
    pub population_type: String,
    /// Separated by spaces, commas or 、.
    pub tags: String,
    /// Blank: none.
    pub house_id: String,
}

impl EditForm {
    /// The form filled from the record as it stands.
    fn of(shown: &Shown) -> Self {
        let r = &shown.resident;
        Self {
            version: r.version,
            name: r.name.clone(),
            gender: r.gender.clone(),
            birth_date: r.birth_date.clone(),
            id_number: String::new(),
            phone: String::new(),
            clear_phone: None,
            population_type: r.population_type.clone(),
            tags: r.tags.join(" "),
            house_id: r.house_id.map(|h| h.to_string()).unwrap_or_default(),
        }
    }
}

/// The move form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct MoveForm {
    pub version: i64,
    pub grid_code: String,
}

/// The close form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct CloseForm {
    pub version: i64,
    pub reason: String,
    pub on: String,
}

/// The reveal form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct RevealForm {
    pub reason: String,
}

/// The form that registers the resident as a special population (特殊人群), as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct SpecialForm {
    pub category: String,
    pub control_level: String,
    pub responsible: String,
    pub note: String,
}

/// Which form came back, as typed, and what was refused in it.
#[derive(Debug, Clone, Default)]
pub(super) enum Returned {
    /// None: the page as read.
    #[default]
    None,
    /// The edit form.
    Edit(EditForm, Refused),
    /// The move form.
    Move(MoveForm, Refused),
    /// The close form.
    Close(CloseForm, Refused),
    /// The reveal form.
    Reveal(RevealForm, Refused),
    /// The special-population form.
    Special(SpecialForm, Refused),
}

/// What the page says after a saved act (`?done=…`): the act's name maps to a fixed
/// sentence, so nothing typed into the address shows on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Done {
    /// The edit form saved.
    Saved,
    /// Moved to another grid.
    Moved,
    /// Closed.
    Closed,
}

impl Done {
    /// The name in the address.
    pub fn name(self) -> &'static str {
        match self {
            Self::Saved => "saved",
            Self::Moved => "moved",
            Self::Closed => "closed",
        }
    }

    /// What the page says.
    fn sentence(self) -> &'static str {
        match self {
            Self::Saved => "已保存。",
            Self::Moved => "已迁移；迁入网格的网格员已在单位收件箱收到通知。",
            Self::Closed => "已注销，记录保留在历史中。",
        }
    }
}

/// The page's query: what was just done, if anything.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct DetailQuery {
    done: Option<String>,
}

/// Everything the page shows besides the record.
struct Context {
    household: Option<(i64, String)>,
    house: Option<(i64, String)>,
    houses: Vec<(i64, String)>,
    grids: Vec<(String, String)>,
    history: Vec<AuditRow>,
    may_reveal: bool,
}

async fn context(state: &AppState, worker: &Worker, shown: &Shown) -> Result<Context, PageError> {
    let person = worker.signed_in.person();
    let db = state.db();
    let r = &shown.resident;
    let household = match r.household_id {
        Some(id) => households::get(db, person, id)
            .await
            .ok()
            .map(|h| (h.id, h.number)),
        None => None,
    };
    let house = match r.house_id {
        Some(id) => houses::house(db, person, id)
            .await
            .ok()
            .map(|h| (h.id, h.address)),
        None => None,
    };
    let (listed, _) = houses::page(db, person, &r.grid_code, None, MAX_HOUSES)
        .await
        .map_err(|e| worker.failed(e))?;
    let grids = units::grids_kept(db, person, MAX_GRIDS)
        .await
        .map_err(|e| worker.failed(e))?;
    Ok(Context {
        household,
        house,
        houses: listed.into_iter().map(|h| (h.id, h.address)).collect(),
        grids: grids.into_iter().map(|g| (g.code, g.name)).collect(),
        history: residents::history(db, person, r.id)
            .await
            .map_err(|e| worker.failed(e))?,
        may_reveal: person.grants.has_role_at(Role::SensitiveData, &r.grid_code),
    })
}

/// The resident's page with `returned` (a form as typed and what was refused in it) and
/// `notice` above everything.
pub(super) async fn render(
    state: &AppState,
    worker: &Worker,
    status: StatusCode,
    shown: &Shown,
    returned: &Returned,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let ctx = context(state, worker, shown).await?;
    let r = &shown.resident;
    let closed = r.closed.as_ref();
    let edit = match returned {
        Returned::Edit(form, refused) => (form.clone(), Some(refused)),
        _ => (EditForm::of(shown), None),
    };
    let moving = match returned {
        Returned::Move(form, refused) => (form.clone(), Some(refused)),
        _ => (
            MoveForm {
                version: r.version,
                grid_code: r.grid_code.clone(),
            },
            None,
        ),
    };
    let closing = match returned {
        Returned::Close(form, refused) => (form.clone(), Some(refused)),
        _ => (
            CloseForm {
                version: r.version,
                reason: "moved-out".to_owned(),
                on: today_in_china().to_string(),
            },
            None,
        ),
    };
    let reveal = match returned {
        Returned::Reveal(form, refused) => (form.clone(), Some(refused)),
        _ => (RevealForm::default(), None),
    };
    let special = match returned {
        Returned::Special(form, refused) => (form.clone(), Some(refused)),
        _ => (
            SpecialForm {
                control_level: "3".to_owned(),
                ..SpecialForm::default()
            },
            None,
        ),
    };
    let action = |what: &str| format!("/worker/residents/{}{what}", r.id);
    let content = html! {
        h1 {
            (r.name) " "
            @if let Some(c) = closed {
                span.badge.closed { "已注销（" (zh(&CLOSE_REASONS, &c.reason)) " " (c.on) "）" }
            }
        }
        p { a href={ "/worker/residents?unit=" (encode(&r.grid_code)) } { "返回实有人口列表" } }
        @if let Some(text) = notice { p.notice #page-notice { (text) } }
        div.record-layout {
            section.record {
                dl.record {
                    dt { "性别" } dd { (zh(&GENDERS, &r.gender)) }
                    dt { "出生日期" } dd { (r.birth_date) }
                    dt { "身份证号" } dd.masked #id-number { (r.id_number) }
                    dt { "手机号" } dd.masked #phone { (r.phone.as_deref().unwrap_or("（无）")) }
                    dt { "人口类型" } dd { (zh(&POPULATION_TYPES, &r.population_type)) }
                    dt { "网格" } dd #grid { code { (r.grid_code) } }
                    dt { "户" } dd {
                        @match &ctx.household {
                            Some((id, number)) => {
                                a href={ "/worker/households/" (id) } { (number) }
                                " （" (r.household_relation.as_deref().map_or("", |rel| if rel == "head" { "户主" } else { rel })) "）"
                            }
                            None => { "（无）" }
                        }
                    }
                    dt { "房屋" } dd {
                        @match &ctx.house {
                            Some((id, address)) => { a href={ "/worker/houses/" (id) } { (address) } }
                            None => { "（无）" }
                        }
                    }
                    dt { "标签" } dd { (if r.tags.is_empty() { "（无）".to_owned() } else { r.tags.join("、") }) }
                    dt { "关联核录" } dd { (if r.verified_at.is_some() { "已由部门数据核录" } else { "未核录" }) }
                }
                @if shown.unmasked {
                    p.notice.reveal { "已显示完整的身份证号和手机号（已记入审计日志），仅本页有效。" }
                } @else if ctx.may_reveal {
                    form.worker-action #reveal method="post" action=(action("/reveal")) {
                        h2 { "查看完整身份证号和手机号" }
                        p.muted { "仅在确有需要时查看（如电话联系居民），原因将记入审计日志。" }
                        (forms::general(reveal.1))
                        (forms::text_input(&forms::REVEAL_REASON, &reveal.0.reason, reveal.1, "text", None))
                        button type="submit" { "查看" }
                    }
                }
            }
            @if closed.is_none() {
                section.acts {
                    (edit_form(r.id, &edit.0, edit.1, &ctx.houses))
                    (move_form(r.id, &moving.0, moving.1, &ctx.grids))
                    (special_form(r.id, &special.0, special.1))
                    (close_form(r.id, &closing.0, closing.1))
                }
            }
        }
        (history::table(&ctx.history))
    };
    Ok(page(status, &r.name, worker, content))
}

fn edit_form(
    id: i64,
    form: &EditForm,
    refused: Option<&Refused>,
    houses: &[(i64, String)],
) -> Markup {
    html! {
        form.worker-action #edit method="post" action={ "/worker/residents/" (id) } {
            h2 { "修改信息" }
            (forms::general(refused))
            input type="hidden" name="version" value=(form.version);
            (forms::text_input(&forms::NAME, &form.name, refused, "text", None))
            (forms::select(&forms::GENDER, &GENDERS, &form.gender, refused))
            (forms::text_input(&forms::BIRTH_DATE, &form.birth_date, refused, "text", Some("1990-01-01")))
            (forms::text_input(&forms::ID_NUMBER, &form.id_number, refused, "text", Some("不修改请留空")))
            (forms::text_input(&forms::PHONE, &form.phone, refused, "tel", Some("不修改请留空")))
            label.check {
                input type="checkbox" name="clear_phone" value="1" checked[form.clear_phone.is_some()];
                "清除手机号"
            }
            (forms::select(&forms::POPULATION_TYPE, &POPULATION_TYPES, &form.population_type, refused))
            (forms::text_input(&forms::TAGS, &form.tags, refused, "text", Some("多个标签用空格分隔")))
            label {
                (forms::HOUSE.label)
                select name="house_id" {
                    option value="" selected[form.house_id.is_empty()] { "（无）" }
                    @for (house_id, address) in houses {
                        @let value = house_id.to_string();
                        option value=(value) selected[value == form.house_id] { (address) }
                    }
                }
                (forms::message(&forms::HOUSE, refused))
            }
            button type="submit" { "保存" }
        }
    }
}

fn move_form(
    id: i64,
    form: &MoveForm,
    refused: Option<&Refused>,
    grids: &[(String, String)],
) -> Markup {
    let choices: Vec<(&str, String)> = grids
        .iter()
        .map(|(code, name)| (code.as_str(), format!("{name}（{code}）")))
        .collect();
    let choices: Vec<(&str, &str)> = choices.iter().map(|(c, l)| (*c, l.as_str())).collect();
    html! {
        form.worker-action #move method="post" action={ "/worker/residents/" (id) "/move" } {
            h2 { "迁移到其他网格" }
            p.muted { "迁入网格的网格员会在单位收件箱收到通知。原网格的房屋和户不随迁。" }
            (forms::general(refused))
            input type="hidden" name="version" value=(form.version);
            (forms::select(&forms::GRID, &choices, &form.grid_code, refused))
            button type="submit" { "迁移" }
        }
    }
}

fn special_form(id: i64, form: &SpecialForm, refused: Option<&Refused>) -> Markup {
    html! {
        form.worker-action #special method="post" action={ "/worker/residents/" (id) "/special-population" } {
            h2 { "登记为特殊人群" }
            p.muted { "特殊人群记录仅网格员和单位管理员可见，每次查看都记入审计日志。" }
            (forms::general(refused))
            (forms::select(&forms::CATEGORY, &CATEGORIES, &form.category, refused))
            (forms::select(&forms::CONTROL_LEVEL, &CONTROL_LEVELS, &form.control_level, refused))
            (forms::text_input(&forms::RESPONSIBLE, &form.responsible, refused, "text", Some("网格员的用户名，可留空")))
            (forms::text_input(&forms::NOTE, &form.note, refused, "text", None))
            button type="submit" { "登记" }
        }
    }
}

fn close_form(id: i64, form: &CloseForm, refused: Option<&Refused>) -> Markup {
    html! {
        form.worker-action #close method="post" action={ "/worker/residents/" (id) "/close" } {
            h2 { "注销" }
            p.muted { "注销后记录保留，不再计入实有人口，也不再提供给插件；其特殊人群记录一并解除。" }
            (forms::general(refused))
            input type="hidden" name="version" value=(form.version);
            (forms::select(&forms::CLOSE_REASON, &CLOSE_REASONS, &form.reason, refused))
            (forms::text_input(&forms::CLOSE_ON, &form.on, refused, "text", Some("2026-11-30")))
            button type="submit" { "注销" }
        }
    }
}

/// `GET /worker/residents/{id}`.
pub(super) async fn detail(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let id = super::record_id(&worker, &id)?;
    let shown = residents::get(state.db(), worker.signed_in.person(), id)
        .await
        .map_err(|e| worker.failed(e))?;
    // An unknown `done` says nothing rather than refusing the page.
    let done = query
        .done
        .and_then(|d| serde_json::from_value::<Done>(serde_json::Value::String(d)).ok());
    let notice = done.map(Done::sentence);
    render(
        &state,
        &worker,
        StatusCode::OK,
        &shown,
        &Returned::None,
        notice,
    )
    .await
}
