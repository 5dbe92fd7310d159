//! The pages of grid workers and unit admins: the campaign list of their unit with
//! follow-ups and reminders, and the review of their residents' claims.

use serde::Deserialize;
use wangge_sdk::HandlerResult;
use wangge_sdk::date::{format_time, now_ms};
use wangge_sdk::prelude::*;
use wangge_sdk::{Resident, residents};

use crate::campaign::{self, LIST_REASON, PAGE_SIZE};
use crate::claims::{self, Decision, MAX_NOTE};
use crate::model::{FollowUp, Outcome, format_yuan};
use crate::web::{
    bureau_failed, caller_name, href, nav, page_param, pager, require_worker, see_other,
};

/// The longest follow-up note kept.
const MAX_FOLLOW_UP_NOTE: usize = 200;

/// A resident of the caller's unit, or 404 saying so: workers act on their own grid only.
fn resident_of_unit(ctx: &Ctx, id: &str) -> Result<Resident, Error> {
    let not_found = || Error::not_found(format!("您负责的网格中没有编号为 {id} 的居民。"));
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_found());
    }
    match residents::get(id) {
        Ok(resident) if resident.grid_code.starts_with(&ctx.caller().unit.code) => Ok(resident),
        Ok(_) | Err(Error::NotFound(_)) => Err(not_found()),
        Err(other) => Err(other),
    }
}

