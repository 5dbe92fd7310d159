//! Unit codes: the level of a unit follows from the length of its code (2, 4, 6, 9, 12
//! digits, and a grid's code extends its community's), and a unit's subtree is every code
//! that starts with its own. Scope checks are prefix checks, never tree walks.
//!
//! A department (职能部门: 城管, 派出所, 司法所 …) is a unit of its own kind attached to a
//! county or a street: its code is the parent's followed by `.` and a short name
//! (`420202.cgj`, `420202001.sfs`). It lies in its parent's subtree by the same prefix rule,
//! so the county's and the street's admins reach it, while its own staff reach only it and
//! the events dispatched to it, never the parent's grids.

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

/// Characters of a department's own part (`cgj` in `420202.cgj`): short enough to read in
/// a code, long enough for the pinyin initials of any department's name.
const MAX_DEPARTMENT_PART: usize = 16;

/// The unit a department code attaches to, if `code` is one: `PARENT.PART` with PARENT a
/// county (6 digits) or a street (9) and PART 2 to 16 lowercase ASCII letters, digits or
/// `-`, starting with a letter.
pub fn department_parent(code: &str) -> Option<&str> {
    let (parent, part) = code.split_once('.')?;
    let parent_ok = matches!(level_of(parent), Ok(Level::County | Level::Street));
    let part_ok = (2..=MAX_DEPARTMENT_PART).contains(&part.len())
        && part.starts_with(|c: char| c.is_ascii_lowercase())
        && part
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (parent_ok && part_ok).then_some(parent)
}

/// Whether `code` is a department's.
pub fn is_department(code: &str) -> bool {
    department_parent(code).is_some()
}

/// The stored name of the kind of unit `code` names: `province` … `grid`, or `department`;
/// none for a code that is neither.
pub fn kind_name(code: &str) -> Option<&'static str> {
    if is_department(code) {
        return Some("department");
    }
    Some(match level_of(code).ok()? {
        Level::Province => "province",
        Level::City => "city",
        Level::County => "county",
        Level::Street => "street",
        Level::Community => "community",
        Level::Grid => "grid",
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

/// The code of the parent unit, if the code is valid and not the province's; a
/// department's is the county or street it is attached to.
pub fn parent_of(code: &str) -> Option<&str> {
    if let Some(parent) = department_parent(code) {
        return Some(parent);
    }
    let len = parent_len(level_of(code).ok()?)?;
    code.get(..len)
}

/// Whether the unit `code` lies in the subtree of `ancestor` (a unit is in its own).
pub fn is_within(code: &str, ancestor: &str) -> bool {
    code.starts_with(ancestor)
}

/// The exclusive upper bound of the codes in the subtree of `code`: every descendant's code
/// is `code` followed by digits (or `.` and a department's part), and `:` sorts right after
/// `9` (and after `.`). Scope queries are the range
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

    #[test]
    fn departments_attach_to_counties_and_streets() {
        assert_eq!(department_parent("420202.cgj"), Some("420202"));
        assert_eq!(department_parent("420202001.sfs"), Some("420202001"));
        assert_eq!(parent_of("420202001.sfs"), Some("420202001"));
        assert_eq!(kind_name("420202.cgj"), Some("department"));
        assert_eq!(kind_name("420202001"), Some("street"));
        for bad in [
            "4202.cgj",                 // a city
            "420202001001.wy",          // a community
            "420202.",                  // no part
            "420202.c",                 // too short
            "420202.CGJ",               // upper case
            "420202.1a",                // starts with a digit
            "420202.cg.j",              // two dots
            "420202.abcdefghijklmnopq", // 17 characters
        ] {
            assert_eq!(department_parent(bad), None, "{bad}");
        }
        assert!(is_within("420202.cgj", "420202"));
        assert!(!is_within("420202001001001", "420202.cgj"));
        assert!("420202.cgj" < subtree_end("420202").as_str());
        assert!(level_of("420202.cgj").is_err(), "a department is no level");
    }
}
