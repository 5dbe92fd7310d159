//! 部门推送: department data pushed in. A department (a service account, or a person who
//! keeps the base data) sends a file of residents or houses, CSV or JSON; each row is
//! checked as every import checks it (`rows`), matched to the stored record it is about —
//! residents by ID number, houses by standard address in any of its common spellings
//! (`grid::address`) — and new rows are added, changed fields updated, unchanged rows left
//! alone; every row carried counts as verified toward its grid's 关联核录 rate. All in one
//! transaction, or with `skip_invalid` the good rows while the bad are reported; either
//! way each bad row is named by (row, field, problem).
//!
//! A push never clears a field (an empty phone, tags or address cell gives nothing), never
//! moves a house to another grid (that re-runs 关联核录 on a worker's edit), sets a
//! household only for a new resident, and never reopens a closed record: those are a
//! worker's acts.

pub mod rows;

use std::collections::BTreeMap;

use serde_json::json;

use super::history::{self, Change};
use crate::auth::Role;
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::houses::StoredHouse;
use crate::db::residents::StoredResident;
use crate::grid::import_table::{Format, ImportTable};
use crate::grid::resident::gender_name;
use crate::grid::unit_import::RowProblem;
use crate::plugins::hooks::{Notice, ResidentChange};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::state::Ground;

/// Who may push department data into a unit: its grid workers, its department staff (a
/// department's service account holds this role) and its unit admins.
pub const PUSH_ROLES: [Role; 3] = [Role::GridWorker, Role::DepartmentStaff, Role::UnitAdmin];

/// Bytes of a pushed file at most: 100 000 rows of residents are about 12 MB.
pub const MAX_PUSH_BYTES: usize = 32 << 20;

/// Rows of a pushed file at most.
pub const MAX_PUSH_ROWS: usize = 200_000;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 实有人口, matched by ID number.
    Residents,
    /// 实有房屋, matched by standard address.
    Houses,
}

/// A file pushed.
#[derive(Debug, Clone, Copy)]
pub struct Push<'a> {
    /// What it holds.
    pub kind: Kind,
    /// How it is written.
    pub format: Format,
    /// The file.
    pub text: &'a str,
    /// Apply the good rows and report the bad, instead of applying nothing.
    pub skip_invalid: bool,
}

/// What a push did.
#[derive(Debug, Clone, Default)]
pub struct Pushed {
    /// Rows in the file.
    pub rows: usize,
    /// Records added.
    pub new: usize,
    /// Records whose fields the push changed.
    pub updated: usize,
    /// Records the push carried as they were.
    pub unchanged: usize,
    /// Rows with a problem (not applied).
    pub invalid: usize,
    /// Each problem, by row.
    pub problems: Vec<RowProblem>,
}

impl Pushed {
    /// Good rows that matched a stored record (updated or unchanged) out of all good rows:
    /// the push's 关联核录 match rate, in percent; `None` without good rows.
    pub fn match_percent(&self) -> Option<f64> {
        let good = self.new + self.updated + self.unchanged;
        #[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
        (good > 0).then(|| 100.0 * (self.updated + self.unchanged) as f64 / good as f64)
    }
}

fn problem(row: usize, field: &'static str, text: &str) -> RowProblem {
    RowProblem {
        row,
        field,
        problem: text.to_owned(),
    }
}

/// The refusal of a push with bad rows and no `skip_invalid`: every problem, nothing
/// applied.
fn refused(problems: Vec<RowProblem>) -> RuleError {
    RuleError::fields(problems)
}

