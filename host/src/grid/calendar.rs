//! The working-day calendar SLA deadlines are counted on: Monday to Friday, minus public
//! holidays, plus the weekend days worked in exchange (调休). The data lives in
//! `host/data/working-calendar.toml`, and an operator can add or correct years in
//! `<data-dir>/working-calendar.toml` without a new build (the State Council publishes the
//! next year's schedule in November or December). A deadline that runs into a year with no
//! data is counted on Monday to Friday and marked provisional, never silently passed off as
//! exact: an event accepted on 20 December must still get a deadline.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use serde::Deserialize;

/// The calendar shipped with the host.
const BUILTIN: &str = include_str!("../../data/working-calendar.toml");

/// Why the calendar cannot answer or cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The calendar has no data for the year.
    #[error("the working-day calendar has no data for {0}; add the year to working-calendar.toml")]
    YearNotCovered(i16),
    /// The data file is malformed.
    #[error("working-calendar.toml: {0}")]
    Invalid(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearData {
    holidays: Vec<Date>,
    makeup_workdays: Vec<Date>,
}

#[derive(Debug, Default)]
struct Year {
    holidays: BTreeSet<Date>,
    makeup_workdays: BTreeSet<Date>,
}

/// Working days by year.
#[derive(Debug)]
pub struct WorkingCalendar {
    years: BTreeMap<i16, Year>,
}

impl WorkingCalendar {
    /// The calendar shipped with the host.
    pub fn builtin() -> Result<Self, CalendarError> {
        Self::parse(BUILTIN)
    }

    /// Reads a calendar from its TOML text, checking that every date sits in its own year,
    /// that no date is both a holiday and a workday, and that make-up workdays are weekend
    /// days.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let data: BTreeMap<String, YearData> =
            toml::from_str(text).map_err(|e| CalendarError::Invalid(e.to_string()))?;
        let mut years = BTreeMap::new();
        for (key, data) in data {
            let year: i16 = key
                .parse()
                .map_err(|_| CalendarError::Invalid(format!("`{key}` is not a year")))?;
            let invalid = |date: &Date, problem: &str| {
                CalendarError::Invalid(format!("[{year}] {date}: {problem}"))
            };
            for date in data.holidays.iter().chain(&data.makeup_workdays) {
                if date.year() != year {
                    return Err(invalid(date, "listed under another year"));
                }
            }
            let holidays: BTreeSet<Date> = data.holidays.into_iter().collect();
            let makeup_workdays: BTreeSet<Date> = data.makeup_workdays.into_iter().collect();
            if let Some(both) = holidays.intersection(&makeup_workdays).next() {
                return Err(invalid(both, "both a holiday and a make-up workday"));
            }
            if let Some(weekday) = makeup_workdays.iter().find(|d| !is_weekend(**d)) {
                return Err(invalid(
                    weekday,
                    "a make-up workday must be a Saturday or Sunday",
                ));
            }
            years.insert(
                year,
                Year {
                    holidays,
                    makeup_workdays,
                },
            );
        }
        Ok(Self { years })
    }

    /// The shipped calendar with the years in `path` added or replaced, if that file
    /// exists; a malformed file is an error naming it.
    pub fn builtin_with_overrides(path: &std::path::Path) -> Result<Self, CalendarError> {
        let mut calendar = Self::builtin()?;
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let overrides = Self::parse(&text)
                    .map_err(|e| CalendarError::Invalid(format!("{}: {e}", path.display())))?;
                calendar.years.extend(overrides.years);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(CalendarError::Invalid(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        }
        Ok(calendar)
    }

    /// The years the calendar has data for.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.keys().copied()
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        let year = self
            .years
            .get(&date.year())
            .ok_or(CalendarError::YearNotCovered(date.year()))?;
        Ok(if year.makeup_workdays.contains(&date) {
            true
        } else {
            !is_weekend(date) && !year.holidays.contains(&date)
        })
    }

    /// The date on which `working_days` working days after `start` have passed: the SLA
    /// deadline of something accepted on `start`. Zero days is `start` itself.
    pub fn add_working_days(&self, start: Date, working_days: u32) -> Result<Date, CalendarError> {
        let deadline = self.deadline(start, working_days)?;
        match deadline.assumed_year {
            Some(year) => Err(CalendarError::YearNotCovered(year)),
            None => Ok(deadline.date),
        }
    }

    /// Like [`Self::add_working_days`], but days in a year without data count Monday to
    /// Friday, and the answer says which year was assumed.
    pub fn deadline(&self, start: Date, working_days: u32) -> Result<Deadline, CalendarError> {
        let mut date = start;
        let mut left = working_days;
        let mut assumed_year = None;
        while left > 0 {
            date = date
                .tomorrow()
                .map_err(|e| CalendarError::Invalid(e.to_string()))?;
            let working = match self.is_working_day(date) {
                Ok(working) => working,
                Err(CalendarError::YearNotCovered(year)) => {
                    assumed_year.get_or_insert(year);
                    !is_weekend(date)
                }
                Err(other) => return Err(other),
            };
            if working {
                left -= 1;
            }
        }
        Ok(Deadline { date, assumed_year })
    }
}

