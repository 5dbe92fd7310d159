//! The rules' one error type. A rule says what went wrong in the platform's terms; each door
//! turns it into its own answer once, with `From` (the JSON API's error body, an error page,
//! an Open311 error list, a plugin's `error` variant). Database and other internal failures
//! are [`RuleError::Internal`]: the doors log them and show no detail.

use std::borrow::Cow;

use crate::grid::unit_import::RowProblem;

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
    /// Several fields are wrong at once (a form, a record checked as the import checks
    /// it): each with what is wrong. Never empty.
    #[error("{}", describe(.0))]
    InvalidFields(Vec<FieldProblem>),
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

/// One wrong field of several: of a form or request, or of one row of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The row of a file (from 1), if the field is one row's.
    pub row: Option<usize>,
    /// The field.
    pub field: &'static str,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl From<RowProblem> for FieldProblem {
    /// Row 0 (a form, a request, the file as a whole) is no row.
    fn from(problem: RowProblem) -> Self {
        Self {
            row: (problem.row > 0).then_some(problem.row),
            field: problem.field,
            problem: problem.problem,
        }
    }
}

fn describe(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| match p.row {
            Some(row) => format!("row {row}: {}: {}", p.field, p.problem),
            None => format!("{}: {}", p.field, p.problem),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl RuleError {
    /// The first field a refusal of the input names, if it names one.
    pub fn first_field(&self) -> Option<String> {
        match self {
            Self::Invalid { field, .. } => Some(field.to_string()),
            Self::InvalidAttribute { name, .. } => Some(format!("attributes.{name}")),
            Self::InvalidFields(problems) => problems.first().map(|p| p.field.to_owned()),
            _ => None,
        }
    }

    /// The fields it names with their problems (one for `Invalid`, each of
    /// `InvalidFields`).
    pub fn field_problems(&self) -> Vec<(String, String)> {
        match self {
            Self::Invalid { field, problem } => vec![(field.to_string(), problem.clone())],
            Self::InvalidAttribute { name, problem } => {
                vec![(format!("attributes.{name}"), problem.clone())]
            }
            Self::InvalidFields(problems) => problems
                .iter()
                .map(|p| (p.field.to_owned(), p.problem.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `InvalidFields` with every problem found checking a record or a file.
    pub fn fields(problems: Vec<RowProblem>) -> Self {
        Self::InvalidFields(problems.into_iter().map(FieldProblem::from).collect())
    }

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
