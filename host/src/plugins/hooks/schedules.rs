//! Firing the schedules plugins declare (`[[schedules]]` in plugin.toml): the server looks
//! every [`TICK`] for schedules that are due, claims each firing in the database (so that
//! several host nodes on one database fire it once) and calls the installation's
//! `scheduled(name, at)` hook. `wangge plugin run-schedule` fires one at once.

use std::time::Duration;

use wangge_registry::Timing;

use crate::db::{Db, now_ms};
use crate::grid::calendar::{china_day_number, china_day_start_ms};
use crate::runtime::loaded_plugin::{HookCall, LoadedPlugin};
use crate::state::AppState;

/// How often the server looks for due schedules. A schedule fires within this of its time.
pub const TICK: Duration = Duration::from_secs(30);

const MINUTE_MS: i64 = 60_000;

/// Whether a schedule with `timing` that last fired at `last` (ms) is due at `now` (ms).
/// A new interval schedule fires at once; a daily one fires at its time of day, once a day,
/// and not at all on the day it was installed if its time had already passed.
pub fn is_due(timing: Timing, last: Option<i64>, now: i64) -> bool {
    match timing {
        Timing::EveryMinutes(minutes) => {
            last.is_none_or(|last| now - last >= i64::from(minutes) * MINUTE_MS)
        }
        Timing::DailyAt(minute) => {
            let local_midnight = china_day_start_ms(china_day_number(now));
            let today_at = local_midnight + i64::from(minute) * MINUTE_MS;
            now >= today_at && last.is_some_and(|last| last < today_at)
        }
    }
}

/// Fires every due schedule of every loaded installation, every [`TICK`], until the server
/// stops.
pub async fn run(state: AppState) {
    let mut ticks = tokio::time::interval(TICK);
    loop {
        ticks.tick().await;
        let plugins: Vec<_> = state.catalog().all_loaded().cloned().collect();
        for plugin in plugins {
            for schedule in &plugin.installation.manifest.schedules {
                if let Err(error) =
                    fire_if_due(state.db(), &plugin, &schedule.name, schedule.timing()).await
                {
                    tracing::error!(
                        plugin = plugin.installation.plugin_id(),
                        schedule = %schedule.name,
                        %error,
                        "schedule check failed"
                    );
                }
            }
        }
    }
}

async fn fire_if_due(
    db: &Db,
    plugin: &LoadedPlugin,
    name: &str,
    timing: Timing,
) -> anyhow::Result<()> {
    let installation = plugin.installation.id;
    let last = db.schedule_last_fired(installation, name).await?;
    let now = now_ms();
    let first_daily = last.is_none() && matches!(timing, Timing::DailyAt(_));
    if first_daily {
        // Start the clock at installation, so the first firing is the next time of day.
        db.claim_schedule_firing(installation, name, None, now)
            .await?;
        return Ok(());
    }
    if is_due(timing, last, now)
        && db
            .claim_schedule_firing(installation, name, last, now)
            .await?
    {
        fire(plugin, name, now).await?;
    }
    Ok(())
}

/// Calls the `scheduled` hook; an error says whether the plugin refused or faulted.
pub async fn fire(plugin: &LoadedPlugin, name: &str, at: i64) -> anyhow::Result<()> {
    let installation = &plugin.installation;
    match plugin.hook(HookCall::Scheduled(name.to_owned(), at)).await {
        Ok(Ok(())) => {
            tracing::info!(
                plugin = installation.plugin_id(),
                installation = installation.id,
                schedule = name,
                "schedule fired"
            );
            Ok(())
        }
        Ok(Err(error)) => anyhow::bail!("the plugin's scheduled hook refused: {error:?}"),
        Err(fault) => anyhow::bail!("the plugin's scheduled hook failed: {fault}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::calendar::DAY_MS;

    /// 2026-11-28 00:00 China Standard Time, in ms since the epoch.
    const MIDNIGHT_CST: i64 = 1_795_795_200_000;

    #[test]
    fn interval_schedules_fire_at_once_then_every_interval() {
        let every = Timing::EveryMinutes(15);
        assert!(is_due(every, None, 0));
        assert!(!is_due(every, Some(0), 14 * MINUTE_MS));
        assert!(is_due(every, Some(0), 15 * MINUTE_MS));
    }

    #[test]
    fn daily_schedules_fire_once_a_day_at_their_time_in_china() {
        let at_eight = Timing::DailyAt(8 * 60);
        let eight = MIDNIGHT_CST + 8 * 60 * MINUTE_MS;
        let yesterday = eight - DAY_MS;
        assert!(
            !is_due(at_eight, Some(yesterday), eight - MINUTE_MS),
            "not yet"
        );
        assert!(is_due(at_eight, Some(yesterday), eight), "at eight");
        assert!(
            is_due(at_eight, Some(yesterday), eight + 3 * 60 * MINUTE_MS),
            "late, once"
        );
        assert!(
            !is_due(at_eight, Some(eight), eight + MINUTE_MS),
            "already fired today"
        );
        assert!(
            !is_due(at_eight, None, eight + MINUTE_MS),
            "the clock starts at install"
        );
        // 23:59 in China is 15:59 UTC: the day that counts is China's.
        let late = MIDNIGHT_CST + DAY_MS - MINUTE_MS;
        assert!(!is_due(at_eight, Some(eight), late));
        assert!(is_due(
            at_eight,
            Some(eight),
            late + MINUTE_MS + 8 * 60 * MINUTE_MS
        ));
    }
}
