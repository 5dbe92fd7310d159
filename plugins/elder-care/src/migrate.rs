//! Upgrading to 1.1.0 from 1.0.0: meal bookings kept as one list per date
//! (`meals/{date}`) become one key per booking (`bookings/{date}/{canteen}/{resident}`)
//! with a counter per canteen and day. Idempotent: a booking already converted is kept as
//! it is, and each list is deleted once its bookings are written; the host runs the whole
//! migration over a snapshot and restores it if this answers an error.

use std::collections::BTreeMap;

use wangge_sdk::log;
use wangge_sdk::prelude::*;

use crate::meal_store::{Booking, ListedMeal, booking_key, count_key, list_key};
use crate::model::ELDERS;

/// Runs the steps `from_version` needs.
pub(crate) fn migrate(from_version: &str) -> Result<(), Error> {
    if before_1_1(from_version)? {
        let converted = meal_lists_to_bookings()?;
        log::write(
            log::Level::Info,
            "migrated meal bookings to one key each",
            &[("bookings".to_owned(), converted.to_string())],
        );
    }
    Ok(())
}

/// Whether `version` (`MAJOR.MINOR.PATCH`) is older than 1.1.
fn before_1_1(version: &str) -> Result<bool, Error> {
    let mut parts = version.split(['.', '-', '+']);
    let mut number = || -> Result<u64, Error> {
        parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| Error::invalid(format!("from-version `{version}` is not a version")))
    };
    let (major, minor) = (number()?, number()?);
    Ok((major, minor) < (1, 1))
}

/// Converts every `meals/{date}` list; returns the bookings written.
fn meal_lists_to_bookings() -> Result<usize, Error> {
    let mut written = 0;
    for key in store::keys("meals/")? {
        let date = key.strip_prefix("meals/").unwrap_or_default();
        if Date::parse(date).is_none() {
            return Err(Error::invalid(format!(
                "storage key `{key}` is not a meal list of a date"
            )));
        }
        let meals: Vec<ListedMeal> = store::get(&key)?.unwrap_or_default();
        let mut per_canteen: BTreeMap<String, i64> = BTreeMap::new();
        for meal in meals {
            let target = booking_key(date, &meal.canteen, &meal.resident);
            if store::get::<Booking>(&target)?.is_none() {
                let booking = Booking {
                    name: ELDERS.get(&meal.resident)?.map(|e| e.name),
                    resident: meal.resident,
                    canteen: meal.canteen.clone(),
                    booked_at: None,
                };
                store::set(&target, &booking)?;
                written += 1;
            }
            per_canteen.entry(meal.canteen).or_default();
        }
        // Counters from the bookings as they now stand, so running twice counts once.
        for canteen in per_canteen.keys() {
            let booked = store::keys(&format!("bookings/{date}/{canteen}/"))?.len();
            store::set(&count_key(date, canteen), &booked)?;
        }
        store::delete(&list_key(date))?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_before_1_1_migrate() {
        assert!(before_1_1("1.0.0").expect("version"));
        assert!(before_1_1("0.9.3").expect("version"));
        assert!(!before_1_1("1.1.0").expect("version"));
        assert!(!before_1_1("2.0.0-rc.1").expect("version"));
        assert!(before_1_1("x").is_err());
    }
}
