//! `wangge plugin …`: pack plugins, register local plugins, install and manage registry
//! versions (`crate::plugins::lifecycle`), and list what is installed.

use super::progress::Steps;
use std::path::PathBuf;

use clap::Subcommand;
use wangge_registry::Package;

use crate::db::plugins::Registration;
use crate::plugins::Catalog;
use crate::plugins::hooks::schedules;
use crate::plugins::lifecycle::{self, Lifecycle};
use crate::plugins::{AddOptions, add_local_plugin};
use crate::registry_service::Actor;
use crate::runtime::compile_cache::CacheOutcome;
use crate::state::Host;

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
    /// Install an approved registry version at a unit, granting what it asks for.
    Install {
        /// Plugin id.
        plugin: String,
        #[command(flatten)]
        target: Target,
        /// Install this version instead of the newest approved one.
        #[arg(long)]
        version: Option<String>,
        /// Take the version from the registry at this URL (`http://host:port`, a
        /// province's `wangge registry serve`); its publisher's key must be pinned here.
        #[arg(long, value_name = "URL")]
        registry: Option<String>,
        #[command(flatten)]
        consent: Consent,
        /// A config value, KEY=VALUE, checked against the manifest's config schema.
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
    },
    /// Upgrade an installation to a newer approved version; added permissions need granting.
    Upgrade {
        /// Plugin id.
        plugin: String,
        #[command(flatten)]
        target: Target,
        /// Upgrade to this version instead of the newest approved one.
        #[arg(long)]
        version: Option<String>,
        /// Take the version from the registry at this URL (`http://host:port`, a
        /// province's `wangge registry serve`); its publisher's key must be pinned here.
        #[arg(long, value_name = "URL")]
        registry: Option<String>,
        #[command(flatten)]
        consent: Consent,
        /// A config change, KEY=VALUE.
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
    },
    /// Return an installation to the version before its last upgrade (data kept).
    Rollback {
        /// Plugin id.
        plugin: String,
        #[command(flatten)]
        target: Target,
    },
    /// Switch an installation off: its pages answer "disabled by the administrator".
    Disable {
        /// Plugin id.
        plugin: String,
        #[command(flatten)]
        target: Target,
    },
    /// Switch a disabled installation back on.
    Enable {
        /// Plugin id.
        plugin: String,
        #[command(flatten)]
        target: Target,
    },
    /// Uninstall, keeping, exporting (JSON) or purging the installation's data.
    Uninstall {
        /// Plugin id.
        plugin: String,
        #[command(flatten)]
        target: Target,
        /// `keep` (for a reinstall here), `export FILE.json` (then removed), or `purge`.
        #[arg(long, num_args = 1..=2, value_names = ["keep|export|purge", "FILE"], required = true)]
        data: Vec<String>,
    },
    /// List installations: unit, version, state, package digest, permissions.
    List,
    /// Fire one of an installation's declared schedules now (the server fires them on
    /// time by itself); the firing is recorded like a timed one.
    RunSchedule {
        /// Plugin id.
        plugin: String,
        /// The schedule's name, as plugin.toml declares it.
        schedule: String,
        #[command(flatten)]
        target: Target,
    },
    #[command(flatten)]
    Authoring(super::plugin_authoring::AuthoringCommand),
    /// Pack a plugin into a `.wgp` package; the same files always give the same digest.
    Package {
        /// The manifest.
        #[arg(long, default_value = "plugin.toml")]
        manifest: PathBuf,
        /// The component, built for wasm32-wasip2.
        #[arg(long)]
        component: PathBuf,
        /// The README reviewers and admins read.
        #[arg(long, default_value = "README.md")]
        readme: PathBuf,
        /// A folder of static assets (css, images, fonts) [default: none].
        #[arg(long)]
        assets: Option<PathBuf>,
        /// Where to write the package.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

/// The installation's unit.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// Code of the unit the installation is at (it covers the unit's subtree).
    #[arg(long)]
    unit: String,
}

/// The administrator's consent to the permissions a version asks for.
#[derive(Debug, clap::Args)]
pub struct Consent {
    /// Grant one requested permission (repeat for each).
    #[arg(long = "grant", value_name = "PERMISSION")]
    grant: Vec<String>,
    /// Grant every permission the version asks for, as listed.
    #[arg(long)]
    grant_all_requested: bool,
}

impl Consent {
    fn grants(self) -> lifecycle::consent::Grants {
        lifecycle::consent::Grants {
            named: self.grant,
            all_requested: self.grant_all_requested,
        }
    }
}

impl PluginCommand {
    /// Whether the command runs without the database (packing is a developer's task).
    pub fn needs_no_database(&self) -> bool {
        matches!(self, Self::Package { .. })
    }

