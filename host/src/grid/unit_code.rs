//! Unit codes: the level of a unit follows from the length of its code (2, 4, 6, 9, 12
//! digits, and a grid's code extends its community's), and a unit's subtree is every code
//! that starts with its own. Scope checks are prefix checks, never tree walks.

use wangge_registry::Level;

/// Digits a grid code may add to its community's.
const MAX_GRID_SUFFIX_DIGITS: usize = 6;

/// Why a code is not a unit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitCodeError {
    /// Something other than ASCII digits.
    #[error("unit code `{0}`: expected digits only")]
    NotDigits(String),
    /// A length no level has.
    #[error(
        "unit code `{0}`: expected 2 (province), 4 (city), 6 (county), 9 (street), \
         12 (community) or 13 to 18 (grid) digits"
    )]
    Length(String),
}

/// The level of the unit with `code`.
pub fn level_of(code: &str) -> Result<Level, UnitCodeError> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UnitCodeError::NotDigits(code.to_owned()));
    }
    Ok(match code.len() {
        2 => Level::Province,
        4 => Level::City,
        6 => Level::County,
        9 => Level::Street,
        12 => Level::Community,
        n if (13..=12 + MAX_GRID_SUFFIX_DIGITS).contains(&n) => Level::Grid,
        _ => return Err(UnitCodeError::Length(code.to_owned())),
    })
}

/// The code length of a level's parent; none for the province.
fn parent_len(level: Level) -> Option<usize> {
    match level {
        Level::Province => None,
        Level::City => Some(2),
        Level::County => Some(4),
        Level::Street => Some(6),
        Level::Community => Some(9),
        Level::Grid => Some(12),
    }
}

/// The code of the parent unit, if the code is valid and not the province's.
pub fn parent_of(code: &str) -> Option<&str> {
    let len = parent_len(level_of(code).ok()?)?;
    code.get(..len)
}

/// Whether the unit `code` lies in the subtree of `ancestor` (a unit is in its own).
pub fn is_within(code: &str, ancestor: &str) -> bool {
    code.starts_with(ancestor)
}

/// The exclusive upper bound of the codes in the subtree of `code`: every descendant's code
/// is `code` followed by digits, and `:` sorts right after `9`. Scope queries are the range
/// `code <= c < subtree_end(code)` on an index.
pub fn subtree_end(code: &str) -> String {
    format!("{code}:")
}

/// The level directly below `level`; none for grids.
pub fn child_level(level: Level) -> Option<Level> {
    match level {
        Level::Province => Some(Level::City),
        Level::City => Some(Level::County),
        Level::County => Some(Level::Street),
        Level::Street => Some(Level::Community),
        Level::Community => Some(Level::Grid),
        Level::Grid => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_from_code_length() {
        let cases = [
            ("42", Level::Province),
            ("4202", Level::City),
            ("420202", Level::County),
            ("420202001", Level::Street),
            ("420202001002", Level::Community),
            ("420202001002001", Level::Grid),
        ];
        for (code, level) in cases {
            assert_eq!(level_of(code), Ok(level), "{code}");
        }
        assert!(matches!(
            level_of("4202a2"),
            Err(UnitCodeError::NotDigits(_))
        ));
        assert!(matches!(level_of("42020"), Err(UnitCodeError::Length(_))));
        assert!(matches!(level_of(""), Err(UnitCodeError::NotDigits(_))));
    }

    #[test]
    fn parents_and_subtrees_are_prefixes() {
        assert_eq!(parent_of("420202001002001"), Some("420202001002"));
        assert_eq!(parent_of("420202001"), Some("420202"));
        assert_eq!(parent_of("42"), None);
        assert_eq!(parent_of("bad"), None);
        assert!(is_within("420202001002", "4202"));
        assert!(is_within("4202", "4202"));
        assert!(!is_within("4203", "4202"));
        assert_eq!(child_level(Level::Community), Some(Level::Grid));
        assert_eq!(child_level(Level::Grid), None);
    }
}
