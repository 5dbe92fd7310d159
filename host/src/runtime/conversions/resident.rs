//! Residents as the contract shows them: the WIT `resident` record of a stored resident,
//! masked unless the read was an audited unmask, and population types both ways.

use crate::db::residents::StoredResident;
use crate::grid::masking::{mask_id_number, mask_phone};
use crate::grid::resident::PopulationType as StoredPopulationType;
use crate::runtime::bindings::wangge::plugin::types::{Gender, PopulationType, Resident};

/// The WIT record of `resident`, its ID number and phone masked unless `unmasked`.
pub fn to_contract(resident: &StoredResident, unmasked: bool) -> Resident {
    let population_type = match resident.population_type.as_str() {
        "floating" => PopulationType::Floating,
        "left-behind" => PopulationType::LeftBehind,
        "foreign" => PopulationType::Foreign,
        _ => PopulationType::Registered,
    };
    Resident {
        id: resident.id.to_string(),
        name: resident.name.clone(),
        gender: if resident.gender == "female" {
            Gender::Female
        } else {
            Gender::Male
        },
        birth_date: resident.birth_date.clone(),
        id_number: if unmasked {
            resident.id_number.clone()
        } else {
            mask_id_number(&resident.id_number)
        },
        phone: if unmasked {
            resident.phone.clone()
        } else {
            resident.phone.as_deref().map(mask_phone)
        },
        population_type,
        household_id: resident.household_id.map(|id| id.to_string()),
        house_id: resident.house_id.map(|id| id.to_string()),
        grid_code: resident.grid_code.clone(),
        tags: resident.tags.clone(),
    }
}

/// The stored name of a contract population type (a `resident-filter`'s).
pub fn stored_population_type(kind: PopulationType) -> &'static str {
    match kind {
        PopulationType::Registered => StoredPopulationType::Registered,
        PopulationType::Floating => StoredPopulationType::Floating,
        PopulationType::LeftBehind => StoredPopulationType::LeftBehind,
        PopulationType::Foreign => StoredPopulationType::Foreign,
    }
    .name()
}
