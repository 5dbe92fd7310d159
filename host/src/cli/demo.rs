//! `wangge demo seed [--residents N] [--seed S]`: fills an empty database with the
//! synthetic demo data of `demo_data`, printing progress and a summary.

use std::time::Instant;

use clap::Subcommand;
use serde_json::json;

use crate::db::audit::AuditEntry;
use crate::demo_data::users::{DEMO_PASSWORD, DEMO_USERS, create_demo_users};
use crate::demo_data::{DEFAULT_RESIDENTS, DEFAULT_SEED, Progress, SeedOptions, event_count, seed};
use crate::state::Host;

/// Demo commands.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Generate the demo unit tree of 黄石市 (with boundaries), residents and events in
    /// every workflow state. Refuses a database that already has residents.
    Seed {
        /// Residents in all (the eight of host/data/demo/residents.csv among them); 0
        /// imports only the unit tree.
        #[arg(long, default_value_t = DEFAULT_RESIDENTS)]
        residents: usize,
        /// Seed of every random draw: the same seed gives the same data.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Also create the demo users (leader, admin, worker, resident; password
        /// `wangge-demo`) with their grants.
        #[arg(long)]
        users: bool,
    },
}

/// Prints a progress line about every tenth of the way, on stderr so stdout stays the
/// summary.
fn report(step: Progress, shown: &mut usize) {
    match step {
        Progress::Units(count) => eprintln!("units: {count} imported"),
        Progress::Residents { done, total } | Progress::Events { done, total } => {
            let tenth = done * 10 / total.max(1);
            if tenth > *shown || done == total {
                *shown = if done == total { 0 } else { tenth };
                let what = if matches!(step, Progress::Events { .. }) {
                    "events"
                } else {
                    "residents"
                };
                eprintln!("{what}: {done}/{total}");
            }
        }
        Progress::ResidentsCommitted(count) => eprintln!("residents: {count} committed"),
        Progress::BaseData(base) => eprintln!(
            "base data: {} houses, {} households, {} organizations, {} special-population records",
            base.houses, base.households, base.organizations, base.special_populations
        ),
    }
}

impl DemoCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        let Self::Seed {
            residents,
            seed: s,
            users,
        } = self;
        let options = SeedOptions {
            residents,
            seed: s,
            base_data: true,
        };
        eprintln!(
            "seeding demo data: seed {s}, {residents} residents, {} events",
            event_count(residents)
        );
        let started = Instant::now();
        let mut shown = 0;
        let summary = seed(&host.db, &options, &mut |step| report(step, &mut shown)).await?;
        host.db
            .audit(AuditEntry {
                actor: "cli",
                action: "demo.seeded",
                subject: "demo-data",
                unit_code: None,
                detail: json!({
                    "seed": s,
                    "residents": summary.residents,
                    "events": summary.events_by_state.values().sum::<usize>(),
                    "houses": summary.base_data.houses,
                    "special_populations": summary.base_data.special_populations,
                }),
            })
            .await?;
        println!(
            "demo data seeded in {:.1}s (seed {s})",
            started.elapsed().as_secs_f64()
        );
        let levels = [
            "province",
            "city",
            "county",
            "street",
            "community",
            "grid",
            "department",
        ];
        let units: Vec<String> = levels
            .iter()
            .map(|level| {
                let count = summary.units_by_level.get(*level).copied().unwrap_or(0);
                format!("{level} {count}")
            })
            .collect();
        println!("units: {}", units.join(", "));
        println!("residents: {}", summary.residents);
        let base = summary.base_data;
        println!(
            "houses: {} ({} placed in their grid by boundary), households: {}, organizations: {}, special populations: {}",
            base.houses,
            base.houses_matched_by_boundary,
            base.households,
            base.organizations,
            base.special_populations
        );
        let events: Vec<String> = summary
            .events_by_state
            .iter()
            .map(|(state, count)| format!("{state} {count}"))
            .collect();
        println!(
            "events: {} ({})",
            summary.events_by_state.values().sum::<usize>(),
            events.join(", ")
        );
        if users {
            create_demo_users(&host.db).await?;
            let names: Vec<&str> = DEMO_USERS.iter().map(|user| user.username).collect();
            println!("users: {} (password `{DEMO_PASSWORD}`)", names.join(", "));
        }
        Ok(())
    }
}
