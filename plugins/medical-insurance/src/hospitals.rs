//! `/hospitals`: the designated hospitals (定点医疗机构) of a county of 黄石市, from the
//! bureau; the caller's own county unless `?county=` names another.

use wangge_sdk::HandlerResult;
use wangge_sdk::prelude::*;

use crate::bureau;
use crate::web::{COUNTIES, bureau_failed, caller_county, county_name, href, nav};

/// The county shown when the caller's unit is above county level (黄石港区).
const FALLBACK_COUNTY: &str = "420202";

/// `GET /hospitals[?county=CODE]`.
pub fn list(ctx: &Ctx) -> HandlerResult {
    let title = "定点医疗机构";
    let asked = ctx.query_param("county").filter(|c| !c.is_empty());
    let county = match &asked {
        Some(code) => code.trim().to_owned(),
        None => caller_county(ctx)
            .filter(|c| county_name(c).is_some())
            .unwrap_or_else(|| FALLBACK_COUNTY.to_owned()),
    };
    let Some(name) = county_name(&county) else {
        return Ok(page_with_status(
            400,
            title,
            html! {
                (nav(ctx))
                h1 { (title) }
                p .error role="alert" { "请选择黄石市的区县："
                    @for (code, name) in COUNTIES { (name) "（" (code) "） " } }
                (chooser(ctx, ""))
            },
        ));
    };
    let hospitals = match bureau::hospitals(&county) {
        Ok(hospitals) => hospitals,
        Err(error) => return bureau_failed(ctx, title, error),
    };
    Ok(page(
        title,
        html! {
            (nav(ctx))
            h1 { (name) "医保定点医疗机构" }
            (chooser(ctx, &county))
            @if hospitals.is_empty() {
                p { (name) "暂无定点医疗机构信息。" }
            } @else {
                table {
                    thead { tr { th { "名称" } th { "等级" } th { "地址" } } }
                    tbody {
                        @for h in &hospitals {
                            tr #{ "hospital-" (h.code) } {
                                td { (h.name) } td { (h.level) } td { (h.address) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The form choosing another county.
fn chooser(ctx: &Ctx, current: &str) -> Markup {
    html! {
        form method="get" action=(href(ctx, "/hospitals")) {
            @if let Some(unit) = ctx.query_param("unit") { input type="hidden" name="unit" value=(unit); }
            label for="county" { "区县" }
            select #county name="county" {
                @for (code, name) in COUNTIES {
                    option value=(code) selected[code == current] { (name) }
                }
            }
            button type="submit" { "查看" }
        }
    }
}
