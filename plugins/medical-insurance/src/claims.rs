//! Reimbursement claims (报销申请): where they are stored, how a new one is checked, and
//! how a worker moves one along. Release 1.0.0 (feature `release-1-0`) writes claims in its
//! own shape ([`ClaimV1`]); 1.1.0 writes [`Claim`] and migrates the old ones.

use wangge_sdk::date::now_ms;
use wangge_sdk::prelude::*;

use crate::bureau::Hospital;
#[cfg(feature = "release-1-0")]
use crate::model::ClaimV1;
use crate::model::{Claim, ClaimStatus, HistoryEntry, parse_yuan};

/// Claims live under `claims/{number:06}`.
pub const PREFIX: &str = "claims/";
/// The counter numbering claims.
const NEXT: &str = "next-claim";
/// The longest description kept.
pub const MAX_DESCRIPTION: usize = 500;
/// The longest worker's note kept.
pub const MAX_NOTE: usize = 200;
/// How far back a visit may be: a year.
const MAX_AGE_DAYS: i64 = 365;

#[cfg(not(feature = "release-1-0"))]
type Stored = Claim;
#[cfg(feature = "release-1-0")]
type Stored = ClaimV1;

const CLAIMS: Collection<Stored> = Collection::new(PREFIX);

#[cfg(not(feature = "release-1-0"))]
fn to_stored(claim: &Claim) -> Stored {
    claim.clone()
}

#[cfg(feature = "release-1-0")]
fn to_stored(claim: &Claim) -> Stored {
    ClaimV1::from_claim(claim)
}

#[cfg(not(feature = "release-1-0"))]
fn from_stored(id: &str, stored: Stored) -> Result<Claim, Error> {
    let _ = id;
    Ok(stored)
}

#[cfg(feature = "release-1-0")]
fn from_stored(id: &str, stored: Stored) -> Result<Claim, Error> {
    stored
        .upgrade()
        .ok_or_else(|| Error::invalid(format!("claim {id} has an unknown status")))
}

/// Claim `id`, if it exists.
pub fn get(id: &str) -> Result<Option<Claim>, Error> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    CLAIMS
        .get(id)?
        .map(|stored| from_stored(id, stored))
        .transpose()
}

/// Stores `claim` as `id`.
pub fn save(id: &str, claim: &Claim) -> Result<(), Error> {
    CLAIMS.insert(id, &to_stored(claim))
}

/// Stores a new claim, with its index entries, and returns its id.
pub fn add(claim: &Claim) -> Result<String, Error> {
    let id = format!("{:06}", store::increment(NEXT, 1)?);
    save(&id, claim)?;
    index(&id, claim)?;
    Ok(id)
}

/// Index of claims by resident: `claims-by-resident/{resident}/{id}`. Release 1.1.0 keeps
/// it (and builds it for 1.0.0's claims when migrating) so a page reads only the claims it
/// shows, however many the installation holds.
#[cfg(not(feature = "release-1-0"))]
const BY_RESIDENT: &str = "claims-by-resident/";
/// Index of claims by grid: `claims-by-grid/{grid}/{id}`; a unit's claims are those under
/// its code, which every grid below it extends.
#[cfg(not(feature = "release-1-0"))]
const BY_GRID: &str = "claims-by-grid/";

/// Writes the index entries of claim `id`; writing them again changes nothing.
#[cfg(not(feature = "release-1-0"))]
pub fn index(id: &str, claim: &Claim) -> Result<(), Error> {
    store::set(&format!("{BY_RESIDENT}{}/{id}", claim.resident_id), &1)?;
    store::set(&format!("{BY_GRID}{}/{id}", claim.grid_code), &1)
}

/// Release 1.0.0 kept no index.
#[cfg(feature = "release-1-0")]
pub fn index(_id: &str, _claim: &Claim) -> Result<(), Error> {
    Ok(())
}

