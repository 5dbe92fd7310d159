//! One-time sign-in codes: six random digits, valid a few minutes, used once, and how they
//! reach the user. Only a digest is stored; the storage rules (one live code per user, the
//! resend interval, counting tries) are in `db::sign_in_codes`.

use sha2::{Digest, Sha256};

/// Digits in a code: what a person retypes from a message without mistakes, and with
/// [`MAX_WRONG_TRIES`] a guesser's chance per code is 5 in a million.
pub const CODE_DIGITS: usize = 6;

/// How long a code is valid: long enough to switch apps and type it, short enough that an
/// old message is worthless.
pub const CODE_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// Wrong tries after which a code is void (the user asks for a new one).
pub const MAX_WRONG_TRIES: i64 = 5;

/// The least time between two codes for one user, so asking cannot flood anyone's phone
/// (or log).
pub const RESEND_INTERVAL_MS: i64 = 60 * 1000;

/// 10^[`CODE_DIGITS`]: how many codes there are.
const CODE_SPACE: u32 = 1_000_000;

/// The largest multiple of [`CODE_SPACE`] that fits a `u32`: random values at or above it
/// are drawn again, so that every code is equally likely (no modulo bias).
const UNBIASED_LIMIT: u32 = u32::MAX - u32::MAX % CODE_SPACE;

// The constants agree: a code space of exactly `CODE_DIGITS` digits, and a limit that is a
// whole number of code spaces leaving less than one code space over.
const _: () = assert!(10_u32.pow(CODE_DIGITS as u32) == CODE_SPACE);
const _: () =
    assert!(UNBIASED_LIMIT.is_multiple_of(CODE_SPACE) && u32::MAX - UNBIASED_LIMIT < CODE_SPACE);

/// How codes reach users (`wangge serve --sign-in-codes`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Delivery {
    /// No codes: sign in with a password only.
    #[default]
    Off,
    /// Written to the server's log, for demos and development only.
    Log,
}

/// A new code from the OS random number generator, [`CODE_DIGITS`] digits with leading
/// zeros.
pub fn generate() -> Result<String, getrandom::Error> {
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes)?;
        let value = u32::from_le_bytes(bytes);
        if value < UNBIASED_LIMIT {
            return Ok(format!(
                "{:0width$}",
                value % CODE_SPACE,
                width = CODE_DIGITS
            ));
        }
    }
}

/// Whether `typed` has the shape of a code: exactly [`CODE_DIGITS`] ASCII digits.
pub fn is_well_formed(typed: &str) -> bool {
    typed.len() == CODE_DIGITS && typed.bytes().all(|b| b.is_ascii_digit())
}

/// What is stored for `code` issued to user `user_id`. The user's id is mixed in so that
/// equal codes of two users are stored differently. A digest of six digits does not resist
/// a search by someone who can read the table; what protects a code is that it lives ten
/// minutes and is used once, and a digest keeps it out of backups and query logs.
pub fn digest(user_id: i64, code: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"wangge sign-in code\0");
    hasher.update(user_id.to_le_bytes());
    hasher.update(code.as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| generate().expect("rng")).collect();
        for code in &codes {
            assert!(is_well_formed(code), "{code}");
        }
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        // 50 draws from a million collide with a chance of about 0.1 %; ten equal ones
        // would mean the generator is broken.
        assert!(distinct.len() > 40, "{codes:?}");
    }

    #[test]
    fn only_six_ascii_digits_are_well_formed() {
        assert!(is_well_formed("012345"));
        for bad in [
            "",
            "12345",
            "1234567",
            "12345a",
            " 12345",
            "１２３４５６",
            "12 345",
        ] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
    }

    #[test]
    fn digests_depend_on_the_user_and_hide_the_code() {
        let code = "123456";
        assert_eq!(digest(1, code), digest(1, code));
        assert_ne!(digest(1, code), digest(2, code));
        assert_ne!(digest(1, code), digest(1, "123457"));
        assert!(!digest(1, code).contains(code));
        assert_eq!(digest(1, code).len(), 64);
    }
}
