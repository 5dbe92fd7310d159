//! Host bindings of the newest `wangge:plugin` contract (1.1.0, generated from
//! `wit/v1.1.0`), which also serve every older supported 1.x plugin.
//!
//! Every import is async (host calls reach the database) and trappable: the outer
//! `wasmtime::Result` is a host fault that traps the plugin, the inner `Result` is the
//! contract's `error` variant that the plugin sees.
//!
//! Why one set of bindings runs 1.0.0 plugins too: wasmtime resolves names semver-compatibly
//! in both directions that matter here. A 1.0.0 component's import `wangge:plugin/residents@1.0.0`
//! is satisfied by the linker's `@1.1.0` definition (the instance offers one more function,
//! `count`, which the old component simply does not import), and the export lookup for
//! `wangge:plugin/pages@1.1.0` finds the component's `pages@1.0.0`. Both are then
//! type-checked structurally, and 1.1 changed no type a 1.0 plugin sees, so they match.
//! Which version a component was built against is read from its names
//! ([`super::contract::version_of`]) before it is linked, so a component of an unknown
//! version is refused by name rather than half-linked.
//!
//! When a later minor version changes an *export* (or a type an export uses), this stops
//! being enough: that is when the older version gets its own `bindgen!` module over its
//! frozen `wit/` folder and the loaded plugin holds an enum over the versions' bindings.

#![expect(
    missing_docs,
    reason = "generated code; the WIT carries the documentation"
)]

wasmtime::component::bindgen!({
    path: "../wit/v1.1.0",
    world: "wangge:plugin/plugin",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use exports::wangge::plugin::pages::{Request, Response};
pub use wangge::plugin::types::{Caller, Error as PluginError, Level, Role, Unit};

/// The newest contract version: the one these bindings were generated from.
pub const CONTRACT_VERSION: semver::Version = semver::Version::new(1, 1, 0);
