//! The grid worker's certification page (`/worker/certification`): the pensioners of the
//! worker's grid (their unit) still due this year, and recording an in-person
//! certification. Only grid workers and unit administrators; residents get 403.

use std::collections::HashSet;

use wangge_sdk::prelude::*;
use wangge_sdk::residents;

use crate::bureau::{self, BureauError};
use crate::certification::{self, Outcome};
use crate::model::{Method, mask_id_number};
use crate::ui;

/// The audited reason for reading the ID numbers behind the due list.
pub const REASON_LIST: &str = "待遇资格认证名单";

/// The audited reason for unmasking when a worker records an in-person certification.
pub const REASON_IN_PERSON: &str = "待遇资格认证（网格员上门认证）";

/// The youngest age at which residents are looked at (the earliest pension age).
pub const MIN_AGE: u32 = 55;

/// Residents looked at per page: each is one audited unmasking, and a page has 2 s.
pub const SCAN_PAGE: u32 = 200;

const BACK: Option<(&str, &str)> =
    Some(("/p/social-insurance/worker/certification", "返回认证名单"));

/// A paging cursor as the host wants it: `GRID_CODE:ID`, digits only.
fn valid_cursor(text: &str) -> bool {
    text.split_once(':').is_some_and(|(grid, id)| {
        !grid.is_empty()
            && !id.is_empty()
            && grid.bytes().all(|b| b.is_ascii_digit())
            && id.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A resident id as the host writes it: digits.
fn valid_resident_id(text: &str) -> bool {
    (1..=20).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// `GET /worker/certification`.
pub fn due_list(ctx: &Ctx) -> Result<Response, Error> {
    let caller = ctx.caller();
    if !ui::is_worker(caller) {
        return Ok(ui::workers_only());
    }
    let after = ctx.query_param("after").filter(|a| !a.is_empty());
    if after.as_deref().is_some_and(|a| !valid_cursor(a)) {
        return Ok(ui::message(
            400,
            "待遇资格认证",
            "翻页参数 after 无效。",
            BACK,
        ));
    }
    let scope = caller.unit.code.clone();
    let mut query = ResidentQuery::new()
        .grid_prefix(scope.clone())
        .min_age(MIN_AGE)
        .limit(SCAN_PAGE);
    if let Some(after) = &after {
        query = query.after(after.clone());
    }
    let rows = query.run()?;
    let year = Date::today().year();
    let records = certification::Records::open()?;
    let mut looked_at: Vec<(Resident, String)> = Vec::new();
    for resident in &rows {
        // Certified through this plugin this year: not due, and no need to unmask.
        if records.local(&resident.id, year)?.is_some() {
            continue;
        }
        let unmasked = residents::get_sensitive(&resident.id, REASON_LIST)?;
        looked_at.push((resident.clone(), unmasked.id_number));
    }
    let id_numbers: Vec<String> = looked_at.iter().map(|(_, n)| n.clone()).collect();
    let due: HashSet<String> = match bureau::certification_due(&id_numbers) {
        Ok(due) => due.into_iter().collect(),
        Err(e) => return Ok(ui::bureau_failed(&e, None)),
    };
    let listed: Vec<&(Resident, String)> = looked_at
        .iter()
        .filter(|(_, number)| due.contains(number))
        .collect();
    let next = (rows.len() == SCAN_PAGE as usize)
        .then(|| rows.last().map(|r| format!("{}:{}", r.grid_code, r.id)))
        .flatten();
    let done = ctx
        .query_param("done")
        .filter(|id| valid_resident_id(id))
        .and_then(|id| residents::get(&id).ok());
    Ok(page(
        "待遇资格认证",
        html! {
            h1 { "待遇资格认证名单" }
            @if let Some(done) = &done {
                p .notice role="status" { "已记录 " (done.name) " 的上门认证。" }
            }
            p { (caller.unit.name) "（" (scope) "）年满 " (MIN_AGE) " 周岁、本年度尚未认证的养老金领取人员。" }
            @if listed.is_empty() {
                p #none-due { "暂无待认证人员。" }
            } @else {
                table #due {
                    thead { tr { th { "姓名" } th { "身份证号" } th { "网格" } th { "上门认证" } } }
                    tbody {
                        @for (resident, number) in &listed {
                            tr {
                                td { (resident.name) }
                                td { (mask_id_number(number)) }
                                td { (resident.grid_code) }
                                td {
                                    form method="post" action="certification" {
                                        input type="hidden" name="resident" value=(resident.id);
                                        button type="submit" { "记录上门认证" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = &next {
                p { a href={ "certification?after=" (next) } { "查看后续人员" } }
            }
        },
    ))
}

/// `POST /worker/certification` with `resident=ID`: the worker confirmed the pensioner in
/// person.
pub fn record_in_person(ctx: &Ctx) -> Result<Response, Error> {
    let caller = ctx.caller();
    if !ui::is_worker(caller) {
        return Ok(ui::workers_only());
    }
    let fields = ctx.form_fields();
    let named: Vec<&str> = fields
        .iter()
        .filter(|(name, _)| name == "resident")
        .map(|(_, value)| value.trim())
        .collect();
    let resident_id = match named.as_slice() {
        [id] if valid_resident_id(id) => (*id).to_owned(),
        _ => {
            return Ok(ui::message(
                400,
                "待遇资格认证",
                "表单有误：请从认证名单中选择一位居民再提交。",
                BACK,
            ));
        }
    };
    let resident = match residents::get(&resident_id) {
        Ok(resident) => resident,
        Err(Error::NotFound(_)) => {
            return Ok(ui::message(
                404,
                "待遇资格认证",
                "辖区内没有这位居民。",
                BACK,
            ));
        }
        Err(e) => return Err(e),
    };
    if !resident.grid_code.starts_with(&caller.unit.code) {
        return Ok(ui::message(
            403,
            "待遇资格认证",
            "这位居民不在您负责的网格内，不能为其记录认证。",
            BACK,
        ));
    }
    let unmasked = residents::get_sensitive(&resident_id, REASON_IN_PERSON)?;
    let recorded_by = caller
        .display_name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "网格员".to_owned());
    match certification::certify(
        &resident_id,
        &unmasked.id_number,
        Method::InPerson,
        &recorded_by,
    )? {
        Ok(Outcome::Certified) => Ok(redirect(&format!(
            "/worker/certification?done={resident_id}"
        ))),
        Ok(Outcome::AlreadyCertified(done)) => Ok(ui::message(
            409,
            "待遇资格认证",
            &format!(
                "{} {} 年度的待遇资格认证已经完成{}，无需重复认证。",
                resident.name,
                done.year,
                done.certified_on
                    .map(|date| format!("（{date}）"))
                    .unwrap_or_default()
            ),
            BACK,
        )),
        Err(BureauError::NotPensioner) => Ok(ui::message(
            409,
            "待遇资格认证",
            &format!(
                "{}不是养老金领取人员，无需进行待遇资格认证。",
                resident.name
            ),
            BACK,
        )),
        Err(e) => Ok(ui::bureau_failed(&e, BACK)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_checked() {
        assert!(valid_cursor("420202001001001:17"));
        assert!(!valid_cursor("17"));
        assert!(!valid_cursor("a:1"));
        assert!(valid_resident_id("17"));
        assert!(!valid_resident_id("17; drop"));
        assert!(!valid_resident_id(""));
    }
}
