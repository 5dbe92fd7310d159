//! Houses as the contract shows them.

use crate::db::houses::StoredHouse;
use crate::runtime::bindings::wangge::plugin::types::House;

/// The WIT record of a stored house.
pub fn to_contract(house: StoredHouse) -> House {
    House {
        id: house.id.to_string(),
        address: house.address,
        grid_code: house.grid_code,
        latitude: house.latitude,
        longitude: house.longitude,
        usage: house.usage,
    }
}
