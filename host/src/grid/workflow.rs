//! The event workflow as data: which action moves an event from which state to which, and
//! which roles may take it. Nothing else in the code decides transitions.
//!
//! reported 上报 → accepted 受理 → dispatched 派遣 → handling 处置 → resolved 办结 →
//! closed 核查结案 → evaluated 评价, with reject 不予受理, return 退回, escalate 上报上级 and
//! reopen 重新办理 (a dissatisfied reporter's, back to acceptance).

use std::sync::LazyLock;

use crate::auth::Role;

/// Where an event stands. Serialized by its name (`reported`, `accepted` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventState {
    /// 上报.
    Reported,
    /// 受理.
    Accepted,
    /// 不予受理.
    Rejected,
    /// 派遣.
    Dispatched,
    /// 处置.
    Handling,
    /// 办结.
    Resolved,
    /// 核查结案.
    Closed,
    /// 评价.
    Evaluated,
}

const STATES: [(EventState, &str, &str); 8] = [
    (EventState::Reported, "reported", "已上报"),
    (EventState::Accepted, "accepted", "已受理"),
    (EventState::Rejected, "rejected", "不予受理"),
    (EventState::Dispatched, "dispatched", "已派遣"),
    (EventState::Handling, "handling", "处置中"),
    (EventState::Resolved, "resolved", "已办结"),
    (EventState::Closed, "closed", "已结案"),
    (EventState::Evaluated, "evaluated", "已评价"),
];

impl EventState {
    /// The stored name.
    pub fn name(self) -> &'static str {
        STATES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        STATES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("?", |(_, _, z)| z)
    }

    /// Every state, in the workflow's order.
    pub fn all() -> impl Iterator<Item = Self> {
        STATES.iter().map(|(s, _, _)| *s)
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        STATES
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(s, _, _)| *s)
    }

    /// Whether the event still needs work (counts toward SLAs and supervision).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Reported | Self::Accepted | Self::Dispatched | Self::Handling | Self::Resolved
        )
    }
}

/// The stored names of the states in which an event still needs work ([`EventState::is_open`]),
/// in the workflow's order: what SQL filters and Open311's `open` status read.
pub fn open_state_names() -> &'static [&'static str] {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        EventState::all()
            .filter(|s| s.is_open())
            .map(EventState::name)
            .collect()
    });
    &NAMES
}

/// The stored names of the other states, the finished ones (Open311's `closed`).
pub fn finished_state_names() -> &'static [&'static str] {
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        EventState::all()
            .filter(|s| !s.is_open())
            .map(EventState::name)
            .collect()
    });
    &NAMES
}

/// One allowed move.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    /// The action's name in the API (`accept`).
    pub action: &'static str,
    /// Its Chinese name.
    pub action_zh: &'static str,
    /// The state it starts from.
    pub from: EventState,
    /// The state it leads to.
    pub to: EventState,
    /// Who may take it (at the event's unit or above).
    pub roles: &'static [Role],
    /// Whether a plugin installation with `events:handle` may take it: only the handling
    /// work of a dispatched event (handle, resolve, return it). Accepting, rejecting,
    /// dispatching, escalating, closing and evaluating are decisions of people at the
    /// governance centre (or of the reporter) and never a plugin's.
    pub by_plugins: bool,
    /// Whether only the person who reported the event may take it (rating it, having it
    /// handled again); `roles` is then empty.
    pub by_reporter: bool,
}

use EventState as S;

const CENTRE: &[Role] = &[Role::UnitAdmin];
const HANDLERS: &[Role] = &[Role::DepartmentStaff, Role::GridWorker, Role::UnitAdmin];

/// Every transition of the workflow. `escalate` also moves the event to the parent unit.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        action: "accept",
        action_zh: "受理",
        from: S::Reported,
        to: S::Accepted,
        roles: CENTRE,
        by_plugins: false,
        by_reporter: false,
    },
    Transition {
        action: "reject",
        action_zh: "不予受理",
        from: S::Reported,
        to: S::Rejected,
        roles: CENTRE,
        by_plugins: false,
        by_reporter: false,
    },
    Transition {
        action: "escalate",
        action_zh: "上报上级",
        from: S::Reported,
        to: S::Reported,
        roles: CENTRE,
        by_plugins: false,
        by_reporter: false,
    },
    Transition {
        action: "escalate",
        action_zh: "上报上级",
        from: S::Accepted,
        to: S::Reported,
        roles: CENTRE,
        by_plugins: false,
        by_reporter: false,
    },
    Transition {
        action: "dispatch",
        action_zh: "派遣",
        from: S::Accepted,
        to: S::Dispatched,
        roles: CENTRE,
        by_plugins: false,
        by_reporter: false,
    },
    Transition {
        action: "handle",
        action_zh: "处置",
        from: S::Dispatched,
        to: S::Handling,
        roles: HANDLERS,
        by_plugins: true,
        by_reporter: false,
    },
    Transition {
        action: "return",
        action_zh: "退回",
        from: S::Dispatched,
        to: S::Accepted,
        roles: HANDLERS,
        by_plugins: true,
        by_reporter: false,
    },
    Transition {
        action: "resolve",
        action_zh: "办结",
        from: S::Handling,
        to: S::Resolved,
        roles: HANDLERS,
        by_plugins: true,
        by_reporter: false,
    },
    Transition {
        action: "return",
        action_zh: "退回",
        from: S::Resolved,
        to: S::Handling,
        roles: CENTRE,
        by_plugins: false,
        by_reporter: false,
    },
    Transition {
        action: "close",
        action_zh: "核查结案",
        from: S::Resolved,
        to: S::Closed,
        roles: CENTRE,
        by_plugins: false,
        by_reporter: false,
    },
    Transition {
        action: "evaluate",
        action_zh: "评价",
        from: S::Closed,
        to: S::Evaluated,
        roles: &[],
        by_plugins: false,
        by_reporter: true,
    },
    Transition {
        action: "reopen",
        action_zh: "重新办理",
        from: S::Closed,
        to: S::Accepted,
        roles: &[],
        by_plugins: false,
        by_reporter: true,
    },
];

