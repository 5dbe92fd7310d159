//! Upgrading stored data from 1.0.0 to 1.1.0: 1.0.0 kept each resident's latest local
//! certification as `cert/{resident}` = `"YYYY-MM-DD"` (plain text, always in person,
//! without the worker's name); 1.1.0 keeps one JSON record per year,
//! `certifications/{year}/{resident}` = `{date, method, recorded_by}`.
//!
//! Idempotent: each old key is deleted once its record is written, so a second run finds
//! nothing to do; a record 1.1.0 already holds for that year (after a rollback and a new
//! upgrade) is kept unless the old one is later.
//!
//! One plugin call may make 10 000 host calls and each record takes four, so the upgrade
//! rewrites at most [`UPGRADE_BUDGET`] records; if more remain it sets
//! [`LEGACY_PENDING_KEY`](crate::certification::LEGACY_PENDING_KEY), reads look at the old
//! key as well, and each reminder run rewrites [`RUN_BUDGET`] more until none remain.

use wangge_sdk::prelude::*;
use wangge_sdk::{log, storage};

use crate::certification::{self, LEGACY_PENDING_KEY};
use crate::model::{LocalCertification, Method, is_date};

/// Records the upgrade itself rewrites (4 host calls each, of 10 000).
pub const UPGRADE_BUDGET: usize = 2000;

/// Records a reminder run rewrites before it starts (a hook has 2 s).
pub const RUN_BUDGET: usize = 200;

/// The old records' key prefix.
const LEGACY_PREFIX: &str = "cert/";

/// Keys listed per call.
const PAGE: u32 = 100;

/// Rewrites up to `budget` 1.0.0 records and notes whether any remain; answers how many
/// were rewritten.
pub fn rewrite_legacy(budget: usize) -> Result<usize, Error> {
    let mut rewritten = 0;
    let mut looked_at = 0;
    let mut after: Option<String> = None;
    'pages: loop {
        let page = storage::list_keys(LEGACY_PREFIX, after.as_deref(), PAGE)?;
        if page.is_empty() {
            break;
        }
        for key in page {
            if looked_at >= budget {
                break 'pages;
            }
            looked_at += 1;
            if rewrite(&key)? {
                rewritten += 1;
            }
            after = Some(key);
        }
    }
    let remaining = !storage::list_keys(LEGACY_PREFIX, after.as_deref(), 1)?.is_empty();
    if remaining {
        store::set(LEGACY_PENDING_KEY, &true)?;
    } else {
        store::delete(LEGACY_PENDING_KEY)?;
    }
    log::write(
        log::Level::Info,
        "migrate: 1.0.0 certification records rewritten",
        &[
            ("records".to_owned(), rewritten.to_string()),
            ("remaining".to_owned(), remaining.to_string()),
        ],
    );
    Ok(rewritten)
}

/// Rewrites the 1.0.0 record under `key`; false if it is not one (left as it is).
fn rewrite(key: &str) -> Result<bool, Error> {
    let Some(resident_id) = key.strip_prefix(LEGACY_PREFIX) else {
        return Ok(false);
    };
    let Some(bytes) = storage::get(key)? else {
        return Ok(false);
    };
    let text = String::from_utf8_lossy(&bytes);
    let date = text.trim().trim_matches('"');
    if !is_date(date) || resident_id.is_empty() {
        // Not something 1.0.0 wrote: left in place for a person to look at, rather than
        // failing the whole upgrade.
        log::write(
            log::Level::Warn,
            "migrate: a 1.0.0 certification record is not a date; left as it is",
            &[("key".to_owned(), key.to_owned())],
        );
        return Ok(false);
    }
    let year: i32 = date[..4].parse().unwrap_or_default();
    let new_key = certification::key(year, resident_id);
    let existing: Option<LocalCertification> = store::get(&new_key)?;
    if existing.as_ref().is_none_or(|e| e.date.as_str() < date) {
        store::set(
            &new_key,
            &LocalCertification {
                date: date.to_owned(),
                method: Method::InPerson.code().to_owned(),
                recorded_by: None,
            },
        )?;
    }
    storage::delete(key)?;
    Ok(true)
}
