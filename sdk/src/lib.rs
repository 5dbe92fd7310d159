//! The Wangge plugin SDK: the one dependency a plugin needs.
//!
//! It carries the generated bindings of the `wangge:plugin@1.0.0` contract (in
//! [`bindings`]) and a [`Plugin`] trait whose hook and lifecycle methods have sensible
//! defaults, so a plugin only writes what it does. [`export_plugin!`] wires a type that
//! implements [`Plugin`] into the component's exports.
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
    wit_bindgen::generate!({
        path: "../wit/v1.0.0",
        world: "wangge:plugin/plugin",
        pub_export_macro: true,
        default_bindings_module: "wangge_sdk::bindings",
    });
}

pub mod page;
pub mod plugin;

pub use bindings::exports::wangge::plugin::hooks::ChangeKind;
pub use bindings::exports::wangge::plugin::pages::{Request, Response};
pub use bindings::wangge::plugin::types::{Caller, Error, Event, EventState, Resident, Timestamp};
pub use bindings::wangge::plugin::{
    config, events, houses, log, notify, outbound, residents, storage,
};
pub use plugin::Plugin;
