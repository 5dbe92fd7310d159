//! Registered plugins: adding a local component with its manifest, installing and managing
//! registry versions (`lifecycle`), and the catalog of installations the server loads at
//! start-up and reloads when they change (`reload`).

pub mod add;
pub mod catalog;
pub(crate) mod config_values;
pub mod hooks;
pub mod lifecycle;
pub mod reload;

pub use add::{AddOptions, AddReport, add_local_plugin};
pub use catalog::Catalog;
