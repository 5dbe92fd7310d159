//! 矛盾纠纷调处 as data: the two sides of a dispute (申请人/被申请人), the outcomes of a
//! mediation session, and the stage a dispute stands at, read from its sessions: nothing
//! stores a stage that could disagree with the record of what happened.

/// One side of a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// 申请人: who asked for mediation.
    Applicant,
    /// 被申请人: the other party.
    Respondent,
}

const SIDES: [(Side, &str, &str); 2] = [
    (Side::Applicant, "applicant", "申请人"),
    (Side::Respondent, "respondent", "被申请人"),
];

impl Side {
    /// The stored name.
    pub fn name(self) -> &'static str {
        SIDES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("?", |s| s.1)
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        SIDES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("?", |s| s.2)
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        SIDES.iter().find(|(_, n, _)| *n == name).map(|s| s.0)
    }

    /// Every side, the applicant first.
    pub fn all() -> impl Iterator<Item = Self> {
        SIDES.iter().map(|s| s.0)
    }
}

/// How a mediation session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 调解成功: the parties agreed; the mediation is over.
    Agreed,
    /// 部分达成: agreed on part; mediation goes on.
    Partial,
    /// 择期再调: no agreement yet, another session to come.
    Adjourned,
    /// 调解不成功: mediation ends without agreement; the parties are guided to litigation,
    /// arbitration or another channel (引导诉讼、仲裁).
    Failed,
}

const OUTCOMES: [(Outcome, &str, &str); 4] = [
    (Outcome::Agreed, "agreed", "调解成功"),
    (Outcome::Partial, "partial", "部分达成"),
    (Outcome::Adjourned, "adjourned", "择期再调"),
    (Outcome::Failed, "failed", "调解不成功"),
];

impl Outcome {
    /// The stored name.
    pub fn name(self) -> &'static str {
        OUTCOMES
            .iter()
            .find(|(o, _, _)| *o == self)
            .map_or("?", |o| o.1)
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        OUTCOMES
            .iter()
            .find(|(o, _, _)| *o == self)
            .map_or("?", |o| o.2)
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        OUTCOMES.iter().find(|(_, n, _)| *n == name).map(|o| o.0)
    }

    /// Every outcome, in the order a form offers them.
    pub fn all() -> impl Iterator<Item = Self> {
        OUTCOMES.iter().map(|o| o.0)
    }

    /// Whether the mediation ends with this session.
    pub fn concludes(self) -> bool {
        matches!(self, Self::Agreed | Self::Failed)
    }
}

/// Where a dispute's mediation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 排查登记: registered, no session held yet.
    Registered,
    /// 调解中: sessions held, none concluded it.
    Mediating,
    /// 调解成功: the last session's parties agreed.
    Settled,
    /// 调解终止: the last session failed; the parties were guided elsewhere.
    Failed,
}

const STAGES: [(Stage, &str, &str); 4] = [
    (Stage::Registered, "registered", "排查登记"),
    (Stage::Mediating, "mediating", "调解中"),
    (Stage::Settled, "settled", "调解成功"),
    (Stage::Failed, "failed", "调解终止"),
];

impl Stage {
    /// The name in the API.
    pub fn name(self) -> &'static str {
        STAGES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("?", |s| s.1)
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        STAGES
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("?", |s| s.2)
    }

    /// Every stage, in order.
    pub fn all() -> impl Iterator<Item = Self> {
        STAGES.iter().map(|s| s.0)
    }

    /// Whether no further session is recorded: the mediation is over.
    pub fn is_concluded(self) -> bool {
        matches!(self, Self::Settled | Self::Failed)
    }
}

/// The stage of a dispute whose sessions ended with `outcomes`, oldest first.
pub fn stage(outcomes: impl IntoIterator<Item = Outcome>) -> Stage {
    match outcomes.into_iter().last() {
        None => Stage::Registered,
        Some(Outcome::Agreed) => Stage::Settled,
        Some(Outcome::Failed) => Stage::Failed,
        Some(Outcome::Partial | Outcome::Adjourned) => Stage::Mediating,
    }
}

/// Whether `category` is one of the dispute classes (`dispute.*`).
pub fn is_dispute(category: &str) -> bool {
    category.starts_with("dispute.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_follows_the_last_session() {
        assert_eq!(stage([]), Stage::Registered);
        assert_eq!(stage([Outcome::Adjourned]), Stage::Mediating);
        assert_eq!(
            stage([Outcome::Adjourned, Outcome::Partial]),
            Stage::Mediating
        );
        assert_eq!(stage([Outcome::Partial, Outcome::Agreed]), Stage::Settled);
        assert_eq!(stage([Outcome::Adjourned, Outcome::Failed]), Stage::Failed);
        assert!(Stage::Settled.is_concluded() && !Stage::Mediating.is_concluded());
    }

    #[test]
    fn names_round_trip() {
        for outcome in Outcome::all() {
            assert_eq!(Outcome::parse(outcome.name()), Some(outcome));
        }
        for side in Side::all() {
            assert_eq!(Side::parse(side.name()), Some(side));
        }
        assert_eq!(Outcome::parse("won"), None);
        assert_eq!(Side::parse(""), None);
    }
}
