//! Tests for Wangge plugins, written as ordinary `cargo test` tests: the plugin's built
//! component runs in a real host, in process, with a real SQLite database holding the demo
//! unit tree of 黄石市, a few hundred residents with houses, events in every workflow state,
//! and the four demo users (`resident`, `worker`, `admin`, `leader`).
//!
//! Requests go through the host's whole HTTP stack (sign-in, scope, the plugin's sandbox,
//! the layout), hooks through the same calls the host makes, and storage and the audit log
//! are read back from the database, so what a test sees is what a user would.
//!
//! ```no_run
//! use wangge_harness::TestHost;
//!
//! #[test]
//! fn the_home_page_greets_a_resident() {
//!     let host = TestHost::start();
//!     // Builds this crate for wasm32-wasip2 (once per test run) and installs it at the
//!     // demo street with every permission its manifest asks for.
//!     let plugin = host.install(env!("CARGO_MANIFEST_DIR"));
//!     let page = host.as_user("resident").get(&plugin.path("/"));
//!     assert_eq!(page.status, 200, "{}", page.body);
//!     assert!(page.body.contains("你好"));
//! }
//! # fn main() {}
//! ```

mod build_cache;
mod client;
mod installed;
mod test_host;

pub use client::{Client, Page};
pub use installed::{Change, EventState, Installed};
pub use test_host::{AuditRecord, InstallOptions, TestHost};
pub use wangge_host::demo_data::users::{DEMO_GRID, DEMO_PASSWORD, DEMO_STREET};
