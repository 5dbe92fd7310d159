//! Registering a publisher: the name its manifests carry in `publisher`, and the public key
//! that must verify every package it publishes.

use serde_json::json;
use wangge_registry::PublisherKey;

use super::{Actor, RegistryError};
use crate::db::Db;
use crate::db::audit::AuditEntry;

/// Longest publisher name: it appears in manifests, lists and audit rows.
const MAX_PUBLISHER_NAME_CHARS: usize = 64;

/// Registers publisher `name` with `public_key` (`ed25519:<base64>`). Audited. Returns the
/// key in its canonical text.
pub async fn add_publisher(
    db: &Db,
    name: &str,
    public_key: &str,
    actor: &Actor,
) -> Result<String, RegistryError> {
    let name = name.trim();
    let chars = name.chars().count();
    if !(1..=MAX_PUBLISHER_NAME_CHARS).contains(&chars) || name.chars().any(char::is_control) {
        return Err(RegistryError::Invalid {
            field: "name",
            problem: format!(
                "expected 1 to {MAX_PUBLISHER_NAME_CHARS} characters without control \
                 characters: the `publisher` its manifests name"
            ),
        });
    }
    let key: PublisherKey =
        public_key
            .trim()
            .parse()
            .map_err(|error: wangge_registry::KeyError| RegistryError::Invalid {
                field: "public_key",
                problem: error.to_string(),
            })?;
    let key_text = key.to_string();
    if !db
        .registry_insert_publisher(name, &key_text, &actor.name)
        .await?
    {
        return Err(RegistryError::PublisherExists {
            name: name.to_owned(),
        });
    }
    db.audit(AuditEntry {
        actor: &actor.audit,
        action: "registry.publisher_added",
        subject: &format!("publisher:{name}"),
        unit_code: actor.unit.as_deref(),
        detail: json!({ "public_key": key_text }),
    })
    .await?;
    Ok(key_text)
}

/// The registered key of publisher `name`, for hosts verifying a package before they
/// install it; `None` when the publisher is not registered here.
pub async fn publisher_key(db: &Db, name: &str) -> Result<Option<PublisherKey>, RegistryError> {
    let Some(text) = db.registry_publisher_key(name).await? else {
        return Ok(None);
    };
    text.parse()
        .map(Some)
        .map_err(|error: wangge_registry::KeyError| {
            RegistryError::Database(sqlx::Error::Decode(
                format!("stored key of publisher `{name}`: {error}").into(),
            ))
        })
}
