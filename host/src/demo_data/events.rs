//! Invented events in every workflow state, reported with `Db::report_event` and moved with
//! `Db::move_event` exactly as the API does, so every move is on the event's timeline.

use std::collections::BTreeMap;

use anyhow::Context;
use fastrand::Rng;
use jiff::civil::Date;

use super::geometry::BBox;
use crate::db::Db;
use crate::db::evaluations::NewEvaluation;
use crate::db::events::{Handler, MoveDetails, NewEvent};
use crate::grid::calendar::WorkingCalendar;
use crate::grid::evaluation::Rating;
use crate::grid::workflow::{EventState, transition};

/// What grid workers report, by category: a title and a description.
const REPORTS: &[(&str, &str, &str)] = &[
    (
        "environment",
        "垃圾未及时清运",
        "小区垃圾站两天未清运，气味较大，居民反映强烈。",
    ),
    (
        "environment",
        "绿化带杂物堆积",
        "楼栋旁绿化带内堆放建筑垃圾和废旧家具。",
    ),
    (
        "environment",
        "路面污水外溢",
        "雨后下水道堵塞，污水漫到人行道。",
    ),
    (
        "safety-hazard",
        "楼道堆放杂物堵塞消防通道",
        "三单元楼道堆放纸箱和旧家具，影响通行和消防。",
    ),
    (
        "safety-hazard",
        "电动车楼道充电",
        "多户居民从楼上拉线在楼道给电动车充电。",
    ),
    (
        "safety-hazard",
        "老旧电线裸露",
        "临街商铺门口电线绝缘层破损，存在触电隐患。",
    ),
    (
        "public-facility",
        "路灯损坏",
        "小区主干道三盏路灯不亮，夜间出行不便。",
    ),
    (
        "public-facility",
        "井盖缺失",
        "人行道上一处井盖缺失，已临时摆放警示物。",
    ),
    (
        "public-facility",
        "健身器材损坏",
        "广场健身器材螺丝松动，老人使用有危险。",
    ),
    (
        "dispute.neighbour",
        "楼上漏水引发邻里纠纷",
        "楼上卫生间漏水到楼下，双方协商未果。",
    ),
    (
        "dispute.neighbour",
        "噪音扰民",
        "楼上住户夜间装修，楼下老人无法休息。",
    ),
    (
        "dispute.property-management",
        "物业费收缴纠纷",
        "部分业主以服务不到位为由拒交物业费。",
    ),
    (
        "dispute.labour",
        "工地欠薪",
        "十余名务工人员反映被拖欠三个月工资。",
    ),
    (
        "dispute.marriage-family",
        "赡养老人纠纷",
        "兄弟二人因赡养母亲问题发生争吵。",
    ),
    (
        "dispute.housing-land",
        "宅基地边界纠纷",
        "两户村民因院墙位置发生争执。",
    ),
    (
        "petition",
        "反映小区加装电梯进度",
        "居民联名反映加装电梯工作停滞。",
    ),
];

/// Whom the demo dispatches an event in `grid` to: one of the departments serving it (its
/// county's bureaus and its street's stations, where the demo has departments), else its
/// street, the lower unit that works it.
async fn handler_for(db: &Db, rng: &mut Rng, grid: &str) -> anyhow::Result<Handler> {
    let street = &grid[..9];
    let serving: Vec<_> = db
        .departments_under(&grid[..6])
        .await?
        .into_iter()
        .filter(|d| {
            let parent = d.parent_code.as_deref().unwrap_or_default();
            parent == &grid[..6] || parent == street
        })
        .collect();
    let unit = if serving.is_empty() {
        db.unit(street).await?.context("the grid's street")?
    } else {
        serving[rng.usize(..serving.len())].clone()
    };
    Ok(Handler {
        code: unit.code,
        name: unit.name,
    })
}

/// The final states events are drawn towards, with their shares (most events are long
/// finished, some are in each stage of work).
const TARGETS: [(EventState, u32); 8] = [
    (EventState::Reported, 10),
    (EventState::Accepted, 8),
    (EventState::Rejected, 5),
    (EventState::Dispatched, 10),
    (EventState::Handling, 12),
    (EventState::Resolved, 10),
    (EventState::Closed, 20),
    (EventState::Evaluated, 25),
];

/// The actions of the main path that lead to `target`.
fn main_path(target: EventState) -> &'static [&'static str] {
    const PATH: [&str; 6] = [
        "accept", "dispatch", "handle", "resolve", "close", "evaluate",
    ];
    match target {
        EventState::Reported => &[],
        EventState::Rejected => &["reject"],
        EventState::Accepted => &PATH[..1],
        EventState::Dispatched => &PATH[..2],
        EventState::Handling => &PATH[..3],
        EventState::Resolved => &PATH[..4],
        EventState::Closed => &PATH[..5],
        EventState::Evaluated => &PATH[..6],
    }
}

/// The actions for one event: the main path with, now and then, what real work brings: an
/// escalation before acceptance, a dispatch returned and sent again, a resolution returned.
fn actions(rng: &mut Rng, target: EventState) -> Vec<&'static str> {
    let mut actions = Vec::new();
    if rng.u8(0..100) < 8 {
        actions.push("escalate");
    }
    for &action in main_path(target) {
        actions.push(action);
        if action == "dispatch" && rng.u8(0..100) < 10 {
            actions.extend(["return", "dispatch"]);
        }
        if action == "resolve" && rng.u8(0..100) < 5 {
            actions.extend(["return", "resolve"]);
        }
    }
    actions
}

