//! Mirroring a package that another registry approved into this host's registry tables,
//! for `wangge plugin install|upgrade --registry URL`: stored as approved, with where it
//! came from as its review and a `registry.mirrored` audit row, so that rollback and later
//! installs of that version need no network. The caller has verified the bytes against this
//! host's pinned publisher key before; this only stores them.

use serde_json::json;
use wangge_registry::OpenedPackage;

use super::Actor;
use super::store::{MirrorReview, NewPackage, Stored};
use crate::db::Db;
use crate::db::audit::AuditEntry;

/// The audit action of a stored mirror.
pub const MIRRORED: &str = "registry.mirrored";

/// A verified package from another registry.
pub struct MirrorSource<'a> {
    /// Its contents, opened and verified.
    pub opened: &'a OpenedPackage,
    /// The `.wgp` bytes.
    pub bytes: &'a [u8],
    /// The publisher's signature, which verified with this host's pinned key.
    pub signature: &'a str,
    /// The URL it was downloaded from.
    pub url: &'a str,
}

/// What mirroring did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mirrored {
    /// Stored now, as approved.
    Stored,
    /// These exact bytes were here already; their local state is left as it is (a local
    /// yank, for instance, still holds).
    AlreadyHere,
}

/// Stores `source` as an approved version, unless the version is here already: with the
/// same bytes nothing changes, with other bytes it is refused (a version never changes).
pub async fn mirror(db: &Db, source: &MirrorSource<'_>, actor: &Actor) -> anyhow::Result<Mirrored> {
    let manifest = &source.opened.manifest;
    let digest = source.opened.digest.to_string();
    let version = manifest.version.to_string();
    let contract = manifest.contract.to_string();
    let note = format!("mirrored from {}", source.url);
    let stored = db
        .registry_insert_package(&NewPackage {
            digest: &digest,
            plugin_id: manifest.id.as_str(),
            version: &version,
            name: &manifest.name,
            description: &manifest.description,
            publisher: manifest.publisher.as_str(),
            manifest: &source.opened.manifest_text,
            contract: &contract,
            readme: &source.opened.readme,
            bytes: source.bytes,
            signature: source.signature,
            review: Some(MirrorReview {
                reviewer: "mirror",
                note: &note,
            }),
        })
        .await?;
    match stored {
        Stored::Inserted => {
            db.audit(AuditEntry {
                actor: &actor.audit,
                action: MIRRORED,
                subject: &format!("plugin:{}@{version}", manifest.id),
                unit_code: actor.unit.as_deref(),
                detail: json!({
                    "url": source.url,
                    "digest": digest,
                    "publisher": manifest.publisher,
                    "size": source.bytes.len(),
                }),
            })
            .await?;
            Ok(Mirrored::Stored)
        }
        Stored::Existing(existing) if existing.digest == digest => Ok(Mirrored::AlreadyHere),
        Stored::Existing(existing) => anyhow::bail!(
            "{} {version} is already in this host's registry with other contents ({}) than \
             the registry at {} sends ({digest}): a version never changes, so it is not \
             mirrored — ask the publisher which one is genuine",
            manifest.id,
            existing.digest,
            source.url
        ),
    }
}
