//! Opening the host (database, runtime, plugins) and serving it over HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::config::{LimitArgs, StorageArgs};
use crate::db::Db;
use crate::grid::calendar::WorkingCalendar;
use crate::http::{AppState, app};
use crate::metrics::Metrics;
use crate::plugins::Catalog;
use crate::runtime::Runtime;
use crate::runtime::limits::Limits;

/// The database, runtime and metrics: what every command needs.
pub struct Host {
    /// The database, migrated.
    pub db: Db,
    /// The plugin runtime.
    pub runtime: Runtime,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The working-day calendar: the shipped years plus the data directory's own.
    pub calendar: Arc<WorkingCalendar>,
}

impl Host {
    /// Opens the database (running migrations) and builds the runtime.
    pub async fn open(storage: &StorageArgs, limits: &LimitArgs) -> anyhow::Result<Self> {
        Self::open_with_limits(storage, &limits.limits()?).await
    }

    /// [`Host::open`] with limits already checked (the dev server and the test harness set
    /// their own).
    pub async fn open_with_limits(storage: &StorageArgs, limits: &Limits) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&storage.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create data directory {}: {e}",
                storage.data_dir.display()
            )
        })?;
        let db = Db::connect(&storage.database_url()).await?;
        let runtime = Runtime::new(limits.clone(), &storage.cache_dir())?;
        let calendar = WorkingCalendar::builtin_with_overrides(&storage.calendar_path())?;
        Ok(Self {
            db,
            runtime,
            metrics: Arc::new(Metrics::default()),
            calendar: Arc::new(calendar),
        })
    }

    /// Loads the installed plugins and returns the HTTP state.
    pub async fn into_state(self) -> anyhow::Result<AppState> {
        let catalog = Catalog::load(&self.db, &self.runtime, &self.metrics).await?;
        Ok(AppState::new(
            self.db,
            self.runtime,
            self.metrics,
            catalog,
            self.calendar,
        ))
    }
}

/// Serves `state` on `listen` until Ctrl-C, reading the catalog's change marker every
/// `catalog_poll` (see `plugins::reload`). Prints the bound address on stdout first, so a
/// caller that asked for port 0 learns the port.
pub async fn serve(
    listen: SocketAddr,
    state: AppState,
    catalog_poll: std::time::Duration,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    tokio::spawn(supervise_periodically(state.database().clone()));
    tokio::spawn(crate::plugins::reload::watch(state.clone(), catalog_poll));
    tokio::spawn(crate::plugins::hooks::schedules::run(state.clone()));
    println!("listening on http://{addr}");
    tracing::info!(%addr, "serving");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// How often the server sweeps for overdue events. Deadlines are whole days, so a few
/// minutes' delay in marking one supervised is of no consequence.
const SUPERVISION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Marks overdue events supervised (督办) now and then every [`SUPERVISION_INTERVAL`].
async fn supervise_periodically(db: Db) {
    let mut ticks = tokio::time::interval(SUPERVISION_INTERVAL);
    loop {
        ticks.tick().await;
        let today = crate::grid::calendar::today_in_china().to_string();
        match db.supervise_overdue(&today).await {
            Ok(marked) if !marked.is_empty() => {
                tracing::info!(events = ?marked, "overdue events supervised");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "supervision sweep failed"),
        }
    }
}
