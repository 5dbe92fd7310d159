//! [`EventQuery`]: the events filter as a builder.

use crate::events::{self, EventFilter};
use crate::{Error, Event, EventState};

/// Rows asked for when the query does not say.
const DEFAULT_LIMIT: u32 = 100;

/// Events in the installation's scope matching every condition set; needs the
/// `events:read` permission.
///
/// ```no_run
/// use wangge_sdk::{EventQuery, EventState};
///
/// # fn run() -> Result<(), wangge_sdk::Error> {
/// let open = EventQuery::new()
///     .category("elder-care.visit")
///     .state(EventState::Reported)
///     .run()?;
/// # Ok(()) }
/// ```
///
/// For the next page, run the same query with [`after`](EventQuery::after) set to the
/// last id received.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is run"]
pub struct EventQuery {
    filter: EventFilter,
}

impl Default for EventQuery {
    fn default() -> Self {
        Self::new()
    }
}

impl EventQuery {
    /// Every event in scope, at most 100 per page.
    pub fn new() -> Self {
        Self {
            filter: EventFilter {
                unit_prefix: None,
                category: None,
                state: None,
                after: None,
                limit: DEFAULT_LIMIT,
            },
        }
    }

    /// Only events of units whose code starts with `prefix`.
    pub fn unit_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.filter.unit_prefix = Some(prefix.into());
        self
    }

    /// Only events of this category code.
    pub fn category(mut self, code: impl Into<String>) -> Self {
        self.filter.category = Some(code.into());
        self
    }

    /// Only events in this state.
    pub fn state(mut self, state: EventState) -> Self {
        self.filter.state = Some(state);
        self
    }

    /// Resume after the event with this id (the last one of the previous page).
    pub fn after(mut self, id: impl Into<String>) -> Self {
        self.filter.after = Some(id.into());
        self
    }

    /// At most `rows` events (the host caps it).
    pub fn limit(mut self, rows: u32) -> Self {
        self.filter.limit = rows;
        self
    }

    /// The filter as the contract spells it.
    pub fn filter(&self) -> &EventFilter {
        &self.filter
    }

    /// One page of matching events.
    pub fn run(&self) -> Result<Vec<Event>, Error> {
        events::query(&self.filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_fills_the_filter() {
        let query = EventQuery::new()
            .unit_prefix("420202")
            .category("elder-care.visit")
            .state(EventState::Handling)
            .after("e1")
            .limit(20);
        let filter = query.filter();
        assert_eq!(filter.unit_prefix.as_deref(), Some("420202"));
        assert_eq!(filter.category.as_deref(), Some("elder-care.visit"));
        assert!(matches!(filter.state, Some(EventState::Handling)));
        assert_eq!(filter.after.as_deref(), Some("e1"));
        assert_eq!(filter.limit, 20);
    }
}
