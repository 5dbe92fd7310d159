//! The grid core's domain rules: unit codes and the six levels, ID numbers (GB 11643),
//! masking of sensitive fields, and the working-day calendar that SLAs are counted on.
//!
//! These are pure functions with no storage; the tables and APIs that use them build on
//! this module.

pub mod calendar;
pub mod id_number;
pub mod masking;
pub mod resident;
pub mod small_cells;
pub mod unit_code;
pub mod unit_import;
pub mod workflow;
