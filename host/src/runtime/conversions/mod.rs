//! The contract's records from the host's own values, beside the bindings they fill
//! (`runtime::bindings`): events, residents, houses, roles and units, one file each. The
//! imports, the hook payloads, the plugin pages' caller and the catalog all convert here,
//! so a record looks the same wherever a plugin meets it.

pub mod event;
pub mod house;
pub mod resident;
pub mod role;
pub mod unit;
