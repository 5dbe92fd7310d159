//! Publishing a package: the one way bytes enter the registry, shared by
//! `POST /registry/api/packages` and `wangge registry publish`.
//!
//! The signature is what authenticates a publish: the package names its publisher in its
//! manifest, that publisher must be registered, and the signature over the package's digest
//! must verify with the publisher's registered key. Whoever holds the bytes and a valid
//! signature may upload them; nobody without the publisher's secret key can make one.

use serde_json::json;
use wangge_registry::{Package, PackageSignature, PublisherKey, digest};

use super::store::{NewPackage, Stored};
use super::{PackageState, RegistryError};
use crate::db::Db;
use crate::db::audit::AuditEntry;

/// The audit action of a stored publish.
pub const PUBLISHED: &str = "registry.published";
/// The audit action of a refused publish.
pub const PUBLISH_REFUSED: &str = "registry.publish_refused";

/// A package the registry holds after a publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// `sha256:<hex>`.
    pub digest: String,
    /// The plugin id.
    pub plugin_id: String,
    /// The version.
    pub version: String,
    /// The publisher that signed it.
    pub publisher: String,
    /// Its review state (`submitted` for a new one).
    pub state: PackageState,
    /// `false` when these exact bytes were already published: nothing was written.
    pub created: bool,
}

/// Checks and stores a package as `submitted`. `channel` (`cli`, `registry-api`) names
/// where it came from in the audit log. A refused publish stores nothing and is audited.
pub async fn publish(
    db: &Db,
    bytes: &[u8],
    signature: &str,
    channel: &str,
) -> Result<Published, RegistryError> {
    let package_digest = digest(bytes).to_string();
    match check_and_store(db, bytes, signature, channel).await {
        Ok(published) => Ok(published),
        Err(RegistryError::Database(error)) => Err(RegistryError::Database(error)),
        Err(refusal) => {
            db.audit(AuditEntry {
                actor: channel,
                action: PUBLISH_REFUSED,
                subject: &format!("package:{package_digest}"),
                unit_code: None,
                detail: json!({ "reason": refusal.to_string(), "size": bytes.len() }),
            })
            .await?;
            Err(refusal)
        }
    }
}

async fn check_and_store(
    db: &Db,
    bytes: &[u8],
    signature_text: &str,
    channel: &str,
) -> Result<Published, RegistryError> {
    // Cheap text checks first, so a request without a usable signature costs no unpacking.
    let signature: PackageSignature = signature_text.trim().parse()?;
    let opened = Package::open(bytes)?;
    let manifest = &opened.manifest;
    let publisher = manifest.publisher.as_str();
    let key_text = db.registry_publisher_key(publisher).await?.ok_or_else(|| {
        RegistryError::UnknownPublisher {
            name: publisher.to_owned(),
        }
    })?;
    let key: PublisherKey = key_text.parse().map_err(|error| {
        RegistryError::Database(sqlx::Error::Decode(
            format!("stored key of publisher `{publisher}`: {error}").into(),
        ))
    })?;
    key.verify(&opened.digest, &signature)?;

    let digest_text = opened.digest.to_string();
    let version = manifest.version.to_string();
    let signature_text = signature.to_string();
    let contract = manifest.contract.to_string();
    let stored = db
        .registry_insert_package(&NewPackage {
            digest: &digest_text,
            plugin_id: manifest.id.as_str(),
            version: &version,
            name: &manifest.name,
            description: &manifest.description,
            publisher,
            manifest: &opened.manifest_text,
            contract: &contract,
            readme: &opened.readme,
            bytes,
            signature: &signature_text,
            review: None,
        })
        .await?;
    let published = |state, created| Published {
        digest: digest_text.clone(),
        plugin_id: manifest.id.to_string(),
        version: version.clone(),
        publisher: publisher.to_owned(),
        state,
        created,
    };
    match stored {
        Stored::Inserted => {
            db.audit(AuditEntry {
                actor: &format!("publisher:{publisher}"),
                action: PUBLISHED,
                subject: &format!("plugin:{}@{version}", manifest.id),
                unit_code: None,
                detail: json!({ "digest": digest_text, "via": channel, "size": bytes.len() }),
            })
            .await?;
            Ok(published(PackageState::Submitted, true))
        }
        // Publishing the same bytes again answers like the first time: a retried upload
        // after a lost response must not fail.
        Stored::Existing(existing) if existing.digest == digest_text => {
            Ok(published(existing.state, false))
        }
        Stored::Existing(existing) => Err(RegistryError::VersionTaken {
            plugin: existing.plugin_id,
            version: existing.version,
            digest: existing.digest,
        }),
    }
}