/// Applies `push` on behalf of `person`. Every row must lie in a grid where they hold a
/// [`PUSH_ROLES`] role; a stored record outside those grids is not theirs to change.
/// Audited `residents.pushed` or `houses.pushed` with the counts; each changed record's
/// history gets its row, and plugins hear of new and changed residents.
pub async fn push(ground: &Ground, person: &Person, push: &Push<'_>) -> RuleResult<Pushed> {
    if push.text.len() > MAX_PUSH_BYTES {
        return Err(RuleError::invalid(
            "file",
            format!("expected at most {MAX_PUSH_BYTES} bytes"),
        ));
    }
    if person.units_with(&PUSH_ROLES).is_empty() {
        return Err(RuleError::Forbidden(
            "pushing department data needs a grid-worker, department-staff or unit-admin role"
                .into(),
        ));
    }
    let (required, optional): (&[&str], &[&str]) = match push.kind {
        Kind::Residents => (&rows::RESIDENT_COLUMNS, &rows::RESIDENT_OPTIONAL),
        Kind::Houses => (&rows::HOUSE_COLUMNS, &rows::HOUSE_OPTIONAL),
    };
    let table = ImportTable::parse(push.text, push.format, required, optional)
        .map_err(|e| RuleError::invalid("file", e.to_string()))?;
    let rows = table.records.len() + table.unreadable.len();
    if rows == 0 {
        return Err(RuleError::invalid("file", "no rows in the file"));
    }
    if rows > MAX_PUSH_ROWS {
        return Err(RuleError::invalid(
            "file",
            format!("expected at most {MAX_PUSH_ROWS} rows; split the file"),
        ));
    }
    let mut pushed = match push.kind {
        Kind::Residents => push_residents(ground, person, &table, push.skip_invalid).await?,
        Kind::Houses => push_houses(&ground.db, person, &table, push.skip_invalid).await?,
    };
    pushed.rows = rows;
    let invalid_rows: std::collections::BTreeSet<usize> =
        pushed.problems.iter().map(|p| p.row).collect();
    pushed.invalid = invalid_rows.len();
    ground
        .db
        .audit(AuditEntry {
            actor: &person.actor_name(),
            action: match push.kind {
                Kind::Residents => "residents.pushed",
                Kind::Houses => "houses.pushed",
            },
            subject: &person.actor_name(),
            unit_code: person.units_with(&PUSH_ROLES).first().map(String::as_str),
            detail: json!({
                "rows": pushed.rows,
                "new": pushed.new,
                "updated": pushed.updated,
                "unchanged": pushed.unchanged,
                "invalid": pushed.invalid,
            }),
        })
        .await?;
    Ok(pushed)
}

/// `row`'s grid, refused unless `person` may push there: the same words whether or not
/// the grid exists.
fn outside(person: &Person, row: usize, grid: &str) -> Option<RowProblem> {
    (!person.holds_any(&PUSH_ROLES, grid))
        .then(|| problem(row, "grid_code", "outside the units you may push data into"))
}

/// `stored` with the fields `row` gives written over it.
fn merged(stored: &StoredResident, row: &rows::ResidentRow) -> StoredResident {
    let given = &row.resident;
    let mut after = stored.clone();
    after.name.clone_from(&given.name);
    after.gender = gender_name(given.gender).to_owned();
    after.birth_date = given.birth_date.to_string();
    after.population_type = given.population_type.name().to_owned();
    if row.gave.phone {
        after.phone.clone_from(&given.phone);
    }
    if row.gave.tags {
        after.tags.clone_from(&given.tags);
    }
    if after.grid_code != given.grid_code {
        // Another grid: the household and house of the old one do not come along.
        after.grid_code.clone_from(&given.grid_code);
        after.household_id = None;
        after.household_relation = None;
        after.house_id = None;
    }
    if row.gave.house {
        after.house_id = row.links.house_id;
    }
    after
}

