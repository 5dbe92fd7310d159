//! Calendar dates in China Standard Time (UTC+8, no daylight saving), written `YYYY-MM-DD`.
//!
//! A [`Date`] is the unit of everything dated in the domain: SLA days, bookings, birthdays,
//! the year a certification is for. Plugins read the wall clock through WASI
//! ([`Date::today`], [`now_ms`]); there is no time zone data to carry, since China keeps one
//! offset all year. Dates run from `0000-01-01` to `9999-12-31`, so every one is written with
//! four digits of year and reads back with [`Date::parse`].
//!
//! ```
//! use wangge_sdk::date::Date;
//!
//! let born = Date::parse("1944-05-12").expect("a date");
//! let on = Date::from_ymd(2024, 5, 11).expect("a date");
//! assert_eq!(on.years_since(born), 79);
//! assert_eq!(on.add_days(1).to_string(), "2024-05-12");
//! assert_eq!(on.add_days(30).days_since(on), 30);
//! ```

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// China Standard Time is UTC+8 all year.
const CST_OFFSET_MS: i64 = 8 * 3_600_000;
/// Days since 1970-01-01 of 0000-01-01, the first date.
const MIN_DAYS: i64 = -719_528;
/// Days since 1970-01-01 of 9999-12-31, the last date.
const MAX_DAYS: i64 = 2_932_896;

/// A calendar date in China Standard Time, between `0000-01-01` and `9999-12-31`.
///
/// Ordered by time; shown, serialized and deserialized as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01, within `MIN_DAYS..=MAX_DAYS`.
    days: i64,
}

