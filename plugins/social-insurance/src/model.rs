//! The data this plugin handles: the bureau's pension record (docs/bureau-api.md), the
//! local certification record, and checks and formats for their fields.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/pension/{id}`: one person's pension enrollment, contributions and this
/// year's certification.
#[derive(Debug, Clone, Deserialize)]
pub struct PensionRecord {
    /// Whether the person is enrolled in a pension scheme.
    pub enrolled: bool,
    /// `城乡居民` or `城镇职工`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// Years of contributions.
    #[serde(default)]
    pub contribution_years: u32,
    /// Monthly contribution in yuan.
    #[serde(default)]
    pub monthly_contribution_yuan: Option<f64>,
    /// Whether the person draws a pension.
    pub is_pensioner: bool,
    /// Monthly pension in yuan, for pensioners.
    #[serde(default)]
    pub monthly_pension_yuan: Option<f64>,
    /// This year's eligibility certification, for pensioners.
    #[serde(default)]
    pub certification: Option<Certification>,
}

/// The annual eligibility certification (待遇资格认证) as the bureau keeps it.
#[derive(Debug, Clone, Deserialize)]
pub struct Certification {
    /// The year it is for.
    pub year: i32,
    /// `due` or `certified`.
    pub status: String,
    /// `YYYY-MM-DD` once certified.
    #[serde(default)]
    pub certified_on: Option<String>,
    /// `in-person` or `self` once certified.
    #[serde(default)]
    pub method: Option<String>,
}

impl Certification {
    /// Whether this year's certification is done.
    pub fn is_certified(&self) -> bool {
        self.status == "certified"
    }
}

/// How a certification was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A grid worker confirmed the pensioner in person (上门认证).
    InPerson,
    /// The pensioner certified on their own page (本人自助认证).
    #[cfg_attr(
        feature = "release-1-0",
        expect(dead_code, reason = "1.0.0 has no self-certification")
    )]
    SelfService,
}

impl Method {
    /// As the bureau's API spells it.
    pub fn code(self) -> &'static str {
        match self {
            Method::InPerson => "in-person",
            Method::SelfService => "self",
        }
    }
}

/// The Chinese label of a bureau method code.
pub fn method_label(code: &str) -> &'static str {
    match code {
        "in-person" => "网格员上门认证",
        "self" => "本人自助认证",
        _ => "其他方式",
    }
}

/// A certification recorded by this plugin (1.1.0: `certifications/{year}/{resident}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalCertification {
    /// `YYYY-MM-DD`, China Standard Time.
    pub date: String,
    /// `in-person` or `self`.
    pub method: String,
    /// The grid worker's name, `本人`, or none for records migrated from 1.0.0 (which did
    /// not keep it).
    pub recorded_by: Option<String>,
}

/// Whether `text` is a date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// `420202********1234`: an ID number as pages show it (the host's masking, kept for
/// numbers this plugin read unmasked).
pub fn mask_id_number(id_number: &str) -> String {
    let chars: Vec<char> = id_number.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// Money as `1,850.00`-free plain text: `1850.00`.
pub fn yuan(amount: f64) -> String {
    format!("{amount:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ids_are_checked_and_masked() {
        assert!(is_date("2026-03-01"));
        assert!(!is_date("2026-3-01"));
        assert!(!is_date("2026/03/01"));
        assert_eq!(mask_id_number("420202194405120116"), "420202********0116");
        assert_eq!(method_label("self"), "本人自助认证");
    }

    #[test]
    fn the_bureau_record_parses() {
        let record: PensionRecord = serde_json::from_str(
            r#"{"id_number":"420202194405120116","enrolled":true,"scheme":"城乡居民",
            "contribution_years":15,"monthly_contribution_yuan":200.0,"is_pensioner":true,
            "monthly_pension_yuan":1850.0,
            "certification":{"year":2026,"status":"due","certified_on":null,"method":null}}"#,
        )
        .expect("parses");
        assert!(record.is_pensioner);
        let certification = record.certification.expect("present");
        assert!(!certification.is_certified());
        assert_eq!(certification.year, 2026);
    }
}
