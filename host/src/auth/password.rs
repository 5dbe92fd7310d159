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
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
    }
}
