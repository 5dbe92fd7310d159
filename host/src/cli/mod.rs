//! The `wangge` command line.

mod demo;
mod events;
mod houses;
mod plugin;
mod plugin_authoring;
mod progress;
mod registry;
mod residents;
mod units;
mod users;
mod visits;

use std::net::SocketAddr;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::logging::LogFormat;
use crate::server::serve;
use crate::state::Host;

/// Wangge (网格): the provincial grid-management platform host.
#[derive(Debug, Parser)]
#[command(name = "wangge", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    config: Config,

    /// The log's shape on stderr: `text` for people, `json` (one object a line, with the
    /// request id of every record made while serving a request) for a log collector.
    #[arg(
        long,
        global = true,
        env = "WANGGE_LOG_FORMAT",
        value_enum,
        default_value_t
    )]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the platform over HTTP.
    Serve {
        /// Address to listen on; port 0 picks a free port (printed on start).
        #[arg(long, env = "WANGGE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Manage plugins.
    #[command(subcommand)]
    Plugin(plugin::PluginCommand),
    /// Manage the unit tree (province → city → county → street → community → grid).
    #[command(subcommand)]
    Units(units::UnitsCommand),
    /// Event workflow tasks (事件).
    #[command(subcommand)]
    Events(events::EventsCommand),
    /// Manage houses (实有房屋).
    #[command(subcommand)]
    Houses(houses::HousesCommand),
    /// Manage residents (实有人口).
    #[command(subcommand)]
    Residents(residents::ResidentsCommand),
    /// Manage users and their roles.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// How often special-population records are visited (走访/帮教).
    #[command(subcommand)]
    Visits(visits::VisitsCommand),
    /// Synthetic demo data (`demo seed`).
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// The plugin registry: keys, publish, review, search, serve.
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
}

impl Cli {
    /// The log format asked for, to start logging with before the command runs.
    pub fn log_format(&self) -> LogFormat {
        self.log_format
    }

    /// Runs the command, with the configuration checked first: a bad setting stops every
    /// command before it does anything.
    pub async fn run(self) -> anyhow::Result<()> {
        let settings = self.config.validate()?;
        // Packing, key generation and remote publishing open no database, so a developer's
        // machine gets no data directory.
        let command = match self.command {
            Command::Plugin(plugin::PluginCommand::Authoring(command)) => {
                return command.run(&settings.limits).await;
            }
            Command::Plugin(command) if command.needs_no_database() => {
                return command.run_without_host();
            }
            Command::Registry(command) if command.needs_no_database() => {
                return command.run_without_host().await;
            }
            command => command,
        };
        let host = Host::open(settings).await?;
        match command {
            Command::Serve { listen } => serve(listen, host.into_state().await?).await,
            Command::Plugin(command) => command.run(&host).await,
            Command::Units(command) => command.run(&host).await,
            Command::Users(command) => command.run(&host).await,
            Command::Residents(command) => command.run(&host).await,
            Command::Houses(command) => command.run(&host).await,
            Command::Events(command) => command.run(&host).await,
            Command::Visits(command) => command.run(&host).await,
            Command::Demo(command) => command.run(&host).await,
            Command::Registry(command) => command.run(host).await,
        }
    }
}
