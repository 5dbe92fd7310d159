//! The unit lists: `/worker/residents`, `/worker/houses` and `/worker/special-populations`,
//! each `?unit=CODE[&after=CURSOR]`, 50 rows a page with a 下一页 link on the keyset cursor.
//! The same role checks and queries as the JSON API: ID numbers and phones masked, and
//! every special-population read audited by the API's own function.

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::{failed, page, unit_links, worker_at};
use crate::auth::Role;
use crate::grid::masking::{mask_id_number, mask_phone};
use crate::grid::special_population::category_zh;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::CurrentUser;
use crate::http::houses_api::BASE_DATA_ROLES;
use crate::http::portal::encode;
use crate::http::residents_api::LIST_ROLES;
use crate::http::scope::{next_cursor, page_after, require_role};
use crate::http::special_populations_api::read_records;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// A list page's query.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    pub(super) unit: Option<String>,
    /// `GRID_CODE:ID` of the last row of the previous page.
    pub(super) after: Option<String>,
}

/// The heading, the unit's sections and the 下一页 link around a list.
fn list_page(
    current: &CurrentUser,
    title: &str,
    path: &str,
    unit: &str,
    next: Option<&str>,
    table: Markup,
) -> Response {
    page(
        StatusCode::OK,
        title,
        current,
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

/// One page of a unit's rows for a list page and the cursor of the page after it: the
/// JSON API's role check for reading them at `unit` (`what` words a refusal), the `after`
/// cursor parsed as `GRID_CODE:ID`, then `fetch` from there (`key` gives a row's grid and
/// ID). `Err` is the error page for whatever stopped it.
async fn rows_page<'q, T, Fut>(
    current: &CurrentUser,
    roles: &[Role],
    unit: &str,
    what: &str,
    after: Option<&'q str>,
    fetch: impl FnOnce(Option<(&'q str, i64)>) -> Fut,
    key: impl Fn(&T) -> (&str, i64),
) -> Result<(Vec<T>, Option<String>), Box<Response>>
where
    Fut: Future<Output = sqlx::Result<Vec<T>>>,
{
    let rows = async {
        require_role(&current.grants, roles, unit, what)?;
        let after = page_after(after)?;
        Ok::<_, ApiError>(fetch(after).await?)
    }
    .await
    .map_err(|error| Box::new(failed(current, error)))?;
    let next = next_cursor(rows.len(), PAGE_SIZE, rows.last().map(key));
    Ok((rows, next))
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
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (current, unit) = match worker_at(found, &uri, query.unit.as_deref()) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let (rows, next) = match rows_page(
        &current,
        &LIST_ROLES,
        &unit,
        "listing residents",
        query.after.as_deref(),
        |after| state.db().residents_under(&unit, after, PAGE_SIZE),
        |r| (r.grid_code.as_str(), r.id),
    )
    .await
    {
        Ok(page) => page,
        Err(response) => return *response,
    };
    let table = html! {
        @if rows.is_empty() {
            p.notice { "暂无实有人口记录。" }
        } @else {
            table.worker-list.residents {
                thead { tr { th { "姓名" } th { "性别" } th { "出生日期" } th { "身份证号" } th { "电话" } th { "网格" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { (r.name) }
                            td { (gender_zh(&r.gender)) }
                            td { (r.birth_date) }
                            td.masked { (mask_id_number(&r.id_number)) }
                            td.masked { (r.phone.as_deref().map(mask_phone).unwrap_or_default()) }
                            td { code { (r.grid_code) } }
                        }
                    }
                }
            }
        }
    };
    list_page(
        &current,
        "实有人口",
        "/worker/residents",
        &unit,
        next.as_deref(),
        table,
    )
}

pub(super) async fn houses(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (current, unit) = match worker_at(found, &uri, query.unit.as_deref()) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let (rows, next) = match rows_page(
        &current,
        &BASE_DATA_ROLES,
        &unit,
        "listing houses",
        query.after.as_deref(),
        |after| state.db().houses_under(&unit, after, PAGE_SIZE),
        |h| (h.grid_code.as_str(), h.id),
    )
    .await
    {
        Ok(page) => page,
        Err(response) => return *response,
    };
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
    list_page(
        &current,
        "实有房屋",
        "/worker/houses",
        &unit,
        next.as_deref(),
        table,
    )
}

pub(super) async fn special_populations(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (current, unit) = match worker_at(found, &uri, query.unit.as_deref()) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let (rows, next) = match read_records(
        &state,
        &current,
        &unit,
        None,
        query.after.as_deref(),
        Some(PAGE_SIZE),
    )
    .await
    {
        Ok(found) => found,
        Err(error) => return failed(&current, error),
    };
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
    list_page(
        &current,
        "特殊人群",
        "/worker/special-populations",
        &unit,
        next.as_deref(),
        table,
    )
}
