//! `log`: structured records into the host's log, tagged with plugin, version, installation
//! and unit (and, through the request's span, its request id), cut to size.

use crate::runtime::bindings::wangge::plugin::log::{Host, Level};
use crate::runtime::call_state::CallState;
use crate::runtime::limits::{MAX_LOG_FIELDS, MAX_LOG_MESSAGE_BYTES};

/// `text` cut to at most `max` bytes on a character boundary.
fn truncated(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl Host for CallState {
    async fn write(
        &mut self,
        level: Level,
        message: String,
        fields: Vec<(String, String)>,
    ) -> wasmtime::Result<()> {
        self.enter()?;
        let message = truncated(&message, MAX_LOG_MESSAGE_BYTES);
        let fields: Vec<String> = fields
            .iter()
            .take(MAX_LOG_FIELDS)
            .map(|(k, v)| format!("{}={}", truncated(k, 64), truncated(v, 256)))
            .collect();
        let fields = fields.join(" ");
        let plugin = self.installation.plugin_id();
        let version = &self.installation.manifest.version;
        let installation = self.installation.id;
        let unit = self.installation.unit.code.as_str();
        // Inside a request's span, so a record also carries the request id.
        match level {
            Level::Debug => {
                tracing::debug!(target: "plugin", plugin, %version, installation, unit, fields, "{message}")
            }
            Level::Info => {
                tracing::info!(target: "plugin", plugin, %version, installation, unit, fields, "{message}")
            }
            Level::Warn => {
                tracing::warn!(target: "plugin", plugin, %version, installation, unit, fields, "{message}")
            }
            Level::Error => {
                tracing::error!(target: "plugin", plugin, %version, installation, unit, fields, "{message}")
            }
        }
        Ok(())
    }
}
