//! A person's records as the bureau first knows them, derived from the ID number alone.
//!
//! Whatever the number does not say (birth date, sex) comes from a stable hash of it
//! (FNV-1a, then a mixer), so every run of the stand-in answers the same for the same
//! number. The mutations of a running stand-in are applied on top in `state.rs`.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::id_number::IdNumber;

/// Age from which a person can be enrolled in the pension insurance.
pub const ADULT_AGE: i32 = 16;
/// Pension age of men.
pub const PENSION_AGE_MALE: i32 = 60;
/// Pension age of women.
pub const PENSION_AGE_FEMALE: i32 = 55;
/// The pension scheme of rural and non-working urban residents.
pub const SCHEME_RESIDENTS: &str = "城乡居民";
/// The pension scheme of urban employees.
pub const SCHEME_EMPLOYEES: &str = "城镇职工";
/// The medical insurance scheme the stand-in knows.
pub const MEDICAL_SCHEME: &str = "城乡居民医保";
/// The annual medical insurance premium, in fen.
pub const ANNUAL_PREMIUM_FEN: i64 = fen(400);

/// `GET /api/v1/pension/{id_number}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PensionRecord {
    /// The person's ID number.
    pub id_number: String,
    /// Whether the person is enrolled in a pension scheme.
    pub enrolled: bool,
    /// [`SCHEME_RESIDENTS`] or [`SCHEME_EMPLOYEES`].
    pub scheme: &'static str,
    /// Years of contributions so far (0 if not enrolled).
    pub contribution_years: i32,
    /// Monthly contribution in yuan (0 if not enrolled).
    pub monthly_contribution_yuan: f64,
    /// Enrolled and at pension age.
    pub is_pensioner: bool,
    /// Monthly pension in yuan, for pensioners.
    pub monthly_pension_yuan: Option<f64>,
    /// This year's eligibility certification, for pensioners.
    pub certification: Option<Certification>,
}

/// The annual eligibility certification (待遇资格认证).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certification {
    /// The year certified for.
    pub year: i16,
    /// `due` or `certified`.
    pub status: CertificationStatus,
    /// When it was certified.
    pub certified_on: Option<Date>,
    /// How it was certified.
    pub method: Option<Method>,
}

impl Certification {
    /// A certification of `year` that is still due.
    pub fn due(year: i16) -> Self {
        Self {
            year,
            status: CertificationStatus::Due,
            certified_on: None,
            method: None,
        }
    }

    /// A certification of `year` done on `on` by `method`.
    pub fn certified(year: i16, on: Date, method: Method) -> Self {
        Self {
            year,
            status: CertificationStatus::Certified,
            certified_on: Some(on),
            method: Some(method),
        }
    }
}

/// The state of a certification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertificationStatus {
    /// Not yet certified this year.
    Due,
    /// Certified this year.
    Certified,
}

/// How a certification was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// Recorded by a grid worker who saw the person.
    #[serde(rename = "in-person")]
    InPerson,
    /// By the resident on their own page.
    #[serde(rename = "self")]
    SelfService,
}

impl Method {
    /// Parses the wire name (`in-person` or `self`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "in-person" => Some(Self::InPerson),
            "self" => Some(Self::SelfService),
            _ => None,
        }
    }
}

/// `GET /api/v1/medical/{id_number}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedicalRecord {
    /// The person's ID number.
    pub id_number: String,
    /// Whether the person is enrolled.
    pub enrolled: bool,
    /// Always [`MEDICAL_SCHEME`].
    pub scheme: &'static str,
    /// The years paid for, ascending (the campaign year too once paid).
    pub paid_years: Vec<i16>,
    /// The year the current payment campaign collects for: next year.
    pub campaign_year: i16,
    /// Whether the campaign year is paid.
    pub campaign_paid: bool,
    /// The premium in yuan.
    pub annual_premium_yuan: f64,
}

impl MedicalRecord {
    /// Records a payment for `year`: enrolls the person and marks the year paid.
    pub fn add_payment(&mut self, year: i16) {
        self.enrolled = true;
        if !self.paid_years.contains(&year) {
            self.paid_years.push(year);
            self.paid_years.sort_unstable();
        }
        self.campaign_paid = self.paid_years.contains(&self.campaign_year);
    }
}

