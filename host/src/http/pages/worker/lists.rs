//! The unit lists: `/worker/residents`, `/worker/houses` and `/worker/special-populations`,
//! each `?unit=CODE[&after=CURSOR]`, 50 rows a page with a 下一页 link on the keyset cursor.
//! The same rules as the JSON API: ID numbers and phones masked, and every
//! special-population read audited.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::{page, unit_links};
use crate::grid::special_population::category_zh;
use crate::http::pages::frame::access::WorkerAt;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::encode;
use crate::rules::{houses, residents, special_populations};
use crate::state::AppState;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// A list page's query besides its unit (which [`WorkerAt`] reads).
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    /// `GRID_CODE:ID` of the last row of the previous page.
    after: Option<String>,
}

/// The heading, the unit's sections and the 下一页 link around a list.
fn list_page(
    at: &WorkerAt,
    title: &str,
    path: &str,
    next: Option<&str>,
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
            (table)
            @if let Some(next) = next {
                p.pager {
                    a rel="next" href={ (path) "?unit=" (encode(unit)) "&after=" (encode(next)) } { "下一页" }
                }
            }
        },
    )
}

fn gender_zh(gender: &str) -> &str {
    match gender {
        "male" => "男",
        "female" => "女",
        other => other,
    }
}

pub(super) async fn residents(
    State(state): State<AppState>,
    at: WorkerAt,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (rows, next) = residents::page(
        state.db(),
        at.worker.signed_in.person(),
        &at.unit,
        query.after.as_deref(),
        PAGE_SIZE,
    )
    .await
    .map_err(|e| at.worker.failed(e))?;
    let table = html! {
        @if rows.is_empty() {
            p.notice { "暂无实有人口记录。" }
        } @else {
            table.worker-list.residents {
                thead { tr { th { "姓名" } th { "性别" } th { "出生日期" } th { "身份证号" } th { "电话" } th { "网格" } } }
                tbody {
                    @for shown in &rows {
                        @let r = &shown.resident;
                        tr {
                            td { (r.name) }
                            td { (gender_zh(&r.gender)) }
                            td { (r.birth_date) }
                            td.masked { (r.id_number) }
                            td.masked { (r.phone.as_deref().unwrap_or_default()) }
                            td { code { (r.grid_code) } }
                        }
                    }
                }
            }
        }
    };
    Ok(list_page(
        &at,
        "实有人口",
        "/worker/residents",
        next.as_deref(),
        table,
    ))
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
    let table = html! {
        @if rows.is_empty() {
            p.notice { "暂无实有房屋记录。" }
        } @else {
            table.worker-list.houses {
                thead { tr { th { "地址" } th { "用途" } th { "网格" } } }
                tbody {
                    @for h in &rows {
                        tr {
                            td { (h.address) }
                            td { (h.usage) }
                            td { code { (h.grid_code) } }
                        }
                    }
                }
            }
        }
    };
    Ok(list_page(
        &at,
        "实有房屋",
        "/worker/houses",
        next.as_deref(),
        table,
    ))
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
    let table = html! {
        @if rows.is_empty() {
            p.notice { "暂无特殊人群记录。" }
        } @else {
            table.worker-list.special-populations {
                thead { tr { th { "姓名" } th { "类别" } th { "管控级别" } th { "责任人" } th { "备注" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { (r.resident_name) }
                            td { (category_zh(&r.category)) }
                            td { (r.control_level) }
                            td { (r.responsible.as_deref().unwrap_or("—")) }
                            td { (r.note) }
                        }
                    }
                }
            }
        }
    };
    Ok(list_page(
        &at,
        "特殊人群",
        "/worker/special-populations",
        next.as_deref(),
        table,
    ))
}
