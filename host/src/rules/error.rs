//! The rules' one error type. A rule says what went wrong in the platform's terms; each door
//! turns it into its own answer once, with `From` (the JSON API's error body, an error page,
//! an Open311 error list, a plugin's `error` variant). Database and other internal failures
//! are [`RuleError::Internal`]: the doors log them and show no detail.

use std::borrow::Cow;

/// Why a rule did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A field is missing or malformed; nothing changed.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field, as the rules name it (`title`, `unit`, `after` …); doors that name
        /// their fields otherwise translate it.
        field: Cow<'static, str>,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// A custom field of an event's category (`attributes.NAME`) is missing, unknown or
    /// malformed. Apart from `Invalid` because its name is only known at run time and each
    /// door spells the path its own way.
    #[error("attributes.{name}: {problem}")]
    InvalidAttribute {
        /// The field's name in the category's schema.
        name: String,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// Wrong username, password or sign-in code (which one is not said).
    #[error("wrong username or password")]
    BadCredentials,
    /// The actor may not do this here.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there, or nothing the actor may see: the two look the same.
    #[error("{0} not found")]
    NotFound(String),
    /// It does not fit the current state (someone moved the event first …).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// The platform failed; the detail is for the log only.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl RuleError {
    /// `Invalid` naming `field`.
    pub fn invalid(field: impl Into<Cow<'static, str>>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl From<sqlx::Error> for RuleError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}

/// What a rule answers.
pub type RuleResult<T> = Result<T, RuleError>;
