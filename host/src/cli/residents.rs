//! `wangge residents import FILE [--skip-invalid]`: residents from CSV with a row-level
//! report. By default a file with any bad row imports nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use crate::db::audit::AuditEntry;
use crate::grid::calendar::today_in_china;
use crate::grid::resident::{NewResident, ResidentFields, validate_resident};
use crate::grid::unit_code::level_of;
use crate::grid::unit_import::RowProblem;
use crate::server::Host;

/// Resident commands.
#[derive(Debug, Subcommand)]
pub enum ResidentsCommand {
    /// Import residents from CSV with the header
    /// `name,gender,birth_date,id_number,phone,population_type,grid_code[,tags]`
    /// (tags separated by `|`).
    Import {
        /// The file.
        file: PathBuf,
        /// Import the valid rows and report the others, instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
}

const COLUMNS: [&str; 7] = [
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "population_type",
    "grid_code",
];

fn problem(row: usize, field: &'static str, text: String) -> RowProblem {
    RowProblem {
        row,
        field,
        problem: text,
    }
}

/// Parses and validates every row against the units and the residents already stored.
async fn validate_file(
    host: &Host,
    text: &str,
) -> anyhow::Result<(Vec<(usize, NewResident)>, Vec<RowProblem>)> {
    let today = today_in_china();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers()?.clone();
    let at: BTreeMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !at.contains_key(c))
        .collect();
    if !missing.is_empty() {
        anyhow::bail!("the header lacks the column(s) {}", missing.join(", "));
    }
    let grids: BTreeSet<String> = host.db.existing_unit_codes().await?;
    let mut good = Vec::new();
    let mut problems = Vec::new();
    let mut seen_ids = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(problem(row, "file", e.to_string()));
                continue;
            }
        };
        let field = |name: &str| at.get(name).and_then(|&i| record.get(i)).unwrap_or("");
        let fields = ResidentFields {
            name: field("name"),
            gender: field("gender"),
            birth_date: field("birth_date"),
            id_number: field("id_number"),
            phone: field("phone"),
            population_type: field("population_type"),
            grid_code: field("grid_code"),
            tags: field("tags"),
        };
        let mut row_problems = Vec::new();
        let grid = fields.grid_code.trim();
        if !grids.contains(grid) || level_of(grid) != Ok(wangge_registry::Level::Grid) {
            row_problems.push(problem(
                row,
                "grid_code",
                format!("`{grid}` is not a known grid"),
            ));
        }
        match validate_resident(row, &fields, today) {
            Ok(resident) if row_problems.is_empty() => {
                if let Some(first) = seen_ids.insert(resident.id_number.as_str().to_owned(), row) {
                    problems.push(problem(
                        row,
                        "id_number",
                        format!("the same as row {first}"),
                    ));
                } else {
                    good.push((row, resident));
                }
            }
            Ok(_) => problems.extend(row_problems),
            Err(errors) => {
                problems.extend(row_problems);
                problems.extend(errors);
            }
        }
    }
    let candidates: Vec<&str> = good.iter().map(|(_, r)| r.id_number.as_str()).collect();
    let stored = host.db.stored_id_numbers(&candidates).await?;
    let (fresh, known): (Vec<_>, Vec<_>) = good
        .into_iter()
        .partition(|(_, r)| !stored.contains(r.id_number.as_str()));
    problems.extend(known.into_iter().map(|(row, _)| {
        problem(
            row,
            "id_number",
            "a resident with this ID number is already registered".into(),
        )
    }));
    problems.sort_by_key(|p| p.row);
    Ok((fresh, problems))
}

impl ResidentsCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        let Self::Import { file, skip_invalid } = self;
        let text = std::fs::read_to_string(&file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let (good, problems) = validate_file(host, &text).await?;
        let report: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        if !problems.is_empty() && !skip_invalid {
            anyhow::bail!(
                "{}: {} problem(s), nothing imported (--skip-invalid imports the valid rows):\n{}",
                file.display(),
                problems.len(),
                report.join("\n")
            );
        }
        let residents: Vec<NewResident> = good.into_iter().map(|(_, r)| r).collect();
        host.db.insert_residents(&residents).await?;
        let skipped_rows: BTreeSet<usize> = problems.iter().map(|p| p.row).collect();
        host.db
            .audit(AuditEntry {
                actor: "cli",
                action: "residents.imported",
                subject: &file.display().to_string(),
                unit_code: None,
                detail: json!({ "imported": residents.len(), "skipped": skipped_rows.len() }),
            })
            .await?;
        println!(
            "{}: {} residents imported, {} rows skipped",
            file.display(),
            residents.len(),
            skipped_rows.len()
        );
        if !report.is_empty() {
            println!("{}", report.join("\n"));
        }
        Ok(())
    }
}
