//! Configuration: every setting of the host, read once from the command line and `WANGGE_*`
//! environment variables into one [`Config`], and checked at start-up into the [`Settings`]
//! the host is opened with and the shared state carries. Library code never reads the
//! environment itself, and no setting reaches a handler any other way.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::auth::sign_in_code::Delivery;
use crate::plugins::hooks::retries::{self, RetryPolicy};
use crate::runtime::limits::{self, Limits};

/// Every setting of the host: where its data is, the limits on plugin calls, how a server
/// follows installation changes, where the browser libraries are and how sign-in codes reach
/// people. Flattened into the command line; subcommands add only their own arguments.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Where the data is.
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Limits on plugin calls.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// How `serve` follows installation changes.
    #[command(flatten)]
    pub reload: ReloadArgs,
    /// Where the browser libraries are.
    #[command(flatten)]
    pub front: FrontArgs,
    /// How sign-in codes reach people.
    #[command(flatten)]
    pub sign_in: SignInCodeArgs,
    /// How faulted hook deliveries are retried.
    #[command(flatten)]
    pub hook_retries: HookRetryArgs,
}

impl Config {
    /// The settings, every value checked; the first bad one is named by its flag.
    pub fn validate(&self) -> anyhow::Result<Settings> {
        Ok(Settings {
            storage: self.storage.clone(),
            limits: self.limits.limits()?,
            catalog_poll: self.reload.catalog_poll_interval()?,
            front_dir: self.front.front_dir.clone(),
            sign_in_codes: self.sign_in.sign_in_codes,
            hook_retries: self.hook_retries.policy()?,
        })
    }
}

/// The configuration, checked: what the host is opened with ([`crate::state::Host::open`])
/// and what the shared state hands to the parts that need a setting.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the data is.
    pub storage: StorageArgs,
    /// Limits on plugin calls.
    pub limits: Limits,
    /// How often `serve` reads the catalog's change marker.
    pub catalog_poll: Duration,
    /// Where `echarts.min.js` is.
    pub front_dir: PathBuf,
    /// How one-time sign-in codes reach users.
    pub sign_in_codes: Delivery,
    /// How faulted hook deliveries are retried.
    pub hook_retries: RetryPolicy,
}

impl Settings {
    /// The defaults of every setting but where the data is and the limits: what the test
    /// harness, the benchmarks and `plugin dev` open their hosts with.
    pub fn new(storage: StorageArgs, limits: Limits) -> Self {
        Self {
            storage,
            limits,
            catalog_poll: crate::plugins::reload::CATALOG_POLL_INTERVAL,
            front_dir: PathBuf::from(DEFAULT_FRONT_DIR),
            sign_in_codes: Delivery::Off,
            hook_retries: RetryPolicy::default(),
        }
    }
}

/// Where `npm ci` in `front/` puts ECharts' browser build.
pub const DEFAULT_FRONT_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../front/node_modules/echarts/dist"
);

/// Where the browser libraries are.
#[derive(Debug, Clone, Args)]
pub struct FrontArgs {
    /// Directory holding `echarts.min.js` for the leader dashboards (`npm ci` in `front/`,
    /// which `cargo xtask test` and `cargo xtask demo` run).
    #[arg(long, env = "WANGGE_FRONT_DIR", default_value = DEFAULT_FRONT_DIR, global = true)]
    pub front_dir: PathBuf,
}

/// How one-time sign-in codes reach users.
#[derive(Debug, Clone, Args)]
pub struct SignInCodeArgs {
    /// How one-time sign-in codes reach users: `off` (password sign-in only) or `log`
    /// (written to this server's log, for demos and development only). This build has no
    /// SMS gateway, so there is no way yet to send a code to a phone.
    #[arg(
        long,
        env = "WANGGE_SIGN_IN_CODES",
        value_enum,
        default_value_t = Delivery::Off,
        global = true
    )]
    pub sign_in_codes: Delivery,
}

/// Where the host keeps its data.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory for the embedded database and the compiled-component cache.
    #[arg(
        long,
        env = "WANGGE_DATA_DIR",
        default_value = "wangge-data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://FILE` or `postgres://USER@HOST/DB`. Default: an SQLite file
    /// `wangge.db` in the data directory.
    #[arg(long, env = "WANGGE_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl StorageArgs {
    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("wangge.db").display()
            )
        })
    }

    /// The compiled-component cache.
    pub fn cache_dir(&self) -> PathBuf {
        self.data_dir.join("cache").join("components")
    }

    /// The operator's additions to the working-day calendar (optional).
    pub fn calendar_path(&self) -> PathBuf {
        self.data_dir.join("working-calendar.toml")
    }
}

/// How a hook delivery that faulted (a trap, a deadline) is tried again: after the base
/// delay, doubling each time, until the attempts are spent; then it stays in the console
/// as failed.
#[derive(Debug, Clone, Args)]
pub struct HookRetryArgs {
    /// Delay before the first retry of a faulted hook delivery, in milliseconds; each
    /// further retry waits twice as long (at most an hour).
    #[arg(long, env = "WANGGE_HOOK_RETRY_BASE_MS", default_value_t = retries::DEFAULT_BASE.as_millis() as u64, global = true)]
    pub hook_retry_base_ms: u64,

    /// Attempts of one hook delivery in all, the first included, before it is given up.
    #[arg(long, env = "WANGGE_HOOK_RETRY_ATTEMPTS", default_value_t = retries::DEFAULT_ATTEMPTS, global = true)]
    pub hook_retry_attempts: u32,
}

