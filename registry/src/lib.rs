//! Wangge plugin packages: what a plugin declares about itself, how it is packed, and who
//! vouches for it.
//!
//! This crate holds the manifest format (`plugin.toml`), the package format (`.wgp`) with
//! its digest, and the publisher signatures over that digest. The host that installs
//! plugins and, later, the registry service that publishes them share it.

pub mod manifest;
pub mod package;
pub mod signing;

pub use manifest::{
    Audience, Category, ConfigField, ConfigType, HookSubscription, Level, Manifest, ManifestError,
    Page, Permission, PluginId, Schedule, Timing, value_text,
};
pub use package::{
    BuildError, DigestParseError, OpenedPackage, Package, PackageDigest, PackageError, digest,
};
pub use signing::{KeyError, PackageSignature, PublisherKey, SignatureError, SigningKey, verify};
