//! Typed storage: values kept as JSON in the installation's key-value storage, and
//! [`Collection`]s of them under a key prefix.
//!
//! ```no_run
//! use serde::{Deserialize, Serialize};
//! use wangge_sdk::store::{self, Collection};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Claim {
//!     resident: String,
//!     amount: u32,
//! }
//!
//! const CLAIMS: Collection<Claim> = Collection::new("claims/");
//!
//! # fn run() -> Result<(), wangge_sdk::Error> {
//! store::set("settings/threshold", &80u32)?;
//! let threshold: Option<u32> = store::get("settings/threshold")?;
//!
//! CLAIMS.insert("7", &Claim { resident: "r1".into(), amount: 300 })?;
//! for (id, claim) in CLAIMS.all()? {
//!     println!("{id}: {} 元", claim.amount);
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, storage};

/// Keys asked for per `list-keys` call while paging.
const PAGE: u32 = 100;

/// The value under `key` as a `T`, or `None` if nothing is stored there. A value that is
/// not a `T` is [`Error::Invalid`] naming the key.
pub fn get<T: DeserializeOwned>(key: &str) -> Result<Option<T>, Error> {
    storage::get(key)?
        .map(|bytes| decode(key, &bytes))
        .transpose()
}

/// Stores `value` under `key` as JSON, replacing what was there.
pub fn set<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<(), Error> {
    storage::set(key, &encode(key, value)?)
}

/// Removes `key`; true if it existed.
pub fn delete(key: &str) -> Result<bool, Error> {
    storage::delete(key)
}

/// Atomically adds `delta` to the counter under `key` (missing = 0) and returns the new
/// value. The counter is stored as decimal text, which is also JSON, so
/// `get::<i64>(key)` reads it back.
pub fn increment(key: &str, delta: i64) -> Result<i64, Error> {
    storage::increment(key, delta)
}

/// Every key starting with `prefix`, in byte order, paging through the host's listing.
pub fn keys(prefix: &str) -> Result<Vec<String>, Error> {
    let mut keys: Vec<String> = Vec::new();
    loop {
        let after = keys.last().map(String::as_str);
        let page = storage::list_keys(prefix, after, PAGE)?;
        // Stop on an empty page rather than a short one: the host may cap a page below
        // what was asked for.
        if page.is_empty() {
            return Ok(keys);
        }
        keys.extend(page);
    }
}

fn encode<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value)
        .map_err(|error| Error::Invalid(format!("cannot store the value for `{key}`: {error}")))
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|error| {
        Error::Invalid(format!(
            "the value stored under `{key}` is not a valid {}: {error}",
            std::any::type_name::<T>()
        ))
    })
}

/// Values of one type under a common key prefix, each stored as JSON under
/// `prefix + id`: `Collection::<Claim>::new("claims/")` keeps claim `7` under
/// `claims/7`.
///
/// The prefix should end in a separator such as `/`, and no other key should start with
/// it, or [`Collection::all`] finds values that are not a `T`. An id may itself contain
/// `/`; [`Collection::ids`] returns everything after the prefix.
pub struct Collection<T> {
    prefix: &'static str,
    // `fn() -> T`: the collection hands out `T`s but holds none, so it is Send, Sync and
    // Copy whatever `T` is.
    values: PhantomData<fn() -> T>,
}

impl<T> Collection<T> {
    /// The collection under `prefix`; a `const`, so it can be declared once at the top of
    /// a plugin.
    pub const fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            values: PhantomData,
        }
    }

    /// The key prefix.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The storage key of `id`.
    pub fn key(&self, id: &str) -> String {
        format!("{}{id}", self.prefix)
    }
}

impl<T: Serialize + DeserializeOwned> Collection<T> {
    /// The value with `id`, if any.
    pub fn get(&self, id: &str) -> Result<Option<T>, Error> {
        get(&self.key(id))
    }

    /// Stores `value` as `id`, replacing what was there.
    pub fn insert(&self, id: &str, value: &T) -> Result<(), Error> {
        set(&self.key(id), value)
    }

    /// Removes `id`; true if it existed.
    pub fn remove(&self, id: &str) -> Result<bool, Error> {
        delete(&self.key(id))
    }

    /// Every id in the collection, in byte order of their keys (so `10` comes before `9`;
    /// pad numeric ids to keep them in numeric order).
    pub fn ids(&self) -> Result<Vec<String>, Error> {
        Ok(keys(self.prefix)?
            .into_iter()
            .map(|key| match key.strip_prefix(self.prefix) {
                Some(id) => id.to_owned(),
                None => key,
            })
            .collect())
    }

    /// Every `(id, value)` in the collection, in the order of [`Collection::ids`]: one
    /// host call per value, so keep collections that are read whole small.
    pub fn all(&self) -> Result<Vec<(String, T)>, Error> {
        let mut all = Vec::new();
        for id in self.ids()? {
            // A value removed between listing and reading is simply no longer there.
            if let Some(value) = self.get(&id)? {
                all.push((id, value));
            }
        }
        Ok(all)
    }
}

impl<T> Clone for Collection<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Collection<T> {}

impl<T> fmt::Debug for Collection<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Collection")
            .field("prefix", &self.prefix)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Claim {
        amount: u32,
    }

    #[test]
    fn values_round_trip_as_json() {
        let bytes = encode("k", &Claim { amount: 3 }).expect("encode");
        assert_eq!(bytes, br#"{"amount":3}"#);
        assert_eq!(
            decode::<Claim>("k", &bytes).expect("decode"),
            Claim { amount: 3 }
        );
        // A counter written by `increment` is decimal text, which reads back as a number.
        assert_eq!(decode::<i64>("visits", b"42").expect("counter"), 42);
    }

    #[test]
    fn a_value_of_the_wrong_shape_names_its_key() {
        let error = decode::<Claim>("claims/7", b"{\"amount\":\"x\"}").expect_err("bad");
        assert!(
            matches!(error, Error::Invalid(ref m) if m.contains("`claims/7`")),
            "{error:?}"
        );
    }

    #[test]
    fn collections_key_ids_under_their_prefix() {
        const CLAIMS: Collection<Claim> = Collection::new("claims/");
        assert_eq!(CLAIMS.key("7"), "claims/7");
        assert_eq!(CLAIMS.prefix(), "claims/");
    }
}
