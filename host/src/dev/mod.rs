//! Plugin development: scaffolding a new plugin, building and checking it, the fixtures a
//! plugin is tried against, and the `plugin dev` loop that rebuilds and reloads on change.
//! The test harness (`sdk/harness`) uses the same pieces, so a plugin's own tests and the
//! dev server see the same host.

pub mod build;
pub mod dev_loop;
pub mod fixtures;
pub mod scaffold;
pub mod validate;
mod watch;
