//! A package version's review state: submitted → approved or rejected; approved → yanked.

use std::fmt;
use std::str::FromStr;

/// Where a published version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageState {
    /// Published, waiting for a reviewer.
    Submitted,
    /// Approved by a reviewer: installable.
    Approved,
    /// Refused by a reviewer, with a note saying why.
    Rejected,
    /// Withdrawn after approval; no longer offered for download.
    Yanked,
}

impl PackageState {
    /// The state's name as stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Yanked => "yanked",
        }
    }
}

impl fmt::Display for PackageState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PackageState {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            Self::Submitted,
            Self::Approved,
            Self::Rejected,
            Self::Yanked,
        ]
        .into_iter()
        .find(|state| state.name() == text)
        .ok_or_else(|| format!("unknown registry package state `{text}`"))
    }
}
