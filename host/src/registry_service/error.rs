//! Why a registry operation was refused: one variant per rule, each saying what to fix.
//! The HTTP layer maps each to one status; the command line prints the message.

use wangge_registry::{PackageError, SignatureError};

/// A refused or failed registry operation. A refused operation changes nothing.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A field of the request is missing or malformed.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field (`note`, `public_key` …).
        field: &'static str,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// The package breaks a rule of the `.wgp` format or its manifest is invalid.
    #[error("the package is refused: {0}")]
    Package(#[from] PackageError),
    /// The manifest names a publisher this registry does not know.
    #[error(
        "publisher `{name}` (the manifest's `publisher`) is not registered with this registry: \
         a registry reviewer registers it with its public key first (`wangge registry \
         publisher add`)"
    )]
    UnknownPublisher {
        /// The manifest's publisher.
        name: String,
    },
    /// The signature is malformed, or does not verify with the publisher's key.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// A publisher of that name exists already.
    #[error("publisher `{name}` is already registered; keys are not replaced through this route")]
    PublisherExists {
        /// The name.
        name: String,
    },
    /// The version exists with other bytes: a published version never changes.
    #[error(
        "{plugin} {version} is already published with other contents ({digest}): a \
         published version never changes — raise the version in plugin.toml and publish that"
    )]
    VersionTaken {
        /// The plugin.
        plugin: String,
        /// The version.
        version: String,
        /// The digest of the stored package.
        digest: String,
    },
    /// No such version (or none the caller may see).
    #[error("{plugin} {version}")]
    NotFound {
        /// The plugin.
        plugin: String,
        /// The version.
        version: String,
    },
    /// The version is not in a state that allows the operation.
    #[error("{plugin} {version} is {state}: {problem}")]
    WrongState {
        /// The plugin.
        plugin: String,
        /// The version.
        version: String,
        /// Its current state.
        state: String,
        /// Why that state does not allow it.
        problem: &'static str,
    },
    /// The database failed.
    #[error("registry database: {0}")]
    Database(#[from] sqlx::Error),
}
