//! `wangge houses import FILE [--skip-invalid]`: houses (实有房屋) from CSV, each given its
//! grid by the boundary its coordinates fall in (关联核录) or by the grid it names, with a
//! row-level report and the match rate. By default a file with any bad row imports nothing.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use crate::db::audit::AuditEntry;
use crate::grid::import_table::{Format, ImportTable};
use crate::grid::unit_import::RowProblem;
use crate::rules::base_data::imports::rows;
use crate::state::Host;

/// House commands.
#[derive(Debug, Subcommand)]
pub enum HousesCommand {
    /// Import houses from CSV with the header `address,usage` and any of `latitude`,
    /// `longitude` (WGS 84 decimal degrees) and `grid_code`. A row with coordinates gets
    /// the grid whose boundary contains it; a row without names its grid.
    Import {
        /// The file.
        file: PathBuf,
        /// Import the valid rows and report the others, instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
}

impl HousesCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        let Self::Import { file, skip_invalid } = self;
        let text = std::fs::read_to_string(&file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let table = ImportTable::parse(
            &text,
            Format::Csv,
            &rows::HOUSE_COLUMNS,
            &rows::HOUSE_OPTIONAL,
        )?;
        let checked = rows::houses(&host.db, &table).await?;
        let rate = checked.rate;
        let mut problems = checked.problems;
        let keys: Vec<String> = checked.good.iter().map(|h| h.key.clone()).collect();
        let stored = host.db.houses_by_key(&keys).await?;
        let mut fresh = Vec::new();
        for row in checked.good {
            if stored.contains_key(&row.key) {
                problems.push(RowProblem {
                    row: row.row,
                    field: "address",
                    problem: "a house at this standard address is already registered".into(),
                });
            } else {
                fresh.push(row.house);
            }
        }
        problems.sort_by_key(|p| p.row);
        let report: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        if !problems.is_empty() && !skip_invalid {
            anyhow::bail!(
                "{}: {} problem(s), nothing imported (--skip-invalid imports the valid rows); {rate}:\n{}",
                file.display(),
                problems.len(),
                report.join("\n")
            );
        }
        let houses = fresh;
        host.db.insert_houses(&houses).await?;
        let skipped: BTreeSet<usize> = problems.iter().map(|p| p.row).collect();
        host.db
            .audit(AuditEntry {
                actor: "cli",
                action: "houses.imported",
                subject: &file.display().to_string(),
                unit_code: None,
                detail: json!({
                    "imported": houses.len(),
                    "skipped": skipped.len(),
                    "with_coordinates": rate.with_coordinates,
                    "matched_by_boundary": rate.matched,
                }),
            })
            .await?;
        println!(
            "{}: {} houses imported, {} rows skipped; {rate}",
            file.display(),
            houses.len(),
            skipped.len()
        );
        if !report.is_empty() {
            println!("{}", report.join("\n"));
        }
        Ok(())
    }
}
