//! Wangge plugin packages: what a plugin declares about itself.
//!
//! Today this crate holds the manifest format (`plugin.toml`), shared by the host that
//! registers plugins and, later, by the registry service that publishes them.

pub mod manifest;

pub use manifest::{
    Audience, Category, ConfigField, ConfigType, HookSubscription, Level, Manifest, ManifestError,
    Page, Permission, PluginId, value_text,
};
