//! 实有房屋 and 户 as people read them: a unit's houses page by page, one house, one
//! household with its members; each for those who keep the base data of its grid. A house
//! or household outside the reader's units looks exactly like one that does not exist.

use crate::auth::BASE_DATA_ROLES;
use crate::db::Db;
use crate::db::houses::{StoredHouse, StoredHousehold};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::{cursor_after, next_cursor};

/// One page of `unit`'s houses and the next page's cursor.
pub async fn page(
    db: &Db,
    person: &Person,
    unit: &str,
    after: Option<&str>,
    limit: i64,
) -> RuleResult<(Vec<StoredHouse>, Option<String>)> {
    person.require(&BASE_DATA_ROLES, unit, "listing houses")?;
    let after = cursor_after(after)?;
    let rows = db.houses_under(unit, after, limit).await?;
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|h| (h.grid_code.as_str(), h.id)),
    );
    Ok((rows, next))
}

/// House `id`.
pub async fn house(db: &Db, person: &Person, id: i64) -> RuleResult<StoredHouse> {
    match db.house(id).await? {
        Some(house) if person.holds_any(&BASE_DATA_ROLES, &house.grid_code) => Ok(house),
        _ => Err(RuleError::NotFound(format!("house {id}"))),
    }
}

/// Household `id` with its members.
pub async fn household(db: &Db, person: &Person, id: i64) -> RuleResult<StoredHousehold> {
    match db.household(id).await? {
        Some(household) if person.holds_any(&BASE_DATA_ROLES, &household.grid_code) => {
            Ok(household)
        }
        _ => Err(RuleError::NotFound(format!("household {id}"))),
    }
}