/// Days counted at most by [`WorkingCalendar::working_days_left`]: a year and a half, far
/// beyond any SLA, so a corrupt deadline cannot make a queue page loop for long.
const MAX_DAYS_COUNTED: u32 = 550;

impl WorkingCalendar {
    /// The working days from `today` to `deadline`, counted as a queue shows them: with
    /// the deadline today or later, the working days from today through the deadline (1 on
    /// the last day itself, if it is a working day); past it, minus the working days since
    /// the deadline, today included (-1 the first working day after it). Days in a year
    /// without data count Monday to Friday.
    pub fn working_days_left(&self, today: Date, deadline: Date) -> i64 {
        let working = |date: Date| self.is_working_day(date).unwrap_or(!is_weekend(date));
        let (from, to, sign) = if deadline >= today {
            (today, deadline, 1)
        } else {
            // (deadline, today]: the day after the deadline through today.
            match deadline.tomorrow() {
                Ok(next) => (next, today, -1),
                Err(_) => return 0,
            }
        };
        let mut count = 0_i64;
        let mut date = from;
        for _ in 0..MAX_DAYS_COUNTED {
            if date > to {
                break;
            }
            if working(date) {
                count += 1;
            }
            let Ok(next) = date.tomorrow() else { break };
            date = next;
        }
        sign * count
    }
}

/// An SLA deadline and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The last day.
    pub date: Date,
    /// The first year the count ran into without calendar data (its holidays and 调休 are
    /// unknown, so Monday to Friday were counted): the deadline is provisional.
    pub assumed_year: Option<i16>,
}

/// A day in ms.
pub const DAY_MS: i64 = 24 * 3600 * 1000;

/// China Standard Time's offset from UTC in ms: UTC+8 all year (no daylight saving).
pub const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;

/// The China day an instant (ms) falls on, as days since 1970-01-01: what the assessment
/// rollup is keyed by (its triggers write `(reported_at + 28800000) / 86400000`).
pub fn china_day_number(ms: i64) -> i64 {
    (ms + CHINA_OFFSET_MS).div_euclid(DAY_MS)
}

/// The instant (ms) China day number `day` begins: its midnight.
pub fn china_day_start_ms(day: i64) -> i64 {
    day * DAY_MS - CHINA_OFFSET_MS
}

/// A time in ms as China Standard Time, `YYYY-MM-DD HH:MM`.
pub fn china_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Today's date in China Standard Time (UTC+8, no daylight saving), whatever the
/// server's own time zone.
pub fn today_in_china() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

/// A day written `YYYY-MM-DD` exactly (four, two and two digits), white space around it
/// allowed: what forms, files and the API all take.
pub fn parse_day(text: &str) -> Option<Date> {
    let text = text.trim();
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    Date::strptime("%Y-%m-%d", text).ok()
}

