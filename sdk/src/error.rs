//! Shorthands for the contract's one error type. wit-bindgen already gives it `Display`
//! and `std::error::Error`, so only constructors and conversions live here.

use std::fmt::Display;

use crate::Error;

impl Error {
    /// An argument is malformed; say which field and what was expected.
    pub fn invalid(message: impl Display) -> Self {
        Self::Invalid(message.to_string())
    }

    /// Nothing with that id or key exists; the host answers 404.
    pub fn not_found(message: impl Display) -> Self {
        Self::NotFound(message.to_string())
    }

    /// The caller or the installation may not do this; the host answers 403.
    pub fn denied(message: impl Display) -> Self {
        Self::Denied(message.to_string())
    }

    /// Something the page needs is not available right now (an outside service, a
    /// capability this host lacks).
    pub fn unavailable(message: impl Display) -> Self {
        Self::Unavailable(message.to_string())
    }

    /// A limit was reached (storage bytes, rows, message size …).
    pub fn quota_exceeded(message: impl Display) -> Self {
        Self::QuotaExceeded(message.to_string())
    }

    /// The human-readable explanation, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            Self::Denied(message)
            | Self::NotFound(message)
            | Self::Invalid(message)
            | Self::QuotaExceeded(message)
            | Self::Unavailable(message) => message,
        }
    }
}

/// JSON that does not fit the expected type is invalid input, so `?` works on
/// `serde_json` calls in a handler.
impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Self::Invalid(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_pick_the_kind_and_keep_the_text() {
        assert!(matches!(Error::invalid("field `x`"), Error::Invalid(m) if m == "field `x`"));
        assert!(matches!(Error::not_found(42), Error::NotFound(m) if m == "42"));
        assert!(matches!(Error::denied("no"), Error::Denied(_)));
        assert!(matches!(Error::unavailable("down"), Error::Unavailable(_)));
        assert_eq!(Error::quota_exceeded("full").message(), "full");
    }

    #[test]
    fn json_errors_are_invalid_input() {
        let error: Error = serde_json::from_str::<u32>("\"x\"")
            .expect_err("a string is not a number")
            .into();
        assert!(matches!(error, Error::Invalid(_)));
    }
}
