//! Registered plugins: adding a local component with its manifest, and the catalog of
//! installations the server loads at start-up.

pub mod add;
pub mod catalog;
mod config_values;

pub use add::{AddOptions, AddReport, add_local_plugin};
pub use catalog::Catalog;
