//! Checks every scoped list shares: the caller holds one of the listed roles over the unit,
//! and the page cursor (`GRID_CODE:ID`) is well formed.

use super::api_error::ApiError;
use crate::auth::{Grants, Role};
use crate::db::residents::parse_cursor;

/// Rows per page unless asked for fewer.
pub const MAX_PAGE: i64 = 200;

/// `Ok` if `grants` hold one of `roles` over `unit`; else 403 saying what `what` needs.
pub fn require_role(
    grants: &Grants,
    roles: &[Role],
    unit: &str,
    what: &str,
) -> Result<(), ApiError> {
    if roles.iter().any(|role| grants.has_role_at(*role, unit)) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
    Err(ApiError::Forbidden(format!(
        "{what} of unit {unit} needs one of these roles there: {}",
        names.join(", ")
    )))
}

/// The `after` cursor of a page request.
pub fn page_after(after: Option<&str>) -> Result<Option<(&str, i64)>, ApiError> {
    after
        .map(|cursor| {
            parse_cursor(cursor).ok_or(ApiError::Invalid {
                field: "after",
                problem: "expected GRID_CODE:ID from the previous page's `next`".into(),
            })
        })
        .transpose()
}

/// The page size asked for, within 1 to [`MAX_PAGE`].
pub fn page_limit(limit: Option<i64>) -> i64 {
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
