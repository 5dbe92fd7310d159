//! What every page shares: links that keep the installation (`?unit=`), who may see what,
//! the counties of 黄石市, and the page shown when the bureau cannot be reached.

use wangge_sdk::HandlerResult;
use wangge_sdk::Role;
use wangge_sdk::prelude::*;

use crate::bureau::BureauError;

/// Where the host mounts the plugin's pages.
const MOUNT: &str = "/p/medical-insurance";

/// The six counties (县/市/区) of 黄石市, whose hospitals `/hospitals` lists.
pub const COUNTIES: [(&str, &str); 6] = [
    ("420202", "黄石港区"),
    ("420203", "西塞山区"),
    ("420204", "下陆区"),
    ("420205", "铁山区"),
    ("420222", "阳新县"),
    ("420281", "大冶市"),
];

/// The name of county `code`, if it is one of 黄石市's.
pub fn county_name(code: &str) -> Option<&'static str> {
    COUNTIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// The `unit` query parameter of the request, when it names a unit (digits only).
fn unit_param(ctx: &Ctx) -> Option<String> {
    ctx.query_param("unit")
        .filter(|u| !u.is_empty() && u.bytes().all(|b| b.is_ascii_digit()))
}

/// `path` with the request's `?unit=` carried over, so the link or form reaches the same
/// installation. `path` starts with `/` and may have a query of its own.
fn with_unit(ctx: &Ctx, path: &str) -> String {
    match unit_param(ctx) {
        Some(unit) => {
            let separator = if path.contains('?') { '&' } else { '?' };
            format!("{path}{separator}unit={unit}")
        }
        None => path.to_owned(),
    }
}

/// The URL of the plugin's page `path`, for links and form actions.
pub fn href(ctx: &Ctx, path: &str) -> String {
    with_unit(ctx, &format!("{MOUNT}{path}"))
}

/// A `303` to the plugin's page `path`, keeping the installation.
pub fn see_other(ctx: &Ctx, path: &str) -> Response {
    redirect(&with_unit(ctx, path))
}

/// Whether the caller holds a worker's role (网格员 or unit admin).
pub fn is_worker(ctx: &Ctx) -> bool {
    ctx.caller()
        .roles
        .iter()
        .any(|role| matches!(role, Role::GridWorker | Role::UnitAdmin))
}

/// Refuses anyone but grid workers and unit admins.
pub fn require_worker(ctx: &Ctx) -> Result<(), Error> {
    if is_worker(ctx) {
        Ok(())
    } else {
        Err(Error::denied("此页面仅供网格员和单位管理员使用。"))
    }
}

/// The caller's own resident id, or a refusal saying why there is none.
pub fn require_resident(ctx: &Ctx) -> Result<String, Error> {
    if ctx.caller().user_id.is_none() {
        return Err(Error::denied("请先登录后再办理报销申请。"));
    }
    ctx.resident_id().map(str::to_owned).ok_or_else(|| {
        Error::denied("您的账号尚未关联居民信息，无法办理报销申请，请联系社区网格员。")
    })
}

/// The caller's display name, for history entries.
pub fn caller_name(ctx: &Ctx) -> String {
    ctx.caller()
        .display_name
        .clone()
        .unwrap_or_else(|| "工作人员".to_owned())
}

/// The county of the caller's unit (its first six digits), if it is that deep.
pub fn caller_county(ctx: &Ctx) -> Option<String> {
    let code = &ctx.caller().unit.code;
    (code.len() >= 6).then(|| code[..6].to_owned())
}

/// The navigation shown on top of every page.
pub fn nav(ctx: &Ctx) -> Markup {
    html! {
        nav {
            a href=(href(ctx, "/")) { "医保服务" } " · "
            a href=(href(ctx, "/claims")) { "我的报销申请" } " · "
            a href=(href(ctx, "/hospitals")) { "定点医疗机构" }
            @if is_worker(ctx) {
                " · " a href=(href(ctx, "/worker/campaign")) { "缴费动员" }
                " · " a href=(href(ctx, "/worker/claims")) { "报销审核" }
            }
        }
    }
}

/// The page for a failed bureau call: 503 with the Chinese notice when the bureau is down,
/// nothing changed.
pub fn bureau_failed(ctx: &Ctx, title: &str, error: BureauError) -> HandlerResult {
    let (status, message) = match error {
        BureauError::Down => (503, crate::bureau::DOWN_MESSAGE.to_owned()),
        BureauError::Refused(message) => (502, format!("医保经办机构拒绝了请求：{message}")),
        BureauError::Host(error) => return Err(error),
    };
    Ok(page_with_status(
        status,
        title,
        html! {
            (nav(ctx))
            h1 { (title) }
            p .error role="alert" { (message) }
            p { "本次操作没有保存任何内容。" }
        },
    ))
}

/// The `page` query parameter (from 0); anything else is the first page.
pub fn page_param(ctx: &Ctx) -> usize {
    ctx.query_param("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

/// Links to the previous and next page of list `path`.
pub fn pager(ctx: &Ctx, path: &str, page: usize, more: bool) -> Markup {
    html! {
        @if page > 0 || more {
            p .pager {
                @if page > 0 {
                    a href=(href(ctx, &format!("{path}?page={}", page - 1))) { "上一页" } " "
                }
                @if more {
                    a href=(href(ctx, &format!("{path}?page={}", page + 1))) { "下一页" }
                }
            }
        }
    }
}
