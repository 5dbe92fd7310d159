//! End-to-end tests: the real `wangge` binary, real components, real HTTP, real databases.
//! One test binary with a module per concern, so it compiles once.

mod bad_input;
mod breaker;
mod events;
mod hello;
mod hostile;
mod plugin_residents;
mod residents;
mod sessions;
mod stats;
mod units;
