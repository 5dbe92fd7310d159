//! `wangge visits …`: how often special-population records are visited (走访/帮教), per
//! control level. Kept as data, so an operator changes it without a release; every change
//! is audited `visit_interval.set`.

use clap::Subcommand;

use crate::grid::special_population::CONTROL_LEVELS;
use crate::rules::base_data::visits;
use crate::state::Host;

/// Visit commands.
#[derive(Debug, Subcommand)]
pub enum VisitsCommand {
    /// Show each control level's visit interval.
    Intervals,
    /// Set how many days may pass between two visits of records at LEVEL.
    Interval {
        /// The control level: 1 (一级), 2 (二级) or 3 (三级).
        level: String,
        /// Days, 1 to 366.
        days: i64,
    },
}

impl VisitsCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        match self {
            Self::Intervals => {
                for (level, days) in visits::intervals(&host.db).await? {
                    let zh = CONTROL_LEVELS
                        .iter()
                        .find(|(name, _)| *name == level)
                        .map_or("?", |(_, zh)| zh);
                    println!("{level} ({zh}): every {days} days");
                }
                Ok(())
            }
            Self::Interval { level, days } => {
                let level = visits::set_interval(&host.db, &level, days)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("control level {level}: a visit every {days} days");
                Ok(())
            }
        }
    }
}
