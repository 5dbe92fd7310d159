//! 特殊人群: the records of a unit, for those who keep its base data (leaders get counts on
//! dashboards, never names), every read audited with who read which unit's records and how
//! many; registering a resident under a category, audited `special_population.registered`;
//! and keeping a record: its control level, responsible worker and note changed at the
//! version read, or the record closed (解除) with a reason, each written to its history.
//! Visits are `visits`'.

use serde_json::{Value, json};

use super::Saved;
use super::history::{self, Change, Snapshot};
use crate::auth::{BASE_DATA_ROLES, Role};
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::residents::StoredResident;
use crate::db::special_populations::{
    NewSpecialPopulation, SpecialPopulationError, StoredSpecialPopulation,
};
use crate::grid::special_population::{
    CATEGORIES, CONTROL_LEVELS, parse_category, parse_control_level,
};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::paging::{cursor_after, next_cursor};
use crate::rules::text;

/// Characters of a record's note.
pub const MAX_NOTE_CHARS: usize = 500;

fn choices(list: &[(&str, &str)]) -> String {
    list.iter()
        .map(|(name, zh)| format!("{name} ({zh})"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn category(text: &str) -> RuleResult<&'static str> {
    parse_category(text).ok_or_else(|| {
        RuleError::invalid(
            "category",
            format!("expected one of {}", choices(&CATEGORIES)),
        )
    })
}

/// One page of the records of `unit` (optionally of one `category`), with the next page's
/// cursor; audited `special_populations.read`.
pub async fn page(
    db: &Db,
    person: &Person,
    unit: &str,
    category_asked: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> RuleResult<(Vec<StoredSpecialPopulation>, Option<String>)> {
    person.require(&BASE_DATA_ROLES, unit, "reading special-population records")?;
    let category = category_asked.map(category).transpose()?;
    let after = cursor_after(after)?;
    let rows = db
        .special_populations_under(unit, category, after, limit)
        .await?;
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "special_populations.read",
        subject: &format!("unit:{unit}"),
        unit_code: Some(unit),
        detail: json!({ "category": category, "rows": rows.len() }),
    })
    .await?;
    let next = next_cursor(
        rows.len(),
        limit,
        rows.last().map(|r| (r.grid_code.as_str(), r.id)),
    );
    Ok((rows, next))
}

/// A record to register, as the door read it.
#[derive(Debug, Clone, Copy)]
pub struct NewRecord<'a> {
    /// The resident.
    pub resident_id: i64,
    /// The category (English or Chinese name).
    pub category: &'a str,
    /// The control level (`1` to `3`, or 一级 to 三级).
    pub control_level: &'a str,
    /// The grid worker responsible (username); must hold `grid-worker` over the resident.
    pub responsible: Option<&'a str>,
    /// A note.
    pub note: &'a str,
}

/// Registers `new` on behalf of `person`; the record's id.
pub async fn register(db: &Db, person: &Person, new: &NewRecord<'_>) -> RuleResult<i64> {
    let category = category(new.category)?;
    let control_level = parse_control_level(new.control_level).ok_or_else(|| {
        RuleError::invalid(
            "control_level",
            format!("expected one of {}", choices(&CONTROL_LEVELS)),
        )
    })?;
    let note = text::within("note", new.note, 0, MAX_NOTE_CHARS)?;
    let not_found = || RuleError::NotFound(format!("resident {}", new.resident_id));
    let resident = db.resident(new.resident_id).await?.ok_or_else(not_found)?;
    // Someone who cannot see the resident learns nothing, not even that they exist.
    if !person.grants.reaches(&resident.grid_code) {
        return Err(not_found());
    }
    person.require(
        &BASE_DATA_ROLES,
        &resident.grid_code,
        "registering special-population records",
    )?;
    let responsible_user = responsible_worker(db, new.responsible, &resident.grid_code).await?;
    let id = db
        .insert_special_population(&NewSpecialPopulation {
            resident_id: resident.id,
            category,
            control_level,
            responsible_user,
            grid_code: &resident.grid_code,
            note,
        })
        .await
        .map_err(|e| match e {
            SpecialPopulationError::Duplicate => RuleError::Conflict(e.to_string()),
            SpecialPopulationError::Database(e) => RuleError::from(e),
        })?;
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "special_population.registered",
        subject: &format!("resident:{}", resident.id),
        unit_code: Some(&resident.grid_code),
        detail: json!({ "category": category, "control_level": control_level }),
    })
    .await?;
    Ok(id)
}

