//! Passwords, hashed with Argon2id (salt chosen per password) and verified in constant time.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Too short.
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// Hashing failed (no randomness, …).
    #[error("cannot hash the password: {0}")]
    Hashing(String),
}

/// The PHC string (`$argon2id$…`) of `password`.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// A hash no password typed at sign-in matches, checked when the user does not exist so an
/// unknown name costs as long as a wrong password: the time taken does not tell which.
static DECOY: std::sync::LazyLock<Option<String>> =
    std::sync::LazyLock::new(|| hash("decoy password that nobody can sign in with").ok());

/// [`verify`] against `stored`, or against a decoy when there is no user: always one full
/// Argon2 verification, and `false` without a user. CPU-heavy: call it off the async
/// executor (`spawn_blocking`).
pub fn verify_in_constant_time(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => verify(password, stored),
        None => {
            if let Some(decoy) = DECOY.as_deref() {
                let _ = verify(password, decoy);
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let first = hash("correct horse").expect("hash");
        let second = hash("correct horse").expect("hash");
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "a fresh salt each time");
        assert!(verify("correct horse", &first));
        assert!(!verify("wrong horse!", &first));
        assert!(!verify("correct horse", "not a hash"));
        assert!(verify_in_constant_time("correct horse", Some(&first)));
        assert!(!verify_in_constant_time("correct horse", None));
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
    }
}
