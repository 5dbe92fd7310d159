//! End-to-end tests: the real `wangge` binary, real components, real HTTP, real databases.
//! One test binary with a module per concern, so it compiles once.

mod api_errors;
mod bad_input;
mod base_data;
mod breaker;
mod browser;
mod contract_versions;
mod demo_seed;
mod elder_care;
mod events;
mod hello;
mod hostile;
mod hot_reload;
mod lifecycle;
mod medical_insurance;
mod open311;
mod openapi;
mod plugin_authoring;
mod plugin_events;
mod plugin_hooks;
mod plugin_notify;
mod plugin_outbound;
mod plugin_residents;
mod portal;
mod registry;
mod remote_registry;
mod residents;
mod sessions;
mod social_insurance;
mod stats;
mod units;
mod workflow_matrix;
