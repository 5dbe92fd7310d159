//! A base-data record's history as the API shows it: each audit row about the record, its
//! fields changed (before and after, ID numbers and phones masked) apart from the rest.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::db::audit::AuditRow;

/// One change of a record, or one audited read of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// The audit row's id.
    pub id: i64,
    /// When (ms since the epoch).
    pub at: i64,
    /// Who (`user:NAME`).
    pub actor: String,
    /// What (`resident.updated`, `resident.moved`, `resident.unmasked` …).
    pub action: String,
    /// The fields changed: `{field: [before, after]}`.
    #[schema(value_type = Object)]
    pub changes: Map<String, Value>,
    /// Anything else recorded (a reason, the grid moved from …).
    #[schema(value_type = Object)]
    pub detail: Map<String, Value>,
}

impl From<AuditRow> for HistoryEntry {
    fn from(row: AuditRow) -> Self {
        let mut detail = match serde_json::from_str(&row.detail) {
            Ok(Value::Object(detail)) => detail,
            _ => Map::new(),
        };
        let changes = match detail.remove("changes") {
            Some(Value::Object(changes)) => changes,
            _ => Map::new(),
        };
        Self {
            id: row.id,
            at: row.at,
            actor: row.actor,
            action: row.action,
            changes,
            detail,
        }
    }
}

/// A record's history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct History {
    /// The entries, at most 100.
    pub history: Vec<HistoryEntry>,
}

impl History {
    /// The rows, as entries.
    pub fn of(rows: Vec<AuditRow>) -> Self {
        Self {
            history: rows.into_iter().map(HistoryEntry::from).collect(),
        }
    }
}