/// The claim ids under index `prefix`, newest first.
#[cfg(not(feature = "release-1-0"))]
fn indexed(prefix: &str) -> Result<Vec<String>, Error> {
    let mut ids: Vec<String> = store::keys(prefix)?
        .into_iter()
        .filter_map(|key| key.rsplit('/').next().map(str::to_owned))
        .collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    Ok(ids)
}

/// The ids of every claim matching `keep`, newest first, by reading them all (release
/// 1.0.0 had no index).
#[cfg(feature = "release-1-0")]
fn scan(keep: impl Fn(&Claim) -> bool) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    for id in CLAIMS.ids()?.into_iter().rev() {
        if get(&id)?.is_some_and(|c| keep(&c)) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// One page of a list of claims.
pub struct Page {
    /// `(id, claim)`, newest first.
    pub claims: Vec<(String, Claim)>,
    /// Whether a next page exists.
    pub more: bool,
}

/// Claims per page of a list.
pub const PAGE_SIZE: usize = 50;

fn page_of(ids: &[String], page: usize, keep: impl Fn(&Claim) -> bool) -> Result<Page, Error> {
    let start = page.saturating_mul(PAGE_SIZE);
    let mut claims = Vec::new();
    for id in ids.iter().skip(start).take(PAGE_SIZE) {
        // The index only points at claims; the claim itself decides.
        if let Some(claim) = get(id)?.filter(|c| keep(c)) {
            claims.push((id.clone(), claim));
        }
    }
    Ok(Page {
        claims,
        more: ids.len() > start.saturating_add(PAGE_SIZE),
    })
}

/// Page `page` (from 0) of the claims of `resident_id`, newest first.
pub fn of_resident(resident_id: &str, page: usize) -> Result<Page, Error> {
    let keep = |c: &Claim| c.resident_id == resident_id;
    #[cfg(not(feature = "release-1-0"))]
    let ids = indexed(&format!("{BY_RESIDENT}{resident_id}/"))?;
    #[cfg(feature = "release-1-0")]
    let ids = scan(keep)?;
    page_of(&ids, page, keep)
}

/// Page `page` (from 0) of the claims of residents of grids under `unit_code`, newest
/// first.
pub fn of_unit(unit_code: &str, page: usize) -> Result<Page, Error> {
    let keep = |c: &Claim| c.grid_code.starts_with(unit_code);
    #[cfg(not(feature = "release-1-0"))]
    let ids = indexed(&format!("{BY_GRID}{unit_code}"))?;
    #[cfg(feature = "release-1-0")]
    let ids = scan(keep)?;
    page_of(&ids, page, keep)
}

/// What a resident typed into the claim form, kept to show again.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ClaimForm {
    /// The hospital's code.
    #[serde(default)]
    pub hospital: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub visit_date: String,
    /// Yuan.
    #[serde(default)]
    pub amount: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Whom the claim is for: the form never sends it; a crafted request naming someone
    /// else is refused.
    #[serde(default)]
    pub resident: Option<String>,
}

/// The problems of a claim form, by field.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    /// About the whole form (another resident).
    pub form: Option<String>,
    /// `hospital`.
    pub hospital: Option<String>,
    /// `visit_date`.
    pub visit_date: Option<String>,
    /// `amount`.
    pub amount: Option<String>,
    /// `description`.
    pub description: Option<String>,
}

impl Problems {
    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.form.is_none()
            && self.hospital.is_none()
            && self.visit_date.is_none()
            && self.amount.is_none()
            && self.description.is_none()
    }
}

/// A checked claim form: what to store.
pub struct Checked {
    /// The hospital chosen.
    pub hospital: Hospital,
    /// The visit date.
    pub visit_date: Date,
    /// The amount in fen.
    pub amount_fen: i64,
    /// The description, trimmed.
    pub description: String,
}