/// The transition for `action` from `from`, if the workflow has one.
pub fn transition(from: EventState, action: &str) -> Option<&'static Transition> {
    TRANSITIONS
        .iter()
        .find(|t| t.from == from && t.action == action)
}

/// The transition for `action` from `from` if a plugin may take it.
pub fn plugin_transition(from: EventState, action: &str) -> Option<&'static Transition> {
    transition(from, action).filter(|t| t.by_plugins)
}

/// The actions a plugin may ever take, each once, in the order of the workflow.
pub fn plugin_actions() -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = Vec::new();
    for t in TRANSITIONS.iter().filter(|t| t.by_plugins) {
        if !actions.contains(&t.action) {
            actions.push(t.action);
        }
    }
    actions
}

/// The Chinese name of a timeline action: a workflow action's, or those that leave the state
/// as it is (`report` 上报, `supervise` 督办 by the platform, `urge` 催办 by a person,
/// `repeat` 重复反映 when a later event says it repeats this one, `report-in` 报到 by a
/// summoned department, `mediate` 调解 for a dispute's mediation session).
pub fn action_zh(action: &str) -> &str {
    match action {
        "report" => "上报",
        "repeat" => "重复反映",
        "supervise" => "督办",
        "urge" => "催办",
        "report-in" => "报到",
        "mediate" => "调解",
        other => TRANSITIONS
            .iter()
            .find(|t| t.action == other)
            .map_or(other, |t| t.action_zh),
    }
}

/// The actions open from `state`.
pub fn actions_from(state: EventState) -> impl Iterator<Item = &'static Transition> {
    TRANSITIONS.iter().filter(move |t| t.from == state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_path_runs_from_report_to_evaluation() {
        let path = [
            "accept", "dispatch", "handle", "resolve", "close", "evaluate",
        ];
        let mut state = EventState::Reported;
        for action in path {
            state = transition(state, action).expect(action).to;
        }
        assert_eq!(state, EventState::Evaluated);
    }

    #[test]
    fn closed_and_rejected_events_accept_no_work_actions() {
        assert!(transition(EventState::Rejected, "accept").is_none());
        assert!(transition(EventState::Closed, "resolve").is_none());
        let open: Vec<&str> = actions_from(EventState::Resolved)
            .map(|t| t.action)
            .collect();
        assert_eq!(open, ["return", "close"]);
        assert!(!EventState::Closed.is_open() && EventState::Resolved.is_open());
    }

    #[test]
    fn plugins_take_only_the_handling_of_dispatched_events() {
        assert_eq!(plugin_actions(), ["handle", "return", "resolve"]);
        for t in TRANSITIONS.iter().filter(|t| t.by_plugins) {
            // Work that handlers do, never a centre-only decision.
            assert_eq!(t.roles, HANDLERS, "{}", t.action);
        }
        assert!(plugin_transition(EventState::Reported, "accept").is_none());
        assert!(plugin_transition(EventState::Resolved, "close").is_none());
        // Returning a resolved event is the centre's review, not the handler's.
        assert!(plugin_transition(EventState::Resolved, "return").is_none());
        assert_eq!(
            plugin_transition(EventState::Dispatched, "return").map(|t| t.to),
            Some(EventState::Accepted)
        );
    }

    #[test]
    fn timeline_actions_have_chinese_names() {
        assert_eq!(action_zh("report"), "上报");
        assert_eq!(action_zh("supervise"), "督办");
        assert_eq!(action_zh("urge"), "催办");
        assert_eq!(action_zh("reopen"), "重新办理");
        assert_eq!(action_zh("dispatch"), "派遣");
        assert_eq!(action_zh("unknown"), "unknown");
    }

    #[test]
    fn only_the_reporter_rates_or_reopens_a_closed_event() {
        let theirs: Vec<&str> = actions_from(EventState::Closed)
            .filter(|t| t.by_reporter)
            .map(|t| t.action)
            .collect();
        assert_eq!(theirs, ["evaluate", "reopen"]);
        for t in TRANSITIONS.iter().filter(|t| t.by_reporter) {
            assert!(t.roles.is_empty() && !t.by_plugins, "{}", t.action);
        }
        assert_eq!(
            transition(EventState::Closed, "reopen").map(|t| t.to),
            Some(EventState::Accepted)
        );
    }

    #[test]
    fn names_round_trip() {
        for (state, name, _) in STATES {
            assert_eq!(EventState::parse(name), Some(state));
        }
    }

    #[test]
    fn open_and_finished_names_split_the_states() {
        assert_eq!(
            open_state_names(),
            ["reported", "accepted", "dispatched", "handling", "resolved"]
        );
        assert_eq!(finished_state_names(), ["rejected", "closed", "evaluated"]);
    }
}