/// The user id of `username`, who must be a grid worker over `grid_code`; `None` for none
/// given.
async fn responsible_worker(
    db: &Db,
    username: Option<&str>,
    grid_code: &str,
) -> RuleResult<Option<i64>> {
    let username = match username.map(str::trim) {
        None | Some("") => return Ok(None),
        Some(username) => username,
    };
    let worker = match db.user_for_sign_in(username).await? {
        Some((user, _)) => db
            .grants_of(user.id)
            .await?
            .has_role_at(Role::GridWorker, grid_code)
            .then_some(user.id),
        None => None,
    };
    worker.map(Some).ok_or_else(|| {
        RuleError::invalid(
            "responsible",
            format!("`{username}` is not a grid worker of grid {grid_code}"),
        )
    })
}

/// Record `id`, open or closed, for someone who keeps its grid's base data; `NotFound` for
/// anyone else, as for a record that does not exist.
pub async fn kept(db: &Db, person: &Person, id: i64) -> RuleResult<StoredSpecialPopulation> {
    match db.special_population(id).await? {
        Some(record) if person.holds_any(&BASE_DATA_ROLES, &record.grid_code) => Ok(record),
        _ => Err(RuleError::NotFound(format!(
            "special-population record {id}"
        ))),
    }
}

/// Record `id` with its history, audited `special_population.read` like every read of
/// these records.
pub async fn get(
    db: &Db,
    person: &Person,
    id: i64,
) -> RuleResult<(StoredSpecialPopulation, Vec<crate::db::audit::AuditRow>)> {
    let record = kept(db, person, id).await?;
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "special_population.read",
        subject: &format!("special_population:{id}"),
        unit_code: Some(&record.grid_code),
        detail: json!({}),
    })
    .await?;
    let rows = history::of(db, &format!("special_population:{id}")).await?;
    Ok((record, rows))
}

fn snapshot(record: &StoredSpecialPopulation) -> Snapshot {
    vec![
        ("control_level", json!(record.control_level)),
        ("responsible", json!(record.responsible)),
        ("note", json!(record.note)),
        ("grid_code", json!(record.grid_code)),
        (
            "closed_reason",
            json!(record.closed.as_ref().map(|(_, r)| r)),
        ),
    ]
}

/// A change of a record, made at `version`.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The version read.
    pub version: i64,
    /// The control level (`1` to `3` or 一级 to 三级).
    pub control_level: String,
    /// The responsible grid worker (username), or empty for none.
    pub responsible: String,
    /// The note.
    pub note: String,
}

/// Saves `after` over `before`, writes its history row; `Stale` when someone saved first.
async fn save(
    db: &Db,
    actor: &str,
    before: &StoredSpecialPopulation,
    after: &StoredSpecialPopulation,
    action: &str,
) -> RuleResult<Saved<StoredSpecialPopulation>> {
    let current = || async {
        db.special_population(before.id)
            .await?
            .ok_or_else(|| RuleError::NotFound(format!("special-population record {}", before.id)))
    };
    if !db.save_special_population(after).await? {
        return Ok(Saved::Stale(current().await?));
    }
    let now = current().await?;
    history::record(
        db,
        Change {
            actor,
            action,
            subject: &format!("special_population:{}", before.id),
            unit_code: &before.grid_code,
        },
        &snapshot(before),
        &snapshot(&now),
        Value::Null,
    )
    .await?;
    Ok(Saved::Done(now))
}

/// An open record `id` read for a change at `version`: `Err(current)` when it moved on.
async fn for_change(
    db: &Db,
    person: &Person,
    id: i64,
    version: i64,
) -> RuleResult<Result<StoredSpecialPopulation, StoredSpecialPopulation>> {
    let record = kept(db, person, id).await?;
    if record.closed.is_some() {
        return Err(RuleError::Conflict(format!(
            "special-population record {id} is closed"
        )));
    }
    if record.version != version {
        return Ok(Err(record));
    }
    Ok(Ok(record))
}

