//! The query of every base-data list: the unit, the keyset cursor of the previous page and
//! the page size, documented once.

use serde::Deserialize;

/// A page of a unit's base data.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The unit's code: its whole subtree is listed.
    #[param(pattern = r"^[0-9]{2,18}$", example = "420202001")]
    pub unit: String,
    /// `GRID_CODE:ID` of the last row of the previous page (its `next`).
    #[param(pattern = r"^[0-9]{1,18}:-?[0-9]{1,18}$")]
    pub after: Option<String>,
    /// Rows per page: 1 to 200 (more is read as 200, fewer than 1 as 1).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

impl PageQuery {
    /// The page size within 1 to 200.
    pub fn limit(&self) -> i64 {
        crate::rules::paging::clamped_limit(self.limit)
    }
}
