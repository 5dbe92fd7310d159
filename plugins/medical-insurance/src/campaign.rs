//! The annual payment campaign (缴费期) of 城乡居民医保: who in a grid has not paid for the
//! campaign year (asked of the bureau with their unmasked ID numbers), the follow-ups
//! workers record, and the reminders sent to residents, at most once per interval.

use wangge_sdk::date::now_ms;
use wangge_sdk::prelude::*;
use wangge_sdk::{Resident, log, residents};

use crate::bureau::{self, BureauError};
use crate::model::{FollowUp, Reminder};

/// Why the list unmasks ID numbers; written to the host's audit log with every read.
pub const LIST_REASON: &str = "医保缴费动员名单";
/// Why the reminder schedule unmasks ID numbers.
pub const REMINDER_REASON: &str = "医保缴费提醒";
/// Residents checked per page of the worker's list.
pub const PAGE_SIZE: u32 = 200;
/// Residents checked per batch of the reminder schedule (the bureau takes up to 500).
pub const SCHEDULE_BATCH: u32 = 200;
/// A firing starts no new batch after this long: it has the page's deadline (2 s by
/// default), and each unmasked read is audited. The next firing resumes where it stopped.
const SCHEDULE_TIME_BUDGET: std::time::Duration = std::time::Duration::from_millis(900);
/// Nor once another batch could pass this many host calls (the host's limit is 10 000).
const SCHEDULE_CALL_BUDGET: u32 = 8_000;
/// The schedule's name in the manifest.
pub const SCHEDULE: &str = "campaign-reminders";
/// Who a reminder sent by the schedule is recorded as.
pub const BY_SCHEDULE: &str = "定时提醒";
/// The reminder interval when the admin did not set one.
pub const DEFAULT_INTERVAL_DAYS: i64 = 14;

const FOLLOW_UPS: Collection<Vec<FollowUp>> = Collection::new("followups/");
const REMINDERS: Collection<Reminder> = Collection::new("reminders/");
const YEAR_KEY: &str = "campaign/year";
const CURSOR_KEY: &str = "campaign/cursor";

/// The campaign year the bureau named last, or next year if it never answered.
pub fn campaign_year() -> Result<i64, Error> {
    Ok(store::get::<i64>(YEAR_KEY)?.unwrap_or_else(|| i64::from(Date::today().year()) + 1))
}

/// The follow-ups recorded with `resident_id` for campaign `year`, oldest first.
pub fn follow_ups(resident_id: &str, year: i64) -> Result<Vec<FollowUp>, Error> {
    Ok(FOLLOW_UPS
        .get(resident_id)?
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.year == year)
        .collect())
}

/// Records a follow-up.
pub fn add_follow_up(resident_id: &str, follow_up: FollowUp) -> Result<(), Error> {
    let mut all = FOLLOW_UPS.get(resident_id)?.unwrap_or_default();
    all.push(follow_up);
    FOLLOW_UPS.insert(resident_id, &all)
}

/// The last reminder sent to `resident_id`.
pub fn last_reminder(resident_id: &str) -> Result<Option<Reminder>, Error> {
    REMINDERS.get(resident_id)
}

/// The reminder interval in days (config `reminder_interval_days`, at least 1).
pub fn interval_days() -> Result<i64, Error> {
    Ok(config_or("reminder_interval_days", DEFAULT_INTERVAL_DAYS)?.max(1))
}

/// Whether a resident last reminded as `last` may be reminded again today.
pub fn due(last: Option<&Reminder>, year: i64, interval: i64, today: Date) -> bool {
    match last {
        None => true,
        Some(last) => {
            last.year != year || today.days_since(Date::from_unix_ms(last.at)) >= interval
        }
    }
}

/// Residents of the page, and which of them have not paid.
pub struct Checked {
    /// The campaign year, `None` when no one was asked about.
    pub year: Option<i64>,
    /// Those not paid, masked as the list shows them.
    pub unpaid: Vec<Resident>,
    /// How many residents were checked.
    pub checked: usize,
    /// The cursor of the next page, when this one was full.
    pub next: Option<String>,
}

/// One page of residents under `grid_prefix` (resuming after `after`), checked with the
/// bureau. Residents whose ID number the bureau does not know are skipped by it.
pub fn check_page(
    grid_prefix: Option<&str>,
    after: Option<&str>,
    limit: u32,
    reason: &str,
) -> Result<Checked, BureauError> {
    let mut query = ResidentQuery::new().limit(limit);
    if let Some(prefix) = grid_prefix {
        query = query.grid_prefix(prefix);
    }
    if let Some(after) = after {
        query = query.after(after);
    }
    let page = query.run().map_err(BureauError::Host)?;
    let next = (page.len() == limit as usize)
        .then(|| page.last().map(|r| format!("{}:{}", r.grid_code, r.id)))
        .flatten();
    let mut numbers = Vec::with_capacity(page.len());
    for resident in &page {
        let unmasked = residents::get_sensitive(&resident.id, reason).map_err(BureauError::Host)?;
        numbers.push(unmasked.id_number);
    }
    let answer = bureau::unpaid(&numbers)?;
    let year = answer.as_ref().map(|a| a.campaign_year);
    if let Some(year) = year
        && store::get::<i64>(YEAR_KEY).ok().flatten() != Some(year)
    {
        store::set(YEAR_KEY, &year).map_err(BureauError::Host)?;
    }
    let unpaid: std::collections::BTreeSet<String> = answer
        .map(|a| a.unpaid.into_iter().collect())
        .unwrap_or_default();
    let checked = page.len();
    let unpaid = page
        .into_iter()
        .zip(numbers)
        .filter(|(_, number)| unpaid.contains(number))
        .map(|(resident, _)| resident)
        .collect();
    Ok(Checked {
        year,
        unpaid,
        checked,
        next,
    })
}