/// `GET /worker/campaign[?after=CURSOR]`: residents of the caller's unit who have not paid
/// for the campaign year, with follow-ups and the last reminder.
pub fn campaign_list(ctx: &Ctx) -> HandlerResult {
    require_worker(ctx)?;
    let title = "医保缴费动员";
    let unit = ctx.caller().unit.clone();
    let after = ctx.query_param("after").filter(|a| !a.is_empty());
    let checked =
        match campaign::check_page(Some(&unit.code), after.as_deref(), PAGE_SIZE, LIST_REASON) {
            Ok(checked) => checked,
            Err(error) => return bureau_failed(ctx, title, error),
        };
    let year = match checked.year {
        Some(year) => year,
        None => campaign::campaign_year()?,
    };
    let mut rows = Vec::with_capacity(checked.unpaid.len());
    for resident in checked.unpaid {
        let follow_ups = campaign::follow_ups(&resident.id, year)?;
        let reminder = campaign::last_reminder(&resident.id)?.filter(|r| r.year == year);
        rows.push((resident, follow_ups, reminder));
    }
    // After a reminder from this list: name whom, if they are on this page.
    let notice = ctx.query_param("reminded").and_then(|id| {
        rows.iter()
            .find(|(resident, _, _)| resident.id == id)
            .map(|(resident, _, _)| format!("已向{}发送缴费提醒。", resident.name))
    });
    Ok(page(
        title,
        html! {
            (nav(ctx))
            h1 { (unit.name) " · " span #campaign-year { (year) } " 年度城乡居民医保缴费动员" }
            @if let Some(notice) = notice { p .notice role="status" { (notice) } }
            p {
                "本页核对了 " (checked.checked) " 位居民，其中 "
                strong #unpaid-count { (rows.len()) } " 位尚未缴纳 " (year) " 年度医保。"
            }
            @if rows.is_empty() {
                p { "本页居民均已缴费。" }
            } @else {
                table {
                    thead { tr {
                        th { "姓名" } th { "身份证号" } th { "网格" } th { "跟进情况" }
                        th { "最近提醒" } th { "操作" }
                    } }
                    tbody {
                        @for (resident, follow_ups, reminder) in &rows {
                            tr #{ "resident-" (resident.id) } {
                                td { (resident.name) }
                                td { (resident.id_number) }
                                td { (resident.grid_code) }
                                td {
                                    @if let Some(last) = follow_ups.last() {
                                        span .outcome { (last.outcome.label()) }
                                        @if !last.note.is_empty() { "：" (last.note) }
                                        br; small { (last.by) " " (format_time(last.at)) }
                                        @if follow_ups.len() > 1 {
                                            br; small { "共跟进 " (follow_ups.len()) " 次" }
                                        }
                                    } @else {
                                        "未跟进"
                                    }
                                }
                                td {
                                    @if let Some(reminder) = reminder {
                                        (format_time(reminder.at)) br; small { (reminder.by) }
                                    } @else { "未提醒" }
                                }
                                td {
                                    a href=(href(ctx, &format!("/worker/campaign/{}/follow-up", resident.id))) { "记录跟进" }
                                    form method="post" action=(href(ctx, &format!("/worker/campaign/{}/remind", resident.id))) {
                                        button type="submit" { "发送提醒" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = &checked.next {
                p { a href=(href(ctx, &format!("/worker/campaign?after={next}"))) { "下一页" } }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
struct FollowUpForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

fn follow_up_page(
    ctx: &Ctx,
    status: u16,
    resident: &Resident,
    typed: &FollowUpForm,
    problems: (Option<&str>, Option<&str>),
) -> Result<Response, Error> {
    let year = campaign::campaign_year()?;
    let earlier = campaign::follow_ups(&resident.id, year)?;
    Ok(page_with_status(
        status,
        "记录跟进",
        html! {
            (nav(ctx))
            h1 { "记录跟进：" (resident.name) }
            p { (year) " 年度城乡居民医保缴费动员" }
            @if !earlier.is_empty() {
                ul {
                    @for f in &earlier {
                        li { (format_time(f.at)) " " (f.by) "：" (f.outcome.label())
                             @if !f.note.is_empty() { "，" (f.note) } }
                    }
                }
            }
            form method="post" action=(href(ctx, &format!("/worker/campaign/{}/follow-up", resident.id))) {
                fieldset {
                    legend { "跟进结果" }
                    @for outcome in Outcome::ALL {
                        label {
                            input type="radio" name="outcome" value=(outcome.code())
                                checked[Outcome::parse(&typed.outcome) == Some(outcome)];
                            (outcome.label())
                        }
                    }
                    @if let Some(problem) = problems.0 { p .error #outcome-error role="alert" { (problem) } }
                }
                label for="note" { "备注" }
                textarea #note name="note" maxlength=(MAX_FOLLOW_UP_NOTE) { (typed.note) }
                @if let Some(problem) = problems.1 { p .error #note-error role="alert" { (problem) } }
                button type="submit" { "保存" }
            }
            p { a href=(href(ctx, "/worker/campaign")) { "返回名单" } }
        },
    ))
}

/// `GET /worker/campaign/{resident}/follow-up`: the follow-up form.
pub fn follow_up_form(ctx: &Ctx) -> HandlerResult {
    require_worker(ctx)?;
    let resident = resident_of_unit(ctx, ctx.param("resident")?)?;
    follow_up_page(ctx, 200, &resident, &FollowUpForm::default(), (None, None))
}

/// `POST /worker/campaign/{resident}/follow-up`: records what came of a call or visit.
pub fn record_follow_up(ctx: &Ctx) -> HandlerResult {
    require_worker(ctx)?;
    let resident = resident_of_unit(ctx, ctx.param("resident")?)?;
    let form: FollowUpForm = ctx.form().unwrap_or_default();
    let outcome = Outcome::parse(form.outcome.trim());
    let outcome_problem = match outcome {
        None if form.outcome.trim().is_empty() => Some("请选择跟进结果。"),
        None => Some("跟进结果只能是：已缴费、承诺缴费、拒绝、联系不上。"),
        Some(_) => None,
    };
    let note = form.note.trim();
    let note_problem =
        (note.chars().count() > MAX_FOLLOW_UP_NOTE).then_some("备注不能超过 200 个字。");
    let Some(outcome) = outcome.filter(|_| note_problem.is_none()) else {
        return follow_up_page(ctx, 400, &resident, &form, (outcome_problem, note_problem));
    };
    campaign::add_follow_up(
        &resident.id,
        FollowUp {
            year: campaign::campaign_year()?,
            outcome,
            note: note.to_owned(),
            by: caller_name(ctx),
            at: now_ms(),
        },
    )?;
    Ok(see_other(ctx, "/worker/campaign"))
}

/// `POST /worker/campaign/{resident}/remind`: a reminder now, if they have not paid.
pub fn send_reminder(ctx: &Ctx) -> HandlerResult {
    require_worker(ctx)?;
    let title = "发送缴费提醒";
    let resident = resident_of_unit(ctx, ctx.param("resident")?)?;
    let (unpaid, year) = match campaign::resident_unpaid(&resident.id, LIST_REASON) {
        Ok(answer) => answer,
        Err(error) => return bureau_failed(ctx, title, error),
    };
    if !unpaid {
        return Ok(page_with_status(
            409,
            title,
            html! {
                (nav(ctx))
                h1 { (title) }
                p .notice { (resident.name) "已缴纳 " (year) " 年度医保，无需提醒。" }
                p { a href=(href(ctx, "/worker/campaign")) { "返回名单" } }
            },
        ));
    }
    if let Err(error) = campaign::remind(&resident, year, &caller_name(ctx)) {
        return Ok(page_with_status(
            503,
            title,
            html! {
                (nav(ctx))
                h1 { (title) }
                p .error role="alert" { "提醒未能送达：" (error.message()) }
                p { a href=(href(ctx, "/worker/campaign")) { "返回名单" } }
            },
        ));
    }
    Ok(see_other(
        ctx,
        &format!("/worker/campaign?reminded={}", resident.id),
    ))
}

/// `GET /worker/claims`: claims of residents in the caller's unit, newest first.
pub fn claims_list(ctx: &Ctx) -> HandlerResult {
    require_worker(ctx)?;
    review_page(ctx, 200, None)
}

fn review_page(ctx: &Ctx, status: u16, problem: Option<(&str, &str)>) -> HandlerResult {
    let unit = ctx.caller().unit.clone();
    let page_number = page_param(ctx);
    let listed = claims::of_unit(&unit.code, page_number)?;
    let list = listed.claims;
    Ok(page_with_status(
        status,
        "报销审核",
        html! {
            (nav(ctx))
            h1 { (unit.name) " · 医疗费用报销审核" }
            @if let Some((_, problem)) = problem { p .error role="alert" { (problem) } }
            @if list.is_empty() && page_number == 0 {
                p { "暂无报销申请。" }
            } @else {
                table {
                    thead { tr {
                        th { "编号" } th { "居民" } th { "医疗机构" } th { "就诊日期" }
                        th { "金额（元）" } th { "说明" } th { "状态" } th { "审核" }
                    } }
                    tbody {
                        @for (id, claim) in &list {
                            tr #{ "claim-" (id) } {
                                td { (id) }
                                td { (claim.resident_name) }
                                td { (claim.hospital_name) }
                                td { (claim.visit_date) }
                                td .amount { (format_yuan(claim.amount_fen)) }
                                td { (claim.description) }
                                td {
                                    span .status { (claim.status.label()) }
                                    @if let Some(note) = claim.latest_note() { br; small { (note) } }
                                }
                                td {
                                    @if !claim.status.is_final() {
                                        form method="post" action=(href(ctx, &format!("/worker/claims/{id}/review"))) {
                                            @if problem.is_some_and(|(at, _)| at == id.as_str()) {
                                                p .error { (problem.map(|(_, p)| p).unwrap_or_default()) }
                                            }
                                            label { "意见 " input name="note" maxlength=(MAX_NOTE); }
                                            @if claim.status == crate::model::ClaimStatus::Submitted {
                                                button type="submit" name="action" value="review" { "开始审核" }
                                            }
                                            button type="submit" name="action" value="approve" { "通过" }
                                            button type="submit" name="action" value="return" { "退回" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (pager(ctx, "/worker/claims", page_number, listed.more))
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

/// `POST /worker/claims/{id}/review`: starts reviewing, approves or returns a claim.
pub fn review(ctx: &Ctx) -> HandlerResult {
    require_worker(ctx)?;
    let id = ctx.param("id")?;
    let not_found = || Error::not_found(format!("您负责的网格中没有编号为 {id} 的报销申请。"));
    let mut claim = claims::get(id)?.ok_or_else(not_found)?;
    if !claim.grid_code.starts_with(&ctx.caller().unit.code) {
        return Err(not_found());
    }
    let form: ReviewForm = ctx.form().unwrap_or_default();
    let Some(decision) = Decision::parse(form.action.trim()) else {
        return review_page(
            ctx,
            400,
            Some((id, "请选择审核操作：开始审核、通过或退回。")),
        );
    };
    if let Err(problem) = claims::decide(&mut claim, decision, &form.note, caller_name(ctx)) {
        return review_page(ctx, 400, Some((id, &problem)));
    }
    claims::save(id, &claim)?;
    Ok(see_other(ctx, "/worker/claims"))
}