/// The pension record of `id` on `today`, before any certification by this process.
pub fn pension(id: &IdNumber, today: Date) -> PensionRecord {
    let age = id.age_on(today);
    let enrolled = age >= ADULT_AGE && percent(id, "pension.enrolled") < 90;
    let residents = percent(id, "pension.scheme") < 70;
    let scheme = if residents {
        SCHEME_RESIDENTS
    } else {
        SCHEME_EMPLOYEES
    };
    let pension_age = if id.is_male() {
        PENSION_AGE_MALE
    } else {
        PENSION_AGE_FEMALE
    };
    let is_pensioner = enrolled && age >= pension_age;
    let years = if enrolled {
        let most = (age - ADULT_AGE).clamp(1, 40);
        // A pension needs 15 years of contributions.
        let least = if is_pensioner { most.min(15) } else { 1 };
        between(id, "pension.years", least, most)
    } else {
        0
    };
    // A resident picks a grade; an employee pays 8 % of a wage base of 3 500–9 000 yuan.
    let wage_base = i64::from(between(id, "pension.wage", 350, 900)) * fen(10);
    let grades = [fen(100), fen(200), fen(300), fen(500)];
    let contribution = if !enrolled {
        0
    } else if residents {
        grades[(draw(id, "pension.grade") % 4) as usize]
    } else {
        wage_base * 8 / 100
    };
    let pension = is_pensioner.then(|| {
        // The personal account pays out over 139 months; the base part depends on the scheme.
        let account = i64::from(years) * 12 * contribution / 139;
        let base = if residents {
            fen(165)
        } else {
            wage_base * i64::from(20 + years) / 100
        };
        yuan(base + account)
    });
    let certification = is_pensioner.then(|| {
        let year = today.year();
        if percent(id, "pension.certified") < 40 {
            // A day of the spring certification drive (January to May), and the same day
            // all year; earlier in the year, today at the latest.
            let offset = i64::try_from(draw(id, "pension.certified-on") % 150).unwrap_or(0);
            let on = today
                .first_of_year()
                .checked_add(offset.days())
                .map_or(today, |day| day.min(today));
            Certification::certified(year, on, Method::InPerson)
        } else {
            Certification::due(year)
        }
    });
    PensionRecord {
        id_number: id.as_str().to_owned(),
        enrolled,
        scheme,
        contribution_years: years,
        monthly_contribution_yuan: yuan(contribution),
        is_pensioner,
        monthly_pension_yuan: pension,
        certification,
    }
}

/// The medical insurance record of `id` on `today`, before any payment to this process.
pub fn medical(id: &IdNumber, today: Date) -> MedicalRecord {
    let this_year = today.year();
    let campaign_year = this_year + 1;
    let enrolled = percent(id, "medical.enrolled") < 95;
    let mut paid_years: Vec<i16> = if enrolled {
        (this_year - 2..=this_year)
            .filter(|year| *year >= id.birth_date().year())
            .collect()
    } else {
        Vec::new()
    };
    // Most paid each of the last three years; some missed one.
    if percent(id, "medical.missed") < 15 && !paid_years.is_empty() {
        let missed = draw(id, "medical.missed-year") as usize % paid_years.len();
        paid_years.remove(missed);
    }
    let mut record = MedicalRecord {
        id_number: id.as_str().to_owned(),
        enrolled,
        scheme: MEDICAL_SCHEME,
        paid_years,
        campaign_year,
        campaign_paid: false,
        annual_premium_yuan: yuan(ANNUAL_PREMIUM_FEN),
    };
    if enrolled && percent(id, "medical.campaign-paid") < 50 {
        record.add_payment(campaign_year);
    }
    record
}

/// Yuan to fen.
const fn fen(yuan: i64) -> i64 {
    yuan * 100
}

/// Fen to yuan.
fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// A number from `least` to `most` (inclusive) for `id`.
fn between(id: &IdNumber, salt: &str, least: i32, most: i32) -> i32 {
    let span = u64::from((most - least).unsigned_abs()) + 1;
    least + i32::try_from(draw(id, salt) % span).unwrap_or(0)
}

/// 0–99 for `id`.
fn percent(id: &IdNumber, salt: &str) -> u64 {
    draw(id, salt) % 100
}

