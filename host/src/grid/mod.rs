//! The grid core's domain rules: unit codes and the six levels, ID numbers (GB 11643),
//! masking of sensitive fields, the working-day calendar that SLAs are counted on, houses
//! grid assignment by boundary, special populations, and the stages of a dispute's mediation.
//!
//! These are pure functions with no storage; the tables and APIs that use them build on
//! this module.

pub mod address;
pub mod calendar;
pub mod custom_fields;
pub mod dispute;
pub mod evaluation;
pub mod grid_locator;
pub mod house;
pub mod id_number;
pub mod import_table;
pub mod masking;
pub mod organization;
pub mod photo;
pub mod place;
pub mod resident;
pub mod small_cells;
pub mod special_population;
pub mod unit_code;
pub mod unit_import;
pub mod workflow;
