//! Calendar dates in China Standard Time (UTC+8), written `YYYY-MM-DD` as the contract
//! writes them. The plugin reads the wall clock through WASI; there is no time zone data to
//! carry, since China keeps one offset all year.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// UTC+8 in milliseconds.
const CST_OFFSET_MS: i64 = 8 * 3600 * 1000;
const DAY_MS: i64 = 86_400_000;

/// A calendar day, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    days: i64,
}

impl Date {
    /// The day from its parts, if it exists (no 2月30日).
    pub(crate) fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let date = Self {
            days: days_from_civil(year, month, day),
        };
        (date.ymd() == (year, month, day)).then_some(date)
    }

    /// Strictly `YYYY-MM-DD`, e.g. `2026-12-01`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return None;
        }
        let year = text.get(0..4)?.parse().ok()?;
        let month = text.get(5..7)?.parse().ok()?;
        let day = text.get(8..10)?.parse().ok()?;
        Self::from_ymd(year, month, day)
    }

    /// The day in China at `ms` milliseconds since the epoch.
    pub(crate) fn from_timestamp_ms(ms: i64) -> Self {
        Self {
            days: (ms + CST_OFFSET_MS).div_euclid(DAY_MS),
        }
    }

    /// Today in China.
    pub(crate) fn today() -> Self {
        Self::from_timestamp_ms(now_ms())
    }

    /// Year, month, day.
    pub(crate) fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.days)
    }

    /// `n` days later (earlier when negative).
    pub(crate) fn add_days(self, n: i64) -> Self {
        Self {
            days: self.days + n,
        }
    }

    /// Days from `earlier` to this day.
    pub(crate) fn days_since(self, earlier: Self) -> i64 {
        self.days - earlier.days
    }

    /// Completed years on `day` of someone born on this day.
    pub(crate) fn age_on(self, day: Self) -> i64 {
        let (by, bm, bd) = self.ymd();
        let (ty, tm, td) = day.ymd();
        let mut age = ty - by;
        if (tm, td) < (bm, bd) {
            age -= 1;
        }
        age
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Milliseconds since the epoch, now.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// `YYYY-MM-DD HH:MM` in China of `ms` milliseconds since the epoch.
pub(crate) fn format_time(ms: i64) -> String {
    let local = ms + CST_OFFSET_MS;
    let minutes = local.rem_euclid(DAY_MS) / 60_000;
    format!(
        "{} {:02}:{:02}",
        Date::from_timestamp_ms(ms),
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12).
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly_and_round_trip() {
        let date = Date::parse("2026-02-28").expect("a date");
        assert_eq!(date.to_string(), "2026-02-28");
        assert_eq!(date.add_days(1).to_string(), "2026-03-01");
        assert_eq!(
            Date::parse("2024-02-28")
                .expect("leap")
                .add_days(1)
                .to_string(),
            "2024-02-29"
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "20261201",
            "",
            "2026-12-01 ",
            "２026-12-01",
            "abcd-ef-gh",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Date::parse("1970-01-01").map(|d| d.days), Some(0));
    }

    #[test]
    fn ages_count_completed_years() {
        let born = Date::parse("1944-05-12").expect("date");
        assert_eq!(born.age_on(Date::parse("2024-05-11").expect("date")), 79);
        assert_eq!(born.age_on(Date::parse("2024-05-12").expect("date")), 80);
    }

    #[test]
    fn china_time_is_utc_plus_eight() {
        // 2026-11-30T16:30:00Z is 00:30 on 1 December in China.
        let ms = 1_796_056_200_000;
        assert_eq!(Date::from_timestamp_ms(ms).to_string(), "2026-12-01");
        assert_eq!(format_time(ms), "2026-12-01 00:30");
    }
}
