//! Units as the contract describes them.

use crate::grid::unit_code::{level_of, parent_of};
use crate::runtime::bindings::{self, Unit};

/// A unit as the contract describes it, from its code and name.
pub fn contract_unit(code: &str, name: &str) -> anyhow::Result<Unit> {
    let level = match level_of(code)? {
        wangge_registry::Level::Province => bindings::Level::Province,
        wangge_registry::Level::City => bindings::Level::City,
        wangge_registry::Level::County => bindings::Level::County,
        wangge_registry::Level::Street => bindings::Level::Street,
        wangge_registry::Level::Community => bindings::Level::Community,
        wangge_registry::Level::Grid => bindings::Level::Grid,
    };
    Ok(Unit {
        code: code.to_owned(),
        name: name.to_owned(),
        level,
        parent: parent_of(code).map(str::to_owned),
    })
}
