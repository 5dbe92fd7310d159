//! The shared state: the opened platform ([`Host`]: database, plugin runtime, metrics,
//! working-day calendar, settings), the [`Ground`] the rules work on, and, once the
//! installed plugins are loaded, the [`AppState`] that the doors, the hook delivery, the
//! schedules and the catalog reload all share. It lives below HTTP so that none of those
//! imports upward.

use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};

use crate::config::Settings;
use crate::db::Db;
use crate::grid::calendar::WorkingCalendar;
use crate::metrics::Metrics;
use crate::plugins::Catalog;
use crate::plugins::hooks::Hooks;
use crate::runtime::Runtime;

impl std::fmt::Debug for Ground {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ground")
            .field("db", &self.db.backend())
            .finish_non_exhaustive()
    }
}

/// What the rules work on: the database, the working-day calendar, and the hooks that tell
/// plugins of the changes the rules commit. Cheap to clone; the state holds one, and so
/// does every plugin installation, whose imports call the same rules.
#[derive(Clone)]
pub struct Ground {
    /// The database.
    pub db: Db,
    /// The working-day calendar (SLA deadlines).
    pub calendar: Arc<WorkingCalendar>,
    /// Where committed changes are announced to plugins.
    pub hooks: Hooks,
}

/// The database, runtime, metrics, calendar and settings: what every command needs.
pub struct Host {
    /// The database, migrated.
    pub db: Db,
    /// The plugin runtime.
    pub runtime: Runtime,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The working-day calendar: the shipped years plus the data directory's own.
    pub calendar: Arc<WorkingCalendar>,
    /// The settings it was opened with.
    pub settings: Settings,
}

impl Host {
    /// Creates the data directory, opens the database (running migrations), builds the
    /// runtime with the settings' limits and reads the working-day calendar.
    pub async fn open(settings: Settings) -> anyhow::Result<Self> {
        let storage = &settings.storage;
        std::fs::create_dir_all(&storage.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create data directory {}: {e}",
                storage.data_dir.display()
            )
        })?;
        let db = Db::connect(&storage.database_url()).await?;
        let runtime = Runtime::new(settings.limits.clone(), &storage.cache_dir())?;
        let calendar = WorkingCalendar::builtin_with_overrides(&storage.calendar_path())?;
        Ok(Self {
            db,
            runtime,
            metrics: Arc::new(Metrics::default()),
            calendar: Arc::new(calendar),
            settings,
        })
    }

    /// The ground for rules run outside a server (the command line, the lifecycle's
    /// hooks): its hooks deliver nothing, since no catalog is being served.
    pub fn ground(&self) -> Ground {
        Ground {
            db: self.db.clone(),
            calendar: Arc::clone(&self.calendar),
            hooks: Hooks::none(self.db.clone()),
        }
    }

    /// Loads the installed plugins and returns the shared state.
    pub async fn into_state(self) -> anyhow::Result<AppState> {
        let state = AppState::new(self, Catalog::default());
        let catalog = Catalog::load(state.ground(), state.runtime(), state.metrics()).await?;
        state.replace_catalog(catalog);
        Ok(state)
    }
}

/// What the doors, the rules and the background tasks share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    ground: Ground,
    // Swapped whole by the reload task (`plugins::reload`); a request loads the pointer
    // once and keeps the catalog it got, so one in flight finishes on the old one. Shared
    // with the ground's hooks, which deliver to the catalog in force.
    catalog: Arc<ArcSwap<Catalog>>,
    metrics: Arc<Metrics>,
    // Compiles reloaded plugins, and keeps the engine's epoch ticker alive for all of them.
    runtime: Runtime,
    settings: Settings,
}

impl AppState {
    /// The state of `host` serving the plugins loaded into `catalog` (an empty catalog for
    /// the standalone registry, which serves packages, not pages). Plugins loaded for this
    /// state take its [`AppState::ground`], whose hooks deliver to its catalog.
    pub fn new(host: Host, catalog: Catalog) -> Self {
        let Host {
            db,
            runtime,
            metrics,
            calendar,
            settings,
        } = host;
        let catalog = Arc::new(ArcSwap::from_pointee(catalog));
        let hooks = Hooks::new(&catalog, db.clone(), settings.hook_retries);
        Self {
            inner: Arc::new(Inner {
                ground: Ground {
                    db,
                    calendar,
                    hooks,
                },
                catalog,
                metrics,
                runtime,
                settings,
            }),
        }
    }

    /// What the rules work on.
    pub fn ground(&self) -> &Ground {
        &self.inner.ground
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.ground.db
    }

    /// The catalog in force: one atomic pointer load, no lock. Drop the guard before any
    /// `.await` (clone what you need out of it) so a reload is never held up.
    pub fn catalog(&self) -> Guard<Arc<Catalog>> {
        self.inner.catalog.load()
    }

    /// Puts `catalog` in force for the requests that start from now on.
    pub fn replace_catalog(&self, catalog: Catalog) {
        self.inner.catalog.store(Arc::new(catalog));
    }

    /// The plugin runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The settings the host was started with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }
}
