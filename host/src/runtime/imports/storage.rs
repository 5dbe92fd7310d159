//! `storage`: the installation's own key-value space, always granted, within its quota.

use crate::db::plugin_storage::StorageError;
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::storage::Host;
use crate::runtime::call_state::CallState;
use crate::runtime::limits::{MAX_LIST_KEYS, MAX_STORAGE_KEY_BYTES, MAX_STORAGE_VALUE_BYTES};

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

fn check_key(key: &str) -> Result<(), PluginError> {
    if key.is_empty() || key.len() > MAX_STORAGE_KEY_BYTES {
        return Err(PluginError::Invalid(format!(
            "key: expected 1 to {MAX_STORAGE_KEY_BYTES} bytes, got {}",
            key.len()
        )));
    }
    Ok(())
}

/// Refusals go to the plugin; database failures are host faults and trap the call.
fn answer<T>(result: Result<T, StorageError>) -> Answer<T> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(StorageError::Database(e)) => Err(wasmtime::format_err!("plugin storage: {e}")),
        Err(e @ StorageError::Quota { .. }) => Ok(Err(PluginError::QuotaExceeded(e.to_string()))),
        Err(e) => Ok(Err(PluginError::Invalid(e.to_string()))),
    }
}

impl Host for CallState {
    async fn get(&mut self, key: String) -> Answer<Option<Vec<u8>>> {
        self.enter()?;
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        answer(
            self.installation
                .storage
                .get(&key)
                .await
                .map_err(Into::into),
        )
    }

    async fn set(&mut self, key: String, value: Vec<u8>) -> Answer<()> {
        self.enter()?;
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        if value.len() > MAX_STORAGE_VALUE_BYTES {
            return Ok(Err(PluginError::Invalid(format!(
                "value: at most {MAX_STORAGE_VALUE_BYTES} bytes, got {}",
                value.len()
            ))));
        }
        answer(self.installation.storage.set(&key, &value).await)
    }

    async fn delete(&mut self, key: String) -> Answer<bool> {
        self.enter()?;
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        answer(self.installation.storage.delete(&key).await)
    }

    async fn increment(&mut self, key: String, delta: i64) -> Answer<i64> {
        self.enter()?;
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        answer(self.installation.storage.increment(&key, delta).await)
    }

    async fn list_keys(
        &mut self,
        prefix: String,
        after: Option<String>,
        limit: u32,
    ) -> Answer<Vec<String>> {
        self.enter()?;
        let limit = limit.min(MAX_LIST_KEYS);
        let keys = self
            .installation
            .storage
            .list_keys(&prefix, after.as_deref(), limit)
            .await;
        answer(keys.map_err(Into::into))
    }
}
