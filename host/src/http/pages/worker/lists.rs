//! The unit lists: `/worker/residents` (with a search box: by name, ID number, phone or
//! address), `/worker/houses`, `/worker/organizations` and `/worker/special-populations`,
//! each `?unit=CODE[&after=CURSOR]`, 50 rows a page with a 下一页 link on the keyset
//! cursor, each row a link to its record's page. The same rules as the JSON API: ID
//! numbers and phones masked, every special-population read and every search by ID number
//! audited.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::residents::{GENDERS, POPULATION_TYPES};
use super::{page, unit_links};
use crate::grid::special_population::category_zh;
use crate::http::pages::frame::access::WorkerAt;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::rules::RuleError;
use crate::rules::base_data::residents::SearchBy;
use crate::rules::base_data::{houses, organizations, residents, special_populations};
use crate::state::AppState;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// A list page's query besides its unit (which [`WorkerAt`] reads).
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    /// `GRID_CODE:ID` of the last row of the previous page.
    after: Option<String>,
    /// A search (the residents list).
    q: Option<String>,
    /// What the search is by (`name`, `id_number`, `phone`, `address`; blank: guessed).
    by: Option<String>,
}

/// The heading, the unit's sections, `tools` and the 下一页 link around a list.
fn list_page(
    at: &WorkerAt,
    title: &str,
    next_link: Option<String>,
    tools: Markup,
    table: Markup,
) -> Response {
    let unit = &at.unit;
    page(
        StatusCode::OK,
        title,
        &at.worker,
        html! {
            h1 { (title) " " small.muted { code { (unit) } } }
            (unit_links(unit))
            (tools)
            (table)
            @if let Some(next) = next_link {
                p.pager { a rel="next" href=(next) { "下一页" } }
            }
        },
    )
}

fn zh<'a>(list: &[(&str, &'a str)], name: &'a str) -> &'a str {
    list.iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, zh)| zh)
}