impl Date {
    /// The date from its parts, if it exists: `from_ymd(2024, 2, 29)` does, `(2023, 2, 29)`
    /// and `(2026, 13, 1)` do not, nor years outside `0..=9999`.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(0..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Self {
            days: days_from_civil(i64::from(year), i64::from(month), i64::from(day)),
        })
    }

    /// Strictly `YYYY-MM-DD` (`2026-12-01`), and only dates that exist: not `2026-1-1`,
    /// `20260101`, `2026-02-30` or anything with spaces around it.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return None;
        }
        let number = |from: usize, to: usize| {
            bytes[from..to]
                .iter()
                .fold(0_u32, |n, b| n * 10 + u32::from(b - b'0'))
        };
        let year = i32::try_from(number(0, 4)).ok()?;
        Self::from_ymd(year, number(5, 7), number(8, 10))
    }

    /// The date in China at `ms` milliseconds since the Unix epoch (an event's deadline, a
    /// schedule's `at`). Clamped to the first and last dates.
    pub fn from_unix_ms(ms: i64) -> Self {
        Self {
            days: ms
                .saturating_add(CST_OFFSET_MS)
                .div_euclid(DAY_MS)
                .clamp(MIN_DAYS, MAX_DAYS),
        }
    }

    /// Today in China, by the wall clock.
    pub fn today() -> Self {
        Self::from_unix_ms(now_ms())
    }

    /// The year, `0..=9999`.
    pub fn year(self) -> i32 {
        // In range by construction.
        i32::try_from(civil_from_days(self.days).0).unwrap_or_default()
    }

    /// The month, `1..=12`.
    pub fn month(self) -> u32 {
        // In range by construction.
        u32::try_from(civil_from_days(self.days).1).unwrap_or(1)
    }

    /// The day of the month, `1..=31`.
    pub fn day(self) -> u32 {
        // In range by construction.
        u32::try_from(civil_from_days(self.days).2).unwrap_or(1)
    }

    /// `n` days later, or earlier when `n` is negative; clamped to the first and last dates.
    pub fn add_days(self, n: i64) -> Self {
        Self {
            days: self.days.saturating_add(n).clamp(MIN_DAYS, MAX_DAYS),
        }
    }

    /// Days from `earlier` to this date: negative when `earlier` is in fact later.
    /// `a.add_days(n).days_since(a) == n`.
    pub fn days_since(self, earlier: Self) -> i64 {
        self.days - earlier.days
    }

    /// Whole years from `earlier` to this date, rounded down: someone born on `earlier` is
    /// this old on this date. A year is complete on the same month and day; someone born on
    /// 29 February completes a year on 1 March in other years. Negative when `earlier` is
    /// later.
    pub fn years_since(self, earlier: Self) -> i64 {
        let (by, bm, bd) = civil_from_days(earlier.days);
        let (y, m, d) = civil_from_days(self.days);
        if (m, d) < (bm, bd) {
            y - by - 1
        } else {
            y - by
        }
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.days);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Date, E> {
                Date::parse(text)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

/// Now, in milliseconds since the Unix epoch, by the wall clock (WASI's in a plugin).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// `YYYY-MM-DD HH:MM` in China at `ms` milliseconds since the Unix epoch, for pages.
pub fn format_time(ms: i64) -> String {
    let minutes = ms.saturating_add(CST_OFFSET_MS).rem_euclid(DAY_MS) / 60_000;
    format!(
        "{} {:02}:{:02}",
        Date::from_unix_ms(ms),
        minutes / 60,
        minutes % 60
    )
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// The two conversions below are Howard Hinnant's `days_from_civil` and `civil_from_days`
// for the proleptic Gregorian calendar ("chrono-Compatible Low-Level Date Algorithms",
// https://howardhinnant.github.io/date_algorithms.html), counting in 400-year eras of
// 146 097 days with the year starting in March so that leap days fall at its end.

/// Days since 1970-01-01 of a real date (month `1..=12`, day within the month).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: `(year, month, day)`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // March = 0
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap_or_else(|| panic!("{text} is a date"))
    }

    #[test]
    fn the_epoch_and_the_ends_of_the_range() {
        assert_eq!(date("1970-01-01").days, 0);
        assert_eq!(date("0000-01-01").days, MIN_DAYS);
        assert_eq!(date("9999-12-31").days, MAX_DAYS);
        assert_eq!(date("9999-12-31").add_days(1), date("9999-12-31"));
        assert_eq!(date("0000-01-01").add_days(i64::MIN), date("0000-01-01"));
        assert_eq!(Date::from_unix_ms(i64::MAX), date("9999-12-31"));
        assert_eq!(Date::from_unix_ms(i64::MIN), date("0000-01-01"));
    }

    #[test]
    fn every_day_round_trips_across_leap_years_and_centuries() {
        for (day, next) in [
            ("1900-02-28", "1900-03-01"),
            ("2000-02-28", "2000-02-29"),
            ("2000-02-29", "2000-03-01"),
            ("2024-02-28", "2024-02-29"),
            ("2024-02-29", "2024-03-01"),
            ("2023-02-28", "2023-03-01"),
            ("2026-12-31", "2027-01-01"),
            ("1969-12-31", "1970-01-01"),
        ] {
            assert_eq!(date(day).add_days(1).to_string(), next, "{day}");
            assert_eq!(date(next).add_days(-1).to_string(), day, "{next}");
        }
        // Every day from 1600 to 2400, through from_ymd, Display and parse.
        let mut day = date("1600-01-01");
        while day <= date("2400-12-31") {
            let (y, m, d) = (day.year(), day.month(), day.day());
            assert_eq!(Date::from_ymd(y, m, d), Some(day));
            assert_eq!(Date::parse(&day.to_string()), Some(day));
            let next = day.add_days(1);
            assert_eq!(next.days_since(day), 1);
            day = next;
        }
    }

    #[test]
    fn dates_that_do_not_exist_or_are_written_otherwise_are_refused() {
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-02-30",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-1",
            "2026-1-01",
            "20260101",
            "2026/01/01",
            "26-01-01",
            "",
            " 2026-01-01",
            "2026-01-01 ",
            "+026-01-01",
            "２026-01-01",
            "abcd-ef-gh",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Date::from_ymd(2023, 2, 29), None);
        assert_eq!(Date::from_ymd(-1, 1, 1), None);
        assert_eq!(Date::from_ymd(10_000, 1, 1), None);
        assert_eq!(
            Date::from_ymd(2000, 2, 29).map(|d| d.to_string()),
            Some("2000-02-29".to_owned())
        );
    }

    #[test]
    fn days_are_in_china_standard_time() {
        assert_eq!(Date::from_unix_ms(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix_ms(16 * 3_600_000 - 1).to_string(),
            "1970-01-01"
        );
        assert_eq!(Date::from_unix_ms(16 * 3_600_000).to_string(), "1970-01-02");
        assert_eq!(Date::from_unix_ms(-8 * 3_600_000).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix_ms(-8 * 3_600_000 - 1).to_string(),
            "1969-12-31"
        );
        // 2026-11-30T16:30:00Z is 00:30 on 1 December in China.
        assert_eq!(
            Date::from_unix_ms(1_796_056_200_000).to_string(),
            "2026-12-01"
        );
        assert_eq!(format_time(1_796_056_200_000), "2026-12-01 00:30");
        assert_eq!(format_time(0), "1970-01-01 08:00");
        assert_eq!(format_time(-1), "1970-01-01 07:59");
    }

    #[test]
    fn today_is_within_a_day_of_the_utc_date() {
        let utc_days = now_ms().div_euclid(DAY_MS);
        let today = Date::today();
        assert!(
            (0..=1).contains(&(today.days - utc_days)),
            "{today} against {utc_days} days in UTC"
        );
        assert!(today > date("2024-01-01"), "{today}");
    }

    #[test]
    fn dates_are_ordered_and_adding_is_undone_by_days_since() {
        let mut sorted = [
            date("2026-01-02"),
            date("1999-12-31"),
            date("2026-01-01"),
            date("2000-01-01"),
        ];
        sorted.sort();
        let texts: Vec<String> = sorted.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            ["1999-12-31", "2000-01-01", "2026-01-01", "2026-01-02"]
        );
        let start = date("2024-02-29");
        for n in [-700_000, -366, -1, 0, 1, 365, 366, 146_097] {
            assert_eq!(start.add_days(n).days_since(start), n, "{n}");
            assert_eq!(start.days_since(start.add_days(n)), -n, "{n}");
        }
        assert_eq!(date("2025-01-01").days_since(date("2024-01-01")), 366);
    }

    #[test]
    fn years_count_completed_years() {
        let born = date("1944-05-12");
        assert_eq!(date("2024-05-11").years_since(born), 79);
        assert_eq!(date("2024-05-12").years_since(born), 80);
        assert_eq!(born.years_since(born), 0);
        let leap = date("2000-02-29");
        assert_eq!(date("2001-02-28").years_since(leap), 0);
        assert_eq!(date("2001-03-01").years_since(leap), 1);
        assert_eq!(date("2004-02-29").years_since(leap), 4);
        assert_eq!(born.years_since(date("2024-05-12")), -80);
        assert_eq!(born.years_since(date("2024-05-11")), -80);
        assert_eq!(born.years_since(date("2024-05-13")), -81);
    }

    #[test]
    fn dates_serialize_as_their_text() {
        let day = date("2026-03-15");
        assert_eq!(
            serde_json::to_string(&day).expect("serializes"),
            r#""2026-03-15""#
        );
        assert_eq!(
            serde_json::from_str::<Date>(r#""2026-03-15""#).expect("deserializes"),
            day
        );
        assert!(serde_json::from_str::<Date>(r#""2026-02-30""#).is_err());
        assert!(serde_json::from_str::<Date>("20260315").is_err());
    }
}
