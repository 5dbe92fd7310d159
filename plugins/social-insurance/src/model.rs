//! The data this plugin handles: the bureau's pension record (docs/bureau-api.md), the
//! local certification record, and calendar dates in China Standard Time.

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

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// A date `(year, month, day)` in China Standard Time (UTC+8) for epoch milliseconds.
pub fn cst_date(epoch_ms: i64) -> (i32, u32, u32) {
    let days = (epoch_ms + 8 * 3_600_000).div_euclid(86_400_000);
    civil_from_days(days)
}

/// `YYYY-MM-DD` in China Standard Time for epoch milliseconds.
pub fn cst_date_text(epoch_ms: i64) -> String {
    let (y, m, d) = cst_date(epoch_ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        i32::try_from(y).unwrap_or_default(),
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
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
    fn dates_are_in_china_standard_time() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(cst_date_text(0), "1970-01-01");
        // 2026-11-28T16:30:00Z is already the 29th in Beijing.
        assert_eq!(cst_date_text(1_795_883_400_000), "2026-11-29");
        assert_eq!(cst_date_text(1_709_164_800_000), "2024-02-29");
    }

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
