//! `notify`: permission-checked today; inboxes arrive with the front.

use wangge_registry::Permission;

use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::notify::{Host, Message};
use crate::runtime::call_state::CallState;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

const BACKEND: &str = "inboxes (they arrive with the resident portal)";

impl Host for CallState {
    async fn to_resident(&mut self, _resident_id: String, _message: Message) -> Answer<()> {
        self.backend_missing(&Permission::NotifyResidents, "notify.to-resident", BACKEND)
            .await
    }

    async fn to_grid_workers(&mut self, _grid_code: String, _message: Message) -> Answer<()> {
        self.backend_missing(
            &Permission::NotifyWorkers,
            "notify.to-grid-workers",
            BACKEND,
        )
        .await
    }
}
