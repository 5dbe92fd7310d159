//! The change history of base-data records: every change writes an audit row about the
//! record (`resident:7`, `house:3` …) with each field that changed, before and after, ID
//! numbers and phones masked there too; a record's page reads its rows back. The audit log
//! is append-only, so the history cannot be rewritten.

use serde_json::{Map, Value, json};

use crate::db::Db;
use crate::db::audit::{AuditEntry, AuditRow};
use crate::grid::masking::{mask_id_number, mask_phone};
use crate::rules::error::RuleResult;

/// A record's fields by name, as stored: compared as they are, so a change hidden by the
/// mask (a phone's middle digits) is still a change, and masked only when written.
pub type Snapshot = Vec<(&'static str, Value)>;

/// `value` of `field` as the history shows it: ID numbers and phones masked.
fn shown(field: &str, value: Value) -> Value {
    match (field, value) {
        ("id_number", Value::String(text)) => Value::String(mask_id_number(&text)),
        ("phone" | "contact_phone", Value::String(text)) => Value::String(mask_phone(&text)),
        (_, value) => value,
    }
}

/// The fields whose value differs between `before` and `after`, as `{field: [before,
/// after]}` with the sensitive ones masked; a field missing on one side reads as `null`
/// there.
pub fn changes(before: &Snapshot, after: &Snapshot) -> Map<String, Value> {
    let value_of = |snapshot: &Snapshot, name: &str| {
        snapshot
            .iter()
            .find(|(field, _)| *field == name)
            .map_or(Value::Null, |(_, value)| value.clone())
    };
    let mut names: Vec<&'static str> = before.iter().map(|(name, _)| *name).collect();
    for (name, _) in after {
        if !names.contains(name) {
            names.push(name);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let (was, is) = (value_of(before, name), value_of(after, name));
            (was != is).then(|| (name.to_owned(), json!([shown(name, was), shown(name, is)])))
        })
        .collect()
}

/// One change to write.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// Who (`user:NAME`, `service:NAME`).
    pub actor: &'a str,
    /// What (`resident.updated` …).
    pub action: &'a str,
    /// The record (`resident:7`).
    pub subject: &'a str,
    /// Its grid.
    pub unit_code: &'a str,
}

/// Writes `change` with the fields that differ between `before` and `after` (all of
/// `after` for a new record), and `extra` (a reason, a date …) beside them.
pub async fn record(
    db: &Db,
    change: Change<'_>,
    before: &Snapshot,
    after: &Snapshot,
    extra: Value,
) -> RuleResult<()> {
    let mut detail = Map::new();
    detail.insert("changes".to_owned(), Value::Object(changes(before, after)));
    if let Value::Object(extra) = extra {
        detail.extend(extra);
    }
    db.audit(AuditEntry {
        actor: change.actor,
        action: change.action,
        subject: change.subject,
        unit_code: Some(change.unit_code),
        detail: Value::Object(detail),
    })
    .await?;
    Ok(())
}

/// Rows of a record's history shown at most.
pub const MAX_SHOWN: i64 = 100;

/// The history of `subject`, newest first. The caller has checked that the reader may see
/// the record.
pub async fn of(db: &Db, subject: &str) -> RuleResult<Vec<AuditRow>> {
    Ok(db.audit_of_subject(subject, MAX_SHOWN).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_kept_with_both_values() {
        let before: Snapshot = vec![("phone", json!("13812345678")), ("name", json!("张三"))];
        let after: Snapshot = vec![
            ("phone", json!("13800005678")),
            ("name", json!("张三")),
            ("tags", json!(["独居"])),
        ];
        let changed = changes(&before, &after);
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert_eq!(
            changed["phone"],
            json!(["138****5678", "138****5678"]),
            "a change the mask hides is kept, masked"
        );
        assert_eq!(changed["tags"], json!([null, ["独居"]]));
    }
}
