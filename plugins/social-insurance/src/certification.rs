//! The annual eligibility certification (待遇资格认证): certifying at the bureau and the
//! plugin's own record of each certification (who recorded it, when).
//!
//! 1.0.0 kept `cert/{resident}` = `"YYYY-MM-DD"` as plain text; 1.1.0 keeps
//! `certifications/{year}/{resident}` = JSON `{date, method, recorded_by}` (see
//! [`crate::migrate`]).

use wangge_sdk::Error;
use wangge_sdk::date::Date;
use wangge_sdk::storage;
#[cfg(not(feature = "release-1-0"))]
use wangge_sdk::store;

use crate::bureau::{self, BureauError};
use crate::model::{Certification, LocalCertification, Method, is_date};

/// The 1.1.0 storage key of a resident's certification for `year`.
#[cfg(not(feature = "release-1-0"))]
pub fn key(year: i32, resident_id: &str) -> String {
    format!("certifications/{year}/{resident_id}")
}

/// The 1.0.0 storage key of a resident's (latest) certification.
pub fn legacy_key(resident_id: &str) -> String {
    format!("cert/{resident_id}")
}

/// While set, some 1.0.0 records are still to be rewritten: an upgrade rewrites at most
/// [`crate::migrate::UPGRADE_BUDGET`] of them (a call's host-call limit), the reminder runs
/// the rest, and reads look at the old key too until then.
#[cfg(not(feature = "release-1-0"))]
pub const LEGACY_PENDING_KEY: &str = "legacy-records-pending";

/// The plugin's certification records, read the way the stored data needs.
#[derive(Debug, Clone, Copy)]
pub struct Records {
    /// Whether records may still be under the 1.0.0 key.
    legacy: bool,
}

impl Records {
    /// Reads whether 1.0.0 records remain (one storage read).
    #[cfg(not(feature = "release-1-0"))]
    pub fn open() -> Result<Self, Error> {
        Ok(Self {
            legacy: store::get::<bool>(LEGACY_PENDING_KEY)?.unwrap_or(false),
        })
    }

    /// 1.0.0 keeps only its own format.
    #[cfg(feature = "release-1-0")]
    pub fn open() -> Result<Self, Error> {
        Ok(Self { legacy: true })
    }

    /// Whether 1.0.0 records remain to be rewritten.
    #[cfg_attr(
        feature = "release-1-0",
        expect(dead_code, reason = "1.0.0 has nothing to migrate")
    )]
    pub fn legacy_pending(&self) -> bool {
        self.legacy
    }

    /// The certification this plugin recorded for `resident_id` in `year`, if any.
    pub fn local(&self, resident_id: &str, year: i32) -> Result<Option<LocalCertification>, Error> {
        #[cfg(not(feature = "release-1-0"))]
        if let Some(record) = store::get(&key(year, resident_id))? {
            return Ok(Some(record));
        }
        if self.legacy {
            legacy_local(resident_id, year)
        } else {
            Ok(None)
        }
    }
}

/// A 1.0.0 record (`cert/{resident}` = `"YYYY-MM-DD"`) if it is of `year`.
fn legacy_local(resident_id: &str, year: i32) -> Result<Option<LocalCertification>, Error> {
    let Some(bytes) = storage::get(&legacy_key(resident_id))? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    let date = text.trim().trim_matches('"');
    Ok(
        (is_date(date) && date.starts_with(&format!("{year:04}-"))).then(|| LocalCertification {
            date: date.to_owned(),
            method: Method::InPerson.code().to_owned(),
            recorded_by: None,
        }),
    )
}

/// Keeps the plugin's record of a certification.
#[cfg(not(feature = "release-1-0"))]
pub fn record(resident_id: &str, year: i32, record: &LocalCertification) -> Result<(), Error> {
    store::set(&key(year, resident_id), record)
}

/// Keeps the plugin's record of a certification (1.0.0: the date only).
#[cfg(feature = "release-1-0")]
pub fn record(resident_id: &str, _year: i32, record: &LocalCertification) -> Result<(), Error> {
    storage::set(&legacy_key(resident_id), record.date.as_bytes())
}

/// What asking the bureau to certify came to.
#[derive(Debug)]
pub enum Outcome {
    /// Certified now; the plugin's record of it is written.
    Certified,
    /// Already certified this year (the first certification stands); nothing changed.
    AlreadyCertified(Certification),
}

/// Certifies `resident_id` (whose unmasked ID number is `id_number`) for this year by
/// `method`, recorded by `recorded_by`, and keeps the plugin's own record. Someone who is
/// not a pensioner, or already certified, changes nothing.
pub fn certify(
    resident_id: &str,
    id_number: &str,
    method: Method,
    recorded_by: &str,
) -> Result<Result<Outcome, BureauError>, Error> {
    let current = match bureau::pension(id_number) {
        Ok(record) => record,
        Err(e) => return Ok(Err(e)),
    };
    let Some(certification) = current.certification.filter(|_| current.is_pensioner) else {
        return Ok(Err(BureauError::NotPensioner));
    };
    if certification.is_certified() {
        return Ok(Ok(Outcome::AlreadyCertified(certification)));
    }
    let after = match bureau::certify(id_number, method, recorded_by) {
        Ok(record) => record,
        Err(e) => return Ok(Err(e)),
    };
    let Some(done) = after.certification else {
        return Ok(Err(BureauError::NotPensioner));
    };
    let date = done
        .certified_on
        .filter(|date| is_date(date))
        .unwrap_or_else(|| Date::today().to_string());
    let local = LocalCertification {
        date,
        method: method.code().to_owned(),
        recorded_by: Some(recorded_by.to_owned()),
    };
    record(resident_id, done.year, &local)?;
    Ok(Ok(Outcome::Certified))
}
