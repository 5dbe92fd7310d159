//! How the pages show the 关联核录 rate (how much of a unit's base data department pushes
//! have confirmed) against the seed's 80% target: a unit's rate with its grids' below.

use maud::{Markup, html};

use crate::rules::base_data::verification::{GridRate, Rate, TARGET_PERCENT};

/// A rate as the page shows it: `83.3%` and whether it meets the target.
fn shown(rate: Rate) -> Markup {
    match rate.percent() {
        None => html! { span.muted { "—" } },
        Some(percent) => html! {
            span class=(if rate.meets_target() { "rate met" } else { "rate short" }) {
                (format!("{percent:.1}%")) " "
                small.muted { "（" (rate.verified) "/" (rate.total) "）" }
            }
        },
    }
}

/// The unit's 关联核录 rate and each grid's, against the target.
pub fn verification_table(whole: &GridRate, grids: &[GridRate]) -> Markup {
    html! {
        details.verification open[grids.len() <= 12] {
            summary {
                "关联核录率 " (shown(whole.combined()))
                " " small.muted { "（目标 " (TARGET_PERCENT) "%：部门推送数据已核对的实有人口和房屋所占比例）" }
            }
            @if !grids.is_empty() {
                table.worker-list.verification {
                    thead { tr { th { "网格" } th { "实有人口" } th { "实有房屋" } th { "合计" } } }
                    tbody {
                        @for grid in grids {
                            tr {
                                td { code { (grid.grid_code) } }
                                td { (shown(grid.residents)) }
                                td { (shown(grid.houses)) }
                                td { (shown(grid.combined())) }
                            }
                        }
                    }
                }
            }
        }
    }
}
