//! The plugin's data as it is kept in storage, and the small value types pages share:
//! money in fen, claim statuses and follow-ups.

use serde::{Deserialize, Serialize};

/// The largest amount a claim may name: one million yuan, far above any real claim and
/// far below where arithmetic in fen could overflow.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000;

/// Why an amount typed by a resident was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountProblem {
    /// Nothing typed.
    Missing,
    /// Not a number of yuan with at most two decimals.
    Malformed,
    /// Zero or negative.
    NotPositive,
    /// Above [`MAX_AMOUNT_FEN`].
    TooLarge,
}

impl AmountProblem {
    /// The message shown next to the field.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "请填写报销金额。",
            Self::Malformed => "金额请填写数字（元），最多两位小数，例如 128.50。",
            Self::NotPositive => "报销金额必须大于 0。",
            Self::TooLarge => "报销金额不能超过 1000000 元。",
        }
    }
}

/// Parses an amount in yuan (`128`, `128.5`, `128.50`) into fen.
pub fn parse_yuan(text: &str) -> Result<i64, AmountProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AmountProblem::Missing);
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !all_digits(whole)
        || !all_digits(fraction)
        || fraction.len() > 2
        || (unsigned.contains('.') && fraction.is_empty())
    {
        return Err(AmountProblem::Malformed);
    }
    // Ten digits of yuan are already beyond the cap; more would overflow.
    if whole.trim_start_matches('0').len() > 10 {
        return Err(if negative {
            AmountProblem::NotPositive
        } else {
            AmountProblem::TooLarge
        });
    }
    let yuan: i64 = whole.parse().map_err(|_| AmountProblem::Malformed)?;
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => {
            fraction
                .parse::<i64>()
                .map_err(|_| AmountProblem::Malformed)?
                * 10
        }
        _ => fraction.parse().map_err(|_| AmountProblem::Malformed)?,
    };
    let fen = yuan * 100 + cents;
    if negative || fen == 0 {
        return Err(AmountProblem::NotPositive);
    }
    if fen > MAX_AMOUNT_FEN {
        return Err(AmountProblem::TooLarge);
    }
    Ok(fen)
}

/// Fen as yuan with two decimals: `12850` → `128.50`.
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// Where a reimbursement claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// 已提交: waiting for a worker.
    Submitted,
    /// 审核中: a worker is checking it.
    Reviewing,
    /// 已通过: approved.
    Approved,
    /// 已退回: returned with the worker's note.
    Returned,
}

impl ClaimStatus {
    /// Every status, in workflow order.
    pub const ALL: [Self; 4] = [
        Self::Submitted,
        Self::Reviewing,
        Self::Approved,
        Self::Returned,
    ];

    /// The Chinese label, also what release 1.0.0 stored.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "已提交",
            Self::Reviewing => "审核中",
            Self::Approved => "已通过",
            Self::Returned => "已退回",
        }
    }

    /// The status whose label is `text`.
    pub fn from_label(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.label() == text)
    }

    /// Whether a worker has finished with the claim.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Approved | Self::Returned)
    }
}

/// One step of a claim's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The status the claim entered.
    pub status: ClaimStatus,
    /// When, in milliseconds since the epoch.
    pub at: i64,
    /// Who: the resident's or the worker's name.
    pub by: String,
    /// The worker's note (empty for none).
    #[serde(default)]
    pub note: String,
}

/// A reimbursement claim (报销申请) as release 1.1.0 stores it under `claims/{number}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The resident the claim is for (and who submitted it).
    pub resident_id: String,
    /// Their name, for the worker's list.
    pub resident_name: String,
    /// Their grid, which decides which workers review it.
    pub grid_code: String,
    /// The designated hospital's code.
    pub hospital_code: String,
    /// Its name when the claim was made.
    pub hospital_name: String,
    /// The visit date, `YYYY-MM-DD`.
    pub visit_date: String,
    /// The amount in fen.
    pub amount_fen: i64,
    /// What the resident wrote about the visit.
    pub description: String,
    /// Where it stands.
    pub status: ClaimStatus,
    /// Every step, oldest first.
    pub history: Vec<HistoryEntry>,
    /// When it was submitted, in milliseconds since the epoch.
    pub submitted_at: i64,
}

impl Claim {
    /// The worker's note on the latest step, if any.
    pub fn latest_note(&self) -> Option<&str> {
        self.history
            .last()
            .map(|entry| entry.note.as_str())
            .filter(|note| !note.is_empty())
    }
}

/// A claim as release 1.0.0 stored it: the amount as a float of yuan, the status as its
/// Chinese label, and only the latest note instead of a history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimV1 {
    /// See [`Claim::resident_id`].
    pub resident_id: String,
    /// See [`Claim::resident_name`].
    pub resident_name: String,
    /// See [`Claim::grid_code`].
    pub grid_code: String,
    /// See [`Claim::hospital_code`].
    pub hospital_code: String,
    /// See [`Claim::hospital_name`].
    pub hospital_name: String,
    /// See [`Claim::visit_date`].
    pub visit_date: String,
    /// Yuan, e.g. `128.5`.
    pub amount: f64,
    /// See [`Claim::description`].
    pub description: String,
    /// `已提交`, `审核中`, `已通过` or `已退回`.
    pub status: String,
    /// The worker's note on the latest step.
    #[serde(default)]
    pub note: Option<String>,
    /// Who took the latest step.
    #[serde(default)]
    pub updated_by: Option<String>,
    /// When the latest step was taken.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// See [`Claim::submitted_at`].
    pub submitted_at: i64,
}

