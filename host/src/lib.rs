//! The Wangge host: the provincial grid-management platform that runs street and community
//! plugins as sandboxed WebAssembly components.
//!
//! Data flows one way: HTTP request → route → for a plugin page, the installation →
//! a fresh instance of its component → host imports checked against the installation's
//! grants → the answer framed in the host's layout.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo_data;
pub mod dev;
pub mod grid;
pub mod http;
pub mod logging;
pub mod metrics;
pub mod plugins;
pub mod registry_service;
pub mod rules;
pub mod runtime;
pub mod server;
pub mod state;
