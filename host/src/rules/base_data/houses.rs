//! 实有房屋 as people read and keep them: a unit's houses page by page, one house; a house
//! added or edited (address, usage, coordinates) by those who keep its grid's base data,
//! checked as the import checks a row. The grid is found again from the coordinates
//! (关联核录) whenever they change, and the answer says which grid the house now lies in; a
//! house that changes grid takes its households and living residents along. A house outside
//! the reader's units looks exactly like one that does not exist.

use serde_json::{Value, json};

use super::Saved;
use super::history::{self, Change, Snapshot};
use crate::auth::BASE_DATA_ROLES;
use crate::db::Db;
use crate::db::house_upkeep::UniqueError;
use crate::db::houses::StoredHouse;
use crate::grid::grid_locator::GridLocator;
use crate::grid::house::{HouseFields, NewHouse, validate_house};
use crate::grid::unit_code::level_of;
use crate::plugins::hooks::{Notice, ResidentChange};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::{cursor_after, next_cursor};
use crate::state::Ground;

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

/// House `id` with its history, newest first.
pub async fn with_history(
    db: &Db,
    person: &Person,
    id: i64,
) -> RuleResult<(StoredHouse, Vec<crate::db::audit::AuditRow>)> {
    let found = house(db, person, id).await?;
    let rows = history::of(db, &format!("house:{id}")).await?;
    Ok((found, rows))
}

/// A house's fields as a form or a request gives them.
#[derive(Debug, Clone, Default)]
pub struct HouseForm {
    /// 标准地址.
    pub address: String,
    /// `residential`, `rental`, `commercial`, `vacant`, `public` or 自住, 出租, 商用, 空置, 公共.
    pub usage: String,
    /// WGS 84 latitude, or empty.
    pub latitude: String,
    /// WGS 84 longitude, or empty.
    pub longitude: String,
    /// The grid, or empty when the coordinates find it.
    pub grid_code: String,
}

/// The grid boundaries of every unit whose base data `person` keeps: where their houses
/// may be found by coordinates.
async fn locator_for(db: &Db, person: &Person) -> RuleResult<GridLocator> {
    let mut boundaries = Vec::new();
    for unit in person.units_with(&BASE_DATA_ROLES) {
        boundaries.extend(db.grid_boundaries(&unit).await?);
    }
    boundaries.sort();
    boundaries.dedup();
    GridLocator::new(boundaries.iter().map(|(c, b)| (c.as_str(), b.as_str())))
        .map_err(|e| RuleError::Internal(anyhow::anyhow!("a stored grid boundary: {e:?}")))
}

/// `form` checked as the import checks a row, its grid decided among the grids `person`
/// keeps (by boundary, else as named).
async fn checked(db: &Db, person: &Person, form: &HouseForm) -> RuleResult<NewHouse> {
    let locator = locator_for(db, person).await?;
    let given = form.grid_code.trim();
    let known = given.is_empty()
        || (person.holds_any(&BASE_DATA_ROLES, given)
            && level_of(given).is_ok_and(|l| l == wangge_registry::Level::Grid)
            && db.unit(given).await?.is_some());
    let fields = HouseFields {
        address: &form.address,
        latitude: &form.latitude,
        longitude: &form.longitude,
        usage: &form.usage,
        grid_code: given,
    };
    validate_house(0, &fields, &locator, |_| known).map_err(RuleError::fields)
}

fn snapshot(house: &StoredHouse) -> Snapshot {
    vec![
        ("address", json!(house.address)),
        ("usage", json!(house.usage)),
        ("latitude", json!(house.latitude)),
        ("longitude", json!(house.longitude)),
        ("grid_code", json!(house.grid_code)),
        ("grid_source", json!(house.grid_source)),
    ]
}

fn taken() -> RuleError {
    RuleError::invalid(
        "address",
        "a house at this standard address (or one spelt like it) is already registered",
    )
}

