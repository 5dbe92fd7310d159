//! The rules: one module per use case of the platform, between the doors above (`http/`
//! and the plugin imports in `runtime::imports`) and the ground below (`db/`, `grid/`,
//! `auth/`, the state).
//!
//! A rule takes the [`Ground`](crate::state::Ground) it works on, a typed [`Actor`] (a
//! signed-in person with their grants, or a plugin installation within its unit) and what
//! the door read from its request; it checks everything the platform decides (scope,
//! roles, the input, the workflow), does the work through `db/`, audits what must be
//! audited, announces what plugins subscribe to, and answers with a domain value or a
//! [`RuleError`]. Every door calls the same rule: one `report`, one `act`, one sign-in.
//!
//! What belongs here: who may do what over which unit, the checks of what was given, which
//! acts are audited, which changes are announced. What does not: reading requests and
//! rendering answers (the doors), SQL (`db/`), pure domain values and checks that need no
//! actor (`grid/`), passwords, tokens and roles themselves (`auth/`).

pub mod accounts;
pub mod actor;
pub mod assessment;
pub mod audit_log;
pub mod base_data;
pub mod error;
pub mod events;
pub mod grants;
pub mod hook_deliveries;
pub mod inbox;
pub mod paging;
pub mod sessions;
pub mod stats;
pub mod text;
pub mod units;
pub mod warnings;

pub use actor::{Actor, Person};
pub use error::{RuleError, RuleResult};
