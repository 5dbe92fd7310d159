//! `wangge residents import FILE [--skip-invalid]`: residents from CSV with a row-level
//! report. By default a file with any bad row imports nothing.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use wangge_registry::HookSubscription;

use crate::db::audit::AuditEntry;
use crate::db::residents::ResidentLinks;
use crate::grid::grid_locator::MatchRate;
use crate::grid::import_table::{Format, ImportTable};
use crate::grid::resident::NewResident;
use crate::grid::unit_import::RowProblem;
use crate::plugins::Catalog;
use crate::plugins::hooks::delivery::DeliveryReport;
use crate::plugins::hooks::{Notice, ResidentChange, deliver};
use crate::rules::base_data::imports::rows;
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

/// What a validated file holds: the rows to insert and every problem.
struct Validated {
    good: Vec<(usize, NewResident, ResidentLinks)>,
    problems: Vec<RowProblem>,
    rate: MatchRate,
}

/// Parses and checks every row (`rules::base_data::imports::rows`); a resident already
/// registered is a problem here, where a department push would update them.
async fn validate_file(host: &Host, text: &str) -> anyhow::Result<Validated> {
    let table = ImportTable::parse(
        text,
        Format::Csv,
        &rows::RESIDENT_COLUMNS,
        &rows::RESIDENT_OPTIONAL,
    )?;
    let checked = rows::residents(&host.db, &table).await?;
    let mut problems = checked.problems;
    let candidates: Vec<&str> = checked
        .good
        .iter()
        .map(|r| r.resident.id_number.as_str())
        .collect();
    let stored = host.db.stored_id_numbers(&candidates).await?;
    let mut good = Vec::new();
    for row in checked.good {
        if stored.contains(row.resident.id_number.as_str()) {
            problems.push(RowProblem {
                row: row.row,
                field: "id_number",
                problem: "a resident with this ID number is already registered".into(),
            });
        } else {
            good.push((row.row, row.resident, row.links));
        }
    }
    problems.sort_by_key(|p| p.row);
    Ok(Validated {
        good,
        problems,
        rate: checked.rate,
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
            left: None,
        };
        let report = deliver(&catalog, &host.db, host.settings.hook_retries, notice).await;
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
