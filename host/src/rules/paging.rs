//! Paging, as every list of the platform pages: base-data lists by a keyset cursor
//! (`GRID_CODE:ID` of the last row, since rows are ordered by grid and id), inboxes and the
//! audit log by the last id seen.

use super::error::{RuleError, RuleResult};
use crate::db::residents::parse_cursor;

/// The largest page of a base-data list, and its size unless asked for fewer.
pub const MAX_PAGE: i64 = 200;

/// The `after` cursor of a base-data page request.
pub fn cursor_after(after: Option<&str>) -> RuleResult<Option<(&str, i64)>> {
    after
        .map(|cursor| {
            parse_cursor(cursor).ok_or_else(|| {
                RuleError::invalid(
                    "after",
                    "expected GRID_CODE:ID from the previous page's `next`",
                )
            })
        })
        .transpose()
}

/// The page size asked for, within 1 to [`MAX_PAGE`].
pub fn clamped_limit(limit: Option<i64>) -> i64 {
    limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE)
}

/// The `next` cursor: the last row's `GRID_CODE:ID` when the page was full.
pub fn next_cursor(len: usize, limit: i64, last: Option<(&str, i64)>) -> Option<String> {
    if i64::try_from(len).ok() == Some(limit) {
        last.map(|(grid, id)| format!("{grid}:{id}"))
    } else {
        None
    }
}

/// The id to continue below when a newest-first page of `limit` was full.
pub fn next_before(len: usize, limit: i64, last_id: Option<i64>) -> Option<i64> {
    if i64::try_from(len).ok() == Some(limit) {
        last_id
    } else {
        None
    }
}

/// The page size `limit` asks for (`default` when absent), or `Invalid` naming `limit` for
/// one outside 1 to `max`: for the inboxes, whose pages people ask for explicitly.
pub fn checked_limit(limit: Option<i64>, default: i64, max: i64) -> RuleResult<i64> {
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(RuleError::invalid(
            "limit",
            format!("expected 1 to {max}, got {limit}"),
        ));
    }
    Ok(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_and_limits() {
        assert_eq!(
            cursor_after(Some("420202001001001:7")).expect("a cursor"),
            Some(("420202001001001", 7))
        );
        assert!(cursor_after(Some("7")).is_err());
        assert_eq!(clamped_limit(Some(0)), 1);
        assert_eq!(clamped_limit(None), MAX_PAGE);
        assert_eq!(next_cursor(2, 2, Some(("g", 3))).as_deref(), Some("g:3"));
        assert_eq!(next_cursor(1, 2, Some(("g", 3))), None);
        assert_eq!(next_before(5, 5, Some(9)), Some(9));
        assert!(checked_limit(Some(101), 50, 100).is_err());
        assert_eq!(checked_limit(None, 50, 100).expect("default"), 50);
    }
}