/// Checks the form against the designated hospitals of the resident's county and today's
/// date; every problem is named by field.
pub fn check(form: &ClaimForm, hospitals: &[Hospital], today: Date) -> Result<Checked, Problems> {
    let mut problems = Problems::default();
    let hospital = hospitals
        .iter()
        .find(|h| h.code == form.hospital.trim())
        .cloned();
    if form.hospital.trim().is_empty() {
        problems.hospital = Some("请选择就诊的定点医疗机构。".to_owned());
    } else if hospital.is_none() {
        problems.hospital =
            Some("所选医疗机构不是本区县的定点医疗机构，请从列表中选择。".to_owned());
    }
    let visit_date = Date::parse(form.visit_date.trim());
    match visit_date {
        _ if form.visit_date.trim().is_empty() => {
            problems.visit_date = Some("请填写就诊日期。".to_owned());
        }
        None => {
            problems.visit_date =
                Some("就诊日期格式不正确，请按“年-月-日”填写，例如 2026-03-15。".to_owned());
        }
        Some(day) if day > today => {
            problems.visit_date = Some("就诊日期不能晚于今天。".to_owned());
        }
        Some(day) if today.days_since(day) > MAX_AGE_DAYS => {
            problems.visit_date = Some("只能申请报销一年以内的就诊费用。".to_owned());
        }
        Some(_) => {}
    }
    let amount = parse_yuan(&form.amount);
    if let Err(problem) = amount {
        problems.amount = Some(problem.message().to_owned());
    }
    let description = form.description.trim();
    if description.is_empty() {
        problems.description = Some("请简要说明就诊情况（病种、科室等）。".to_owned());
    } else if description.chars().count() > MAX_DESCRIPTION {
        problems.description = Some(format!("说明不能超过 {MAX_DESCRIPTION} 个字。"));
    }
    match (hospital, visit_date, amount) {
        (Some(hospital), Some(visit_date), Ok(amount_fen)) if problems.is_empty() => Ok(Checked {
            hospital,
            visit_date,
            amount_fen,
            description: description.to_owned(),
        }),
        _ => Err(problems),
    }
}

/// A new claim from a checked form.
pub fn new_claim(
    checked: Checked,
    resident_id: String,
    resident_name: String,
    grid_code: String,
) -> Claim {
    let at = now_ms();
    Claim {
        history: vec![HistoryEntry {
            status: ClaimStatus::Submitted,
            at,
            by: resident_name.clone(),
            note: String::new(),
        }],
        resident_id,
        resident_name,
        grid_code,
        hospital_code: checked.hospital.code,
        hospital_name: checked.hospital.name,
        visit_date: checked.visit_date.to_string(),
        amount_fen: checked.amount_fen,
        description: checked.description,
        status: ClaimStatus::Submitted,
        submitted_at: at,
    }
}

/// A worker's decision on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Start reviewing (已提交 → 审核中).
    Review,
    /// Approve (→ 已通过).
    Approve,
    /// Return with a note (→ 已退回).
    Return,
}

impl Decision {
    /// The form value's decision.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "review" => Some(Self::Review),
            "approve" => Some(Self::Approve),
            "return" => Some(Self::Return),
            _ => None,
        }
    }

    fn target(self) -> ClaimStatus {
        match self {
            Self::Review => ClaimStatus::Reviewing,
            Self::Approve => ClaimStatus::Approved,
            Self::Return => ClaimStatus::Returned,
        }
    }
}

/// Applies a worker's decision, or says why it cannot be taken.
pub fn decide(claim: &mut Claim, decision: Decision, note: &str, by: String) -> Result<(), String> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(format!("审核意见不能超过 {MAX_NOTE} 个字。"));
    }
    if claim.status.is_final() {
        return Err(format!(
            "这份申请已经{}，不能再更改。",
            claim.status.label()
        ));
    }
    if decision == Decision::Review && claim.status != ClaimStatus::Submitted {
        return Err("这份申请已在审核中。".to_owned());
    }
    if decision == Decision::Return && note.is_empty() {
        return Err("退回申请时请写明原因，居民会看到这条意见。".to_owned());
    }
    let status = decision.target();
    claim.status = status;
    claim.history.push(HistoryEntry {
        status,
        at: now_ms(),
        by,
        note: note.to_owned(),
    });
    Ok(())
}
