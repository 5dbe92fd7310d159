//! Certification reminders (`[[schedules]] certification-reminders`, daily at 09:00): each
//! pensioner in the installation's scope still due this year gets an inbox message, at
//! most once every `reminder_interval_days` days. `reminders/{resident}` keeps when each
//! was last reminded.
//!
//! A run looks at residents page by page and stops after [`MAX_UNMASKED_PER_RUN`]
//! unmaskings or [`TIME_BUDGET`] (a hook has the same 2 s as a page); the next run resumes
//! from `reminder-cursor`, so a large street is covered over a few days.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wangge_sdk::prelude::*;
use wangge_sdk::{log, residents};

use crate::bureau;
use crate::certification;
use crate::migrate;
use crate::worker_pages::MIN_AGE;

/// The schedule's name in the manifest.
pub const SCHEDULE: &str = "certification-reminders";

/// The audited reason for reading ID numbers to ask the bureau who is due.
pub const REASON_REMINDER: &str = "待遇资格认证提醒";

/// When each resident was last reminded: `reminders/{resident}`.
pub const REMINDED: Collection<Reminded> = Collection::new("reminders/");

/// Where the next run resumes (`GRID:ID`); absent when the last run finished the scope.
pub const CURSOR_KEY: &str = "reminder-cursor";

/// Residents asked for per query.
const PAGE: u32 = 100;

/// Unmaskings per run, at most (each is an audited host call).
const MAX_UNMASKED_PER_RUN: usize = 400;

/// Time a run spends before it stops at the end of a page.
const TIME_BUDGET: Duration = Duration::from_millis(1200);

const DAY_MS: i64 = 86_400_000;

/// A reminder sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reminded {
    /// When, in milliseconds since the epoch.
    pub at_ms: i64,
    /// The date, China Standard Time.
    pub date: String,
}

/// What a run did, for the log.
#[derive(Debug, Default)]
struct Tally {
    looked_at: usize,
    unmasked: usize,
    sent: usize,
    failed: usize,
}

/// One run at `at_ms`.
pub fn run(at_ms: i64) -> Result<(), Error> {
    let interval_days: i64 = config_or("reminder_interval_days", 30_i64)?.max(1);
    let year = Date::from_unix_ms(at_ms).year();
    let started = Instant::now();
    let mut records = certification::Records::open()?;
    if records.legacy_pending() {
        // After an upgrade that could not rewrite every 1.0.0 record at once.
        migrate::rewrite_legacy(migrate::RUN_BUDGET)?;
        records = certification::Records::open()?;
    }
    let mut after: Option<String> = store::get(CURSOR_KEY)?;
    let mut tally = Tally::default();
    loop {
        let mut query = ResidentQuery::new().min_age(MIN_AGE).limit(PAGE);
        if let Some(after) = &after {
            query = query.after(after.clone());
        }
        let rows = query.run()?;
        let mut candidates: Vec<(&Resident, String)> = Vec::new();
        for resident in &rows {
            tally.looked_at += 1;
            if records.local(&resident.id, year)?.is_some() {
                continue;
            }
            if let Some(last) = REMINDED.get(&resident.id)?
                && at_ms - last.at_ms < interval_days * DAY_MS
            {
                continue;
            }
            let unmasked = residents::get_sensitive(&resident.id, REASON_REMINDER)?;
            tally.unmasked += 1;
            candidates.push((resident, unmasked.id_number));
        }
        let id_numbers: Vec<String> = candidates.iter().map(|(_, n)| n.clone()).collect();
        let due =
            bureau::certification_due(&id_numbers).map_err(bureau::BureauError::into_error)?;
        for (resident, number) in &candidates {
            if !due.contains(number) {
                continue;
            }
            let body = format!(
                "{}您好：您 {year} 年度的养老金待遇资格认证尚未完成。请打开“社保服务”自助认证，行动不便的可联系网格员上门认证。",
                resident.name
            );
            match notify_resident(&resident.id, "养老金待遇资格认证提醒", &body, Some("/"))
            {
                Ok(()) => {
                    REMINDED.insert(
                        &resident.id,
                        &Reminded {
                            at_ms,
                            date: Date::from_unix_ms(at_ms).to_string(),
                        },
                    )?;
                    tally.sent += 1;
                }
                // The hourly limit: the rest wait for the next run, from this page.
                Err(Error::QuotaExceeded(text)) => {
                    if let Some(after) = &after {
                        store::set(CURSOR_KEY, after)?;
                    }
                    log::write(
                        log::Level::Warn,
                        "reminders paused at the message limit",
                        &[("detail".to_owned(), text)],
                    );
                    return finish(&tally);
                }
                Err(e) => {
                    tally.failed += 1;
                    log::write(
                        log::Level::Warn,
                        "a reminder could not be sent",
                        &[("detail".to_owned(), e.message().to_owned())],
                    );
                }
            }
        }
        after = rows.last().map(|r| format!("{}:{}", r.grid_code, r.id));
        if rows.len() < PAGE as usize {
            store::delete(CURSOR_KEY)?;
            return finish(&tally);
        }
        if tally.unmasked >= MAX_UNMASKED_PER_RUN || started.elapsed() >= TIME_BUDGET {
            if let Some(after) = &after {
                store::set(CURSOR_KEY, after)?;
            }
            return finish(&tally);
        }
    }
}

fn finish(tally: &Tally) -> Result<(), Error> {
    log::write(
        log::Level::Info,
        "certification reminders",
        &[
            ("looked_at".to_owned(), tally.looked_at.to_string()),
            ("unmasked".to_owned(), tally.unmasked.to_string()),
            ("sent".to_owned(), tally.sent.to_string()),
            ("failed".to_owned(), tally.failed.to_string()),
        ],
    );
    Ok(())
}
