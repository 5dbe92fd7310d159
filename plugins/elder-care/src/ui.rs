//! What every page shares: who may see it, links under the plugin's mount point, and the
//! small pieces of markup the pages repeat.

use wangge_sdk::Role;
use wangge_sdk::prelude::*;

use crate::model::{ELDERS, Elder};

/// Where the host mounts the plugin: forms post to absolute paths under it, so the same
/// form works from any page depth.
const MOUNT: &str = "/p/elder-care";

/// The absolute URL of the plugin page `path` (starting with `/`).
pub(crate) fn url(path: &str) -> String {
    format!("{MOUNT}{path}")
}

/// Worker pages: grid workers and unit admins only.
pub(crate) fn require_worker(ctx: &Ctx) -> Result<(), Error> {
    let allowed = ctx
        .caller()
        .roles
        .iter()
        .any(|role| matches!(role, Role::GridWorker | Role::UnitAdmin));
    if allowed {
        Ok(())
    } else {
        Err(Error::denied(
            "此页面仅供网格员和单位管理员使用。居民请返回养老服务首页。",
        ))
    }
}

/// Whether the caller works here (to show the links to the worker pages).
pub(crate) fn is_worker(ctx: &Ctx) -> bool {
    require_worker(ctx).is_ok()
}

/// The unit a worker acts at: they see and act on elders of its grids only (a grid worker
/// their grid, a street's admin the whole street).
pub(crate) fn worker_unit(ctx: &Ctx) -> &str {
    &ctx.caller().unit.code
}

/// Elders of the register in the worker's unit, by grid then name.
pub(crate) fn elders_of_worker(ctx: &Ctx) -> Result<Vec<Elder>, Error> {
    let unit = worker_unit(ctx);
    let mut elders: Vec<Elder> = ELDERS
        .all()?
        .into_iter()
        .map(|(_, elder)| elder)
        .filter(|elder| elder.grid.starts_with(unit))
        .collect();
    elders.sort_by(|a, b| (&a.grid, &a.name).cmp(&(&b.grid, &b.name)));
    Ok(elders)
}

/// The register entry of `resident_id` if it is in the worker's unit.
pub(crate) fn elder_of_worker(ctx: &Ctx, resident_id: &str) -> Result<Option<Elder>, Error> {
    if resident_id.is_empty() || resident_id.contains('/') {
        return Ok(None);
    }
    Ok(ELDERS
        .get(resident_id)?
        .filter(|elder| elder.grid.starts_with(worker_unit(ctx))))
}

/// The page for a resident action when the account has no resident record: 403, saying
/// what to do.
pub(crate) fn not_linked(ctx: &Ctx) -> Response {
    not_linked_with_status(ctx, 403)
}

/// [`not_linked`] with another status: the landing page `/` answers 200.
pub(crate) fn not_linked_with_status(ctx: &Ctx, status: u16) -> Response {
    let signed_in = ctx.caller().user_id.is_some();
    page_with_status(
        status,
        "养老服务",
        html! {
            h1 { "养老服务" }
            @if signed_in {
                p role="alert" {
                    "您的账号尚未关联实有人口中的居民记录，暂时无法办理助餐预约、一键求助等个人业务。"
                    "请携带身份证到社区服务站或联系本网格网格员办理关联。"
                }
            } @else {
                p role="alert" { "请先登录。登录后，账号关联了居民记录的老年人可以在这里预约助餐、查看高龄津贴和一键求助。" }
            }
            (worker_links(ctx))
        },
    )
}

/// The caller's own resident record, or the page to answer instead: none linked, or one
/// outside this installation's area (a resident of another street).
pub(crate) fn own_record(ctx: &Ctx) -> Result<Result<Resident, Response>, Error> {
    let Some(id) = ctx.resident_id() else {
        return Ok(Err(not_linked(ctx)));
    };
    match wangge_sdk::residents::get(id) {
        Ok(resident) => Ok(Ok(resident)),
        Err(Error::NotFound(_)) => Ok(Err(page_with_status(
            403,
            "养老服务",
            html! {
                h1 { "养老服务" }
                p role="alert" { "您的居民记录不在" (ctx.caller().unit.name) "养老服务的服务范围内，请使用所在街道或社区的养老服务。" }
            },
        ))),
        Err(error) => Err(error),
    }
}

/// Links to the worker pages, for workers.
pub(crate) fn worker_links(ctx: &Ctx) -> Markup {
    html! {
        @if is_worker(ctx) {
            nav aria-label="工作台" {
                h2 { "工作台" }
                ul {
                    li { a href=(url("/worker/elders")) { "老年人名册" } }
                    li { a href=(url("/worker/allowance")) { "高龄津贴" } }
                    li { a href=(url("/worker/visits")) { "独居老人探访" } }
                    li { a href=(url("/worker/meals")) { "助餐名单" } }
                }
            }
        }
    }
}

/// The back link of every worker page.
pub(crate) fn back_to_worker() -> Markup {
    html! { p { a href=(url("/worker")) { "← 返回工作台" } } }
}

/// An error message next to a form field.
pub(crate) fn field_error(problem: Option<&str>) -> Markup {
    html! {
        @if let Some(problem) = problem {
            p .error role="alert" { (problem) }
        }
    }
}

/// The worker's name for records (`recorded by`).
pub(crate) fn worker_name(ctx: &Ctx) -> String {
    let caller = ctx.caller();
    caller
        .display_name
        .clone()
        .or_else(|| caller.user_id.clone())
        .unwrap_or_else(|| "网格员".to_owned())
}

/// The value of form field `name` as sent, trimmed; empty when missing. Forms are read
/// field by field so that a missing or malformed field becomes a message next to it.
pub(crate) fn field(ctx: &Ctx, name: &str) -> String {
    ctx.form_fields()
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default()
}