impl ClaimV1 {
    /// The claim in today's shape; `None` when its status is not one 1.0.0 wrote.
    pub fn upgrade(self) -> Option<Claim> {
        let status = ClaimStatus::from_label(&self.status)?;
        // Two decimals of yuan were typed; rounding undoes the float's representation error.
        let amount_fen = (self.amount * 100.0).round() as i64;
        let mut history = vec![HistoryEntry {
            status: ClaimStatus::Submitted,
            at: self.submitted_at,
            by: self.resident_name.clone(),
            note: String::new(),
        }];
        if status != ClaimStatus::Submitted {
            history.push(HistoryEntry {
                status,
                at: self.updated_at.unwrap_or(self.submitted_at),
                by: self.updated_by.unwrap_or_default(),
                note: self.note.unwrap_or_default(),
            });
        }
        Some(Claim {
            resident_id: self.resident_id,
            resident_name: self.resident_name,
            grid_code: self.grid_code,
            hospital_code: self.hospital_code,
            hospital_name: self.hospital_name,
            visit_date: self.visit_date,
            amount_fen,
            description: self.description,
            status,
            history,
            submitted_at: self.submitted_at,
        })
    }

    /// The claim in 1.0.0's shape (what release 1.0.0 writes).
    #[cfg(any(feature = "release-1-0", test))]
    pub fn from_claim(claim: &Claim) -> Self {
        let latest = claim.history.last();
        let amount = claim.amount_fen as f64 / 100.0;
        Self {
            resident_id: claim.resident_id.clone(),
            resident_name: claim.resident_name.clone(),
            grid_code: claim.grid_code.clone(),
            hospital_code: claim.hospital_code.clone(),
            hospital_name: claim.hospital_name.clone(),
            visit_date: claim.visit_date.clone(),
            amount,
            description: claim.description.clone(),
            status: claim.status.label().to_owned(),
            note: latest.map(|e| e.note.clone()).filter(|n| !n.is_empty()),
            updated_by: latest
                .filter(|_| claim.history.len() > 1)
                .map(|e| e.by.clone()),
            updated_at: latest.filter(|_| claim.history.len() > 1).map(|e| e.at),
            submitted_at: claim.submitted_at,
        }
    }
}

/// What a worker's follow-up call or visit came to (跟进结果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 已缴费: says they have paid.
    Paid,
    /// 承诺缴费: promised to pay.
    Promised,
    /// 拒绝: refused.
    Refused,
    /// 联系不上: could not be reached.
    Unreachable,
}

impl Outcome {
    /// The fixed list, in the order the form offers it.
    pub const ALL: [Self; 4] = [Self::Paid, Self::Promised, Self::Refused, Self::Unreachable];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Paid => "已缴费",
            Self::Promised => "承诺缴费",
            Self::Refused => "拒绝",
            Self::Unreachable => "联系不上",
        }
    }

    /// The form value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Promised => "promised",
            Self::Refused => "refused",
            Self::Unreachable => "unreachable",
        }
    }

    /// The outcome whose form value (or label) is `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|o| o.code() == text || o.label() == text)
    }
}

/// One follow-up a worker recorded with a resident during a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// The campaign year it belongs to.
    pub year: i64,
    /// What came of it.
    pub outcome: Outcome,
    /// The worker's note.
    pub note: String,
    /// The worker's name.
    pub by: String,
    /// When, in milliseconds since the epoch.
    pub at: i64,
}

/// The last reminder sent to a resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// The campaign year it was about.
    pub year: i64,
    /// When, in milliseconds since the epoch.
    pub at: i64,
    /// `定时提醒` for the schedule, else the worker's name.
    pub by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_yuan_with_two_decimals() {
        assert_eq!(parse_yuan("128"), Ok(12_800));
        assert_eq!(parse_yuan(" 128.5 "), Ok(12_850));
        assert_eq!(parse_yuan("0.01"), Ok(1));
        assert_eq!(parse_yuan(""), Err(AmountProblem::Missing));
        assert_eq!(parse_yuan("1.234"), Err(AmountProblem::Malformed));
        assert_eq!(parse_yuan("12元"), Err(AmountProblem::Malformed));
        assert_eq!(parse_yuan("1."), Err(AmountProblem::Malformed));
        assert_eq!(parse_yuan("-5"), Err(AmountProblem::NotPositive));
        assert_eq!(parse_yuan("0.00"), Err(AmountProblem::NotPositive));
        assert_eq!(parse_yuan("99999999999999"), Err(AmountProblem::TooLarge));
        assert_eq!(format_yuan(12_850), "128.50");
        assert_eq!(format_yuan(1), "0.01");
    }

    #[test]
    fn a_v1_claim_upgrades_and_back() {
        let v1 = ClaimV1 {
            resident_id: "7".into(),
            resident_name: "张建国".into(),
            grid_code: "420202001001001".into(),
            hospital_code: "H1".into(),
            hospital_name: "医院".into(),
            visit_date: "2026-01-02".into(),
            amount: 0.29,
            description: "门诊".into(),
            status: "已退回".into(),
            note: Some("缺发票".into()),
            updated_by: Some("网格员".into()),
            updated_at: Some(5),
            submitted_at: 1,
        };
        let claim = v1.clone().upgrade().expect("known status");
        assert_eq!(claim.amount_fen, 29);
        assert_eq!(claim.status, ClaimStatus::Returned);
        assert_eq!(claim.history.len(), 2);
        assert_eq!(claim.latest_note(), Some("缺发票"));
        assert_eq!(ClaimV1::from_claim(&claim), v1);
        let odd = ClaimV1 {
            status: "作废".into(),
            ..v1
        };
        assert!(odd.upgrade().is_none());
    }
}
