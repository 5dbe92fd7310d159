//! `wangge units …`: import the unit tree from CSV or GeoJSON, and list it.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use crate::db::audit::AuditEntry;
use crate::grid::unit_import::{RowProblem, parse_csv, parse_geojson, validate};
use crate::state::Host;

/// Unit commands.
#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// Import units from a CSV file (`code,name[,parent]` header) or a GeoJSON
    /// FeatureCollection (`.geojson`/`.json`; properties `code`, `name`, optional `parent`,
    /// Polygon or MultiPolygon boundaries). Any bad row imports nothing.
    Import {
        /// The file.
        file: PathBuf,
    },
    /// List units, indented by level.
    List {
        /// Only this unit and its subtree.
        #[arg(long, default_value = "42")]
        under: String,
    },
}

fn report(file: &std::path::Path, problems: &[RowProblem]) -> anyhow::Error {
    let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    anyhow::anyhow!(
        "{}: {} problem(s), nothing imported:\n{}",
        file.display(),
        problems.len(),
        lines.join("\n")
    )
}

impl UnitsCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        match self {
            Self::Import { file } => {
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                let is_geojson = file
                    .extension()
                    .is_some_and(|ext| ext == "geojson" || ext == "json");
                let parsed = if is_geojson {
                    parse_geojson(&text)
                } else {
                    parse_csv(&text)
                };
                let rows = parsed.map_err(|problems| report(&file, &problems))?;
                let existing = host.db.existing_unit_codes().await?;
                let problems = validate(&rows, |code| existing.contains(code));
                if !problems.is_empty() {
                    return Err(report(&file, &problems));
                }
                let units: Vec<_> = rows.into_iter().map(|(unit, _)| unit).collect();
                let counts = host.db.import_units(&units).await?;
                host.db
                    .audit(AuditEntry {
                        actor: "cli",
                        action: "units.imported",
                        subject: &file.display().to_string(),
                        unit_code: None,
                        detail: json!({ "created": counts.created, "updated": counts.updated }),
                    })
                    .await?;
                println!(
                    "{}: {} units imported ({} new, {} updated)",
                    file.display(),
                    units.len(),
                    counts.created,
                    counts.updated
                );
                Ok(())
            }
            Self::List { under } => {
                let units = host.db.unit_subtree(&under).await?;
                if units.is_empty() {
                    println!("no units under {under}");
                }
                let levels = ["province", "city", "county", "street", "community", "grid"];
                let depth_of = |level: &str| levels.iter().position(|l| *l == level);
                for unit in units {
                    // A department sits one step in from the county or street it serves.
                    let (depth, mark) = match depth_of(&unit.level) {
                        Some(depth) => (depth, ""),
                        None => {
                            let parent = unit.parent_code.as_deref().unwrap_or_default();
                            (parent.len().min(9) / 3 + 1, " (职能部门)")
                        }
                    };
                    println!("{}{} {}{mark}", "  ".repeat(depth), unit.code, unit.name);
                }
                Ok(())
            }
        }
    }
}