/// Adds a house on behalf of `person`; the house as stored (its grid as found). Audited
/// `house.added`.
pub async fn add(db: &Db, person: &Person, form: &HouseForm) -> RuleResult<StoredHouse> {
    let new = checked(db, person, form).await?;
    let id = db.insert_house(&new, None).await.map_err(|e| match e {
        UniqueError::Taken => taken(),
        UniqueError::Database(e) => e.into(),
    })?;
    let stored = db
        .house(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("house {id} vanished after its insert"))?;
    history::record(
        db,
        Change {
            actor: &person.actor_name(),
            action: "house.added",
            subject: &format!("house:{id}"),
            unit_code: &stored.grid_code,
        },
        &Vec::new(),
        &snapshot(&stored),
        Value::Null,
    )
    .await?;
    Ok(stored)
}

/// What an edit of a house did.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The house as it stands now.
    pub house: StoredHouse,
    /// The grid it lay in before, when the edit moved it to another.
    pub moved_from: Option<String>,
    /// The residents who moved with it.
    pub residents_moved: usize,
}

/// Edits house `id` at `version` on behalf of `person`, who keeps its grid's base data;
/// the grid found again from the coordinates. Audited `house.updated`; residents moved
/// along are audited `resident.moved` each and announced `updated`.
pub async fn edit(
    ground: &Ground,
    person: &Person,
    id: i64,
    version: i64,
    form: &HouseForm,
) -> RuleResult<Saved<Edited>> {
    let db = &ground.db;
    let before = house(db, person, id).await?;
    let unchanged = |house: StoredHouse| Edited {
        house,
        moved_from: None,
        residents_moved: 0,
    };
    if before.version != version {
        return Ok(Saved::Stale(unchanged(before)));
    }
    let new = checked(db, person, form).await?;
    let mut after = before.clone();
    after.address = new.address;
    after.usage = new.usage.to_owned();
    after.latitude = new.coordinates.map(|(lat, _)| lat);
    after.longitude = new.coordinates.map(|(_, lon)| lon);
    after.grid_code = new.grid_code;
    after.grid_source = new.grid_source.name().to_owned();
    if after == before {
        return Ok(Saved::Done(unchanged(before)));
    }
    let moved = match db.save_house(&after, None).await {
        Ok(Some(moved)) => moved,
        Ok(None) => {
            let current = house(db, person, id).await?;
            return Ok(Saved::Stale(unchanged(current)));
        }
        Err(UniqueError::Taken) => return Err(taken()),
        Err(UniqueError::Database(e)) => return Err(e.into()),
    };
    let actor = person.actor_name();
    history::record(
        db,
        Change {
            actor: &actor,
            action: "house.updated",
            subject: &format!("house:{id}"),
            unit_code: &after.grid_code,
        },
        &snapshot(&before),
        &snapshot(&after),
        Value::Null,
    )
    .await?;
    for resident_id in &moved {
        history::record(
            db,
            Change {
                actor: &actor,
                action: "resident.moved",
                subject: &format!("resident:{resident_id}"),
                unit_code: &after.grid_code,
            },
            &vec![("grid_code", json!(before.grid_code))],
            &vec![("grid_code", json!(after.grid_code))],
            json!({ "from_grid": before.grid_code, "with_house": id }),
        )
        .await?;
        if let Some(resident) = db.resident(*resident_id).await? {
            super::special_populations::follow_move(db, person, &resident, &before.grid_code)
                .await?;
        }
        ground.hooks.announce(Notice::ResidentChanged {
            change: ResidentChange::Updated,
            resident_id: *resident_id,
            left: Some(before.grid_code.clone()),
        });
    }
    let current = house(db, person, id).await.or_else(|e| match e {
        // Moved to a grid the editor keeps (checked above), so this does not happen; the
        // record is still theirs to see through the grid they chose.
        RuleError::NotFound(_) => Ok(after.clone()),
        other => Err(other),
    })?;
    Ok(Saved::Done(Edited {
        house: current,
        moved_from: (before.grid_code != after.grid_code).then_some(before.grid_code),
        residents_moved: moved.len(),
    }))
}
