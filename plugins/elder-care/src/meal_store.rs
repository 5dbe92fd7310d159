//! Where meal bookings are kept. Release 1.0.0 kept one JSON list per date under
//! `meals/{date}` (`[{resident, canteen}]`): every booking rewrote the day's list, so two
//! residents booking at once could lose one of them. 1.1.0 keeps one key per booking,
//! `bookings/{date}/{canteen}/{resident}`, with the time it was made, and counts a
//! canteen's day with an atomic counter `meal-count/{date}/{canteen}`; `migrate` converts
//! the lists (see `migrate.rs`).

use serde::{Deserialize, Serialize};
use wangge_sdk::prelude::*;

/// One booking as the pages see it, whichever way it is stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Booking {
    pub(crate) resident: String,
    pub(crate) canteen: String,
    /// The resident's name when booked (1.1.0; 1.0.0 looks it up in the register).
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// When it was booked, ms since the epoch (1.1.0; unknown for bookings made in 1.0.0).
    #[serde(default)]
    pub(crate) booked_at: Option<i64>,
}

/// Why a booking was not taken.
pub(crate) enum Refusal {
    /// The canteen's places for the day are taken.
    Full,
}

/// 1.0.0's list entry under `meals/{date}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ListedMeal {
    pub(crate) resident: String,
    pub(crate) canteen: String,
}

/// The key of 1.0.0's list for `date`.
pub(crate) fn list_key(date: &str) -> String {
    format!("meals/{date}")
}

/// The key of one 1.1.0 booking.
#[cfg_attr(feature = "release-1-0", expect(dead_code, reason = "1.1.0 keys"))]
pub(crate) fn booking_key(date: &str, canteen: &str, resident: &str) -> String {
    format!("bookings/{date}/{canteen}/{resident}")
}

/// The key of a canteen's counter for a day (1.1.0).
#[cfg_attr(feature = "release-1-0", expect(dead_code, reason = "1.1.0 keys"))]
pub(crate) fn count_key(date: &str, canteen: &str) -> String {
    format!("meal-count/{date}/{canteen}")
}

#[cfg(feature = "release-1-0")]
mod imp {
    use super::*;

    fn list(date: &str) -> Result<Vec<ListedMeal>, Error> {
        Ok(store::get(&list_key(date))?.unwrap_or_default())
    }

    pub(crate) fn on_date(date: &str) -> Result<Vec<Booking>, Error> {
        Ok(list(date)?
            .into_iter()
            .map(|meal| Booking {
                resident: meal.resident,
                canteen: meal.canteen,
                name: None,
                booked_at: None,
            })
            .collect())
    }

    pub(crate) fn of_resident(date: &str, resident: &str) -> Result<Option<Booking>, Error> {
        Ok(on_date(date)?.into_iter().find(|b| b.resident == resident))
    }

    pub(crate) fn book(
        date: &str,
        booking: &Booking,
        capacity: u32,
    ) -> Result<Result<(), Refusal>, Error> {
        let mut meals = list(date)?;
        let taken = meals
            .iter()
            .filter(|m| m.canteen == booking.canteen)
            .count();
        if u32::try_from(taken).unwrap_or(u32::MAX) >= capacity {
            return Ok(Err(Refusal::Full));
        }
        meals.push(ListedMeal {
            resident: booking.resident.clone(),
            canteen: booking.canteen.clone(),
        });
        store::set(&list_key(date), &meals)?;
        Ok(Ok(()))
    }

    pub(crate) fn cancel(date: &str, resident: &str) -> Result<bool, Error> {
        let mut meals = list(date)?;
        let before = meals.len();
        meals.retain(|m| m.resident != resident);
        if meals.len() == before {
            return Ok(false);
        }
        if meals.is_empty() {
            store::delete(&list_key(date))?;
        } else {
            store::set(&list_key(date), &meals)?;
        }
        Ok(true)
    }
}

#[cfg(not(feature = "release-1-0"))]
mod imp {
    use super::*;

    pub(crate) fn on_date(date: &str) -> Result<Vec<Booking>, Error> {
        let mut bookings = Vec::new();
        for key in store::keys(&format!("bookings/{date}/"))? {
            if let Some(booking) = store::get::<Booking>(&key)? {
                bookings.push(booking);
            }
        }
        Ok(bookings)
    }

    pub(crate) fn of_resident(date: &str, resident: &str) -> Result<Option<Booking>, Error> {
        let suffix = format!("/{resident}");
        match store::keys(&format!("bookings/{date}/"))?
            .into_iter()
            .find(|key| key.ends_with(&suffix))
        {
            Some(key) => store::get(&key),
            None => Ok(None),
        }
    }

    pub(crate) fn book(
        date: &str,
        booking: &Booking,
        capacity: u32,
    ) -> Result<Result<(), Refusal>, Error> {
        // Take a place first, atomically; give it back if there was none, or if the
        // booking cannot be stored.
        let counter = count_key(date, &booking.canteen);
        let taken = store::increment(&counter, 1)?;
        if taken > i64::from(capacity) {
            store::increment(&counter, -1)?;
            return Ok(Err(Refusal::Full));
        }
        let key = booking_key(date, &booking.canteen, &booking.resident);
        if let Err(error) = store::set(&key, booking) {
            store::increment(&counter, -1)?;
            return Err(error);
        }
        Ok(Ok(()))
    }

    pub(crate) fn cancel(date: &str, resident: &str) -> Result<bool, Error> {
        let Some(booking) = of_resident(date, resident)? else {
            return Ok(false);
        };
        if store::delete(&booking_key(date, &booking.canteen, resident))? {
            store::increment(&count_key(date, &booking.canteen), -1)?;
        }
        Ok(true)
    }
}

pub(crate) use imp::{book, cancel, of_resident, on_date};
