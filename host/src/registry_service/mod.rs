//! The plugin registry service: publishers and their keys, signed packages by version,
//! provincial review, search and download.
//!
//! Decision: the registry's storage lives in the host's database, under the host's
//! migrations (`host/migrations/*/0009_registry.sql`, one `_sqlx_migrations` history). The
//! same code serves the registry embedded in every host at `/registry/` and the standalone
//! `wangge registry serve`, which runs the same binary with only the registry's routes —
//! for a province that runs one registry for many hosts. The `wangge-registry` crate stays
//! the format and signing library (manifest, `.wgp`, ed25519); this module is the service,
//! and `http::registry_api` its HTTP door.
//!
//! Who vouches for what: a publish is authenticated by its signature alone — the package's
//! manifest names its publisher, the publisher must be registered here with a public key,
//! and the signature over the package digest must verify with that key. No session is
//! needed to publish. Everything else that changes the registry (adding a publisher,
//! reviewing, yanking) needs the `registry-reviewer` role at a province, or the operator's
//! shell. Each operation is one file; every change and every refused publish is audited.
//! A host installing from another registry mirrors the verified package here ([`mirror`]).

mod catalog;
mod error;
mod mirror;
mod publish;
mod publishers;
pub mod remote;
mod review;
pub mod reviewers;
mod state;
mod store;
#[cfg(test)]
mod tests;

pub use catalog::{Download, PluginSummary, VersionSummary, Visibility, download, plugin, search};
pub use error::RegistryError;
pub use mirror::{MIRRORED, MirrorSource, Mirrored, mirror};
pub use publish::{Published, publish};
pub use publishers::{add_publisher, publisher_key};
pub use review::{Decision, review, yank};
pub use state::PackageState;
pub use store::PackageRecord;

/// The media type of a `.wgp` package on the wire.
pub const PACKAGE_MEDIA_TYPE: &str = "application/vnd.wangge.package";
/// The header carrying the publisher's signature (`ed25519:<base64>`).
pub const SIGNATURE_HEADER: &str = "x-wangge-signature";
/// The header carrying the package digest on download.
pub const DIGEST_HEADER: &str = "x-wangge-digest";

/// Who performs a registry operation, as the audit log and the stored review record name
/// them.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The audit log's actor (`user:li`, `cli`).
    pub audit: String,
    /// The name stored as reviewer or creator (`li`, `cli`).
    pub name: String,
    /// The unit the actor acts at (a reviewer's province), for the audit log.
    pub unit: Option<String>,
}

impl Actor {
    /// The operator at the command line, under `name` (`--reviewer`), `cli` by default.
    pub fn cli(name: Option<&str>) -> Self {
        let name = name.unwrap_or("cli");
        Self {
            audit: if name == "cli" {
                "cli".to_owned()
            } else {
                format!("cli:{name}")
            },
            name: name.to_owned(),
            unit: None,
        }
    }
}
