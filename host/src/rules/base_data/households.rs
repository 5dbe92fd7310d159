//! 户 as people keep them: a household of a grid (its number, 户号, and house), its members
//! with their relation to the head, created, its head changed, members added and removed.
//! A member's household is part of their resident record, so adding and removing go
//! through `residents` and land in the resident's history; the household's own changes in
//! its own (`household:7`).

use serde_json::{Value, json};

use super::Saved;
use super::history::{self, Change};
use super::residents::{self, Shown, relation_name};
use crate::auth::BASE_DATA_ROLES;
use crate::db::Db;
use crate::db::house_upkeep::UniqueError;
use crate::db::houses::StoredHousehold;
use crate::db::residents::StoredResident;
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::state::Ground;

/// Household `id`, for those who keep its grid's base data.
pub async fn get(db: &Db, person: &Person, id: i64) -> RuleResult<StoredHousehold> {
    match db.household(id).await? {
        Some(household) if person.holds_any(&BASE_DATA_ROLES, &household.grid_code) => {
            Ok(household)
        }
        _ => Err(RuleError::NotFound(format!("household {id}"))),
    }
}

/// Household `id` with its living members (masked) and its history.
pub async fn with_members(
    db: &Db,
    person: &Person,
    id: i64,
) -> RuleResult<(StoredHousehold, Vec<Shown>, Vec<crate::db::audit::AuditRow>)> {
    let household = get(db, person, id).await?;
    let members = db
        .household_members(id)
        .await?
        .into_iter()
        .map(Shown::masked)
        .collect();
    let rows = history::of(db, &format!("household:{id}")).await?;
    Ok((household, members, rows))
}

/// Characters of a household number (户号) at most.
pub const MAX_NUMBER_CHARS: usize = 32;

/// A household to create.
#[derive(Debug, Clone, Default)]
pub struct NewHousehold {
    /// 户号: letters, digits and `-`.
    pub number: String,
    /// Its grid.
    pub grid_code: String,
    /// Its house, of that grid.
    pub house_id: Option<i64>,
}

/// Creates a household on behalf of `person`, who keeps the grid's base data. Audited
/// `household.created`.
pub async fn create(db: &Db, person: &Person, new: &NewHousehold) -> RuleResult<StoredHousehold> {
    let number = new.number.trim();
    let well_formed = (1..=MAX_NUMBER_CHARS).contains(&number.chars().count())
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !well_formed {
        return Err(RuleError::invalid(
            "number",
            format!("expected 1 to {MAX_NUMBER_CHARS} letters, digits or `-`"),
        ));
    }
    let grid_code = new.grid_code.trim();
    person.require(&BASE_DATA_ROLES, grid_code, "creating households")?;
    let is_grid = crate::grid::unit_code::level_of(grid_code)
        .is_ok_and(|l| l == wangge_registry::Level::Grid);
    if !is_grid || db.unit(grid_code).await?.is_none() {
        return Err(RuleError::invalid(
            "grid_code",
            format!("`{grid_code}` is not a grid"),
        ));
    }
    if let Some(house_id) = new.house_id {
        match db.house(house_id).await? {
            Some(house) if house.grid_code == grid_code => {}
            _ => {
                return Err(RuleError::invalid(
                    "house_id",
                    format!("no house {house_id} in grid {grid_code}"),
                ));
            }
        }
    }
    let id = db
        .insert_household(number, new.house_id, grid_code)
        .await
        .map_err(|e| match e {
            UniqueError::Taken => RuleError::invalid(
                "number",
                "a household with this number is already registered",
            ),
            UniqueError::Database(e) => e.into(),
        })?;
    history::record(
        db,
        Change {
            actor: &person.actor_name(),
            action: "household.created",
            subject: &format!("household:{id}"),
            unit_code: grid_code,
        },
        &Vec::new(),
        &vec![("number", json!(number)), ("house_id", json!(new.house_id))],
        Value::Null,
    )
    .await?;
    get(db, person, id).await
}

/// A living member of `household`, or a bad `field`.
async fn member(
    db: &Db,
    household: &StoredHousehold,
    resident_id: i64,
    field: &'static str,
) -> RuleResult<StoredResident> {
    match db.resident(resident_id).await? {
        Some(r) if r.household_id == Some(household.id) && r.closed.is_none() => Ok(r),
        _ => Err(RuleError::invalid(
            field,
            format!(
                "resident {resident_id} is no member of household {}",
                household.number
            ),
        )),
    }
}

/// Makes member `new_head` the head of household `id` (read at `version`), the former head
/// taking `former_relation`. Audited `household.head_changed`.
pub async fn change_head(
    db: &Db,
    person: &Person,
    id: i64,
    version: i64,
    new_head: i64,
    former_relation: &str,
) -> RuleResult<Saved<StoredHousehold>> {
    let household = get(db, person, id).await?;
    if household.version != version {
        return Ok(Saved::Stale(household));
    }
    member(db, &household, new_head, "resident_id").await?;
    let former_relation = relation_name(former_relation).map_err(|_| {
        RuleError::invalid(
            "former_relation",
            "give the former head's relation to the new head",
        )
    })?;
    if former_relation == "head" {
        return Err(RuleError::invalid(
            "former_relation",
            "the former head takes another relation than 户主",
        ));
    }
    if household.head_resident_id == Some(new_head) {
        return Ok(Saved::Done(household));
    }
    if !db
        .set_household_head(&household, new_head, &former_relation)
        .await?
    {
        return Ok(Saved::Stale(get(db, person, id).await?));
    }
    history::record(
        db,
        Change {
            actor: &person.actor_name(),
            action: "household.head_changed",
            subject: &format!("household:{id}"),
            unit_code: &household.grid_code,
        },
        &vec![("head_resident_id", json!(household.head_resident_id))],
        &vec![("head_resident_id", json!(new_head))],
        json!({ "former_relation": former_relation }),
    )
    .await?;
    Ok(Saved::Done(get(db, person, id).await?))
}

/// Adds living resident `resident_id` (read at `version`) of the household's grid to
/// household `id` with `relation` to its head.
pub async fn add_member(
    ground: &Ground,
    person: &Person,
    id: i64,
    resident_id: i64,
    version: i64,
    relation: &str,
) -> RuleResult<Saved<Shown>> {
    let household = get(&ground.db, person, id).await?;
    residents::set_household(
        ground,
        person,
        resident_id,
        version,
        Some((household.id, relation.to_owned())),
    )
    .await
}

/// Takes member `resident_id` (read at `version`) out of household `id`. The head leaves
/// last: with other members, change the head first.
pub async fn remove_member(
    ground: &Ground,
    person: &Person,
    id: i64,
    resident_id: i64,
    version: i64,
) -> RuleResult<Saved<Shown>> {
    let household = get(&ground.db, person, id).await?;
    member(&ground.db, &household, resident_id, "resident_id").await?;
    if household.head_resident_id == Some(resident_id) && household.member_ids.len() > 1 {
        return Err(RuleError::Conflict(
            "the head leaves last: make another member the head first".into(),
        ));
    }
    residents::set_household(ground, person, resident_id, version, None).await
}