async fn push_residents(
    ground: &Ground,
    person: &Person,
    table: &ImportTable,
    skip_invalid: bool,
) -> RuleResult<Pushed> {
    let db = &ground.db;
    let checked = rows::residents(db, table).await?;
    let mut problems = checked.problems;
    let ids: Vec<&str> = checked
        .good
        .iter()
        .map(|r| r.resident.id_number.as_str())
        .collect();
    let stored: BTreeMap<String, StoredResident> = db
        .residents_by_id_number(&ids)
        .await?
        .into_iter()
        .map(|r| (r.id_number.clone(), r))
        .collect();
    let mut new = Vec::new();
    let mut changed: Vec<(StoredResident, StoredResident)> = Vec::new();
    let mut unchanged = Vec::new();
    for row in &checked.good {
        if let Some(refused) = outside(person, row.row, &row.resident.grid_code) {
            problems.push(refused);
            continue;
        }
        match stored.get(row.resident.id_number.as_str()) {
            None => new.push((row.resident.clone(), row.links.clone())),
            Some(record) if !person.holds_any(&PUSH_ROLES, &record.grid_code) => {
                problems.push(problem(
                    row.row,
                    "id_number",
                    "registered in a grid outside the units you may push data into",
                ));
            }
            Some(record) if record.closed.is_some() => problems.push(problem(
                row.row,
                "id_number",
                "the resident's record is closed (迁出 or 死亡); a grid worker reopens it by registering again",
            )),
            Some(record) => {
                let after = merged(record, row);
                if after == *record {
                    unchanged.push(record.id);
                } else {
                    changed.push((record.clone(), after));
                }
            }
        }
    }
    problems.sort_by_key(|p| p.row);
    if !problems.is_empty() && !skip_invalid {
        return Err(refused(problems));
    }
    let afters: Vec<StoredResident> = changed.iter().map(|(_, after)| after.clone()).collect();
    let actor = person.actor_name();
    let Some(new_ids) = db
        .apply_resident_push(&new, &afters, &unchanged, &actor)
        .await?
    else {
        return Err(RuleError::Conflict(
            "a record in the file was changed while the push ran; nothing was applied, push again"
                .into(),
        ));
    };
    for (before, after) in &changed {
        history::record(
            db,
            Change {
                actor: &actor,
                action: "resident.pushed",
                subject: &format!("resident:{}", before.id),
                unit_code: &after.grid_code,
            },
            &super::residents::snapshot(before),
            &super::residents::snapshot(after),
            serde_json::Value::Null,
        )
        .await?;
        ground.hooks.announce(Notice::ResidentChanged {
            change: ResidentChange::Updated,
            resident_id: before.id,
            left: (before.grid_code != after.grid_code).then(|| before.grid_code.clone()),
        });
    }
    for id in &new_ids {
        ground.hooks.announce(Notice::ResidentChanged {
            change: ResidentChange::Added,
            resident_id: *id,
            left: None,
        });
    }
    Ok(Pushed {
        new: new_ids.len(),
        updated: changed.len(),
        unchanged: unchanged.len(),
        problems,
        ..Pushed::default()
    })
}

async fn push_houses(
    db: &Db,
    person: &Person,
    table: &ImportTable,
    skip_invalid: bool,
) -> RuleResult<Pushed> {
    let checked = rows::houses(db, table).await?;
    let mut problems = checked.problems;
    let keys: Vec<String> = checked.good.iter().map(|h| h.key.clone()).collect();
    let stored = db.houses_by_key(&keys).await?;
    let mut new = Vec::new();
    let mut changed: Vec<(StoredHouse, StoredHouse)> = Vec::new();
    let mut unchanged = Vec::new();
    for row in &checked.good {
        if let Some(refused) = outside(person, row.row, &row.house.grid_code) {
            problems.push(refused);
            continue;
        }
        match stored.get(&row.key) {
            None => new.push(row.house.clone()),
            Some(house) if house.grid_code != row.house.grid_code => problems.push(problem(
                row.row,
                "grid_code",
                "the house is registered in another grid; a grid worker moves it by editing its coordinates",
            )),
            Some(house) => {
                let mut after = house.clone();
                after.usage = row.house.usage.to_owned();
                if let Some((lat, lon)) = row.house.coordinates {
                    after.latitude = Some(lat);
                    after.longitude = Some(lon);
                }
                if after == *house {
                    unchanged.push(house.id);
                } else {
                    changed.push((house.clone(), after));
                }
            }
        }
    }
    problems.sort_by_key(|p| p.row);
    if !problems.is_empty() && !skip_invalid {
        return Err(refused(problems));
    }
    let afters: Vec<StoredHouse> = changed.iter().map(|(_, after)| after.clone()).collect();
    let actor = person.actor_name();
    if !db
        .apply_house_push(&new, &afters, &unchanged, &actor)
        .await?
    {
        return Err(RuleError::Conflict(
            "a record in the file was changed while the push ran; nothing was applied, push again"
                .into(),
        ));
    }
    for (before, after) in &changed {
        let shown = |h: &StoredHouse| {
            vec![
                ("usage", json!(h.usage)),
                ("latitude", json!(h.latitude)),
                ("longitude", json!(h.longitude)),
            ]
        };
        history::record(
            db,
            Change {
                actor: &actor,
                action: "house.pushed",
                subject: &format!("house:{}", before.id),
                unit_code: &before.grid_code,
            },
            &shown(before),
            &shown(after),
            serde_json::Value::Null,
        )
        .await?;
    }
    Ok(Pushed {
        new: new.len(),
        updated: changed.len(),
        unchanged: unchanged.len(),
        problems,
        ..Pushed::default()
    })
}
