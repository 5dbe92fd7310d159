//! `wangge houses import FILE [--skip-invalid]`: houses (实有房屋) from CSV, each given its
//! grid by the boundary its coordinates fall in (关联核录) or by the grid it names, with a
//! row-level report and the match rate. By default a file with any bad row imports nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use super::csv_table::CsvTable;
use crate::db::audit::AuditEntry;
use crate::grid::grid_locator::{GridLocator, MatchRate};
use crate::grid::house::{HouseFields, NewHouse, parse_coordinates, validate_house};
use crate::grid::unit_code::level_of;
use crate::grid::unit_import::RowProblem;
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

/// The grids with boundaries, for assignment by coordinates; every known grid code.
pub async fn grid_lookup(host: &Host) -> anyhow::Result<(GridLocator, BTreeSet<String>)> {
    let boundaries = host.db.grid_boundaries("").await?;
    let locator = GridLocator::new(boundaries.iter().map(|(c, b)| (c.as_str(), b.as_str())))?;
    let grids = host
        .db
        .existing_unit_codes()
        .await?
        .into_iter()
        .filter(|code| level_of(code) == Ok(wangge_registry::Level::Grid))
        .collect();
    Ok((locator, grids))
}

impl HousesCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        let Self::Import { file, skip_invalid } = self;
        let text = std::fs::read_to_string(&file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let table = CsvTable::parse(
            &text,
            &["address", "usage"],
            &["latitude", "longitude", "grid_code"],
        )?;
        let (locator, grids) = grid_lookup(host).await?;
        let mut problems = table.unreadable.clone();
        let mut good: Vec<(usize, NewHouse)> = Vec::new();
        let mut rate = MatchRate::default();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (row, record) in &table.records {
            let fields = HouseFields {
                address: table.field(record, "address"),
                latitude: table.field(record, "latitude"),
                longitude: table.field(record, "longitude"),
                usage: table.field(record, "usage"),
                grid_code: table.field(record, "grid_code"),
            };
            // The match rate is about the coordinates alone: a row refused for its usage
            // still tells whether its point fell inside a grid.
            if let Some((lat, lon)) =
                parse_coordinates(*row, fields.latitude, fields.longitude, &mut Vec::new())
            {
                rate.with_coordinates += 1;
                rate.matched += usize::from(locator.locate(lon, lat).is_some());
            }
            match validate_house(*row, &fields, &locator, |c| grids.contains(c)) {
                Ok(house) => {
                    if let Some(first) = seen.insert(house.address.clone(), *row) {
                        problems.push(RowProblem {
                            row: *row,
                            field: "address",
                            problem: format!("the same address as row {first}"),
                        });
                    } else {
                        good.push((*row, house));
                    }
                }
                Err(row_problems) => problems.extend(row_problems),
            }
        }
        let addresses: Vec<&str> = good.iter().map(|(_, h)| h.address.as_str()).collect();
        let stored = host.db.houses_at(&addresses).await?;
        let (fresh, known): (Vec<_>, Vec<_>) = good
            .into_iter()
            .partition(|(_, h)| !stored.contains_key(&h.address));
        problems.extend(known.into_iter().map(|(row, _)| RowProblem {
            row,
            field: "address",
            problem: "a house at this standard address is already registered".into(),
        }));
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
        let houses: Vec<NewHouse> = fresh.into_iter().map(|(_, h)| h).collect();
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
