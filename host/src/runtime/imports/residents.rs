//! `residents`: permission-checked today; the resident records arrive with the grid core,
//! until then every granted call answers `unavailable`.

use wangge_registry::Permission;

use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::residents::{Host, ResidentFilter};
use crate::runtime::bindings::wangge::plugin::types::Resident;
use crate::runtime::call_state::CallState;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

const BACKEND: &str = "resident records (they arrive with the grid core)";

impl Host for CallState {
    async fn get(&mut self, _id: String) -> Answer<Resident> {
        self.backend_missing(&Permission::ResidentsRead, "residents.get", BACKEND)
            .await
    }

    async fn query(&mut self, _filter: ResidentFilter) -> Answer<Vec<Resident>> {
        self.backend_missing(&Permission::ResidentsRead, "residents.query", BACKEND)
            .await
    }

    async fn get_sensitive(&mut self, _id: String, _reason: String) -> Answer<Resident> {
        self.backend_missing(
            &Permission::ResidentsReadSensitive,
            "residents.get-sensitive",
            BACKEND,
        )
        .await
    }

    async fn add_tag(&mut self, _id: String, _tag: String) -> Answer<()> {
        self.backend_missing(&Permission::ResidentsTag, "residents.add-tag", BACKEND)
            .await
    }

    async fn remove_tag(&mut self, _id: String, _tag: String) -> Answer<()> {
        self.backend_missing(&Permission::ResidentsTag, "residents.remove-tag", BACKEND)
            .await
    }
}
