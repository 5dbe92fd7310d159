//! The database: one pool over SQLite (embedded default, one file in WAL mode) or
//! PostgreSQL (production), with the embedded migrations run at start-up.
//!
//! Queries go through sqlx's `Any` driver with `$1`-style placeholders, which both backends
//! accept, so each query is written once. Where the dialects differ, [`Db::backend`] says
//! which one is in use.

pub mod accounts;
pub mod assessment;
pub mod audit;
#[cfg(test)]
mod base_data_tests;
pub mod catalog_version;
pub mod disputes;
pub mod evaluations;
pub mod event_notices;
pub mod event_photos;
pub mod events;
pub mod hook_retries;
pub mod house_upkeep;
pub mod houses;
pub mod inbox;
pub mod installations;
pub mod organizations;
pub mod plugin_categories;
pub mod plugin_storage;
pub mod plugins;
pub mod resident_upkeep;
pub mod residents;
pub mod schedule_runs;
pub mod sign_in_codes;
pub mod special_populations;
pub mod stats;
pub mod storage_snapshot;
pub mod summons;
#[cfg(test)]
pub(crate) mod test_engines;
pub mod units;
pub mod users;
pub mod verification;
pub mod warnings;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// Production.
    Postgres,
}

/// A connection pool and the engine behind it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Set on every SQLite connection: WAL so readers never block the writer; `NORMAL` sync,
/// which is durable across application crashes in WAL mode; foreign keys on; and a writer
/// waits up to five seconds for the single write lock (storage writes are short, so five
/// seconds only runs out when something is badly wrong).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
    PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// Connections per pool. SQLite allows one writer at a time anyway; PostgreSQL servers are
/// usually sized for a few dozen connections per host node.
const MAX_CONNECTIONS: u32 = 16;

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`) and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!(
                "database URL `{url}`: expected `sqlite://FILE` or `postgres://USER@HOST/DB`"
            );
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| anyhow::anyhow!("database URL `{url}`: {e}"))?;
        let pool = AnyPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open database `{url}`: {e}"))?;
        let db = Self { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    /// Opens (creating if needed) the SQLite file at `path`.
    pub async fn open_sqlite_file(path: &std::path::Path) -> anyhow::Result<Self> {
        Self::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
        self.backfill_address_keys()
            .await
            .map_err(|e| anyhow::anyhow!("cannot fill in the houses' address keys: {e}"))
    }

    /// The pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so that two read-then-write transactions cannot deadlock; on
    /// PostgreSQL callers lock the rows they read with `FOR UPDATE`.
    pub async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}
