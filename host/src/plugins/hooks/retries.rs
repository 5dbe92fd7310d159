//! Retrying hook deliveries that faulted. A delivery whose call trapped, ran past its
//! deadline or met a suspended plugin is written down (`hook_retries`) with the notice as
//! that installation was to get it; the server's retry loop tries it again after the
//! policy's delay, doubling each time, until it is delivered or the attempts are spent,
//! when it stays as `failed` for the unit admin to see in the console. A plugin that
//! answers with an error has been reached and is not asked again. A retry reads its
//! subject afresh: a plugin hears of the resident or event as it is now.

use std::time::Duration;

use crate::db::{Db, now_ms};
use crate::plugins::Catalog;
use crate::runtime::fault::Fault;
use crate::runtime::loaded_plugin::LoadedPlugin;
use crate::state::AppState;

use super::delivery::{Notice, call_for};

/// The default delay before the first retry.
pub const DEFAULT_BASE: Duration = Duration::from_secs(10);

/// The default attempts of one delivery in all.
pub const DEFAULT_ATTEMPTS: u32 = 5;

/// The longest delay between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

/// How faulted deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay before the first retry; each further one waits twice as long.
    pub base: Duration,
    /// Attempts in all, the first included.
    pub attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: DEFAULT_BASE,
            attempts: DEFAULT_ATTEMPTS,
        }
    }
}

impl RetryPolicy {
    /// The delay after attempt `made` (from 1) failed, or `None` when it was the last.
    pub fn delay_after(self, made: u32) -> Option<Duration> {
        (made < self.attempts).then(|| {
            let factor = 2u32.saturating_pow(made.saturating_sub(1).min(16));
            self.base.saturating_mul(factor).min(MAX_DELAY)
        })
    }
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Writes down a first attempt of `notice` to `plugin` that faulted.
pub async fn record_fault(
    db: &Db,
    policy: RetryPolicy,
    plugin: &LoadedPlugin,
    notice: &Notice,
    fault: &Fault,
) {
    let installation = &plugin.installation;
    let next = policy.delay_after(1);
    let stored = match serde_json::to_string(notice) {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(%error, "hook retry: cannot write the notice down");
            return;
        }
    };
    let written = db
        .insert_hook_retry(
            installation.id,
            &installation.unit.code,
            &stored,
            &fault.to_string(),
            next.map(|delay| now_ms() + ms(delay)),
        )
        .await;
    if let Err(error) = written {
        tracing::error!(%error, "hook retry: cannot record the fault");
    }
}

/// How often the server looks for due retries at most.
const MAX_TICK: Duration = Duration::from_secs(5);

/// Retries per look.
const BATCH: i64 = 100;

/// Tries due deliveries again, until the server stops.
pub async fn run(state: AppState) {
    let policy = state.settings().hook_retries;
    let mut ticks = tokio::time::interval(policy.base.min(MAX_TICK));
    loop {
        ticks.tick().await;
        let catalog = state.catalog();
        if let Err(error) = retry_due(&catalog, state.db(), policy).await {
            tracing::error!(%error, "hook retries: look-up failed");
        }
    }
}

/// Tries every due delivery once more.
pub async fn retry_due(catalog: &Catalog, db: &Db, policy: RetryPolicy) -> sqlx::Result<()> {
    // A claimed row is leased for a minute: another node skips it meanwhile, and a node
    // that stops mid-call leaves it to be taken again.
    for retry in db.claim_due_hook_retries(now_ms(), 60_000, BATCH).await? {
        let attempts = u32::try_from(retry.attempts).unwrap_or(u32::MAX);
        let Some(plugin) = catalog
            .all_loaded()
            .find(|p| p.installation.id == retry.installation_id)
        else {
            db.fail_hook_retry(retry.id, "the installation is not loaded any more", None)
                .await?;
            continue;
        };
        let notice: Notice = match serde_json::from_str(&retry.notice) {
            Ok(notice) => notice,
            Err(error) => {
                db.fail_hook_retry(retry.id, &format!("unreadable notice: {error}"), None)
                    .await?;
                continue;
            }
        };
        let Some(call) = call_for(db, &notice).await? else {
            // The subject is gone: nothing to tell.
            db.delete_hook_retry(retry.id).await?;
            continue;
        };
        match plugin.hook(call).await {
            Ok(answer) => {
                if let Err(error) = answer {
                    tracing::warn!(
                        plugin = plugin.installation.plugin_id(),
                        installation = plugin.installation.id,
                        "retried hook refused: {error:?}"
                    );
                }
                db.delete_hook_retry(retry.id).await?;
            }
            Err(fault) => {
                let next = policy.delay_after(attempts + 1).map(|d| now_ms() + ms(d));
                db.fail_hook_retry(retry.id, &fault.to_string(), next)
                    .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_until_the_attempts_are_spent() {
        let policy = RetryPolicy {
            base: Duration::from_secs(10),
            attempts: 4,
        };
        let delays: Vec<Option<u64>> = (1..=4)
            .map(|made| policy.delay_after(made).map(|d| d.as_secs()))
            .collect();
        assert_eq!(delays, [Some(10), Some(20), Some(40), None]);
        let long = RetryPolicy {
            base: Duration::from_secs(1000),
            attempts: 20,
        };
        assert_eq!(long.delay_after(19), Some(MAX_DELAY));
    }
}
