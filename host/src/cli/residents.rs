//! `wangge residents import FILE [--skip-invalid]`: residents from CSV with a row-level
//! report. By default a file with any bad row imports nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use wangge_registry::HookSubscription;

use super::csv_table::CsvTable;
use super::houses::grid_lookup;
use crate::db::audit::AuditEntry;
use crate::db::residents::ResidentLinks;
use crate::grid::calendar::today_in_china;
use crate::grid::grid_locator::MatchRate;
use crate::grid::house::parse_coordinates;
use crate::grid::resident::{NewResident, ResidentFields, validate_resident};
use crate::grid::unit_import::RowProblem;
use crate::plugins::Catalog;
use crate::plugins::hooks::delivery::DeliveryReport;
use crate::plugins::hooks::{Notice, ResidentChange, deliver};
use crate::state::Host;

/// Resident commands.
#[derive(Debug, Subcommand)]
pub enum ResidentsCommand {
    /// Import residents from CSV with the header
    /// `name,gender,birth_date,id_number,phone,population_type` and any of `grid_code`,
    /// `tags` (separated by `|`), `address` (a registered house's standard address),
    /// `household` (户号) with `relation` (与户主关系, `户主` for the head), and `latitude`,
    /// `longitude`. The grid is the one named, else the house's, else the one whose
    /// boundary contains the coordinates (关联核录); the report gives the match rate.
    Import {
        /// The file.
        file: PathBuf,
        /// Import the valid rows and report the others, instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
}

const REQUIRED: [&str; 6] = [
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "population_type",
];

const OPTIONAL: [&str; 7] = [
    "grid_code",
    "tags",
    "address",
    "household",
    "relation",
    "latitude",
    "longitude",
];

fn problem(row: usize, field: &'static str, text: String) -> RowProblem {
    RowProblem {
        row,
        field,
        problem: text,
    }
}

/// What a validated file holds.
struct Validated {
    good: Vec<(usize, NewResident, ResidentLinks)>,
    problems: Vec<RowProblem>,
    rate: MatchRate,
}

/// The household relation as stored: `head` for the head (户主), else as written.
fn relation_name(text: &str) -> String {
    match text {
        "户主" | "head" => "head".to_owned(),
        other => other.to_owned(),
    }
}

/// Parses and validates every row against the units, houses and residents already stored.
async fn validate_file(host: &Host, text: &str) -> anyhow::Result<Validated> {
    let today = today_in_china();
    let table = CsvTable::parse(text, &REQUIRED, &OPTIONAL)?;
    let (locator, grids) = grid_lookup(host).await?;
    let addresses: Vec<&str> = table
        .records
        .iter()
        .map(|(_, record)| table.field(record, "address"))
        .filter(|a| !a.is_empty())
        .collect();
    let houses = host.db.houses_at(&addresses).await?;
    let mut good = Vec::new();
    let mut problems = table.unreadable.clone();
    let mut rate = MatchRate::default();
    let mut seen_ids = BTreeMap::new();
    let mut household_grids: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (row, record) in &table.records {
        let row = *row;
        let field = |name: &str| table.field(record, name);
        let mut row_problems = Vec::new();
        let house = match field("address") {
            "" => None,
            address => {
                let house = houses.get(address);
                if house.is_none() {
                    row_problems.push(problem(
                        row,
                        "address",
                        format!("no house is registered at `{address}` (import houses first)"),
                    ));
                }
                house
            }
        };
        let coordinates = parse_coordinates(
            row,
            field("latitude"),
            field("longitude"),
            &mut row_problems,
        );
        let located = coordinates.and_then(|(lat, lon)| locator.locate(lon, lat));
        if coordinates.is_some() {
            rate.with_coordinates += 1;
            rate.matched += usize::from(located.is_some());
        }
        let grid = match (field("grid_code"), house, located) {
            ("", Some(house), _) => house.grid_code.clone(),
            ("", None, Some(found)) => found.to_owned(),
            (given, _, _) => given.to_owned(),
        };
        if grid.is_empty() {
            row_problems.push(problem(
                row,
                "grid_code",
                "name the grid, or give a registered address or coordinates inside a grid".into(),
            ));
        } else if !grids.contains(&grid) {
            row_problems.push(problem(
                row,
                "grid_code",
                format!("`{grid}` is not a known grid"),
            ));
        } else if let Some(house) = house.filter(|h| h.grid_code != grid) {
            row_problems.push(problem(
                row,
                "address",
                format!(
                    "the house is in grid {}, but the row puts the resident in {grid}",
                    house.grid_code
                ),
            ));
        }
        let household = match (field("household"), field("relation")) {
            ("", "") => None,
            ("", _) => {
                row_problems.push(problem(
                    row,
                    "household",
                    "a relation needs the household number (户号) it is relative to".into(),
                ));
                None
            }
            (_, "") => {
                row_problems.push(problem(
                    row,
                    "relation",
                    "give the relation to the head of the household (户主 for the head)".into(),
                ));
                None
            }
            (number, relation) => {
                let first = household_grids
                    .entry(number.to_owned())
                    .or_insert_with(|| (grid.clone(), row));
                if first.0 != grid {
                    row_problems.push(problem(
                        row,
                        "household",
                        format!(
                            "household {number} is in grid {} (row {}), not {grid}",
                            first.0, first.1
                        ),
                    ));
                }
                Some((number.to_owned(), relation_name(relation)))
            }
        };
        let fields = ResidentFields {
            name: field("name"),
            gender: field("gender"),
            birth_date: field("birth_date"),
            id_number: field("id_number"),
            phone: field("phone"),
            population_type: field("population_type"),
            grid_code: &grid,
            tags: field("tags"),
        };
        match validate_resident(row, &fields, today) {
            Ok(resident) if row_problems.is_empty() => {
                if let Some(first) = seen_ids.insert(resident.id_number.as_str().to_owned(), row) {
                    problems.push(problem(
                        row,
                        "id_number",
                        format!("the same as row {first}"),
                    ));
                } else {
                    let links = ResidentLinks {
                        household,
                        house_id: house.map(|h| h.id),
                    };
                    good.push((row, resident, links));
                }
            }
            Ok(_) => problems.extend(row_problems),
            Err(errors) => {
                problems.extend(row_problems);
                problems.extend(errors);
            }
        }
    }
    let candidates: Vec<&str> = good.iter().map(|(_, r, _)| r.id_number.as_str()).collect();
    let stored = host.db.stored_id_numbers(&candidates).await?;
    let (fresh, known): (Vec<_>, Vec<_>) = good
        .into_iter()
        .partition(|(_, r, _)| !stored.contains(r.id_number.as_str()));
    problems.extend(known.into_iter().map(|(row, _, _)| {
        problem(
            row,
            "id_number",
            "a resident with this ID number is already registered".into(),
        )
    }));
    problems.sort_by_key(|p| p.row);
    Ok(Validated {
        good: fresh,
        problems,
        rate,
    })
}

impl ResidentsCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        let Self::Import { file, skip_invalid } = self;
        let text = std::fs::read_to_string(&file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let Validated {
            good,
            problems,
            rate,
        } = validate_file(host, &text).await?;
        let report: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        if !problems.is_empty() && !skip_invalid {
            anyhow::bail!(
                "{}: {} problem(s), nothing imported (--skip-invalid imports the valid rows); {rate}:\n{}",
                file.display(),
                problems.len(),
                report.join("\n")
            );
        }
        let residents: Vec<(NewResident, ResidentLinks)> =
            good.into_iter().map(|(_, r, links)| (r, links)).collect();
        let ids = host.db.insert_linked_residents(&residents).await?;
        let skipped_rows: BTreeSet<usize> = problems.iter().map(|p| p.row).collect();
        host.db
            .audit(AuditEntry {
                actor: "cli",
                action: "residents.imported",
                subject: &file.display().to_string(),
                unit_code: None,
                detail: json!({
                    "imported": residents.len(),
                    "skipped": skipped_rows.len(),
                    "with_coordinates": rate.with_coordinates,
                    "matched_by_boundary": rate.matched,
                }),
            })
            .await?;
        println!(
            "{}: {} residents imported, {} rows skipped; {rate}",
            file.display(),
            residents.len(),
            skipped_rows.len()
        );
        if !report.is_empty() {
            println!("{}", report.join("\n"));
        }
        notify_plugins(host, &ids).await
    }
}

/// Tells the installed plugins that subscribed to `resident-changed` about each new
/// resident in their scope, after the import committed. A plugin that refuses or faults is
/// logged; the import stands.
async fn notify_plugins(host: &Host, ids: &[i64]) -> anyhow::Result<()> {
    let catalog = Catalog::load(&host.ground(), &host.runtime, &host.metrics).await?;
    let subscribed = catalog.all_loaded().any(|plugin| {
        plugin
            .installation
            .manifest
            .hooks
            .contains(&HookSubscription::ResidentChanged)
    });
    if !subscribed {
        return Ok(());
    }
    let mut total = DeliveryReport::default();
    for id in ids {
        let notice = Notice::ResidentChanged {
            change: ResidentChange::Added,
            resident_id: *id,
        };
        let report = deliver(&catalog, &host.db, notice).await;
        total.delivered += report.delivered;
        total.refused += report.refused;
        total.faulted += report.faulted;
    }
    eprintln!(
        "plugins told of the new residents: {} deliveries, {} refused, {} failed",
        total.delivered, total.refused, total.faulted
    );
    Ok(())
}
