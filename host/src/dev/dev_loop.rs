//! `wangge plugin dev`: a local host with the fixtures, serving the plugin being written,
//! rebuilding and reloading it whenever its sources change. The server is never restarted:
//! a rebuilt component replaces the installed one in the database, and the server's
//! catalog reload (`plugins::reload`) picks it up, exactly as a production host picks up an
//! upgrade. Traps are logged with the plugin's own backtrace (function names and source
//! lines), because the dev runtime keeps line tables and resolves them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::build::{BuildOptions, BuiltPlugin, build_plugin};
use super::fixtures::{FIXTURE_INSTALL_UNIT, ensure_fixtures};
use super::validate::validate;
use super::watch::Snapshot;
use crate::config::{Settings, StorageArgs};
use crate::plugins::{AddOptions, add_local_plugin};
use crate::runtime::limits::Limits;
use crate::server::serve;
use crate::state::AppState;
use crate::state::Host;

/// How often the sources are looked at.
const WATCH_INTERVAL: Duration = Duration::from_millis(400);

/// How often the server looks for a reinstalled plugin: quick, since this is one
/// developer's machine.
const RELOAD_INTERVAL: Duration = Duration::from_millis(200);

/// What to run.
#[derive(Debug, Clone)]
pub struct DevOptions {
    /// The plugin crate's folder.
    pub dir: PathBuf,
    /// Where to serve.
    pub listen: SocketAddr,
    /// Where the dev host keeps its database [default: `DIR/target/wangge-dev`].
    pub data_dir: Option<PathBuf>,
    /// `KEY=VALUE` config values for the installation.
    pub config: Vec<String>,
}

/// Runs the dev loop until Ctrl-C.
pub async fn run(options: DevOptions, mut limits: Limits) -> anyhow::Result<()> {
    let dir = options
        .dir
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot open plugin folder {}: {e}", options.dir.display()))?;
    let data_dir = options
        .data_dir
        .clone()
        .unwrap_or_else(|| dir.join("target/wangge-dev"));
    limits.detailed_backtraces = true;
    let storage = StorageArgs {
        data_dir: data_dir.clone(),
        database_url: None,
    };
    let settings = Settings {
        catalog_poll: RELOAD_INTERVAL,
        ..Settings::new(storage, limits)
    };
    let host = Host::open(settings).await?;
    eprintln!(
        "… fixtures (黄石市 demo tree, residents, events, users) in {}",
        data_dir.display()
    );
    ensure_fixtures(&host.db).await?;
    let state = host.into_state().await?;
    let server = tokio::spawn(serve(options.listen, state.clone()));
    let installer = Installer {
        state,
        config: options.config.clone(),
    };
    let mut seen = Snapshot::take(&dir);
    let mut installed = installer.rebuild(&dir).await;
    if let Ok(plugin_id) = &installed {
        print_urls(plugin_id);
    }
    eprintln!("watching {} for changes (Ctrl-C stops)", dir.display());
    while !server.is_finished() {
        tokio::time::sleep(WATCH_INTERVAL).await;
        let now = Snapshot::take(&dir);
        let changed = now.changed_since(&seen);
        if changed.is_empty() {
            continue;
        }
        seen = now;
        let names: Vec<String> = changed
            .iter()
            .map(|path| {
                path.strip_prefix(&dir)
                    .unwrap_or(path)
                    .display()
                    .to_string()
            })
            .collect();
        eprintln!("changed: {}", names.join(", "));
        let rebuilt = installer.rebuild(&dir).await;
        if let (Err(()), Ok(plugin_id)) = (&installed, &rebuilt) {
            print_urls(plugin_id);
        }
        if rebuilt.is_ok() {
            installed = rebuilt;
        }
    }
    server.await?
}

fn print_urls(plugin_id: &str) {
    eprintln!(
        "open /p/{plugin_id}/ (sign in as resident, worker, admin or leader; password `{}`)",
        crate::demo_data::users::DEMO_PASSWORD
    );
}

/// Builds and (re)installs the plugin at the fixture street.
struct Installer {
    /// The serving host's state: the same database and runtime, so what is installed is
    /// what the server reloads.
    state: AppState,
    config: Vec<String>,
}

impl Installer {
    /// Rebuilds and reinstalls; a failure is printed and the last good version keeps
    /// serving. Returns the plugin id.
    async fn rebuild(&self, dir: &Path) -> Result<String, ()> {
        let started = Instant::now();
        let outcome = self.try_rebuild(dir).await;
        match outcome {
            Ok(plugin_id) => {
                eprintln!(
                    "✓ {plugin_id} rebuilt and reloaded in {:.1}s",
                    started.elapsed().as_secs_f64()
                );
                Ok(plugin_id)
            }
            Err(error) => {
                eprintln!("✗ {error:#}\n  (the previous build keeps serving; fix and save)");
                Err(())
            }
        }
    }

    async fn try_rebuild(&self, dir: &Path) -> anyhow::Result<String> {
        let owned = dir.to_path_buf();
        let built: BuiltPlugin = tokio::task::spawn_blocking(move || {
            build_plugin(&owned, BuildOptions { line_tables: true })
        })
        .await??;
        let bytes = std::fs::read(&built.component)?;
        let validation = validate(self.state.runtime(), &built.manifest, &bytes)?;
        for warning in &validation.warnings {
            eprintln!("! {warning}");
        }
        let unit = self
            .state
            .db()
            .unit(FIXTURE_INSTALL_UNIT)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the fixture unit {FIXTURE_INSTALL_UNIT} is missing"))?;
        add_local_plugin(
            self.state.ground(),
            self.state.runtime(),
            self.state.metrics(),
            &AddOptions {
                component: built.component.clone(),
                manifest: Some(built.manifest_path.clone()),
                unit_code: FIXTURE_INSTALL_UNIT.to_owned(),
                unit_name: unit.name,
                config: self.config.clone(),
                replace: true,
            },
        )
        .await?;
        Ok(built.manifest.id.to_string())
    }
}
