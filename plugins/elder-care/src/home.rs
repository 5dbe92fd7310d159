//! The resident's page `/`: their place in the register, the 高龄津贴, their meals, and the
//! 一键求助 button.

use wangge_sdk::prelude::*;

use crate::allowance::{eligible, threshold};
use crate::emergency::MAX_NOTE_CHARS;
use crate::meals::upcoming;
use crate::model::{ALLOWANCES, ELDERS};
use crate::ui::{field_error, not_linked_with_status, own_record, url, worker_links};

/// `GET /`.
pub(crate) fn home(ctx: &Ctx) -> Result<Response, Error> {
    render(ctx, 200, "", None)
}

/// The page, with what was typed into the help note and a problem with it.
pub(crate) fn render(
    ctx: &Ctx,
    status: u16,
    note: &str,
    note_error: Option<&str>,
) -> Result<Response, Error> {
    let Some(resident_id) = ctx.resident_id() else {
        if ctx.caller().user_id.is_some() && crate::ui::is_worker(ctx) {
            return Ok(page(
                "养老服务",
                html! { h1 { "养老服务" } (worker_links(ctx)) },
            ));
        }
        return Ok(not_linked_with_status(ctx, 200));
    };
    let today = Date::today();
    let elder = ELDERS.get(resident_id)?;
    let name = match &elder {
        Some(elder) => elder.name.clone(),
        None => match own_record(ctx)? {
            Ok(resident) => resident.name,
            Err(page) => return Ok(page),
        },
    };
    let threshold = threshold()?;
    let allowance = ALLOWANCES.get(resident_id)?;
    let meals = if elder.is_some() {
        upcoming(resident_id)?
    } else {
        Vec::new()
    };
    Ok(page_with_status(
        status,
        "养老服务",
        html! {
            h1 { "养老服务" }
            p { (name) "，您好！" }
            section #help {
                h2 { "一键求助" }
                form method="post" action=(url("/help")) {
                    p {
                        label for="note" { "情况说明（可不填）" }
                        input #note type="text" name="note" value=(note) maxlength=(MAX_NOTE_CHARS);
                        (field_error(note_error))
                    }
                    button type="submit" .urgent { "一键求助" }
                }
                p { "按下后，网格员会尽快联系您。情况危急请直接拨打 120 或 110。" }
            }
            @match &elder {
                None => {
                    p #not-elder { "养老服务的助餐和高龄津贴面向 60 周岁及以上的老年人，老年人名册中没有您的记录。如有疑问请联系网格员。" }
                }
                Some(elder) => {
                    section #allowance {
                        h2 { "高龄津贴" }
                        @if eligible(elder, today, threshold) {
                            p {
                                "您今年 " (elder.age_on(today)) " 岁，符合高龄津贴条件（年满 " (threshold) " 周岁）。"
                            }
                            p .status {
                                @match &allowance {
                                    None => "尚未申请：请联系网格员或到社区服务站登记申请。",
                                    Some(a) => { "申请状态：" (a.status.label()) }
                                }
                            }
                        } @else {
                            p { "高龄津贴从年满 " (threshold) " 周岁起发放，您今年 " (elder.age_on(today)) " 岁，暂不符合条件。" }
                        }
                    }
                    section #meals {
                        h2 { "助餐" }
                        @if meals.is_empty() {
                            p { "近期没有预订。" }
                        } @else {
                            ul { @for (date, booking) in &meals { li { (date) " " (booking.canteen) } } }
                        }
                        p { a href=(url("/meals")) { "预订或取消午餐" } }
                    }
                }
            }
            (worker_links(ctx))
        },
    ))
}
