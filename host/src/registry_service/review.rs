//! Reviewing a submitted version (approve, or reject with a note) and yanking an approved
//! one. Both are one conditional update, audited with the reviewer's name and note.

use serde_json::json;

use super::{Actor, PackageState, RegistryError};
use crate::db::Db;
use crate::db::audit::AuditEntry;

/// Longest review note or yank reason: a paragraph, not a report.
const MAX_NOTE_CHARS: usize = 2000;

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The version may be installed.
    Approve,
    /// The version is refused; a note says why.
    Reject,
}

impl std::str::FromStr for Decision {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "approve" => Ok(Self::Approve),
            "reject" => Ok(Self::Reject),
            other => Err(format!("`{other}`: expected `approve` or `reject`")),
        }
    }
}

/// Approves or rejects `plugin` `version`, which must be `submitted`. A rejection needs a
/// note, which the publisher reads to fix the plugin.
pub async fn review(
    db: &Db,
    plugin: &str,
    version: &str,
    decision: Decision,
    note: &str,
    reviewer: &Actor,
) -> Result<PackageState, RegistryError> {
    let note = note.trim();
    check_length("note", note)?;
    if decision == Decision::Reject && note.is_empty() {
        return Err(RegistryError::Invalid {
            field: "note",
            problem: "a rejection needs a note telling the publisher what to fix".to_owned(),
        });
    }
    let target = PackageState::from(decision);
    let note = (!note.is_empty()).then_some(note);
    if !db
        .registry_set_review(plugin, version, target, note, &reviewer.name)
        .await?
    {
        return Err(refusal(
            db,
            plugin,
            version,
            "only a submitted version can be reviewed",
        )
        .await);
    }
    db.audit(AuditEntry {
        actor: &reviewer.audit,
        action: "registry.reviewed",
        subject: &format!("plugin:{plugin}@{version}"),
        unit_code: reviewer.unit.as_deref(),
        detail: json!({ "decision": target.name(), "note": note }),
    })
    .await?;
    Ok(target)
}

/// Withdraws an approved version: it stays listed as yanked, with the reason, and is no
/// longer offered for download.
pub async fn yank(
    db: &Db,
    plugin: &str,
    version: &str,
    reason: &str,
    actor: &Actor,
) -> Result<PackageState, RegistryError> {
    let reason = reason.trim();
    check_length("reason", reason)?;
    if reason.is_empty() {
        return Err(RegistryError::Invalid {
            field: "reason",
            problem: "say why the version is withdrawn: admins who installed it read it".to_owned(),
        });
    }
    if !db.registry_set_yanked(plugin, version, reason).await? {
        return Err(refusal(
            db,
            plugin,
            version,
            "only an approved version can be yanked",
        )
        .await);
    }
    db.audit(AuditEntry {
        actor: &actor.audit,
        action: "registry.yanked",
        subject: &format!("plugin:{plugin}@{version}"),
        unit_code: actor.unit.as_deref(),
        detail: json!({ "reason": reason }),
    })
    .await?;
    Ok(PackageState::Yanked)
}

impl From<Decision> for PackageState {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Approve => Self::Approved,
            Decision::Reject => Self::Rejected,
        }
    }
}

fn check_length(field: &'static str, text: &str) -> Result<(), RegistryError> {
    let chars = text.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(RegistryError::Invalid {
            field,
            problem: format!("at most {MAX_NOTE_CHARS} characters, got {chars}"),
        });
    }
    Ok(())
}

/// Why a conditional update changed nothing: the version is missing or in another state.
async fn refusal(db: &Db, plugin: &str, version: &str, problem: &'static str) -> RegistryError {
    match db.registry_package(plugin, version).await {
        Ok(Some(record)) => RegistryError::WrongState {
            plugin: plugin.to_owned(),
            version: version.to_owned(),
            state: record.state.to_string(),
            problem,
        },
        Ok(None) => RegistryError::NotFound {
            plugin: plugin.to_owned(),
            version: version.to_owned(),
        },
        Err(error) => RegistryError::Database(error),
    }
}