/// The date in China Standard Time of the instant `ms` (milliseconds since the epoch);
/// `None` outside the range dates are kept for.
pub fn day_in_china(ms: i64) -> Option<Date> {
    jiff::Timestamp::from_millisecond(ms).ok().map(|at| {
        at.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
            .date()
    })
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::builtin().expect("the shipped calendar is valid")
    }

    #[test]
    fn holidays_weekends_and_makeup_days() {
        let calendar = calendar();
        let working = |d| calendar.is_working_day(d).expect("2026 is covered");
        assert!(!working(date(2026, 1, 1)), "元旦");
        assert!(working(date(2026, 1, 4)), "Sunday worked for 元旦");
        assert!(!working(date(2026, 2, 17)), "春节");
        assert!(working(date(2026, 2, 14)), "Saturday worked for 春节");
        assert!(!working(date(2026, 11, 28)), "an ordinary Saturday");
        assert!(working(date(2026, 11, 27)), "an ordinary Friday");
    }

    #[test]
    fn deadlines_skip_the_national_day_week() {
        let calendar = calendar();
        // Accepted on Wednesday 30 September: 1 to 7 October are holidays, Saturday
        // 10 October is worked, so the three working days are the 8th, 9th and 10th.
        assert_eq!(
            calendar.add_working_days(date(2026, 9, 30), 3),
            Ok(date(2026, 10, 10))
        );
        assert_eq!(
            calendar.add_working_days(date(2026, 9, 30), 0),
            Ok(date(2026, 9, 30))
        );
    }

    #[test]
    fn working_days_left_count_down_through_holidays() {
        let calendar = calendar();
        // Friday 27 November 2026 to Tuesday 1 December: Fri, Mon, Tue.
        assert_eq!(
            calendar.working_days_left(date(2026, 11, 27), date(2026, 12, 1)),
            3
        );
        assert_eq!(
            calendar.working_days_left(date(2026, 12, 1), date(2026, 12, 1)),
            1
        );
        // Due Friday 27th; on Monday 30th it is one working day late, the weekend aside.
        assert_eq!(
            calendar.working_days_left(date(2026, 11, 30), date(2026, 11, 27)),
            -1
        );
        // Due 30 September: 1 to 7 October are holidays, the 8th is the first day late.
        assert_eq!(
            calendar.working_days_left(date(2026, 10, 8), date(2026, 9, 30)),
            -1
        );
    }

    #[test]
    fn years_without_data_are_refused() {
        assert_eq!(
            calendar().add_working_days(date(2026, 12, 30), 5),
            Err(CalendarError::YearNotCovered(2027))
        );
    }

    #[test]
    fn deadlines_into_a_year_without_data_are_provisional() {
        // Wednesday 30 December 2026 + 5: the 31st (2026 data), then Friday 1 and Monday 4
        // to Wednesday 6 January 2027 as plain weekdays (1 January counts, because 2027's
        // holidays are not known yet).
        assert_eq!(
            calendar().deadline(date(2026, 12, 30), 5),
            Ok(Deadline {
                date: date(2027, 1, 6),
                assumed_year: Some(2027)
            })
        );
        assert_eq!(
            calendar().deadline(date(2026, 11, 27), 1),
            Ok(Deadline {
                date: date(2026, 11, 30),
                assumed_year: None
            })
        );
    }

    #[test]
    fn an_operator_file_adds_years() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("working-calendar.toml");
        let absent = WorkingCalendar::builtin_with_overrides(&path).expect("no file is fine");
        assert_eq!(absent.years().collect::<Vec<_>>(), vec![2026]);
        std::fs::write(
            &path,
            "[2027]\nholidays = [\"2027-01-01\"]\nmakeup_workdays = []\n",
        )
        .expect("write");
        let added = WorkingCalendar::builtin_with_overrides(&path).expect("valid file");
        assert_eq!(
            added.deadline(date(2026, 12, 31), 1),
            Ok(Deadline {
                date: date(2027, 1, 4),
                assumed_year: None
            })
        );
        std::fs::write(&path, "[2027]\nholidays = 3\n").expect("write");
        let error = WorkingCalendar::builtin_with_overrides(&path).expect_err("malformed");
        assert!(
            error.to_string().contains("working-calendar.toml"),
            "{error}"
        );
    }

    #[test]
    fn malformed_data_is_refused_with_the_date_named() {
        let workday_makeup = "[2026]\nholidays = []\nmakeup_workdays = [\"2026-11-27\"]\n";
        let error =
            WorkingCalendar::parse(workday_makeup).expect_err("Friday is not a make-up day");
        assert!(error.to_string().contains("2026-11-27"), "{error}");
        let wrong_year = "[2026]\nholidays = [\"2027-01-01\"]\nmakeup_workdays = []\n";
        assert!(WorkingCalendar::parse(wrong_year).is_err());
    }
}
