//! Audit rows of the lifecycle: one per act, one per permission granted, and one per
//! refused attempt with its reason.

use serde_json::{Value, json};

use super::Lifecycle;
use crate::db::audit::AuditEntry;

impl Lifecycle<'_> {
    /// Writes `action` about `plugin:ID` at `unit`.
    pub(super) async fn audit(
        &self,
        action: &str,
        plugin_id: &str,
        unit: &str,
        detail: Value,
    ) -> anyhow::Result<()> {
        self.db()
            .audit(AuditEntry {
                actor: &self.actor.audit,
                action,
                subject: &format!("plugin:{plugin_id}"),
                unit_code: Some(unit),
                detail,
            })
            .await?;
        Ok(())
    }

    /// Audits each newly granted permission (`plugin.permission_granted`).
    pub(super) async fn audit_grants(
        &self,
        plugin_id: &str,
        unit: &str,
        version: &str,
        granted: &[String],
    ) -> anyhow::Result<()> {
        for permission in granted {
            self.audit(
                "plugin.permission_granted",
                plugin_id,
                unit,
                json!({ "permission": permission, "version": version }),
            )
            .await?;
        }
        Ok(())
    }

    /// Audits a refused or failed `operation` with its reason and passes the error on. A
    /// failure to write the audit row is logged: the caller must still see the refusal.
    pub(super) async fn refused<T>(
        &self,
        operation: &str,
        plugin_id: &str,
        unit: &str,
        error: anyhow::Error,
    ) -> anyhow::Result<T> {
        let action = format!("plugin.{operation}_refused");
        let written = self
            .audit(
                &action,
                plugin_id,
                unit,
                json!({ "reason": format!("{error:#}") }),
            )
            .await;
        if let Err(audit_error) = written {
            tracing::error!("cannot audit a refused {operation}: {audit_error:#}");
        }
        Err(error)
    }
}
