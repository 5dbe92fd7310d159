//! Calling plugins' `hooks` export: notices of resident and event changes delivered to
//! every installation that subscribed and whose unit covers the change (`delivery`), and
//! the schedules their manifests declare, fired by the server (`schedules`), and the
//! deliveries that faulted, tried again with back-off (`retries`).

pub mod delivery;
pub mod retries;
pub mod schedules;

pub use delivery::{Hooks, Notice, ResidentChange, deliver};
