//! 特殊人群: the records of a unit, for those who keep its base data (leaders get counts on
//! dashboards, never names), every read audited with who read which unit's records and how
//! many; and registering a resident under a category, audited
//! `special_population.registered`.

use serde_json::json;

use crate::auth::{BASE_DATA_ROLES, Role};
use crate::db::Db;
use crate::db::audit::AuditEntry;
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
    let responsible_user = match new.responsible.map(str::trim) {
        None | Some("") => None,
        Some(username) => {
            let worker = match db.user_for_sign_in(username).await? {
                Some((user, _)) => db
                    .grants_of(user.id)
                    .await?
                    .has_role_at(Role::GridWorker, &resident.grid_code)
                    .then_some(user.id),
                None => None,
            };
            Some(worker.ok_or_else(|| {
                RuleError::invalid(
                    "responsible",
                    format!(
                        "`{username}` is not a grid worker of grid {}",
                        resident.grid_code
                    ),
                )
            })?)
        }
    };
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
