//! The unit tree: a subtree for anyone holding a role in it, and imports (CSV or GeoJSON,
//! all or nothing) for unit admins, limited to their own subtrees and audited
//! `units.imported`.

use serde_json::json;

use crate::auth::Role;
use crate::db::Db;
use crate::db::audit::AuditEntry;
use crate::db::units::{ImportCounts, StoredUnit};
use crate::grid::unit_import::{RowProblem, parse_csv, parse_geojson, validate};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};

/// Which units of a subtree a listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Every unit: the areas and the departments attached to them.
    #[default]
    All,
    /// The areas only (province … grid).
    Area,
    /// The departments only (职能部门).
    Department,
}

/// The subtree under `unit`, that unit first, of the `kind` asked for.
pub async fn subtree(
    db: &Db,
    person: &Person,
    unit: &str,
    kind: Kind,
) -> RuleResult<Vec<StoredUnit>> {
    if !person.grants.reaches(unit) {
        return Err(RuleError::Forbidden(format!(
            "you hold no role at unit {unit}"
        )));
    }
    Ok(match kind {
        Kind::Department => db.departments_under(unit).await?,
        Kind::All => db.unit_subtree(unit).await?,
        Kind::Area => db
            .unit_subtree(unit)
            .await?
            .into_iter()
            .filter(|u| u.level != "department")
            .collect(),
    })
}

/// A file of units, in one of the two formats an import reads.
#[derive(Debug, Clone, Copy)]
pub enum UnitFile<'a> {
    /// `code,name[,parent]` rows.
    Csv(&'a str),
    /// A GeoJSON FeatureCollection with `code`, `name` and `parent` properties.
    GeoJson(&'a str),
}

/// What an import did.
#[derive(Debug, Clone, Copy)]
pub struct Imported {
    /// Rows in the file.
    pub units: usize,
    /// New units and changed ones.
    pub counts: ImportCounts,
}

/// One `Invalid` naming every problem, the first problem's field as its field.
fn rejected(problems: &[RowProblem]) -> RuleError {
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    RuleError::invalid(
        problems.first().map_or("file", |p| p.field),
        format!(
            "{} problem(s), nothing imported: {}",
            problems.len(),
            listed.join("; ")
        ),
    )
}

/// Imports `file`: every row must lie in the subtree of a unit where `person` is unit
/// admin; one row outside refuses the whole file, and so does any invalid row.
pub async fn import(db: &Db, person: &Person, file: UnitFile<'_>) -> RuleResult<Imported> {
    let parsed = match file {
        UnitFile::Csv(text) => parse_csv(text),
        UnitFile::GeoJson(text) => parse_geojson(text),
    };
    let rows = parsed.map_err(|problems| rejected(&problems))?;
    if rows.is_empty() {
        return Err(RuleError::invalid("file", "no units in the file"));
    }
    if let Some((outside, _)) = rows
        .iter()
        .find(|(unit, _)| !person.grants.has_role_at(Role::UnitAdmin, &unit.code))
    {
        return Err(RuleError::Forbidden(format!(
            "row {}: unit {} lies outside every subtree where you are unit admin; nothing imported",
            outside.row, outside.code
        )));
    }
    let existing = db.existing_unit_codes().await?;
    let problems = validate(&rows, |code| existing.contains(code));
    if !problems.is_empty() {
        return Err(rejected(&problems));
    }
    let units: Vec<_> = rows.into_iter().map(|(unit, _)| unit).collect();
    let counts = db.import_units(&units).await?;
    let root = units
        .iter()
        .map(|u| u.code.as_str())
        .min_by_key(|code| code.len())
        .unwrap_or_default()
        .to_owned();
    db.audit(AuditEntry {
        actor: &person.actor_name(),
        action: "units.imported",
        subject: &format!("unit:{root}"),
        unit_code: Some(&root),
        detail: json!({ "created": counts.created, "updated": counts.updated }),
    })
    .await?;
    Ok(Imported {
        units: units.len(),
        counts,
    })
}

/// The grids whose base data `person` keeps (in the subtrees of their grid-worker and
/// unit-admin grants), by code, at most `limit`: what a form offers to move a resident
/// or place a house in.
pub async fn grids_kept(db: &Db, person: &Person, limit: usize) -> RuleResult<Vec<StoredUnit>> {
    let mut grids: Vec<StoredUnit> = Vec::new();
    for unit in person.units_with(&crate::auth::BASE_DATA_ROLES) {
        for found in db.unit_subtree(&unit).await? {
            if found.level == "grid" && !grids.iter().any(|g| g.code == found.code) {
                grids.push(found);
            }
            if grids.len() >= limit {
                return Ok(grids);
            }
        }
    }
    grids.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(grids)
}
