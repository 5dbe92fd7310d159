//! A real host in process: a temporary data folder with an SQLite database holding the
//! fixtures, the plugin runtime (with backtraces that name the plugin's functions), and
//! the router every request goes through.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use tempfile::TempDir;
use wangge_host::auth::token;
use wangge_host::config::{Settings, StorageArgs};
use wangge_host::dev::fixtures::{FIXTURE_INSTALL_UNIT, ensure_fixtures};
use wangge_host::http::app;
use wangge_host::plugins::{AddOptions, Catalog, add_local_plugin};
use wangge_host::runtime::limits::Limits;
use wangge_host::state::{AppState, Host};

use crate::build_cache::built;
use crate::client::Client;
use crate::installed::Installed;

/// How long a test session lasts: longer than any test.
const SESSION: Duration = Duration::from_secs(24 * 3600);

/// Where and how to install.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    /// The unit to install at [default: the demo street 黄石港街道, 420202001].
    pub unit: String,
    /// `KEY=VALUE` config values, checked against the manifest's config schema.
    pub config: Vec<String>,
}

impl Default for InstallOptions {
    fn default() -> Self {
        Self {
            unit: FIXTURE_INSTALL_UNIT.to_owned(),
            config: Vec::new(),
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// Who: `user:NAME`, `plugin:ID#N` …
    pub actor: String,
    /// What, e.g. `residents.read_sensitive`.
    pub action: String,
    /// To what.
    pub subject: String,
    /// Where.
    pub unit_code: Option<String>,
    /// The JSON detail.
    pub detail: serde_json::Value,
}

/// A host with the fixtures, for one test.
pub struct TestHost {
    runtime: tokio::runtime::Runtime,
    pub(crate) state: AppState,
    pub(crate) router: Router,
    _data: TempDir,
}

impl TestHost {
    /// Starts a host over a new database with the fixtures. Panics, saying why, when it
    /// cannot (a test cannot go on without it).
    pub fn start() -> Self {
        Self::try_start().unwrap_or_else(|e| panic!("cannot start the test host: {e:#}"))
    }

    fn try_start() -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let data = tempfile::tempdir()?;
        let storage = StorageArgs {
            data_dir: data.path().to_path_buf(),
            database_url: None,
        };
        let limits = Limits {
            detailed_backtraces: true,
            // A few instances are plenty for a test and keep the reserved memory small.
            max_concurrent_instances: 16,
            ..Limits::default()
        };
        let state = runtime.block_on(async {
            let host = Host::open(Settings::new(storage, limits)).await?;
            ensure_fixtures(&host.db).await?;
            host.into_state().await
        })?;
        let router = app(state.clone());
        Ok(Self {
            runtime,
            state,
            router,
            _data: data,
        })
    }

    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Builds the plugin crate in `plugin_dir` (once per test process) and installs it at
    /// the demo street, granting every permission its manifest asks for.
    pub fn install(&self, plugin_dir: impl AsRef<Path>) -> Installed<'_> {
        self.install_with(plugin_dir, InstallOptions::default())
    }

    /// [`TestHost::install`] at another unit or with config values.
    pub fn install_with(
        &self,
        plugin_dir: impl AsRef<Path>,
        options: InstallOptions,
    ) -> Installed<'_> {
        let dir = plugin_dir.as_ref();
        self.try_install(dir, &options)
            .unwrap_or_else(|e| panic!("cannot install the plugin in {}: {e:#}", dir.display()))
    }

    fn try_install(&self, dir: &Path, options: &InstallOptions) -> anyhow::Result<Installed<'_>> {
        let plugin = built(dir)?;
        let state = &self.state;
        let plugin_id = self.block_on(async {
            let unit = state
                .db()
                .unit(&options.unit)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no unit {} in the fixtures", options.unit))?;
            let report = add_local_plugin(
                state.ground(),
                state.runtime(),
                state.metrics(),
                &AddOptions {
                    component: plugin.component.clone(),
                    manifest: Some(plugin.manifest_path.clone()),
                    unit_code: options.unit.clone(),
                    unit_name: unit.name,
                    config: options.config.clone(),
                    replace: true,
                },
            )
            .await?;
            let catalog = Catalog::load(state.ground(), state.runtime(), state.metrics()).await?;
            state.replace_catalog(catalog);
            anyhow::Ok(report.plugin_id)
        })?;
        Ok(Installed {
            host: self,
            plugin_id,
            unit: options.unit.clone(),
        })
    }

    /// Requests as nobody signed in.
    pub fn anonymous(&self) -> Client<'_> {
        Client {
            host: self,
            token: None,
        }
    }

    /// Requests as the demo user `username` (`resident`, `worker`, `admin`, `leader`),
    /// signed in through a real session.
    pub fn as_user(&self, username: &str) -> Client<'_> {
        let token = self
            .sign_in(username)
            .unwrap_or_else(|e| panic!("cannot sign in as {username}: {e:#}"));
        Client {
            host: self,
            token: Some(token),
        }
    }

    fn sign_in(&self, username: &str) -> anyhow::Result<String> {
        let db = self.state.db();
        self.block_on(async {
            let (user, _) = db.user_for_sign_in(username).await?.ok_or_else(|| {
                anyhow::anyhow!(
                    "no user {username}: the fixtures have resident, worker, admin and leader"
                )
            })?;
            let session = token::generate()?;
            let expires = (SystemTime::now() + SESSION).duration_since(UNIX_EPOCH)?;
            let expires_ms = i64::try_from(expires.as_millis())?;
            db.create_session(&token::digest(&session), user.id, expires_ms)
                .await?;
            anyhow::Ok(session)
        })
    }

    /// The id of the fixture resident called `name` (e.g. 张建国, who lives in the demo
    /// grid and is the `resident` user).
    pub fn resident_id(&self, name: &str) -> String {
        let db = self.state.db();
        let found = self.block_on(async {
            db.residents_under("", None, 100_000)
                .await
                .map(|all| all.into_iter().find(|r| r.name == name))
        });
        match found {
            Ok(Some(resident)) => resident.id.to_string(),
            Ok(None) => panic!("no fixture resident is called {name}"),
            Err(e) => panic!("cannot read the residents: {e}"),
        }
    }

    /// The audit log, oldest first, of entries whose action starts with `action_prefix`
    /// (`""` for all).
    pub fn audit(&self, action_prefix: &str) -> Vec<AuditRecord> {
        let db = self.state.db();
        let rows = self
            .block_on(db.audit_all(100_000))
            .unwrap_or_else(|e| panic!("cannot read the audit log: {e}"));
        rows.into_iter()
            .rev()
            .filter(|row| row.action.starts_with(action_prefix))
            .map(|row| AuditRecord {
                actor: row.actor,
                action: row.action,
                subject: row.subject,
                unit_code: row.unit_code,
                detail: serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect()
    }
}
