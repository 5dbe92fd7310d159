//! The installation lifecycle from the registry: install, upgrade, rollback, disable,
//! enable and uninstall, shared by the command line and the admin console (`http::admin`).
//!
//! Trust: the host verifies a package's signature against the publisher keys in its own
//! database (the registry's `registry_publishers` table — for the embedded registry that is
//! the registry itself; for a remote registry the operator pins the publisher's key with
//! `wangge registry publisher add`). The digest is recomputed from the bytes, never taken
//! from the registry's word: a package whose stored bytes were altered is refused.
//!
//! Rules, one file each:
//! - [`resolve`]: the newest approved version whose `contract` range this host runs, or
//!   the version asked for if it is approved; submitted, rejected and yanked are refused.
//! - [`fetch`]: download, recompute the digest, verify the signature, open strictly.
//! - [`remote_fetch`]: with `--registry URL`, the same checks on a package from another
//!   registry (its digest header and listing are compared, never believed), then the
//!   verified package is mirrored into this host's registry as approved (audited
//!   `registry.mirrored` with the URL) and the local steps below run on the mirror.
//! - [`consent`]: every requested permission is shown and must be granted; an upgrade shows
//!   the difference and only the added ones need granting again.
//! - [`install`], [`upgrade`], [`rollback`], [`switch`] (disable/enable), [`uninstall`].
//!
//! An upgrade runs the new version's `lifecycle.migrate(from-version)` against the
//! installation's storage; if it traps, times out or returns an error, the storage is put
//! back exactly as it was and the installation stays on its version (see
//! `db::storage_snapshot` for why this is a snapshot and not one long transaction). A
//! rollback returns to the version before the last upgrade with its grants and config; it
//! runs no hook (the contract has no down-migration), so the data stays as the newer
//! version left it. Every act and every refused attempt is audited (`plugin.*`).
//!
//! A running `serve` picks the changes up within seconds, as for `plugin add`: every write
//! bumps the catalog's change marker (`db::catalog_version`, see `plugins::reload`).

mod audit;
pub mod consent;
pub(crate) mod fetch;
mod hooks;
mod install;
pub mod obstacles;
mod remote_fetch;
pub(crate) mod resolve;
mod rollback;
mod switch;
mod uninstall;
mod upgrade;

pub use install::{InstallRequest, Installed, install};
pub use rollback::{RolledBack, rollback};
pub use switch::{disable, enable};
pub use uninstall::{DataChoice, Uninstalled, uninstall};
pub use upgrade::{UpgradeRequest, Upgraded, upgrade};

use crate::db::Db;
use crate::metrics::Metrics;
use crate::registry_service::Actor;
use crate::runtime::Runtime;
use crate::state::Ground;

/// What every lifecycle operation works with.
pub struct Lifecycle<'a> {
    /// The host's database (installations, storage, the registry, the audit log) and what
    /// else the rules need, for the installations whose hooks it runs.
    pub ground: &'a Ground,
    /// The runtime, to compile and to run lifecycle hooks.
    pub runtime: &'a Runtime,
    /// Metrics, for the hooks' calls.
    pub metrics: &'a Metrics,
    /// Who acts, for the audit log.
    pub actor: &'a Actor,
    /// Shown step by step (download, verify, compile, consent); the CLI prints to stderr.
    pub progress: &'a (dyn Fn(&str) + Send + Sync),
}

impl<'a> Lifecycle<'a> {
    /// The host's database.
    pub fn db(&self) -> &'a Db {
        &self.ground.db
    }

    fn step(&self, text: &str) {
        (self.progress)(text);
    }
}
