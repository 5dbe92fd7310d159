//! `wangge events supervise`: the supervision sweep (督办) on demand. `wangge serve` runs the
//! same sweep on a schedule.

use clap::Subcommand;

use crate::grid::calendar::today_in_china;
use crate::state::Host;

/// Event commands.
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Mark open events past their deadline as supervised (督办) and notify the unit above.
    Supervise {
        /// Sweep as of this date (YYYY-MM-DD) instead of today in China, e.g. to catch up
        /// after downtime.
        #[arg(long)]
        today: Option<jiff::civil::Date>,
    },
}

impl EventsCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        let Self::Supervise { today } = self;
        let today = today.unwrap_or_else(today_in_china);
        let marked = host.db.supervise_overdue(&today.to_string()).await?;
        println!("{} overdue event(s) supervised as of {today}", marked.len());
        Ok(())
    }
}
