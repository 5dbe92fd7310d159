//! Roles as the contract names them.

use crate::auth::Role;
use crate::runtime::bindings;

/// The contract's name for `role`; `None` for the sensitive-data grant, which is the
/// host's business (plugins ask for `residents:read-sensitive` instead).
pub fn contract_role(role: Role) -> Option<bindings::Role> {
    Some(match role {
        Role::Resident => bindings::Role::Resident,
        Role::GridWorker => bindings::Role::GridWorker,
        Role::DepartmentStaff => bindings::Role::DepartmentStaff,
        Role::UnitAdmin => bindings::Role::UnitAdmin,
        Role::Leader => bindings::Role::Leader,
        Role::RegistryReviewer => bindings::Role::RegistryReviewer,
        // The sensitive-data grant is the host's business; plugins ask for
        // `residents:read-sensitive` instead.
        Role::SensitiveData => return None,
    })
}
