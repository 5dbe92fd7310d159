//! 高龄津贴: elders at or above the configured age (`allowance_age`, 80 by default) are
//! eligible; a worker records the application (申请) and then the approval, and the
//! resident sees where theirs stands on the home page.

use wangge_sdk::log;
use wangge_sdk::prelude::*;

use crate::model::{ALLOWANCES, Allowance, AllowanceStatus, Elder};
use crate::ui::{
    back_to_worker, elder_of_worker, elders_of_worker, field, field_error, require_worker, url,
    worker_name,
};

/// The age from which the allowance is paid, from the installation's config.
pub(crate) fn threshold() -> Result<i64, Error> {
    let age: i64 = config_or("allowance_age", 80)?;
    if (60..=120).contains(&age) {
        Ok(age)
    } else {
        Err(Error::invalid(format!(
            "config `allowance_age` is {age}: expected an age from 60 to 120"
        )))
    }
}

/// Whether `elder` is eligible on `today` under `threshold`.
pub(crate) fn eligible(elder: &Elder, today: Date, threshold: i64) -> bool {
    elder.age_on(today) >= threshold
}

/// `GET /worker/allowance`.
pub(crate) fn allowance_page(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    render(ctx, 200, None)
}

/// A problem with a posted action, shown next to the elder's row.
struct Problem {
    resident_id: String,
    message: String,
}

fn render(ctx: &Ctx, status: u16, problem: Option<&Problem>) -> Result<Response, Error> {
    let today = Date::today();
    let threshold = threshold()?;
    let mut rows = Vec::new();
    for elder in elders_of_worker(ctx)? {
        if eligible(&elder, today, threshold) {
            let allowance = ALLOWANCES.get(&elder.resident_id)?;
            rows.push((elder, allowance));
        }
    }
    let unknown = problem.filter(|p| !rows.iter().any(|(e, _)| e.resident_id == p.resident_id));
    Ok(page_with_status(
        status,
        "高龄津贴",
        html! {
            h1 { "高龄津贴" }
            p { "年满 " strong #threshold { (threshold) } " 周岁的老年人可以申领高龄津贴。本页列出 " (ctx.caller().unit.name) " 符合条件的老年人。" }
            @if let Some(problem) = unknown {
                (field_error(Some(&problem.message)))
            }
            @if rows.is_empty() {
                p { "名册中暂无符合条件的老年人。" }
            } @else {
                table {
                    thead { tr { th { "姓名" } th { "网格" } th { "年龄" } th { "状态" } th { "操作" } } }
                    tbody {
                        @for (elder, allowance) in &rows {
                            tr id={ "elder-" (elder.resident_id) } {
                                td { (elder.name) }
                                td { (elder.grid) }
                                td { (elder.age_on(today)) }
                                td .status {
                                    @match allowance {
                                        None => "未申请",
                                        Some(a) => {
                                            (a.status.label())
                                            @if let Some(on) = &a.approved_on { "（" (on) "）" } @else { "（" (a.applied_on) " 申请）" }
                                        }
                                    }
                                }
                                td {
                                    @let next = match allowance {
                                        None => Some(("apply", "登记申请")),
                                        Some(a) if a.status == AllowanceStatus::Applied => Some(("approve", "批准")),
                                        Some(_) => None,
                                    };
                                    @if let Some((action, label)) = next {
                                        form method="post" action=(url("/worker/allowance")) {
                                            input type="hidden" name="resident_id" value=(elder.resident_id);
                                            input type="hidden" name="action" value=(action);
                                            button type="submit" { (label) }
                                        }
                                    }
                                    @if let Some(problem) = problem.filter(|p| p.resident_id == elder.resident_id) {
                                        (field_error(Some(&problem.message)))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (back_to_worker())
        },
    ))
}

/// `POST /worker/allowance`: `resident_id` and `action` (`apply` or `approve`).
pub(crate) fn record(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    let resident_id = field(ctx, "resident_id");
    let action = field(ctx, "action");
    let refuse = |message: String| {
        render(
            ctx,
            400,
            Some(&Problem {
                resident_id: resident_id.clone(),
                message,
            }),
        )
    };
    let Some(elder) = elder_of_worker(ctx, &resident_id)? else {
        return refuse("名册中没有这位老年人，或不在您的管辖范围内。".to_owned());
    };
    let today = Date::today();
    let threshold = threshold()?;
    if !eligible(&elder, today, threshold) {
        return refuse(format!(
            "{} 今年 {} 岁，未满 {threshold} 周岁，不符合高龄津贴条件。",
            elder.name,
            elder.age_on(today)
        ));
    }
    let current = ALLOWANCES.get(&resident_id)?;
    let who = worker_name(ctx);
    let updated = match (action.as_str(), current) {
        ("apply", None) => Allowance {
            status: AllowanceStatus::Applied,
            applied_on: today.to_string(),
            applied_by: who,
            approved_on: None,
            approved_by: None,
        },
        ("apply", Some(_)) => {
            return refuse(format!("{} 已经登记过申请。", elder.name));
        }
        ("approve", Some(a)) if a.status == AllowanceStatus::Applied => Allowance {
            status: AllowanceStatus::Approved,
            approved_on: Some(today.to_string()),
            approved_by: Some(who),
            ..a
        },
        ("approve", Some(_)) => return refuse(format!("{} 的申请已经批准。", elder.name)),
        ("approve", None) => {
            return refuse(format!("{} 尚未登记申请，请先登记申请。", elder.name));
        }
        _ => return refuse("请选择“登记申请”或“批准”。".to_owned()),
    };
    ALLOWANCES.insert(&resident_id, &updated)?;
    if updated.status == AllowanceStatus::Approved {
        // A message is a courtesy: the approval stands even when the inbox is unavailable.
        if let Err(error) = notify_resident(
            &resident_id,
            "高龄津贴申请已批准",
            "您的高龄津贴申请已经批准，津贴将按月发放。",
            Some("/"),
        ) {
            log::write(
                log::Level::Warn,
                "allowance approval: resident not notified",
                &[("error".to_owned(), error.message().to_owned())],
            );
        }
    }
    Ok(redirect("/worker/allowance"))
}