/// Who takes `action`, and the note they leave.
fn actor_and_note(action: &str, dispatched_to: &str) -> (&'static str, String) {
    match action {
        "escalate" => ("user:demo-centre", "超出本级处置权限，上报上级".into()),
        "accept" => ("user:demo-centre", "已受理".into()),
        "reject" => ("user:demo-centre", "不属于受理范围，已告知当事人".into()),
        "dispatch" => ("user:demo-centre", format!("派遣至{dispatched_to}")),
        "return" => ("user:demo-worker", "需重新核实情况，退回".into()),
        "handle" => ("user:demo-worker", "已到现场处置".into()),
        "resolve" => ("user:demo-worker", "已处理完毕".into()),
        "close" => ("user:demo-centre", "核查属实，结案".into()),
        // 评价: the reporter's; the note is the rating drawn.
        _ => ("user:demo-worker", String::new()),
    }
}

/// A reporter's rating, drawn about as 12345 hotlines report them: most satisfied.
fn draw_evaluation(rng: &mut Rng) -> NewEvaluation {
    let (rating, comment) = match rng.u8(0..100) {
        0..75 => (Rating::Satisfied, "处理及时，满意"),
        75..90 => (Rating::BasicallySatisfied, "问题解决了，但等的时间有点长"),
        _ => (Rating::Dissatisfied, "处理结果不理想"),
    };
    NewEvaluation {
        rating,
        comment: comment.to_owned(),
    }
}

fn draw_target(rng: &mut Rng) -> EventState {
    let total: u32 = TARGETS.iter().map(|(_, share)| share).sum();
    let mut draw = rng.u32(0..total);
    for (state, share) in TARGETS {
        if draw < share {
            return state;
        }
        draw -= share;
    }
    EventState::Evaluated
}

/// Reports `count` events in `grids` (a share of them in the grids of `focus`, where the
/// demo users work), each at a point inside its grid's box, and moves each towards a drawn final state; the first eight end in
/// each state once, so every state is present. Accepted events get their SLA deadline
/// from a day in the last month, so some are already overdue for supervision (督办).
/// Returns how many events ended in each state.
pub async fn generate_events(
    db: &Db,
    seed: u64,
    grids: &[(String, BBox)],
    focus: &str,
    count: usize,
    today: Date,
    progress: &mut dyn FnMut(usize),
) -> anyhow::Result<BTreeMap<&'static str, usize>> {
    anyhow::ensure!(!grids.is_empty(), "there are no grids to report events in");
    let mut rng = Rng::with_seed(seed);
    let calendar = WorkingCalendar::builtin()?;
    let sla: BTreeMap<String, u32> = db
        .event_categories()
        .await?
        .into_iter()
        .map(|c| (c.code, c.sla_working_days))
        .collect();
    let focused: Vec<&(String, BBox)> =
        grids.iter().filter(|(g, _)| g.starts_with(focus)).collect();
    let mut by_state = BTreeMap::new();
    for i in 0..count {
        let target = TARGETS
            .get(i)
            .map_or_else(|| draw_target(&mut rng), |t| t.0);
        let (grid, bbox) = if !focused.is_empty() && rng.u8(0..100) < 30 {
            focused[rng.usize(..focused.len())]
        } else {
            &grids[rng.usize(..grids.len())]
        };
        let (category, title, description) = REPORTS[rng.usize(..REPORTS.len())];
        // Strictly inside the box, so the point is in this grid and no neighbour.
        let longitude = bbox.west + (bbox.east - bbox.west) * (0.05 + 0.9 * rng.f64());
        let latitude = bbox.south + (bbox.north - bbox.south) * (0.05 + 0.9 * rng.f64());
        let id = db
            .report_event(&NewEvent {
                category,
                title,
                description,
                unit_code: grid,
                reporter: "user:demo-worker",
                latitude: Some(latitude),
                longitude: Some(longitude),
                ..Default::default()
            })
            .await?;
        let handler = handler_for(db, &mut rng, grid).await?;
        let accepted_on = today.checked_sub(jiff::Span::new().days(rng.i64(0..30)))?;
        for action in actions(&mut rng, target) {
            let event = db.event(id).await?.context("the event just reported")?;
            let Some(step) = transition(event.state, action) else {
                anyhow::bail!("no `{action}` from {}", event.state.name());
            };
            let details = MoveDetails {
                deadline: match action {
                    "accept" => {
                        let days = sla.get(category).copied().unwrap_or(5);
                        Some(calendar.deadline(accepted_on, days)?.date.to_string())
                    }
                    _ => None,
                },
                handler: (action == "dispatch").then(|| handler.clone()),
                release_handler: action == "return" && event.state == EventState::Dispatched,
                // Most centres answer the same day and most handlers finish in time.
                responded_on_time: matches!(action, "accept" | "reject")
                    .then(|| rng.u8(0..100) < 92),
                resolved_on_time: (action == "resolve").then(|| rng.u8(0..100) < 85),
                evaluation: (action == "evaluate").then(|| draw_evaluation(&mut rng)),
                summoned: Vec::new(),
            };
            let (actor, note) = actor_and_note(action, &handler.name);
            let note = details
                .evaluation
                .as_ref()
                .map_or(note, |e| format!("{}：{}", e.rating.name_zh(), e.comment));
            db.move_event(&event, step, actor, &note, &details).await?;
        }
        *by_state.entry(target.name()).or_default() += 1;
        progress(i + 1);
    }
    Ok(by_state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_drawn_path_is_a_path_of_the_workflow() {
        let mut rng = Rng::with_seed(1);
        for (target, _) in TARGETS {
            for _ in 0..50 {
                let mut state = EventState::Reported;
                for action in actions(&mut rng, target) {
                    state = transition(state, action)
                        .unwrap_or_else(|| panic!("{action} from {state:?}"))
                        .to;
                }
                assert_eq!(state, target);
            }
        }
    }
}
