//! A reporter's rating of how their event was handled (评价), on the three grades 12345
//! hotlines use: 满意, 基本满意, 不满意. 满意率 counts the first two as satisfied.

/// Days after an event is closed in which its reporter may rate it (or, dissatisfied, have
/// it handled again): the week that 12345 回访 allows.
pub const EVALUATION_WINDOW_DAYS: i64 = 7;

/// How many times a dissatisfied reporter may have one event handled again (重新办理): once,
/// so that one complaint cannot keep an event open for ever.
pub const MAX_REOPENS: i64 = 1;

/// One grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rating {
    /// 满意.
    Satisfied,
    /// 基本满意.
    BasicallySatisfied,
    /// 不满意.
    Dissatisfied,
}

const RATINGS: [(Rating, &str, &str); 3] = [
    (Rating::Satisfied, "satisfied", "满意"),
    (
        Rating::BasicallySatisfied,
        "basically-satisfied",
        "基本满意",
    ),
    (Rating::Dissatisfied, "dissatisfied", "不满意"),
];

impl Rating {
    /// Every grade, best first.
    pub const ALL: [Rating; 3] = [
        Rating::Satisfied,
        Rating::BasicallySatisfied,
        Rating::Dissatisfied,
    ];

    /// The stored name (`satisfied` …).
    pub fn name(self) -> &'static str {
        RATINGS
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// The Chinese name.
    pub fn name_zh(self) -> &'static str {
        RATINGS
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("?", |(_, _, z)| z)
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        RATINGS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(r, _, _)| *r)
    }

    /// Whether 满意率 counts it as satisfied (满意 or 基本满意).
    pub fn is_satisfied(self) -> bool {
        self != Rating::Dissatisfied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_dissatisfied_is_unsatisfied() {
        for rating in Rating::ALL {
            assert_eq!(Rating::parse(rating.name()), Some(rating));
        }
        assert_eq!(Rating::parse("good"), None);
        let satisfied: Vec<_> = Rating::ALL.iter().map(|r| r.is_satisfied()).collect();
        assert_eq!(satisfied, [true, true, false]);
    }
}
