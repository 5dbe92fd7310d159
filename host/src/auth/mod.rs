//! Who may do what: roles, grants of a role at a unit (reaching the unit's whole subtree),
//! password hashing, session tokens and one-time sign-in codes.

pub mod grants;
pub mod password;
pub mod role;
pub mod sign_in_code;
pub mod token;

pub use grants::{Grant, GrantError, Grants};
pub use role::{BASE_DATA_ROLES, LEADER_ROLES, Role, STAFF_ROLES};
