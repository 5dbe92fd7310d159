//! The resident's own page (`/`): pension enrollment and contributions from the bureau,
//! this year's certification, and (1.1.0) self-certification (`POST /certify`). A resident
//! only ever sees and acts on their own record: the one the host names in
//! `x-wangge-resident-id`.

use wangge_sdk::prelude::*;
use wangge_sdk::residents;

use crate::bureau;
#[cfg(not(feature = "release-1-0"))]
use crate::bureau::BureauError;
use crate::certification;
#[cfg(not(feature = "release-1-0"))]
use crate::certification::Outcome;
#[cfg(not(feature = "release-1-0"))]
use crate::model::Method;
use crate::model::{PensionRecord, method_label, yuan};
use crate::ui;

/// The audited reason for reading the resident's own unmasked ID number.
pub const REASON_OWN: &str = "查询本人社保信息";

/// The audited reason for unmasking when the resident certifies.
#[cfg(not(feature = "release-1-0"))]
pub const REASON_SELF_CERTIFY: &str = "本人办理待遇资格认证";

/// The page for a caller without a resident record of their own.
fn no_resident(caller: &Caller) -> Response {
    if ui::is_worker(caller) {
        return page(
            "我的社保",
            html! {
                h1 { "社保服务" }
                p { "您的账号未关联居民信息。网格员请进入：" }
                p { a href="worker/certification" { "待遇资格认证名单" } }
            },
        );
    }
    let text = if caller.user_id.is_none() {
        "请先登录后再查询本人社保信息。"
    } else {
        "您的账号尚未关联居民信息，暂时无法查询社保信息。请联系所在社区核实。"
    };
    ui::message(403, "我的社保", text, None)
}

/// The resident's own record, unmasked with the stated reason; `Err(page)` when it is not
/// in this installation's scope.
fn own_record(resident_id: &str, reason: &str) -> Result<Result<Resident, Response>, Error> {
    match residents::get_sensitive(resident_id, reason) {
        Ok(resident) => Ok(Ok(resident)),
        Err(Error::NotFound(_)) => Ok(Err(ui::message(
            404,
            "我的社保",
            "本单位的居民信息中没有您的记录，请联系所在社区核实。",
            None,
        ))),
        Err(e) => Err(e),
    }
}

/// `GET /`.
pub fn summary(ctx: &Ctx) -> Result<Response, Error> {
    let Some(resident_id) = ctx.resident_id() else {
        return Ok(no_resident(ctx.caller()));
    };
    let resident = match own_record(resident_id, REASON_OWN)? {
        Ok(resident) => resident,
        Err(page) => return Ok(page),
    };
    let record = match bureau::pension(&resident.id_number) {
        Ok(record) => record,
        Err(e) => return Ok(ui::bureau_failed(&e, None)),
    };
    let year = record
        .certification
        .as_ref()
        .map_or_else(|| Date::today().year(), |c| c.year);
    let local = certification::Records::open()?.local(resident_id, year)?;
    let just_certified = ctx.query_param("certified").is_some();
    Ok(page(
        "我的社保",
        render(&resident, &record, local, just_certified),
    ))
}