    /// Runs a command that needs no database.
    pub fn run_without_host(self) -> anyhow::Result<()> {
        let Self::Package {
            manifest,
            component,
            readme,
            assets,
            output,
        } = self
        else {
            anyhow::bail!("this plugin command needs the database");
        };
        eprintln!("… packing {}", component.display());
        let bytes = Package::build(&manifest, &component, &readme, assets.as_deref())?;
        std::fs::write(&output, &bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
        println!(
            "{}: {} bytes, {}",
            output.display(),
            bytes.len(),
            wangge_registry::digest(&bytes)
        );
        Ok(())
    }

    /// Runs the command.
    pub async fn run(self, host: &Host) -> anyhow::Result<()> {
        match self {
            Self::Package { .. } => self.run_without_host(),
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
                    add_local_plugin(&host.ground(), &host.runtime, &host.metrics, &options)
                        .await?;
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
                    let digest = record
                        .package_digest
                        .as_deref()
                        .map_or("local", |d| d.get(..19).unwrap_or(d));
                    println!(
                        "{}@{}  {}  at {} {}  installation {}  {}  grants [{}]",
                        record.plugin_id,
                        record.version,
                        record.state,
                        record.unit_code,
                        record.unit_name,
                        record.id,
                        digest,
                        record.grants.join(", ")
                    );
                }
                Ok(())
            }
            Self::RunSchedule {
                plugin,
                schedule,
                target,
            } => run_schedule(host, &plugin, &schedule, &target.unit).await,
            other => run_lifecycle(other, host).await,
        }
    }
}

async fn run_lifecycle(command: PluginCommand, host: &Host) -> anyhow::Result<()> {
    let actor = Actor::cli(None);
    let steps = Steps::new();
    let progress = |text: &str| steps.step(text);
    let lifecycle = Lifecycle {
        ground: &host.ground(),
        runtime: &host.runtime,
        metrics: &host.metrics,
        actor: &actor,
        progress: &progress,
    };
    match command {
        PluginCommand::Install {
            plugin,
            target,
            version,
            registry,
            consent,
            config,
        } => {
            let installed = lifecycle::install(
                &lifecycle,
                &lifecycle::InstallRequest {
                    plugin_id: plugin.clone(),
                    unit_code: target.unit.clone(),
                    version,
                    registry,
                    grants: consent.grants(),
                    config,
                },
            )
            .await?;
            println!(
                "{plugin} {} installed at {} (installation {}{}); {}; grants [{}]",
                installed.version,
                target.unit,
                installed.installation_id,
                if installed.reinstalled {
                    ", its kept data taken over"
                } else {
                    ""
                },
                installed.package_digest,
                installed.grants.join(", ")
            );
        }
        PluginCommand::Upgrade {
            plugin,
            target,
            version,
            registry,
            consent,
            config,
        } => {
            let upgraded = lifecycle::upgrade(
                &lifecycle,
                &lifecycle::UpgradeRequest {
                    plugin_id: plugin.clone(),
                    unit_code: target.unit.clone(),
                    version,
                    registry,
                    grants: consent.grants(),
                    config,
                },
            )
            .await?;
            println!(
                "{plugin} upgraded {} → {} at {}; {}",
                upgraded.from, upgraded.to, target.unit, upgraded.package_digest
            );
        }
        PluginCommand::Rollback { plugin, target } => {
            let done = lifecycle::rollback(&lifecycle, &plugin, &target.unit).await?;
            println!(
                "{plugin} rolled back {} → {} at {}",
                done.from, done.to, target.unit
            );
        }
        PluginCommand::Disable { plugin, target } => {
            lifecycle::disable(&lifecycle, &plugin, &target.unit).await?;
            println!("{plugin} disabled at {}", target.unit);
        }
        PluginCommand::Enable { plugin, target } => {
            lifecycle::enable(&lifecycle, &plugin, &target.unit).await?;
            println!("{plugin} enabled at {}", target.unit);
        }
        PluginCommand::Uninstall {
            plugin,
            target,
            data,
        } => {
            let choice = lifecycle::DataChoice::parse(&data)?;
            let done = lifecycle::uninstall(&lifecycle, &plugin, &target.unit, &choice).await?;
            println!(
                "{plugin} {} uninstalled at {} ({} storage keys: {})",
                done.version,
                target.unit,
                done.keys,
                data.join(" ")
            );
        }
        PluginCommand::Add { .. }
        | PluginCommand::List
        | PluginCommand::RunSchedule { .. }
        | PluginCommand::Package { .. }
        | PluginCommand::Authoring(_) => {
            anyhow::bail!("not a lifecycle command")
        }
    }
    Ok(())
}

/// `plugin run-schedule`: fires `schedule` of the installation of `plugin` at `unit` now.
async fn run_schedule(host: &Host, plugin: &str, schedule: &str, unit: &str) -> anyhow::Result<()> {
    let catalog = Catalog::load(&host.ground(), &host.runtime, &host.metrics).await?;
    let loaded = catalog
        .all_loaded()
        .find(|p| p.installation.plugin_id() == plugin && p.installation.unit.code == unit)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{plugin} is not installed and enabled at unit {unit} (see `plugin list`)"
            )
        })?;
    let declared: Vec<&str> = loaded
        .installation
        .manifest
        .schedules
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    anyhow::ensure!(
        declared.contains(&schedule),
        "{plugin} declares no schedule `{schedule}` (it declares: {})",
        if declared.is_empty() {
            "none".to_owned()
        } else {
            declared.join(", ")
        }
    );
    let installation = loaded.installation.id;
    let now = crate::db::now_ms();
    let last = host.db.schedule_last_fired(installation, schedule).await?;
    anyhow::ensure!(
        host.db
            .claim_schedule_firing(installation, schedule, last, now)
            .await?,
        "the schedule fired at this moment elsewhere; nothing done"
    );
    schedules::fire(loaded, schedule, now).await?;
    println!("fired {schedule} of {plugin} at {unit}");
    Ok(())
}
