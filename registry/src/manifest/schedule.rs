//! Schedules a plugin declares (`[[schedules]]`): the host calls the plugin's
//! `hooks.scheduled(name, at)` export at those times, e.g. for daily reminders.

use serde::Deserialize;

use super::ManifestError;

/// One declared schedule: either every N minutes, or once a day at a time of day in China
/// Standard Time.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// The name the hook receives (lower case letters, digits and `-`).
    pub name: String,
    /// Fire every this many minutes (at least [`MIN_INTERVAL_MINUTES`]).
    #[serde(default)]
    pub every_minutes: Option<u32>,
    /// Fire once a day at this time, `HH:MM` in China Standard Time (UTC+8).
    #[serde(default)]
    pub daily_at: Option<String>,
}

/// The shortest interval: a schedule is for periodic work such as reminders, not a busy
/// loop, and every firing costs an instance per installation.
pub const MIN_INTERVAL_MINUTES: u32 = 5;

/// When a schedule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Every this many minutes.
    EveryMinutes(u32),
    /// Daily at this minute of the day (0..1440), China Standard Time.
    DailyAt(u32),
}

impl Schedule {
    /// When it fires; valid after the manifest was parsed.
    pub fn timing(&self) -> Timing {
        match (
            self.every_minutes,
            self.daily_at.as_deref().and_then(minute_of_day),
        ) {
            (Some(minutes), _) => Timing::EveryMinutes(minutes),
            (None, Some(minute)) => Timing::DailyAt(minute),
            // Unreachable for a validated manifest; the safest reading is "rarely".
            (None, None) => Timing::DailyAt(0),
        }
    }

    pub(super) fn validate(&self, field: &str) -> Result<(), ManifestError> {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !name_ok {
            return Err(ManifestError::invalid(
                format!("{field}.name"),
                "use 1 to 64 lower-case letters, digits and `-`",
            ));
        }
        match (&self.every_minutes, &self.daily_at) {
            (Some(_), Some(_)) | (None, None) => Err(ManifestError::invalid(
                field,
                "give exactly one of `every_minutes` and `daily_at`",
            )),
            (Some(minutes), None) if *minutes < MIN_INTERVAL_MINUTES => {
                Err(ManifestError::invalid(
                    format!("{field}.every_minutes"),
                    format!("at least {MIN_INTERVAL_MINUTES}"),
                ))
            }
            (None, Some(time)) if minute_of_day(time).is_none() => Err(ManifestError::invalid(
                format!("{field}.daily_at"),
                format!("`{time}` is not a time of day as HH:MM (00:00 to 23:59)"),
            )),
            _ => Ok(()),
        }
    }
}

/// `HH:MM` as minutes since midnight.
fn minute_of_day(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}
