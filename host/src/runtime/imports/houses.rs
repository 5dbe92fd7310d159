//! `houses`: permission-checked today; house records arrive with the grid core.

use wangge_registry::Permission;

use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::houses::Host;
use crate::runtime::bindings::wangge::plugin::types::{House, Household};
use crate::runtime::call_state::CallState;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

const BACKEND: &str = "house records (they arrive with the grid core)";

impl Host for CallState {
    async fn get(&mut self, _id: String) -> Answer<House> {
        self.backend_missing(&Permission::HousesRead, "houses.get", BACKEND)
            .await
    }

    async fn query(
        &mut self,
        _grid_prefix: String,
        _after: Option<String>,
        _limit: u32,
    ) -> Answer<Vec<House>> {
        self.backend_missing(&Permission::HousesRead, "houses.query", BACKEND)
            .await
    }

    async fn get_household(&mut self, _id: String) -> Answer<Household> {
        self.backend_missing(&Permission::HousesRead, "houses.get-household", BACKEND)
            .await
    }
}
