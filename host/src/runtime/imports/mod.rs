//! Host imports: one file per interface of the contract. Each import counts toward the
//! call's host-call cap and deadline, checks the installation's grants, and answers with the
//! contract's `error` variant; only host faults trap.

mod config;
mod events;
pub mod hook_payloads;
mod houses;
mod log;
mod notify;
mod outbound;
mod residents;
mod storage;
mod types;

use serde_json::json;
use wangge_registry::Permission;

use super::bindings::PluginError;
use super::call_state::CallState;
use crate::db::audit::AuditEntry;

impl CallState {
    /// Checks that `permission` was granted for `import`. A denial is answered with the
    /// `denied` variant, counted, and written to the audit log.
    pub(super) async fn require(
        &mut self,
        permission: &Permission,
        import: &'static str,
    ) -> wasmtime::Result<Result<(), PluginError>> {
        let installation = &self.installation;
        if installation.is_granted(permission) {
            return Ok(Ok(()));
        }
        installation.metrics.denied.inc();
        tracing::warn!(
            plugin = installation.plugin_id(),
            installation = installation.id,
            import,
            %permission,
            "permission denied"
        );
        installation
            .db()
            .audit(AuditEntry {
                actor: &installation.actor(),
                action: "permission.denied",
                subject: import,
                unit_code: Some(&installation.unit.code),
                detail: json!({ "permission": permission.to_string() }),
            })
            .await
            .map_err(|e| wasmtime::format_err!("cannot write the audit log: {e}"))?;
        Ok(Err(PluginError::Denied(format!(
            "{import} needs the `{permission}` permission, which this installation was not granted"
        ))))
    }
}
