//! `wangge plugin …`: register local plugins and list what is installed.

use std::path::PathBuf;

use clap::Subcommand;

use crate::db::plugins::Registration;
use crate::plugins::{AddOptions, add_local_plugin};
use crate::runtime::compile_cache::CacheOutcome;
use crate::server::Host;

/// Plugin commands.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Register a local component with its manifest and install it at a unit.
    Add {
        /// The component, built for wasm32-wasip2.
        component: PathBuf,
        /// The manifest [default: plugin.toml beside the component].
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Code of the unit to install at (the installation covers its subtree).
        #[arg(long, default_value = "42")]
        unit: String,
        /// Name of that unit.
        #[arg(long, default_value = "湖北省")]
        unit_name: String,
        /// A config value, KEY=VALUE, checked against the manifest's config schema.
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
        /// Swap the component of an already registered version (local development).
        #[arg(long)]
        replace: bool,
    },
    /// List installed plugins.
    List,
}

impl PluginCommand {
    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        match self {
            Self::Add {
                component,
                manifest,
                unit,
                unit_name,
                config,
                replace,
            } => {
                let options = AddOptions {
                    component,
                    manifest,
                    unit_code: unit,
                    unit_name,
                    config,
                    replace,
                };
                let report =
                    add_local_plugin(&host.db, &host.runtime, &host.metrics, &options).await?;
                let what = match report.registration {
                    Registration::Added => "added",
                    Registration::Unchanged => "already registered, unchanged",
                    Registration::Replaced => "replaced",
                };
                let compile = match report.compile {
                    CacheOutcome::Hit => "compiled artifact from cache",
                    CacheOutcome::Compiled => "compiled",
                };
                println!(
                    "{}@{}: {what} ({compile}); installation {} at unit {}; sha256 {}",
                    report.plugin_id,
                    report.version,
                    report.installation_id,
                    options.unit_code,
                    report.digest
                );
                Ok(())
            }
            Self::List => {
                let installations = host.db.installations().await?;
                if installations.is_empty() {
                    println!("no plugins installed");
                }
                for record in installations {
                    println!(
                        "{}@{}  installation {} at {} {}  grants [{}]",
                        record.plugin_id,
                        record.version,
                        record.id,
                        record.unit_code,
                        record.unit_name,
                        record.grants.join(", ")
                    );
                }
                Ok(())
            }
        }
    }
}
