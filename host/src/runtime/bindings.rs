//! Host bindings of the `wangge:plugin@1.0.0` contract, generated from `wit/v1.0.0`.
//!
//! Every import is async (host calls reach the database) and trappable: the outer
//! `wasmtime::Result` is a host fault that traps the plugin, the inner `Result` is the
//! contract's `error` variant that the plugin sees.

#![expect(
    missing_docs,
    reason = "generated code; the WIT carries the documentation"
)]

wasmtime::component::bindgen!({
    path: "../wit/v1.0.0",
    world: "wangge:plugin/plugin",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use exports::wangge::plugin::pages::{Request, Response};
pub use wangge::plugin::types::{Caller, Error as PluginError, Level, Role, Unit};

/// The contract version these bindings implement.
pub const CONTRACT_VERSION: semver::Version = semver::Version::new(1, 0, 0);
