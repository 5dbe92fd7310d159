//! `config`: the installation's configuration, defaults filled in from the manifest.

use crate::runtime::bindings::wangge::plugin::config::Host;
use crate::runtime::call_state::CallState;

impl Host for CallState {
    async fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        self.enter()?;
        let config = &self.installation.config;
        Ok(config
            .binary_search_by(|(k, _)| k.as_str().cmp(&key))
            .ok()
            .map(|i| config[i].1.clone()))
    }

    async fn all(&mut self) -> wasmtime::Result<Vec<(String, String)>> {
        self.enter()?;
        Ok(self.installation.config.clone())
    }
}
