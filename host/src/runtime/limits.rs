//! What one plugin call may consume. Every limit is a named constant with the reason for its
//! value; [`Limits`] carries them at run time so an operator can override each one.

use std::time::Duration;

/// A resident on a phone gives up on a page after a few seconds; a plugin page that needs
/// more than two is broken, and must not hold an instance slot longer than that.
pub const PAGE_DEADLINE: Duration = Duration::from_secs(2);

/// Install and migrate may rewrite all of an installation's storage: a larger budget, still
/// bounded so that a looping migration cannot hang an upgrade forever.
pub const LIFECYCLE_DEADLINE: Duration = Duration::from_secs(30);

/// Server-rendered pages need a few MiB; 64 MiB leaves room for large tables and stops a
/// runaway allocation long before it matters to the host's 24 GiB.
pub const MEMORY_LIMIT_BYTES: usize = 64 << 20;

/// A page that makes more than ten thousand host calls is looping over them; the cap bounds
/// the database and log traffic a single request can cause.
pub const MAX_HOST_CALLS: u32 = 10_000;

/// Pages are HTML for phones; 2 MiB is far beyond any real page and keeps one response from
/// filling the host's memory or the resident's data plan.
pub const MAX_RESPONSE_BYTES: usize = 2 << 20;

/// Plugin records (bookings, claims, visit notes) are small; 64 MiB per installation holds
/// hundreds of thousands of them and bounds what one installation adds to the database.
pub const STORAGE_QUOTA_BYTES: u64 = 64 << 20;

/// Five faults in a row is a broken plugin, not bad luck.
pub const BREAKER_THRESHOLD: u32 = 5;

/// How long a tripped plugin stays suspended before one trial request is let through.
pub const BREAKER_COOLDOWN: Duration = Duration::from_secs(60);

/// Instances alive at once across all plugins; each reserves a slot in the pooling
/// allocator. Requests beyond it get a "busy" page instead of queueing without bound.
pub const MAX_CONCURRENT_INSTANCES: u32 = 256;

/// Requests to plugin pages carry forms, not uploads.
pub const MAX_REQUEST_BODY_BYTES: usize = 1 << 20;

/// A key names a record; anything longer than this is data in the wrong place.
pub const MAX_STORAGE_KEY_BYTES: usize = 512;

/// One value; larger documents belong in several keys.
pub const MAX_STORAGE_VALUE_BYTES: usize = 1 << 20;

/// Keys returned by one `list-keys` call; callers page with `after`.
pub const MAX_LIST_KEYS: u32 = 1_000;

/// One log message; longer ones are cut, so logs stay readable and cheap.
pub const MAX_LOG_MESSAGE_BYTES: usize = 4_096;

/// Fields on one log record.
pub const MAX_LOG_FIELDS: usize = 16;

/// How often the engine's epoch advances. The deadline is checked at this granularity,
/// and a running plugin yields to other tasks this often.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Limits in force, each overridable from the command line or environment.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deadline of a page call, host-call time included.
    pub page_deadline: Duration,
    /// Deadline of install, migrate and uninstall.
    pub lifecycle_deadline: Duration,
    /// Linear memory per instance.
    pub memory_bytes: usize,
    /// Host calls per plugin call.
    pub max_host_calls: u32,
    /// Bytes of one page response (body, title and headers).
    pub max_response_bytes: usize,
    /// Storage bytes per installation.
    pub storage_quota_bytes: u64,
    /// Consecutive faults that suspend a plugin.
    pub breaker_threshold: u32,
    /// Suspension before a trial request.
    pub breaker_cooldown: Duration,
    /// Instances alive at once.
    pub max_concurrent_instances: u32,
    /// Resolve a trap's backtrace to the plugin's own function names and source lines
    /// (from its name section and DWARF). Costs compile time and memory, so only
    /// `wangge plugin dev` and the test harness turn it on.
    pub detailed_backtraces: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            page_deadline: PAGE_DEADLINE,
            lifecycle_deadline: LIFECYCLE_DEADLINE,
            memory_bytes: MEMORY_LIMIT_BYTES,
            max_host_calls: MAX_HOST_CALLS,
            max_response_bytes: MAX_RESPONSE_BYTES,
            storage_quota_bytes: STORAGE_QUOTA_BYTES,
            breaker_threshold: BREAKER_THRESHOLD,
            breaker_cooldown: BREAKER_COOLDOWN,
            max_concurrent_instances: MAX_CONCURRENT_INSTANCES,
            detailed_backtraces: false,
        }
    }
}