/// Changes a record's control level, responsible worker and note on behalf of `person`.
/// Audited `special_population.updated` with the fields changed.
pub async fn edit(
    db: &Db,
    person: &Person,
    id: i64,
    edit: &Edit,
) -> RuleResult<Saved<StoredSpecialPopulation>> {
    let control_level = parse_control_level(&edit.control_level).ok_or_else(|| {
        RuleError::invalid(
            "control_level",
            format!("expected one of {}", choices(&CONTROL_LEVELS)),
        )
    })?;
    let note = text::within("note", &edit.note, 0, MAX_NOTE_CHARS)?;
    let before = match for_change(db, person, id, edit.version).await? {
        Ok(record) => record,
        Err(current) => return Ok(Saved::Stale(current)),
    };
    let mut after = before.clone();
    after.control_level = control_level.to_owned();
    after.responsible_user =
        responsible_worker(db, Some(&edit.responsible), &before.grid_code).await?;
    after.note = note.to_owned();
    if after.control_level == before.control_level
        && after.responsible_user == before.responsible_user
        && after.note == before.note
    {
        return Ok(Saved::Done(before));
    }
    save(
        db,
        &person.actor_name(),
        &before,
        &after,
        "special_population.updated",
    )
    .await
}

/// Characters of the reason a record is closed for, at least (not counting spaces) and at
/// most.
pub const CLOSE_REASON_CHARS: (usize, usize) = (2, 200);

/// Closes (解除) record `id` at `version` for `reason`, on behalf of `person`; it is kept,
/// no longer listed or counted. Audited `special_population.closed`.
pub async fn close(
    db: &Db,
    person: &Person,
    id: i64,
    version: i64,
    reason: &str,
) -> RuleResult<Saved<StoredSpecialPopulation>> {
    let reason = text::within("reason", reason, CLOSE_REASON_CHARS.0, CLOSE_REASON_CHARS.1)?;
    let before = match for_change(db, person, id, version).await? {
        Ok(record) => record,
        Err(current) => return Ok(Saved::Stale(current)),
    };
    let mut after = before.clone();
    after.closed = Some((crate::db::now_ms(), reason.to_owned()));
    save(
        db,
        &person.actor_name(),
        &before,
        &after,
        "special_population.closed",
    )
    .await
}

/// Closes every open record of `resident`, whose own record `person` just closed for
/// `why` (`moved-out`, `deceased`).
pub(super) async fn close_all_of(
    db: &Db,
    person: &Person,
    resident: &StoredResident,
    why: &str,
) -> RuleResult<()> {
    let reason = match why {
        "deceased" => "居民注销：死亡",
        _ => "居民注销：迁出",
    };
    for record in db.open_special_populations(&resident.grid_code).await? {
        if record.resident_id != resident.id {
            continue;
        }
        let mut after = record.clone();
        after.closed = Some((crate::db::now_ms(), reason.to_owned()));
        // A record changed at this very moment keeps its change; it is closed by hand.
        save(
            db,
            &person.actor_name(),
            &record,
            &after,
            "special_population.closed",
        )
        .await?;
    }
    Ok(())
}

/// Moves the open records of `resident` (just moved out of `from_grid`) to their new grid;
/// the responsible worker stays only if they work that grid too.
pub(super) async fn follow_move(
    db: &Db,
    person: &Person,
    resident: &StoredResident,
    from_grid: &str,
) -> RuleResult<()> {
    for record in db.open_special_populations(from_grid).await? {
        if record.resident_id != resident.id {
            continue;
        }
        let mut after = record.clone();
        after.grid_code.clone_from(&resident.grid_code);
        if let Some(user) = record.responsible_user {
            let keeps = db
                .grants_of(user)
                .await?
                .has_role_at(Role::GridWorker, &resident.grid_code);
            if !keeps {
                after.responsible_user = None;
            }
        }
        save(
            db,
            &person.actor_name(),
            &record,
            &after,
            "special_population.moved",
        )
        .await?;
    }
    Ok(())
}