impl HookRetryArgs {
    /// The policy, validated.
    pub fn policy(&self) -> anyhow::Result<RetryPolicy> {
        anyhow::ensure!(
            self.hook_retry_base_ms > 0,
            "--hook-retry-base-ms: must be greater than zero"
        );
        anyhow::ensure!(
            (1..=20).contains(&self.hook_retry_attempts),
            "--hook-retry-attempts: expected 1 to 20"
        );
        Ok(RetryPolicy {
            base: Duration::from_millis(self.hook_retry_base_ms),
            attempts: self.hook_retry_attempts,
        })
    }
}

/// How `serve` follows installation changes made while it runs.
#[derive(Debug, Clone, Args)]
pub struct ReloadArgs {
    /// How often, in milliseconds, the server checks whether plugin installations changed
    /// (and reloads them if so).
    #[arg(long, env = "WANGGE_CATALOG_POLL_MS", default_value_t = crate::plugins::reload::CATALOG_POLL_INTERVAL.as_millis() as u64, global = true)]
    pub catalog_poll_ms: u64,
}

impl ReloadArgs {
    /// The poll interval, validated.
    pub fn catalog_poll_interval(&self) -> anyhow::Result<Duration> {
        anyhow::ensure!(
            self.catalog_poll_ms > 0,
            "--catalog-poll-ms: must be greater than zero"
        );
        Ok(Duration::from_millis(self.catalog_poll_ms))
    }
}

/// Limits on plugin calls; each defaults to the constant documented in `runtime::limits`.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Deadline of one page call in milliseconds, host calls included.
    #[arg(long, env = "WANGGE_PAGE_DEADLINE_MS", default_value_t = limits::PAGE_DEADLINE.as_millis() as u64, global = true)]
    pub page_deadline_ms: u64,

    /// Deadline of install and migrate calls in milliseconds.
    #[arg(long, env = "WANGGE_LIFECYCLE_DEADLINE_MS", default_value_t = limits::LIFECYCLE_DEADLINE.as_millis() as u64, global = true)]
    pub lifecycle_deadline_ms: u64,

    /// Linear memory per plugin instance, in MiB.
    #[arg(long, env = "WANGGE_MEMORY_LIMIT_MIB", default_value_t = limits::MEMORY_LIMIT_BYTES >> 20, global = true)]
    pub memory_limit_mib: usize,

    /// Host calls allowed in one plugin call.
    #[arg(long, env = "WANGGE_MAX_HOST_CALLS", default_value_t = limits::MAX_HOST_CALLS, global = true)]
    pub max_host_calls: u32,

    /// Bytes of one page response.
    #[arg(long, env = "WANGGE_MAX_RESPONSE_BYTES", default_value_t = limits::MAX_RESPONSE_BYTES, global = true)]
    pub max_response_bytes: usize,

    /// Storage bytes per installation.
    #[arg(long, env = "WANGGE_STORAGE_QUOTA_BYTES", default_value_t = limits::STORAGE_QUOTA_BYTES, global = true)]
    pub storage_quota_bytes: u64,

    /// Consecutive faults that suspend a plugin.
    #[arg(long, env = "WANGGE_BREAKER_THRESHOLD", default_value_t = limits::BREAKER_THRESHOLD, global = true)]
    pub breaker_threshold: u32,

    /// Seconds a suspended plugin waits before a trial request.
    #[arg(long, env = "WANGGE_BREAKER_COOLDOWN_S", default_value_t = limits::BREAKER_COOLDOWN.as_secs(), global = true)]
    pub breaker_cooldown_s: u64,

    /// Plugin instances alive at once.
    #[arg(long, env = "WANGGE_MAX_CONCURRENT_INSTANCES", default_value_t = limits::MAX_CONCURRENT_INSTANCES, global = true)]
    pub max_concurrent_instances: u32,
}

impl LimitArgs {
    /// The documented defaults, as if no flag or variable were given.
    pub fn parse_defaults() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            limits: LimitArgs,
        }
        <Defaults as clap::Parser>::parse_from(["wangge"]).limits
    }

    /// The limits, validated.
    pub fn limits(&self) -> anyhow::Result<Limits> {
        let positive = [
            ("--page-deadline-ms", self.page_deadline_ms),
            ("--lifecycle-deadline-ms", self.lifecycle_deadline_ms),
            ("--memory-limit-mib", self.memory_limit_mib as u64),
            ("--max-host-calls", u64::from(self.max_host_calls)),
            ("--max-response-bytes", self.max_response_bytes as u64),
            ("--breaker-threshold", u64::from(self.breaker_threshold)),
            (
                "--max-concurrent-instances",
                u64::from(self.max_concurrent_instances),
            ),
        ];
        for (flag, value) in positive {
            anyhow::ensure!(value > 0, "{flag}: must be greater than zero");
        }
        anyhow::ensure!(
            self.memory_limit_mib <= 4096,
            "--memory-limit-mib: at most 4096 (a 32-bit WebAssembly memory)"
        );
        Ok(Limits {
            page_deadline: Duration::from_millis(self.page_deadline_ms),
            lifecycle_deadline: Duration::from_millis(self.lifecycle_deadline_ms),
            memory_bytes: self.memory_limit_mib << 20,
            max_host_calls: self.max_host_calls,
            max_response_bytes: self.max_response_bytes,
            storage_quota_bytes: self.storage_quota_bytes,
            breaker_threshold: self.breaker_threshold,
            breaker_cooldown: Duration::from_secs(self.breaker_cooldown_s),
            max_concurrent_instances: self.max_concurrent_instances,
            detailed_backtraces: false,
        })
    }
}
