//! The Wangge plugin SDK: the one dependency a plugin needs.
//!
//! It carries the generated bindings of the `wangge:plugin` contract (in [`bindings`]) and
//! a [`Plugin`] trait whose hook and lifecycle methods have sensible defaults, so a plugin
//! only writes what it does. [`export_plugin!`] wires a type that implements [`Plugin`]
//! into the component's exports.
//!
//! The bindings are of the newest contract, `wangge:plugin@1.1.0`, which hosts that run
//! 1.1 or later accept. A plugin that must also run on hosts that only know 1.0.0 pins the
//! frozen 1.0.0 contract with the `contract-1-0` feature, and declares `contract = "^1.0"`
//! in its manifest:
//!
//! ```toml
//! [dependencies]
//! wangge-sdk = { version = "0.1", features = ["contract-1-0"] }
//! ```
//!
//! Everything 1.0 has stays the same under the feature; what 1.1 added (such as
//! [`residents::count`](bindings::wangge::plugin::residents)) is then absent, so using it
//! fails at compile time rather than on an old host. The pinned version is
//! [`CONTRACT_VERSION`].
//!
//! ```no_run
//! use wangge_sdk::page::html;
//! use wangge_sdk::{Caller, Error, Plugin, Request, Response};
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
//!         Ok(html("你好", "<h1>你好！</h1>".to_owned()))
//!     }
//! }
//!
//! wangge_sdk::export_plugin!(Hello);
//! # fn main() {}
//! ```

#[expect(
    missing_docs,
    reason = "generated code; the WIT carries the documentation"
)]
pub mod bindings {
    #[cfg(not(feature = "contract-1-0"))]
    wit_bindgen::generate!({
        path: "../wit/v1.1.0",
        world: "wangge:plugin/plugin",
        pub_export_macro: true,
        default_bindings_module: "wangge_sdk::bindings",
    });

    #[cfg(feature = "contract-1-0")]
    wit_bindgen::generate!({
        path: "../wit/v1.0.0",
        world: "wangge:plugin/plugin",
        pub_export_macro: true,
        default_bindings_module: "wangge_sdk::bindings",
    });
}

/// The `wangge:plugin` version this build of the SDK targets (`major.minor.patch`).
#[cfg(not(feature = "contract-1-0"))]
pub const CONTRACT_VERSION: &str = "1.1.0";

/// The `wangge:plugin` version this build of the SDK targets (`major.minor.patch`).
#[cfg(feature = "contract-1-0")]
pub const CONTRACT_VERSION: &str = "1.0.0";

pub mod page;
pub mod plugin;

pub use bindings::exports::wangge::plugin::hooks::ChangeKind;
pub use bindings::exports::wangge::plugin::pages::{Request, Response};
pub use bindings::wangge::plugin::types::{Caller, Error, Event, EventState, Resident, Timestamp};
pub use bindings::wangge::plugin::{
    config, events, houses, log, notify, outbound, residents, storage,
};
pub use plugin::Plugin;
