//! A person's inbox: the messages plugins sent through `notify` (to the resident record the
//! account is linked to, for holders of the `resident` role, and to the grids where the
//! person is a grid worker), and the progress of the reports they made (a notice for each
//! move of one of their events by someone else). Each reader has their own read marks;
//! someone else's message looks exactly like a missing one.

use crate::auth::Role;
use crate::db::Db;
use crate::db::event_notices::EventNotice;
use crate::db::inbox::{InboxReader, InboxRow};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::{checked_limit, next_before};

/// Messages or notices per page unless asked otherwise.
pub const DEFAULT_PAGE: i64 = 50;

/// The largest page.
pub const MAX_PAGE: i64 = 100;

/// Whose messages `person` reads. The resident link says who the person is; the `resident`
/// role (held anywhere: people move between grids before their grants are updated) is what
/// lets them use it, as the role is what every other resident service checks. Each
/// `grid-worker` grant reaches the grids below its unit, as grants always do.
async fn reader_of(db: &Db, person: &Person) -> RuleResult<InboxReader> {
    let grants = &person.grants.0;
    let resident_id = if grants.iter().any(|g| g.role == Role::Resident) {
        db.user_resident_id(person.user.id).await?
    } else {
        None
    };
    let grid_prefixes = grants
        .iter()
        .filter(|g| g.role == Role::GridWorker)
        .map(|g| g.unit_code.clone())
        .collect();
    Ok(InboxReader {
        user_id: person.user.id,
        resident_id,
        grid_prefixes,
    })
}

/// A page of `person`'s messages, newest first, below id `before`; `limit` 1 to
/// [`MAX_PAGE`]. The `before` of the next page comes with it when this one is full.
pub async fn messages(
    db: &Db,
    person: &Person,
    before: Option<i64>,
    limit: Option<i64>,
) -> RuleResult<(Vec<InboxRow>, Option<i64>)> {
    let limit = checked_limit(limit, DEFAULT_PAGE, MAX_PAGE)?;
    let reader = reader_of(db, person).await?;
    let rows = db.inbox_page(&reader, before, limit).await?;
    let next = next_before(rows.len(), limit, rows.last().map(|r| r.id));
    Ok((rows, next))
}

/// Marks message `id` read for `person` alone.
pub async fn mark_message_read(db: &Db, person: &Person, id: i64) -> RuleResult<()> {
    let reader = reader_of(db, person).await?;
    if db.mark_inbox_read(&reader, id).await? {
        Ok(())
    } else {
        Err(RuleError::NotFound(format!("inbox message {id}")))
    }
}

/// A page of the notices on `person`'s reports, newest first, as [`messages`] pages.
pub async fn notices(
    db: &Db,
    person: &Person,
    before: Option<i64>,
    limit: Option<i64>,
) -> RuleResult<(Vec<EventNotice>, Option<i64>)> {
    let limit = checked_limit(limit, DEFAULT_PAGE, MAX_PAGE)?;
    let rows = db.event_notices(person.user.id, before, limit).await?;
    let next = next_before(rows.len(), limit, rows.last().map(|n| n.id));
    Ok((rows, next))
}

/// Marks notice `id` read.
pub async fn mark_notice_read(db: &Db, person: &Person, id: i64) -> RuleResult<()> {
    if db.mark_event_notice_read(person.user.id, id).await? {
        Ok(())
    } else {
        Err(RuleError::NotFound(format!("notice {id}")))
    }
}

/// Marks every notice on event `event_id` read: the reporter has opened the report and seen
/// where it stands.
pub async fn mark_notices_seen(db: &Db, person: &Person, event_id: i64) -> RuleResult<()> {
    Ok(db.mark_event_notices_seen(person.user.id, event_id).await?)
}