fn render(
    resident: &Resident,
    record: &PensionRecord,
    local: Option<crate::model::LocalCertification>,
    just_certified: bool,
) -> Markup {
    let yes_no = |b: bool| if b { "是" } else { "否" };
    html! {
        h1 { "我的社保" }
        @if just_certified {
            p .notice role="status" { "认证成功：您本年度的养老金待遇资格认证已完成。" }
        }
        p { (resident.name) "，您好。以下信息来自社保经办机构。" }
        h2 { "养老保险" }
        dl #pension {
            dt { "是否参保" } dd { (yes_no(record.enrolled)) }
            @if let Some(scheme) = &record.scheme {
                dt { "险种" } dd { (scheme) "基本养老保险" }
            }
            dt { "累计缴费年限" } dd { (record.contribution_years) " 年" }
            @if let Some(amount) = record.monthly_contribution_yuan {
                dt { "月缴费额" } dd { (yuan(amount)) " 元" }
            }
            dt { "是否领取养老金" } dd { (yes_no(record.is_pensioner)) }
            @if let Some(amount) = record.monthly_pension_yuan {
                dt { "月养老金" } dd { (yuan(amount)) " 元" }
            }
        }
        @if let Some(certification) = &record.certification {
            h2 { (certification.year) " 年度待遇资格认证" }
            @if certification.is_certified() {
                p #certification-status {
                    "已认证"
                    @if let Some(date) = &certification.certified_on { "（" (date) }
                    @if let Some(method) = &certification.method { "，" (method_label(method)) }
                    @if certification.certified_on.is_some() { "）" }
                }
                @if let Some(local) = &local {
                    @if let Some(by) = &local.recorded_by {
                        p { "本平台记录：" (local.date) " 由" (by) "办理。" }
                    }
                }
            } @else {
                p #certification-status { "待认证：请在年内完成认证，以免影响养老金发放。" }
                (self_certify_form())
            }
        } @else {
            p { "您目前不是养老金领取人员，无需进行待遇资格认证。" }
        }
    }
}

#[cfg(not(feature = "release-1-0"))]
fn self_certify_form() -> Markup {
    html! {
        form method="post" action="certify" {
            p {
                label {
                    input type="checkbox" name="confirm" value="yes" required;
                    " 本人承诺：我本人健在，符合继续领取养老金的条件。"
                }
            }
            button type="submit" { "本人自助认证" }
        }
        p { "行动不便的，可联系网格员上门认证。" }
    }
}

#[cfg(feature = "release-1-0")]
fn self_certify_form() -> Markup {
    html! { p { "请联系所在网格的网格员上门认证。" } }
}

/// `POST /certify`: the resident certifies themself. The form may name no one else.
#[cfg(not(feature = "release-1-0"))]
pub fn self_certify(ctx: &Ctx) -> Result<Response, Error> {
    let Some(resident_id) = ctx.resident_id() else {
        return Ok(no_resident(ctx.caller()));
    };
    let back = Some(("/p/social-insurance/", "返回我的社保"));
    let fields = ctx.form_fields();
    if fields
        .iter()
        .any(|(name, value)| name == "resident" && value.trim() != resident_id)
    {
        return Ok(ui::message(
            403,
            "待遇资格认证",
            "只能为本人办理待遇资格认证；为他人认证请联系网格员上门办理。",
            back,
        ));
    }
    let confirms: Vec<&str> = fields
        .iter()
        .filter(|(name, _)| name == "confirm")
        .map(|(_, value)| value.as_str())
        .collect();
    if confirms != ["yes"] {
        return Ok(ui::message(
            400,
            "待遇资格认证",
            "请勾选本人承诺后再提交认证。",
            back,
        ));
    }
    let resident = match own_record(resident_id, REASON_SELF_CERTIFY)? {
        Ok(resident) => resident,
        Err(page) => return Ok(page),
    };
    match certification::certify(
        resident_id,
        &resident.id_number,
        Method::SelfService,
        "本人",
    )? {
        Ok(Outcome::Certified) => Ok(redirect("/?certified=1")),
        Ok(Outcome::AlreadyCertified(done)) => Ok(ui::message(
            409,
            "待遇资格认证",
            &format!(
                "您 {} 年度的待遇资格认证已经完成{}，无需重复认证。",
                done.year,
                done.certified_on
                    .map(|date| format!("（{date}）"))
                    .unwrap_or_default()
            ),
            back,
        )),
        Err(BureauError::NotPensioner) => Ok(ui::message(
            409,
            "待遇资格认证",
            "您不是养老金领取人员，无需进行待遇资格认证。",
            back,
        )),
        Err(e) => Ok(ui::bureau_failed(&e, back)),
    }
}