const SEARCH_KEYS: [(&str, &str); 5] = [
    ("", "自动识别"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("phone", "手机号"),
    ("address", "地址"),
];

pub(super) async fn residents(
    State(state): State<AppState>,
    at: WorkerAt,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let person = at.worker.signed_in.person();
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let by = query.by.as_deref().filter(|b| !b.is_empty());
    let mut problem = None;
    let found = match q {
        Some(q) => {
            // An unknown key guesses from the text, as leaving it out does.
            let by: Option<SearchBy> = by.map(SearchBy::parse).transpose().unwrap_or_default();
            residents::search(
                state.db(),
                person,
                &at.unit,
                q,
                by,
                query.after.as_deref(),
                PAGE_SIZE,
            )
            .await
        }
        None => {
            residents::page(
                state.db(),
                person,
                &at.unit,
                query.after.as_deref(),
                PAGE_SIZE,
            )
            .await
        }
    };
    let (rows, next) = match found {
        Ok(found) => found,
        Err(RuleError::Invalid { field, .. }) if field == "q" => {
            problem = Some("请输入 1 至 100 字的查询内容。");
            (Vec::new(), None)
        }
        Err(error) => return Err(at.worker.failed(error)),
    };
    let unit = encode(&at.unit);
    let next_link = next.as_ref().map(|next| {
        let mut link = format!("/worker/residents?unit={unit}&after={}", encode(next));
        if let Some(q) = q {
            link.push_str(&format!("&q={}&by={}", encode(q), encode(by.unwrap_or(""))));
        }
        link
    });
    let tools = html! {
        div.list-tools {
            form.search #resident-search method="get" action="/worker/residents" role="search" {
                input type="hidden" name="unit" value=(at.unit);
                label {
                    "查找居民"
                    input type="search" name="q" value=(q.unwrap_or("")) placeholder="姓名、身份证号、手机号或地址"
                        aria-describedby=[problem.map(|_| "q-error")];
                }
                label {
                    "按"
                    select name="by" {
                        @for (value, label) in SEARCH_KEYS {
                            option value=(value) selected[by.unwrap_or("") == value] { (label) }
                        }
                    }
                }
                button type="submit" { "查找" }
                @if let Some(problem) = problem { span.field-error #q-error { (problem) } }
            }
            a.button href={ "/worker/residents/new?unit=" (unit) } { "登记居民" }
        }
        @if q.is_some() {
            p.muted {
                "查找“" (q.unwrap_or("")) "”：" (rows.len()) " 条" (if next.is_some() { "以上" } else { "" }) "。"
                a href={ "/worker/residents?unit=" (unit) } { "显示全部" }
            }
        }
    };
    let table = html! {
        @if rows.is_empty() {
            p.notice { (if q.is_some() { "没有找到符合条件的居民。" } else { "暂无实有人口记录。" }) }
        } @else {
            table.worker-list.residents {
                thead { tr {
                    th { "姓名" } th { "性别" } th { "出生日期" } th { "身份证号" } th { "手机号" }
                    th { "人口类型" } th { "网格" } th { "标签" } th { "核录" }
                } }
                tbody {
                    @for shown in &rows {
                        @let r = &shown.resident;
                        tr {
                            td { a href={ "/worker/residents/" (r.id) } { (r.name) } }
                            td { (zh(&GENDERS, &r.gender)) }
                            td { (r.birth_date) }
                            td.masked { (r.id_number) }
                            td.masked { (r.phone.as_deref().unwrap_or_default()) }
                            td { (zh(&POPULATION_TYPES, &r.population_type)) }
                            td { code { (r.grid_code) } }
                            td { (r.tags.join("、")) }
                            td { (if r.verified_at.is_some() { "已核录" } else { "—" }) }
                        }
                    }
                }
            }
        }
    };
    Ok(list_page(&at, "实有人口", next_link, tools, table))
}

fn next_of(path: &str, unit: &str, next: Option<String>) -> Option<String> {
    next.map(|next| format!("{path}?unit={}&after={}", encode(unit), encode(&next)))
}

pub(super) async fn houses(
    State(state): State<AppState>,
    at: WorkerAt,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (rows, next) = houses::page(
        state.db(),
        at.worker.signed_in.person(),
        &at.unit,
        query.after.as_deref(),
        PAGE_SIZE,
    )
    .await
    .map_err(|e| at.worker.failed(e))?;
    let tools = html! {
        div.list-tools {
            a.button href={ "/worker/houses/new?unit=" (encode(&at.unit)) } { "新增房屋" }
            a.button.secondary href={ "/worker/households/new?unit=" (encode(&at.unit)) } { "新建户" }
        }
    };
    let table = html! {
        @if rows.is_empty() {
            p.notice { "暂无实有房屋记录。" }
        } @else {
            table.worker-list.houses {
                thead { tr { th { "地址" } th { "用途" } th { "网格" } th { "定位" } th { "核录" } } }
                tbody {
                    @for h in &rows {
                        tr {
                            td { a href={ "/worker/houses/" (h.id) } { (h.address) } }
                            td { (super::houses::usage_zh(&h.usage)) }
                            td { code { (h.grid_code) } }
                            td { (if h.grid_source == "boundary" { "按坐标" } else { "按填报" }) }
                            td { (if h.verified_at.is_some() { "已核录" } else { "—" }) }
                        }
                    }
                }
            }
        }
    };
    let next_link = next_of("/worker/houses", &at.unit, next);
    Ok(list_page(&at, "实有房屋", next_link, tools, table))
}

pub(super) async fn organizations(
    State(state): State<AppState>,
    at: WorkerAt,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (rows, next) = organizations::page(
        state.db(),
        at.worker.signed_in.person(),
        &at.unit,
        query.after.as_deref(),
        PAGE_SIZE,
    )
    .await
    .map_err(|e| at.worker.failed(e))?;
    let tools = html! {
        div.list-tools {
            a.button href={ "/worker/organizations/new?unit=" (encode(&at.unit)) } { "登记单位" }
        }
    };
    let table = html! {
        @if rows.is_empty() {
            p.notice { "暂无实有单位记录。" }
        } @else {
            table.worker-list.organizations {
                thead { tr { th { "名称" } th { "类别" } th { "统一社会信用代码" } th { "地址" } th { "联系人" } th { "联系电话" } th { "网格" } } }
                tbody {
                    @for o in &rows {
                        tr {
                            td { a href={ "/worker/organizations/" (o.id) } { (o.name) } }
                            td { (super::organizations::kind_zh(&o.kind)) }
                            td.masked { (o.credit_code.as_deref().unwrap_or("—")) }
                            td { (o.address) }
                            td { (o.contact_name.as_deref().unwrap_or("—")) }
                            td.masked { (o.contact_phone.as_deref().unwrap_or("—")) }
                            td { code { (o.grid_code) } }
                        }
                    }
                }
            }
        }
    };
    let next_link = next_of("/worker/organizations", &at.unit, next);
    Ok(list_page(&at, "实有单位", next_link, tools, table))
}

pub(super) async fn special_populations(
    State(state): State<AppState>,
    at: WorkerAt,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (rows, next) = special_populations::page(
        state.db(),
        at.worker.signed_in.person(),
        &at.unit,
        None,
        query.after.as_deref(),
        PAGE_SIZE,
    )
    .await
    .map_err(|e| at.worker.failed(e))?;
    let tools = html! {
        div.list-tools {
            a.button href={ "/worker/special-populations/overdue?unit=" (encode(&at.unit)) } { "走访逾期" }
        }
    };
    let table = html! {
        @if rows.is_empty() {
            p.notice { "暂无特殊人群记录。" }
        } @else {
            table.worker-list.special-populations {
                thead { tr { th { "姓名" } th { "类别" } th { "管控级别" } th { "责任人" } th { "最近走访" } th { "备注" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { a href={ "/worker/special-populations/" (r.id) } { (r.resident_name) } }
                            td { (category_zh(&r.category)) }
                            td { (super::special_populations::level_zh(&r.control_level)) }
                            td { (r.responsible.as_deref().unwrap_or("—")) }
                            td { (r.last_visited_on.as_deref().unwrap_or("未走访")) }
                            td { (r.note) }
                        }
                    }
                }
            }
        }
    };
    let next_link = next_of("/worker/special-populations", &at.unit, next);
    Ok(list_page(&at, "特殊人群", next_link, tools, table))
}