/// Whether one resident has not paid, and the campaign year.
pub fn resident_unpaid(resident_id: &str, reason: &str) -> Result<(bool, i64), BureauError> {
    let unmasked = residents::get_sensitive(resident_id, reason).map_err(BureauError::Host)?;
    match bureau::unpaid(std::slice::from_ref(&unmasked.id_number))? {
        Some(answer) => Ok((
            answer.unpaid.contains(&unmasked.id_number),
            answer.campaign_year,
        )),
        None => Ok((false, campaign_year().map_err(BureauError::Host)?)),
    }
}

/// Sends the reminder to `resident` and records it.
pub fn remind(resident: &Resident, year: i64, by: &str) -> Result<(), Error> {
    let body = format!(
        "{}您好：{year} 年度城乡居民医疗保险正在集中缴费，您还没有缴费。请在缴费期内通过银行、\
         “楚税通”等渠道或到社区服务站办理，以免影响 {year} 年的医保待遇。如已缴费请忽略本消息。",
        resident.name
    );
    notify_resident(&resident.id, "城乡居民医保缴费提醒", &body, Some("/"))?;
    REMINDERS.insert(
        &resident.id,
        &Reminder {
            year,
            at: now_ms(),
            by: by.to_owned(),
        },
    )
}

/// What one firing of the schedule did.
#[derive(Debug, Default)]
pub struct RunReport {
    /// Residents checked with the bureau.
    pub checked: usize,
    /// Reminders sent.
    pub sent: usize,
    /// Unpaid residents skipped because they were reminded recently.
    pub recent: usize,
    /// Reminders the host could not deliver.
    pub failed: usize,
    /// Whether the firing reached the last resident in scope (the next starts over).
    pub finished: bool,
}

/// Host calls one batch may cost at most: a query, an unmasked read per resident, the
/// bureau, and per unpaid resident a read, a message and a write.
fn batch_cost(batch: u32) -> u32 {
    4 + batch * 4
}

/// One firing of `campaign-reminders`: batches of residents in the installation's scope,
/// resuming where the previous firing stopped, and a reminder to each unpaid one not
/// reminded within the interval. It stops while well inside the call's deadline and host
/// call limit, and remembers where; after the last resident the next firing starts over.
pub fn run_schedule() -> Result<RunReport, Error> {
    let started = std::time::Instant::now();
    let interval = interval_days()?;
    let today = Date::today();
    let mut after: Option<String> = store::get(CURSOR_KEY)?;
    let mut report = RunReport::default();
    let mut calls = 2;
    loop {
        let checked = check_page(None, after.as_deref(), SCHEDULE_BATCH, REMINDER_REASON)
            .map_err(BureauError::into_error)?;
        report.checked += checked.checked;
        if let Some(year) = checked.year {
            remind_unpaid(&checked.unpaid, year, interval, today, &mut report)?;
        }
        calls += batch_cost(SCHEDULE_BATCH) + 1;
        after = checked.next;
        match &after {
            Some(next) => store::set(CURSOR_KEY, next)?,
            None => {
                store::delete(CURSOR_KEY)?;
                report.finished = true;
                break;
            }
        }
        if started.elapsed() >= SCHEDULE_TIME_BUDGET
            || calls + batch_cost(SCHEDULE_BATCH) > SCHEDULE_CALL_BUDGET
        {
            break;
        }
    }
    log::write(
        log::Level::Info,
        "campaign reminders",
        &[
            ("checked".to_owned(), report.checked.to_string()),
            ("sent".to_owned(), report.sent.to_string()),
            ("recent".to_owned(), report.recent.to_string()),
            ("failed".to_owned(), report.failed.to_string()),
            ("finished".to_owned(), report.finished.to_string()),
        ],
    );
    Ok(report)
}

/// Reminds those of `unpaid` whose last reminder is older than the interval.
fn remind_unpaid(
    unpaid: &[Resident],
    year: i64,
    interval: i64,
    today: Date,
    report: &mut RunReport,
) -> Result<(), Error> {
    for resident in unpaid {
        let last = last_reminder(&resident.id)?;
        if !due(last.as_ref(), year, interval, today) {
            report.recent += 1;
            continue;
        }
        match remind(resident, year, BY_SCHEDULE) {
            Ok(()) => report.sent += 1,
            Err(error) => {
                report.failed += 1;
                log::write(
                    log::Level::Warn,
                    "reminder not delivered",
                    &[
                        ("resident".to_owned(), resident.id.clone()),
                        ("error".to_owned(), error.message().to_owned()),
                    ],
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_is_due_after_the_interval_or_in_a_new_year() {
        // Noon in China on 2024-10-04; whole days earlier are noon too.
        let noon = 1_728_014_400_000;
        let today = Date::from_unix_ms(noon);
        let sent = |days_ago: i64, year: i64| Reminder {
            year,
            at: noon - days_ago * wangge_sdk::date::DAY_MS,
            by: BY_SCHEDULE.into(),
        };
        assert!(due(None, 2027, 14, today));
        assert!(!due(Some(&sent(10, 2027)), 2027, 14, today));
        assert!(due(Some(&sent(14, 2027)), 2027, 14, today));
        assert!(due(Some(&sent(1, 2026)), 2027, 14, today));
    }
}
