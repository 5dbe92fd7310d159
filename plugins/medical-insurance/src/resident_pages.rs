//! The pages of residents: the home page, and their own reimbursement claims — submit one,
//! follow its status. A resident sees and submits claims for their own record only (the
//! host names it in `x-wangge-resident-id`).

use wangge_sdk::HandlerResult;
use wangge_sdk::date::format_time;
use wangge_sdk::prelude::*;
use wangge_sdk::residents;

use crate::bureau::{self, Hospital};
use crate::claims::{self, ClaimForm, MAX_DESCRIPTION, Problems};
use crate::model::format_yuan;
use crate::web::{
    bureau_failed, caller_county, href, is_worker, nav, page_param, pager, require_resident,
    see_other,
};

/// `GET /`: what the plugin offers the caller.
pub fn home(ctx: &Ctx) -> HandlerResult {
    Ok(page(
        "医保服务",
        html! {
            (nav(ctx))
            h1 { "城乡居民医保服务" }
            ul {
                li { a href=(href(ctx, "/claims")) { "我的医疗费用报销申请" } "：提交申请，查看审核进度。" }
                li { a href=(href(ctx, "/hospitals")) { "定点医疗机构" } "：黄石市各区县的医保定点医院。" }
                @if is_worker(ctx) {
                    li { a href=(href(ctx, "/worker/campaign")) { "医保缴费动员" } "：本网格尚未缴费的居民、跟进记录与提醒。" }
                    li { a href=(href(ctx, "/worker/claims")) { "报销审核" } "：审核本网格居民的报销申请。" }
                }
            }
            p { "城乡居民医保每年集中缴费，缴费期内未缴费的居民会收到提醒。" }
        },
    ))
}