/// A stable 64-bit hash of `salt` and `id`: FNV-1a, then the SplitMix64 finaliser, because
/// FNV's low bits vary little between numbers that differ in a single digit.
pub fn draw(id: &IdNumber, salt: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in salt.bytes().chain([0]).chain(id.as_str().bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id_number::with_check;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 5, 14);

    fn id(first17: &str) -> IdNumber {
        IdNumber::parse(&with_check(first17)).expect("valid")
    }

    /// Valid numbers of people born on `birth` (YYYYMMDD) in 黄石港区, of one sex.
    fn people(birth: &str, male: bool) -> impl Iterator<Item = IdNumber> {
        let birth = birth.to_owned();
        (0..500).map(move |n| id(&format!("420202{birth}{:03}", n * 2 + u32::from(male))))
    }

    #[test]
    fn same_number_same_record() {
        let person = id("42020219440512011");
        assert_eq!(pension(&person, TODAY), pension(&person, TODAY));
        assert_eq!(medical(&person, TODAY), medical(&person, TODAY));
        // The hash itself is fixed across builds and releases.
        assert_eq!(draw(&person, ""), draw(&id("42020219440512011"), ""));
        assert_ne!(draw(&person, "a"), draw(&person, "b"));
    }

    #[test]
    fn children_are_not_enrolled_in_pensions() {
        for person in people("20150101", true).take(50) {
            let record = pension(&person, TODAY);
            assert!(!record.enrolled && !record.is_pensioner);
            assert_eq!(record.contribution_years, 0);
            assert_eq!(record.monthly_pension_yuan, None);
            assert_eq!(record.certification, None);
        }
    }

    #[test]
    fn pension_age_depends_on_sex() {
        // 58 years old: women are pensioners (if enrolled), men are not.
        for person in people("19680101", true).take(100) {
            assert!(!pension(&person, TODAY).is_pensioner);
        }
        let women: Vec<_> = people("19680101", false)
            .map(|p| pension(&p, TODAY))
            .collect();
        assert!(women.iter().all(|r| r.is_pensioner == r.enrolled));
        // About 90 % enrolled, about 70 % in the residents' scheme.
        let enrolled = women.iter().filter(|r| r.enrolled).count();
        assert!(
            (400..=490).contains(&enrolled),
            "{enrolled} of 500 enrolled"
        );
        let residents = women
            .iter()
            .filter(|r| r.scheme == SCHEME_RESIDENTS)
            .count();
        assert!(
            (300..=400).contains(&residents),
            "{residents} of 500 residents"
        );
    }

    #[test]
    fn pensioners_records_are_plausible() {
        let records: Vec<_> = people("19500301", true)
            .map(|p| pension(&p, TODAY))
            .collect();
        let mut certified = 0;
        for record in records.iter().filter(|r| r.is_pensioner) {
            assert!((15..=40).contains(&record.contribution_years));
            assert!(record.monthly_contribution_yuan > 0.0);
            let amount = record.monthly_pension_yuan.expect("a pension");
            assert!((100.0..20_000.0).contains(&amount), "{amount}");
            let certification = record.certification.as_ref().expect("certification");
            assert_eq!(certification.year, 2026);
            if certification.status == CertificationStatus::Certified {
                certified += 1;
                let on = certification.certified_on.expect("a date");
                assert!(on >= date(2026, 1, 1) && on <= TODAY, "{on}");
                assert_eq!(certification.method, Some(Method::InPerson));
            } else {
                assert_eq!(certification.certified_on, None);
            }
        }
        assert!((150..=250).contains(&certified), "{certified} certified");
    }

    #[test]
    fn certification_dates_do_not_move_once_past() {
        for person in people("19500301", false).take(100) {
            let june = pension(&person, date(2026, 6, 1)).certification;
            let november = pension(&person, date(2026, 11, 1)).certification;
            assert_eq!(june, november);
        }
    }

    #[test]
    fn contribution_years_fit_the_age() {
        for person in people("20060101", false).take(100) {
            let record = pension(&person, TODAY);
            if record.enrolled {
                assert!((1..=4).contains(&record.contribution_years));
            }
        }
    }

    #[test]
    fn medical_records() {
        let records: Vec<_> = people("19900101", true)
            .map(|p| medical(&p, TODAY))
            .collect();
        let enrolled = records.iter().filter(|r| r.enrolled).count();
        assert!(
            (455..=495).contains(&enrolled),
            "{enrolled} of 500 enrolled"
        );
        let paid = records.iter().filter(|r| r.campaign_paid).count();
        assert!((200..=280).contains(&paid), "{paid} of 500 paid");
        for record in &records {
            assert_eq!(record.campaign_year, 2027);
            assert_eq!(record.scheme, MEDICAL_SCHEME);
            assert_eq!(record.annual_premium_yuan, 400.0);
            assert_eq!(record.campaign_paid, record.paid_years.contains(&2027));
            assert!(record.paid_years.iter().all(|y| (2024..=2027).contains(y)));
            if !record.enrolled {
                assert!(record.paid_years.is_empty() && !record.campaign_paid);
            }
        }
        // A child born last year has not paid for the years before.
        let baby = medical(&id("42020220250301001"), TODAY);
        assert!(baby.paid_years.iter().all(|year| *year >= 2025));
    }
}
