//! [`ResidentQuery`]: the residents filter as a builder, so a plugin names only the
//! conditions it wants.

use crate::bindings::wangge::plugin::types::PopulationType;
#[cfg(not(feature = "contract-1-0"))]
use crate::residents::ResidentCount;
use crate::residents::{self, ResidentFilter};
use crate::{Error, Resident};

/// Rows asked for when the query does not say.
const DEFAULT_LIMIT: u32 = 100;

/// Residents in the installation's scope matching every condition set; needs the
/// `residents:read` permission.
///
/// ```no_run
/// use wangge_sdk::ResidentQuery;
///
/// # fn run() -> Result<(), wangge_sdk::Error> {
/// let elders = ResidentQuery::new()
///     .grid_prefix("420202001001")
///     .min_age(60)
///     .tag("living-alone")
///     .limit(50)
///     .run()?;
/// # Ok(()) }
/// ```
///
/// Results come ordered by id, one page at a time: for the next page, run the same query
/// again with [`after`](ResidentQuery::after) set to the last id received.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run"]
pub struct ResidentQuery {
    filter: ResidentFilter,
}

impl Default for ResidentQuery {
    fn default() -> Self {
        Self::new()
    }
}

impl ResidentQuery {
    /// Every resident in scope, at most 100 per page.
    pub fn new() -> Self {
        Self {
            filter: ResidentFilter {
                grid_prefix: None,
                population_type: None,
                min_age: None,
                max_age: None,
                tag: None,
                after: None,
                limit: DEFAULT_LIMIT,
            },
        }
    }

    /// Only residents of grids whose code starts with `prefix`.
    pub fn grid_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.filter.grid_prefix = Some(prefix.into());
        self
    }

    /// Only residents of this population type.
    pub fn population_type(mut self, population_type: PopulationType) -> Self {
        self.filter.population_type = Some(population_type);
        self
    }

    /// Only residents at least `years` old today.
    pub fn min_age(mut self, years: u32) -> Self {
        self.filter.min_age = Some(years);
        self
    }

    /// Only residents at most `years` old today.
    pub fn max_age(mut self, years: u32) -> Self {
        self.filter.max_age = Some(years);
        self
    }

    /// Only residents carrying `tag`, e.g. `living-alone`.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.filter.tag = Some(tag.into());
        self
    }

    /// Resume after the resident with this id (the last one of the previous page).
    pub fn after(mut self, id: impl Into<String>) -> Self {
        self.filter.after = Some(id.into());
        self
    }

    /// At most `rows` residents (the host caps it).
    pub fn limit(mut self, rows: u32) -> Self {
        self.filter.limit = rows;
        self
    }

    /// The filter as the contract spells it.
    pub fn filter(&self) -> &ResidentFilter {
        &self.filter
    }

    /// One page of matching residents, sensitive fields masked.
    pub fn run(&self) -> Result<Vec<Resident>, Error> {
        residents::query(&self.filter)
    }

    /// How many residents match, without reading them (`after` and `limit` do not
    /// apply). Small counts across communities come back as
    /// [`ResidentCount::FewerThan`]; show them as `<5`.
    ///
    /// Needs contract 1.1, so it is absent under the `contract-1-0` feature.
    #[cfg(not(feature = "contract-1-0"))]
    pub fn count(&self) -> Result<ResidentCount, Error> {
        residents::count(&self.filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_fills_the_filter() {
        let query = ResidentQuery::new()
            .grid_prefix("4202")
            .population_type(PopulationType::Floating)
            .min_age(60)
            .max_age(80)
            .tag("living-alone")
            .after("r9")
            .limit(5);
        let filter = query.filter();
        assert_eq!(filter.grid_prefix.as_deref(), Some("4202"));
        assert!(matches!(
            filter.population_type,
            Some(PopulationType::Floating)
        ));
        assert_eq!((filter.min_age, filter.max_age), (Some(60), Some(80)));
        assert_eq!(filter.tag.as_deref(), Some("living-alone"));
        assert_eq!(filter.after.as_deref(), Some("r9"));
        assert_eq!(filter.limit, 5);
        assert_eq!(ResidentQuery::default().filter().limit, DEFAULT_LIMIT);
    }
}
