//! Who may do what: roles, grants of a role at a unit (reaching the unit's whole subtree),
//! password hashing and session tokens.

pub mod grants;
pub mod password;
pub mod role;
pub mod token;

pub use grants::{Grant, GrantError, Grants};
pub use role::Role;
