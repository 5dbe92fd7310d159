//! Reading the registry: plugins with their versions (searched by id or name), and the
//! download of one version. What a caller sees depends on [`Visibility`]: the public sees
//! approved and yanked versions only, so a version under review or rejected leaks nothing,
//! not even its existence; reviewers and the operator see everything.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::store::PackageRecord;
use super::{PackageState, RegistryError};
use crate::db::Db;

/// Which versions a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Approved and yanked versions: what hosts and the public see.
    Public,
    /// Every version in every state: registry reviewers and the operator.
    Reviewer,
}

impl Visibility {
    fn shows(self, state: PackageState) -> bool {
        match self {
            Self::Reviewer => true,
            Self::Public => matches!(state, PackageState::Approved | PackageState::Yanked),
        }
    }

    fn may_download(self, state: PackageState) -> bool {
        match self {
            Self::Reviewer => true,
            Self::Public => state == PackageState::Approved,
        }
    }
}

/// One version as listed (and as read back from another registry's API).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionSummary {
    /// The version.
    pub version: String,
    /// `submitted`, `approved`, `rejected` or `yanked`.
    pub state: String,
    /// `sha256:<hex>` of the package.
    pub digest: String,
    /// The contract range it targets.
    pub contract: String,
    /// Package bytes.
    pub size: i64,
    /// When it was published (ms since the epoch).
    pub submitted_at: i64,
    /// When it was reviewed.
    pub reviewed_at: Option<i64>,
    /// The reviewer's note.
    pub review_note: Option<String>,
    /// Why it was yanked.
    pub yank_reason: Option<String>,
}

/// One plugin as listed: what its newest visible version says, and its versions newest
/// first. Read back from another registry by `wangge plugin install --registry`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PluginSummary {
    /// The plugin id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// The publisher.
    pub publisher: String,
    /// The newest approved version, if any: what an install resolves to.
    pub latest_approved: Option<String>,
    /// Every visible version, newest first by semver.
    pub versions: Vec<VersionSummary>,
}

/// A version's package, for download.
#[derive(Debug, Clone)]
pub struct Download {
    /// The stored record.
    pub record: PackageRecord,
    /// The `.wgp` bytes.
    pub bytes: Vec<u8>,
    /// The publisher's signature over the digest.
    pub signature: String,
}

/// Plugins whose id or name contains `text` (all when empty), by id.
pub async fn search(
    db: &Db,
    text: &str,
    visibility: Visibility,
) -> Result<Vec<PluginSummary>, RegistryError> {
    let records = db.registry_search(text.trim()).await?;
    let mut plugins: Vec<PluginSummary> = Vec::new();
    let mut start = 0;
    while start < records.len() {
        let id = &records[start].plugin_id;
        let end = start
            + records[start..]
                .iter()
                .take_while(|record| &record.plugin_id == id)
                .count();
        if let Some(summary) = summarize(records[start..end].to_vec(), visibility) {
            plugins.push(summary);
        }
        start = end;
    }
    Ok(plugins)
}

/// One plugin with its visible versions; `None` when it has none.
pub async fn plugin(
    db: &Db,
    plugin_id: &str,
    visibility: Visibility,
) -> Result<Option<PluginSummary>, RegistryError> {
    Ok(summarize(
        db.registry_versions(plugin_id).await?,
        visibility,
    ))
}

/// A version's bytes and signature, if the caller may download it. A version the caller
/// may not download is answered exactly like a missing one.
pub async fn download(
    db: &Db,
    plugin_id: &str,
    version: &str,
    visibility: Visibility,
) -> Result<Download, RegistryError> {
    let not_found = || RegistryError::NotFound {
        plugin: plugin_id.to_owned(),
        version: version.to_owned(),
    };
    let record = db
        .registry_package(plugin_id, version)
        .await?
        .filter(|record| visibility.may_download(record.state))
        .ok_or_else(not_found)?;
    let (bytes, signature) = db
        .registry_package_bytes(&record.digest)
        .await?
        .ok_or_else(not_found)?;
    Ok(Download {
        record,
        bytes,
        signature,
    })
}

fn summarize(records: Vec<PackageRecord>, visibility: Visibility) -> Option<PluginSummary> {
    let mut visible: Vec<PackageRecord> = records
        .into_iter()
        .filter(|record| visibility.shows(record.state))
        .collect();
    visible.sort_by(|a, b| newer_first(&a.version, &b.version));
    let newest = visible.first()?;
    let latest_approved = visible
        .iter()
        .find(|record| record.state == PackageState::Approved)
        .map(|record| record.version.clone());
    // The newest approved version describes the plugin when there is one: a submitted
    // version's new name is not the plugin's name until a reviewer approved it.
    let describing = visible
        .iter()
        .find(|record| record.state == PackageState::Approved)
        .unwrap_or(newest);
    Some(PluginSummary {
        id: describing.plugin_id.clone(),
        name: describing.name.clone(),
        description: describing.description.clone(),
        publisher: describing.publisher.clone(),
        latest_approved,
        versions: visible
            .iter()
            .map(|record| VersionSummary {
                version: record.version.clone(),
                state: record.state.to_string(),
                digest: record.digest.clone(),
                contract: record.contract.clone(),
                size: record.size,
                submitted_at: record.submitted_at,
                reviewed_at: record.reviewed_at,
                review_note: record.review_note.clone(),
                yank_reason: record.yank_reason.clone(),
            })
            .collect(),
    })
}

/// Semver order, newest first; text order for a version that does not parse (none should:
/// publish stores the manifest's parsed version).
fn newer_first(a: &str, b: &str) -> Ordering {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(a), Ok(b)) => b.cmp(&a),
        _ => b.cmp(a),
    }
}