/// `GET /claims`: the caller's own claims and where they stand. Needs no bureau.
pub fn my_claims(ctx: &Ctx) -> HandlerResult {
    let resident_id = require_resident(ctx)?;
    let page_number = page_param(ctx);
    let listed = claims::of_resident(&resident_id, page_number)?;
    let mine = listed.claims;
    Ok(page(
        "我的报销申请",
        html! {
            (nav(ctx))
            h1 { "我的医疗费用报销申请" }
            p { a href=(href(ctx, "/claims/new")) { "提交新的报销申请" } }
            @if mine.is_empty() && page_number == 0 {
                p { "您还没有提交过报销申请。" }
            } @else {
                table {
                    thead { tr {
                        th { "编号" } th { "医疗机构" } th { "就诊日期" } th { "金额（元）" }
                        th { "状态" } th { "审核意见" }
                    } }
                    tbody {
                        @for (id, claim) in &mine {
                            tr #{ "claim-" (id) } {
                                td { a href=(href(ctx, &format!("/claims/{id}"))) { (id) } }
                                td { (claim.hospital_name) }
                                td { (claim.visit_date) }
                                td .amount { (format_yuan(claim.amount_fen)) }
                                td .status { (claim.status.label()) }
                                td { (claim.latest_note().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
            (pager(ctx, "/claims", page_number, listed.more))
        },
    ))
}

/// `GET /claims/{id}`: one of the caller's claims with its history.
pub fn show_claim(ctx: &Ctx) -> HandlerResult {
    let resident_id = require_resident(ctx)?;
    let id = ctx.param("id")?;
    let claim = claims::get(id)?
        .filter(|c| c.resident_id == resident_id)
        .ok_or_else(|| Error::not_found(format!("您没有编号为 {id} 的报销申请。")))?;
    Ok(page(
        "报销申请",
        html! {
            (nav(ctx))
            h1 { "报销申请 " (id) }
            dl {
                dt { "医疗机构" } dd { (claim.hospital_name) }
                dt { "就诊日期" } dd { (claim.visit_date) }
                dt { "金额" } dd .amount { (format_yuan(claim.amount_fen)) " 元" }
                dt { "说明" } dd { (claim.description) }
                dt { "状态" } dd .status { (claim.status.label()) }
            }
            h2 { "办理经过" }
            ol {
                @for step in &claim.history {
                    li {
                        (format_time(step.at)) " " (step.status.label()) "（" (step.by) "）"
                        @if !step.note.is_empty() { "：" (step.note) }
                    }
                }
            }
            p { a href=(href(ctx, "/claims")) { "返回我的申请" } }
        },
    ))
}

/// The designated hospitals of the caller's county, or the page saying the bureau is down.
fn county_hospitals(ctx: &Ctx) -> Result<Result<Vec<Hospital>, Response>, Error> {
    let county = caller_county(ctx)
        .ok_or_else(|| Error::denied("无法确定您所在的区县，请联系社区网格员。"))?;
    match bureau::hospitals(&county) {
        Ok(hospitals) => Ok(Ok(hospitals)),
        Err(error) => Ok(Err(bureau_failed(ctx, "提交报销申请", error)?)),
    }
}

/// `GET /claims/new`: the claim form.
pub fn new_claim(ctx: &Ctx) -> HandlerResult {
    require_resident(ctx)?;
    let hospitals = match county_hospitals(ctx)? {
        Ok(hospitals) => hospitals,
        Err(down) => return Ok(down),
    };
    Ok(claim_form(
        ctx,
        200,
        &hospitals,
        &ClaimForm::default(),
        &Problems::default(),
    ))
}

/// `POST /claims`: stores the caller's claim, or shows the form again with each problem
/// next to its field and what was typed kept.
pub fn submit_claim(ctx: &Ctx) -> HandlerResult {
    let resident_id = require_resident(ctx)?;
    let form: ClaimForm = ctx.form().unwrap_or_default();
    let hospitals = match county_hospitals(ctx)? {
        Ok(hospitals) => hospitals,
        Err(down) => return Ok(down),
    };
    if form
        .resident
        .as_deref()
        .is_some_and(|other| !other.is_empty() && other != resident_id)
    {
        let problems = Problems {
            form: Some("只能为本人提交报销申请，不能代他人提交。".to_owned()),
            ..Problems::default()
        };
        return Ok(claim_form(ctx, 403, &hospitals, &form, &problems));
    }
    let checked = match claims::check(&form, &hospitals, Date::today()) {
        Ok(checked) => checked,
        Err(problems) => return Ok(claim_form(ctx, 400, &hospitals, &form, &problems)),
    };
    let resident = residents::get(&resident_id)?;
    let claim = claims::new_claim(checked, resident.id, resident.name, resident.grid_code);
    let id = claims::add(&claim)?;
    Ok(see_other(ctx, &format!("/claims/{id}")))
}

fn claim_form(
    ctx: &Ctx,
    status: u16,
    hospitals: &[Hospital],
    typed: &ClaimForm,
    problems: &Problems,
) -> Response {
    let today = Date::today();
    let error = |problem: &Option<String>, field: &str| {
        html! {
            @if let Some(problem) = problem {
                p .error id={ (field) "-error" } role="alert" { (problem) }
            }
        }
    };
    page_with_status(
        status,
        "提交报销申请",
        html! {
            (nav(ctx))
            h1 { "提交医疗费用报销申请" }
            (error(&problems.form, "form"))
            form method="post" action=(href(ctx, "/claims")) {
                label for="hospital" { "就诊的定点医疗机构" }
                select #hospital name="hospital" required {
                    option value="" { "请选择" }
                    @for h in hospitals {
                        option value=(h.code) selected[h.code == typed.hospital.trim()] {
                            (h.name) @if !h.level.is_empty() { "（" (h.level) "）" }
                        }
                    }
                }
                (error(&problems.hospital, "hospital"))
                label for="visit_date" { "就诊日期" }
                input #visit_date type="date" name="visit_date" value=(typed.visit_date)
                    max=(today.to_string()) required;
                (error(&problems.visit_date, "visit_date"))
                label for="amount" { "报销金额（元）" }
                input #amount name="amount" inputmode="decimal" value=(typed.amount) required;
                (error(&problems.amount, "amount"))
                label for="description" { "就诊情况说明" }
                textarea #description name="description" maxlength=(MAX_DESCRIPTION) required {
                    (typed.description)
                }
                (error(&problems.description, "description"))
                button type="submit" { "提交申请" }
            }
        },
    )
}
