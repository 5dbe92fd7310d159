//! The `types` interface holds only data types; there is nothing to implement.

use crate::runtime::bindings::wangge::plugin::types::Host;
use crate::runtime::call_state::CallState;

impl Host for CallState {}
