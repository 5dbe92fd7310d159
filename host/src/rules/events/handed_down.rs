//! 交办 as the unit above sees it: the events handed down inside a unit's subtree (to a
//! street, community or grid, by dispatch with or without a 交办限期), newest first, each
//! with its state and its working days left, so a county follows its streets' progress to
//! the close and urges (催办) where one lags. For the unit's leaders and unit admins.

use crate::auth::LEADER_ROLES;
use crate::grid::calendar::today_in_china;
use crate::rules::actor::Person;
use crate::rules::error::RuleResult;
use crate::rules::events::queue::Queued;
use crate::rules::paging;
use crate::state::Ground;

/// Events per page at most, and unless asked for fewer.
pub const MAX_HANDED_DOWN_PAGE: i64 = 100;

/// A page of handed-down events, with the next page's `before`.
#[derive(Debug, Clone)]
pub struct HandedDownPage {
    /// The events, newest first.
    pub events: Vec<Queued>,
    /// The id to continue below when the page was full.
    pub next_before: Option<i64>,
}

/// The events handed down inside `unit`, for `person` (a leader or unit admin there).
pub async fn handed_down(
    ground: &Ground,
    person: &Person,
    unit: &str,
    before_id: Option<i64>,
    limit: Option<i64>,
) -> RuleResult<HandedDownPage> {
    person.require(&LEADER_ROLES, unit, "the events handed down")?;
    let limit = paging::checked_limit(limit, MAX_HANDED_DOWN_PAGE, MAX_HANDED_DOWN_PAGE)?;
    let events = ground.db.handed_down(unit, before_id, limit).await?;
    let next_before = paging::next_before(events.len(), limit, events.last().map(|e| e.id));
    let today = today_in_china();
    let events = events
        .into_iter()
        .map(|event| Queued::counted(event, &ground.calendar, today))
        .collect();
    Ok(HandedDownPage {
        events,
        next_before,
    })
}
